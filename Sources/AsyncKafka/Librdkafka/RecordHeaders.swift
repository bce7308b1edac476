import CRdKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cheap answer to "does this consumed record have headers?", which spares most messages
/// librdkafka's header parse. A trick, fenced in this file.
///
/// `rd_kafka_message_headers` allocates and frees a parse buffer for every message of the v2
/// record format, even for the usual zero headers. In that format (KIP-98) a record's value is
/// immediately followed by its header count (a zigzag varint, `0x00` for none), and librdkafka
/// 1.x and 2.x hand out the value as a pointer into the fetched record (zero-copy). So the
/// byte after the value tells: `0x00` means no headers; anything else goes to librdkafka's
/// parser, which decides.
///
/// Invariants:
/// - The byte read is readable: it is in the same memory page as the value's last byte. A
///   value that ends exactly at a page boundary, a missing value and an empty one (whose
///   pointer librdkafka may take from elsewhere) go to the parser.
/// - A wrong "none" is impossible in the v2 format; the older formats (v0, v1) have no
///   headers at all, so "none" is right there whatever the byte holds (which may then lie
///   past librdkafka's buffer, in the same page); any other byte only costs the parser's call.
/// - Gated to librdkafka before 3.0 (`zeroCopyValues`): a later version could copy values out
///   of the record; then every message goes to the parser.
///
/// Justified by the benchmark's `consume` rows (Swift for-await against C `batch_queue`);
/// with every message sent to the parser they drop by about a fifth.
enum RecordHeaders {
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    /// librdkafka versions known to hand out values as pointers into the fetched records.
    private static let zeroCopyValues = Librdkafka.version < 0x0300_0000

    @inline(__always)
    static func certainlyNone(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> Bool {
        // An empty value need not point into the record at all.
        guard Self.zeroCopyValues, let value = message.pointee.payload, message.pointee.len > 0 else { return false }
        let end = value + message.pointee.len
        guard Int(bitPattern: end) % Self.pageSize != 0 else { return false }
        return end.load(as: UInt8.self) == 0
    }
}
