import AsyncHTTPClient
import Central
import CentralClient
import CentralTestSupport
import Foundation
import KioskStore
import Sync
import SyncProtocol
import TestSupport
import Testing

@Suite("Sync over HTTPS", .serialized)
struct TLSSyncTests {
    /// A self-signed certificate for 127.0.0.1, made by openssl for the test.
    static func certificate() throws -> (certificate: URL, key: URL) {
        let directory = temporaryDirectory("tls")
        let certificate = directory.appendingPathComponent("central.pem"), key = directory.appendingPathComponent("central.key")
        let made = try runProcess(URL(fileURLWithPath: "/usr/bin/openssl"), [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=permanence test central", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", key.path, "-out", certificate.path,
        ])
        guard made.status == 0 else { throw FollowUpStoreError("openssl: \(made.stderr)") }
        return (certificate, key)
    }

    @Test("central serve over TLS with a self-signed certificate: the box trusting it (its central_ca) enrols and syncs over https; a client that does not trust it, or speaks plain HTTP, gets nothing; the session cookie is Secure")
    func syncOverHTTPS() async throws {
        let (certificate, key) = try Self.certificate()
        try CentralClient.trust(caFile: certificate.path)
        try await withCentral(.sqlite, tls: (certificate, key)) { central in
            #expect(central.client.baseURL.scheme == "https")
            let box = try await TestBoxHome.provisioned(at: central)
            #expect(box.identity.enrolment.central.hasPrefix("https://"))
            try box.seed(25)
            try await box.drainUntilEmpty(box.drainer())
            #expect(try await central.storage.countEnvelopes(device: box.identity.enrolment.device) == 25)
            #expect(try box.unacknowledged == 0)

            // Plain HTTP to the TLS port, and HTTPS without trusting the certificate: no answer.
            #expect(await !CentralClient(baseURL: URL(string: "http://127.0.0.1:\(central.port)")!, timeout: .seconds(5)).isReachable())
            let untrusting = HTTPClient(eventLoopGroupProvider: .singleton)
            #expect(await !CentralClient(baseURL: central.client.baseURL, timeout: .seconds(5), http: untrusting).isReachable())
            try await untrusting.shutdown()

            _ = try await central.service.addUser(name: "coordination", password: "correct horse battery")
            let (status, _, headers) = try await central.client.rawWithHeaders("POST", "/login", body: Data("user=coordination&password=correct+horse+battery".utf8),
                                                                                 contentType: "application/x-www-form-urlencoded")
            #expect(status == 303)
            let cookie = try #require(headers.first { $0.0.lowercased() == "set-cookie" }?.1)
            #expect(cookie.contains("; Secure") && cookie.contains("HttpOnly"))
        }
    }

    @Test("Plain HTTP beyond loopback is warned about; loopback and TLS are not")
    func plainHTTPWarning() {
        #expect(CentralConfiguration.plainHTTPWarning(host: "0.0.0.0", tls: false)?.contains("without TLS") == true)
        #expect(CentralConfiguration.plainHTTPWarning(host: "192.168.1.20", tls: false) != nil)
        #expect(CentralConfiguration.plainHTTPWarning(host: "::", tls: false) != nil)
        #expect(CentralConfiguration.plainHTTPWarning(host: "127.0.0.1", tls: false) == nil)
        #expect(CentralConfiguration.plainHTTPWarning(host: "127.0.0.2", tls: false) == nil)
        #expect(CentralConfiguration.plainHTTPWarning(host: "::1", tls: false) == nil)
        #expect(CentralConfiguration.plainHTTPWarning(host: "localhost", tls: false) == nil)
        #expect(CentralConfiguration.plainHTTPWarning(host: "0.0.0.0", tls: true) == nil)
    }
}
