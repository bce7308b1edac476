#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to stdout and stderr through C stdio, so that output is buffered when it goes to a pipe.
enum StandardStreams {
    /// A stdio stream of its own on file descriptor 1 (fully buffered on a pipe, line-buffered on a terminal);
    /// only this type writes to it. `exit` flushes it.
    private nonisolated(unsafe) static let output: UnsafeMutablePointer<FILE>? = fdopen(STDOUT_FILENO, "w")

    /// Whether stdout is a terminal (then `consume` shows a progress line).
    static var outputIsTerminal: Bool {
        isatty(STDOUT_FILENO) != 0
    }

    /// Writes `bytes` followed by a newline to stdout.
    static func writeLine(_ bytes: some Collection<UInt8>) {
        let written = bytes.withContiguousStorageIfAvailable { buffer in
            fwrite(buffer.baseAddress, 1, buffer.count, Self.output)
        }
        if written == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, Self.output) }
        }
        fputc(0x0A, Self.output)
    }

    /// Writes `text` followed by a newline to stdout.
    static func writeLine(_ text: String) {
        var text = text
        text.withUTF8 { Self.writeLine($0) }
    }

    /// Writes `text` followed by a newline to stderr.
    static func writeError(_ text: String) {
        Self.writeErrorRaw(text + "\n")
    }

    /// Writes `text` to stderr as it is, without a newline.
    static func writeErrorRaw(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(STDERR_FILENO, base + offset, buffer.count - offset)
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// Flushes stdout, so that a reader of a pipe sees what was written so far.
    static func flushOutput() {
        fflush(Self.output)
    }
}
