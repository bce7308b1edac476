#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a consumed message's key or value.
///
/// A consumer copies the keys and values of a whole batch of messages into one
/// shared, immutable buffer; each `KafkaBytes` is a view of its part of that
/// buffer, which lives as long as any view of it. That makes consuming cost one
/// allocation per batch instead of one or two per message.
///
/// `KafkaBytes` is a `RandomAccessCollection` of `UInt8`: use `Array(bytes)`,
/// `String(decoding: bytes, as: UTF8.self)`, ``withUnsafeBytes(_:)``, or compare
/// it with an array literal.
public struct KafkaBytes: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral, CustomStringConvertible {
    @usableFromInline let storage: KafkaBytesStorage
    @usableFromInline let start: Int
    /// The number of bytes.
    public let count: Int

    init(storage: KafkaBytesStorage, start: Int, count: Int) {
        self.storage = storage
        self.start = start
        self.count = count
    }

    /// Copies `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        let storage = KafkaBytesStorage(capacity: array.count)
        array.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress { memcpy(storage.base, base, buffer.count) }
        }
        self.init(storage: storage, start: 0, count: array.count)
    }

    /// Copies the bytes of an array literal.
    public init(arrayLiteral elements: UInt8...) {
        self.init(elements)
    }

    /// The position of the first byte: always 0.
    public var startIndex: Int { 0 }
    /// One past the position of the last byte: ``count``.
    public var endIndex: Int { self.count }

    /// The byte at `position`.
    @inlinable
    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < self.count, "KafkaBytes index out of range")
        return self.storage.base.load(fromByteOffset: self.start + position, as: UInt8.self)
    }

    /// Calls `body` with the bytes, without copying them. The pointer is valid only during the call.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: self.storage.base + self.start, count: self.count))
    }

    /// Gives `Array(bytes)`, `String(decoding:as:)` and other copies a fast path.
    public func withContiguousStorageIfAvailable<Result>(
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result? {
        let base = (self.storage.base + self.start).assumingMemoryBound(to: UInt8.self)
        return try body(UnsafeBufferPointer(start: base, count: self.count))
    }

    /// Whether both hold the same bytes.
    public static func == (lhs: KafkaBytes, rhs: KafkaBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }

    /// Hashes the bytes.
    public func hash(into hasher: inout Hasher) {
        self.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The bytes as UTF-8 text when they are valid UTF-8, else their count.
    public var description: String {
        self.utf8String ?? "<\(self.count) bytes>"
    }

    /// The bytes decoded as UTF-8, or `nil` when they are not valid UTF-8.
    public var utf8String: String? {
        self.withContiguousStorageIfAvailable { String(validating: $0, as: UTF8.self) } ?? nil
    }
}

/// An immutable byte buffer shared by the ``KafkaBytes`` views of one batch.
@usableFromInline
final class KafkaBytesStorage: @unchecked Sendable {
    /// The first byte. Written only while the batch is built, before the storage is shared.
    @usableFromInline let base: UnsafeMutableRawPointer

    init(capacity: Int) {
        self.base = .allocate(byteCount: max(capacity, 1), alignment: 16)
    }

    deinit {
        self.base.deallocate()
    }
}
