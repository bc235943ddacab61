import Central
import CentralClient
@preconcurrency import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SyncProtocol
import TestSupport

/// A central store in this process on a live loopback port, over SQLite or PostgreSQL.
public struct LiveCentral: Sendable {
    public let service: CentralService
    public let client: CentralClient
    public let port: Int
    public var storage: any CentralStorage { service.storage }
}

public func quietLogger() -> Logger {
    var logger = Logger(label: "central-test")
    logger.logLevel = .critical
    return logger
}

/// Runs `body` against a live central store; the storage services (PostgreSQL's pool) run meanwhile.
public func withCentral<T: Sendable>(_ backend: StorageBackend, maxBodyBytes: Int = 8 << 20, clock: TestClock? = nil,
                              tls: (certificate: URL, key: URL)? = nil,
                              _ body: @escaping @Sendable (LiveCentral) async throws -> T) async throws -> T {
    let data = temporaryDirectory("central-data")
    defer { try? FileManager.default.removeItem(at: data) }
    var configuration = CentralConfiguration(dataDirectory: data, port: 0, maxBodyBytes: maxBodyBytes)
    if backend == .postgres { configuration.databaseURL = try SharedPostgres.database() }
    if let clock { configuration.clock = { clock.now } }
    configuration.tlsCertificate = tls?.certificate
    configuration.tlsKey = tls?.key
    let logger = quietLogger()
    let (storage, services) = try await openStorage(configuration, logger: logger)
    let service = try await makeService(configuration, storage: storage, logger: logger)
    let app = try buildApplication(service: service, services: services, logger: logger)
    return try await app.test(.live) { client in
        let scheme = tls == nil ? "http" : "https"
        let live = LiveCentral(service: service, client: CentralClient(baseURL: URL(string: "\(scheme)://127.0.0.1:\(client.port!)")!), port: client.port!)
        return try await body(live)
    }
}

/// A box as the central store sees it: a key, an enrolled device id, a request counter.
public final class TestBox: @unchecked Sendable {
    public let key = Curve25519.Signing.PrivateKey()
    public var device = ""
    public var recordsKey: Curve25519.KeyAgreement.PublicKey!
    public var contentKey: Curve25519.Signing.PublicKey!
    public init() {}
    private let lock = NSLock()
    private var counter: Int64 = 0
    private var sequence: Int64 = 0

    /// Enrols with a fresh token.
    public static func enrolled(at central: LiveCentral, name: String = "test box") async throws -> TestBox {
        let box = TestBox()
        let token = try await central.service.makeEnrollToken()
        let answer = try await central.client.enroll(EnrollRequest(token: token, publicKey: box.key.publicKey.rawRepresentation.base64EncodedString(), name: name))
        box.device = answer.device
        box.recordsKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: Data(base64Encoded: answer.recordsKey)!)
        box.contentKey = try Curve25519.Signing.PublicKey(rawRepresentation: Data(base64Encoded: answer.contentKey)!)
        return box
    }

    public var signer: RequestSigner {
        RequestSigner(device: device, key: key, nextCounter: { [self] in nextCounter() }, adoptCounter: { [self] in adopt($0) })
    }

    public func nextCounter() -> Int64 {
        lock.lock(); defer { lock.unlock() }
        counter += 1
        return counter
    }

    public func adopt(_ value: Int64) {
        lock.lock(); defer { lock.unlock() }
        counter = max(counter, value)
    }

    /// A sealed, signed envelope holding a small JSON record.
    public func envelope(_ record: String = #"{"day":"2026-11-23","language":"fr","answers":{},"rights":[]}"#, id: String = UUID().uuidString.lowercased()) throws -> Envelope {
        lock.lock()
        sequence += 1
        let next = sequence
        lock.unlock()
        return try Seal.seal(Data(record.utf8), id: id, device: device, kind: "permanence.visit-record", schema: 1, sequence: next,
                             createdAt: "2026-11-23T10:00:00.000Z", to: recordsKey, signingWith: key)
    }

    /// A sealed, signed envelope of any kind (a follow-up event, a call-back request).
    public func envelope(kind: String, _ record: Data, id: String = UUID().uuidString.lowercased()) throws -> Envelope {
        lock.lock()
        sequence += 1
        let next = sequence
        lock.unlock()
        return try Seal.seal(record, id: id, device: device, kind: kind, schema: 1, sequence: next,
                             createdAt: "2026-11-23T10:00:00.000Z", to: recordsKey, signingWith: key)
    }

    /// Signed headers for a raw request (for tests that send bytes the client would never send).
    public func headers(method: String = "POST", path: String = "/v1/records", body: Data, counter: Int64? = nil) throws -> [(String, String)] {
        let value = counter ?? nextCounter()
        return [(RequestSignature.deviceHeader, device), (RequestSignature.counterHeader, String(value)),
                (RequestSignature.signatureHeader, try RequestSignature.sign(method: method, path: path, counter: value, body: body, key: key))]
    }
}

/// Sends raw bytes to the live server and decodes the problem it answers with, if any.
public func rawPost(_ central: LiveCentral, path: String = "/v1/records", body: Data, headers: [(String, String)]) async throws -> (status: Int, problem: Problem?, data: Data) {
    let (status, data) = try await central.client.raw("POST", path, body: body, headers: headers)
    return (status, try? JSONDecoder().decode(Problem.self, from: data), data)
}
