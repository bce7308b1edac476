import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Integration {
    /// `stunnel` (Debian's stunnel4), which terminates TLS in front of Tansu: this Tansu build's own
    /// `--cert`/`--key` do not give working TLS.
    static let stunnelBinary: String? = ProcessInfo.processInfo.environment["ASYNCKAFKA_STUNNEL_BIN"].flatMap { $0.isEmpty ? nil : $0 }
    static let opensslBinary: String = ProcessInfo.processInfo.environment["ASYNCKAFKA_OPENSSL_BIN"] ?? "/usr/bin/openssl"

    static var canRunTLS: Bool {
        Self.canStartBrokers && Self.stunnelBinary != nil && access(Self.opensslBinary, X_OK) == 0
    }
}

/// Certificates made with `openssl` once per test run, in a temporary folder:
/// - `ca.pem`: the CA that signs everything below; `otherca.pem`: an unrelated CA;
/// - `server`: SAN `DNS:localhost, IP:127.0.0.1`; `otherhost`: SAN `DNS:broker.invalid`;
///   `expired`: SAN as `server`, valid in January 2020 only;
/// - `client`: a client certificate; `client-encrypted.key`: its key encrypted with ``keyPassword``.
struct TestCertificates: Sendable {
    let folder: String
    /// The encrypted client key's password: a canary that must never show up in logs or errors.
    let keyPassword: String

    func path(_ name: String) -> String { self.folder + "/" + name }

    static let shared = Task { try await TestCertificates.make() }

    private static func make() async throws -> TestCertificates {
        let folder = NSTemporaryDirectory() + "asynckafka-tls-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let password = "canary-\(UUID().uuidString)"
        let log = folder + "/openssl.log"
        let process = try ExternalProcess(
            executable: "/bin/sh",
            arguments: ["-c", Self.script, "certificates", folder, password, Integration.opensslBinary],
            logPath: log
        )
        let status = await process.exitStatus(within: .seconds(60))
        guard status == 0 else {
            throw CertificateFailure(log: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }
        return TestCertificates(folder: folder, keyPassword: password)
    }

    struct CertificateFailure: Error, CustomStringConvertible {
        let log: String
        var description: String { "openssl could not make the test certificates: \(self.log)" }
    }

    private static let script = #"""
        set -eu
        cd "$1"
        password="$2"
        openssl="$3"
        for ca in ca otherca; do
            "$openssl" req -x509 -newkey rsa:2048 -nodes -keyout $ca.key -out $ca.pem -days 30 -subj "/CN=AsyncKafka test $ca"
        done
        # leaf NAME SAN [START END]: a key and a certificate signed by ca.pem, valid for 30 days
        # from now, or from START to END.
        leaf() {
            "$openssl" req -newkey rsa:2048 -nodes -keyout $1.key -out $1.csr -subj "/CN=$1"
            printf 'subjectAltName=%s\n' "$2" > $1.ext
            if [ $# -ge 4 ]; then
                mkdir -p ca-db && : > ca-db/index.txt && echo 01 > ca-db/serial
                printf '[ca]\ndefault_ca=test\n[test]\ndatabase=ca-db/index.txt\nserial=ca-db/serial\nnew_certs_dir=ca-db\ndefault_md=sha256\npolicy=any\n[any]\ncommonName=supplied\n' > ca.cnf
                "$openssl" ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in $1.csr -out $1.pem \
                    -startdate "$3" -enddate "$4" -extfile $1.ext -notext
            else
                "$openssl" x509 -req -in $1.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $1.pem -days 30 -extfile $1.ext
            fi
        }
        leaf server "DNS:localhost,IP:127.0.0.1"
        leaf otherhost "DNS:broker.invalid"
        leaf expired "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20200201000000Z
        leaf client "DNS:client"
        "$openssl" pkey -in client.key -out client-encrypted.key -aes256 -passout "pass:$password"
        """#
}

/// A Tansu broker behind stunnel: Tansu listens in plaintext on a port of its own and advertises
/// stunnel's port, where stunnel accepts TLS with `certificate` (and, with `requireClientCertificate`,
/// only clients with a certificate signed by the test CA).
final class TLSBroker: StoppableBroker {
    let tansu: TansuBroker
    let tlsPort: Int
    private let stunnel: ExternalProcess
    private let configPath: String

    var bootstrapServers: String { "127.0.0.1:\(self.tlsPort)" }

    init(certificates: TestCertificates, certificate: String = "server", requireClientCertificate: Bool = false) async throws {
        let tlsPort = try freeLoopbackPort()
        let tansu = try await TansuBroker(advertisedPort: tlsPort)
        var config = """
            foreground = yes
            pid =
            [kafka]
            accept = 127.0.0.1:\(tlsPort)
            connect = 127.0.0.1:\(tansu.port)
            cert = \(certificates.path("\(certificate).pem"))
            key = \(certificates.path("\(certificate).key"))

            """
        if requireClientCertificate {
            config += "verifyChain = yes\nCAfile = \(certificates.path("ca.pem"))\nrequireCert = yes\n"
        }
        let configPath = certificates.path("stunnel-\(tlsPort).conf")
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let stunnel: ExternalProcess
        do {
            stunnel = try ExternalProcess(executable: Integration.stunnelBinary!, arguments: [configPath], logPath: configPath + ".log")
            try await eventually(within: .seconds(20), "stunnel accepting connections on port \(tlsPort)") {
                acceptsConnections(port: tlsPort)
            }
        } catch {
            await tansu.stop()
            throw error
        }
        self.tansu = tansu
        self.tlsPort = tlsPort
        self.stunnel = stunnel
        self.configPath = configPath
    }

    func stop() async {
        self.stunnel.send(signal: SIGKILL)
        _ = await self.stunnel.exitStatus()
        await self.tansu.stop()
        unlink(self.configPath)
        unlink(self.configPath + ".log")
    }
}

/// A swift-log handler that keeps every line with its metadata, so tests can assert on what a
/// client logged (the reason behind a connection failure, the absence of a secret).
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let metadata = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        let line = "\(event.level) \(event.message) \(metadata)"
        self.lines.withLock { $0.append(line) }
    }

    var captured: [String] { self.lines.withLock { $0 } }
    var text: String { self.captured.joined(separator: "\n") }

    var logger: Logger { Logger(label: "AsyncKafka.IntegrationTests") { _ in self } }
}
