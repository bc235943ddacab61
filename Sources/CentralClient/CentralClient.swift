import AsyncHTTPClient
@preconcurrency import Crypto
import Foundation
import NIOSSL
import NIOCore
import SyncProtocol

/// Why a call to the central store did not give an answer.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// No answer: the central store (or relay) is not reachable from here, or the connection was cut.
    case unreachable(String)
    /// The server answered with a refusal from the problem catalogue.
    case refused(status: Int, problem: Problem)

    public var description: String {
        switch self {
        case .unreachable(let why): "central store unreachable: \(why)"
        case .refused(let status, let problem): "refused (\(status)) \(problem.code.rawValue): \(problem.detail)"
        }
    }

    /// Whether trying again later can help.
    public var retryable: Bool {
        switch self {
        case .unreachable: true
        case .refused(_, let problem): problem.code.retryable
        }
    }
}

/// Who signs requests: a device id, its key, and where its counter comes from.
/// `nextCounter` must return a value above every one used before, even across restarts.
public struct RequestSigner: Sendable {
    public var device: String
    public var key: Curve25519.Signing.PrivateKey
    public var nextCounter: @Sendable () async throws -> Int64
    /// Called when the server says it has seen a higher counter (e.g. a box restored from an old copy).
    public var adoptCounter: @Sendable (Int64) async throws -> Void

    public init(device: String, key: Curve25519.Signing.PrivateKey, nextCounter: @escaping @Sendable () async throws -> Int64,
                adoptCounter: @escaping @Sendable (Int64) async throws -> Void) {
        self.device = device
        self.key = key
        self.nextCounter = nextCounter
        self.adoptCounter = adoptCounter
    }
}

/// The central store's HTTP API, as the box and a relay call it.
///
/// ```swift
/// let client = CentralClient(baseURL: URL(string: "http://127.0.0.1:8080")!)
/// let answer = try await client.upload(UploadBatch(envelopes: envelopes), signer: signer)
/// ```
public struct CentralClient: Sendable {
    public var baseURL: URL
    public var timeout: TimeAmount
    let http: HTTPClient

    /// One HTTP client for the process that never follows redirects: the protocol has none, and the
    /// dashboard's redirects are for browsers. It trusts the system's authorities and those given to `trust(caFile:)`.
    public static var sharedHTTP: HTTPClient { sharedLock.withLock { sharedClient } }

    static let sharedLock = NSLock()
    nonisolated(unsafe) static var sharedClient = HTTPClient(eventLoopGroupProvider: .singleton,
                                                             configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
    nonisolated(unsafe) static var authorities: [String] = []
    /// Clients replaced by a newer trust: kept (requests under way finish on them; an HTTPClient is never dropped unshut).
    nonisolated(unsafe) static var retired: [HTTPClient] = []

    /// Trusts, besides the system's authorities, the certificates of this PEM file (a central store with its own
    /// certificate: the box's `central_ca:`). From now on every client of this process made with the shared HTTP client.
    public static func trust(caFile: String) throws {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(caFile)
        } catch {
            throw ClientError.unreachable("\(caFile) is not a readable PEM certificate file")
        }
        guard !certificates.isEmpty else { throw ClientError.unreachable("\(caFile) holds no certificate") }
        sharedLock.withLock {
            guard !authorities.contains(caFile) else { return }
            authorities.append(caFile)
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = authorities.map { .file($0) }
            // The client it replaces stays up: requests under way finish on it.
            retired.append(sharedClient)
            sharedClient = HTTPClient(eventLoopGroupProvider: .singleton,
                                      configuration: HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow))
        }
    }

    public init(baseURL: URL, timeout: TimeAmount = .seconds(30), http: HTTPClient = CentralClient.sharedHTTP) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.http = http
    }

    /// Whether the server answers `GET /v1/health` within `timeout`.
    public func isReachable(timeout: TimeAmount = .seconds(3)) async -> Bool {
        do {
            return try await exchange("GET", "/v1/health", body: nil, timeout: timeout).status == 200
        } catch {
            return false
        }
    }

    public func enroll(_ request: EnrollRequest) async throws -> EnrollResponse {
        let data = try await call("POST", "/v1/enroll", body: try WireJSON.encode(request))
        return try decode(EnrollResponse.self, data)
    }

    /// Uploads a batch, signed. A `replayed-request` refusal (the server saw a higher counter) is answered
    /// once by adopting the server's counter and signing again.
    public func upload(_ batch: UploadBatch, signer: RequestSigner) async throws -> UploadResponse {
        let body = try WireJSON.encode(batch)
        return try decode(UploadResponse.self, try await signedCall("POST", "/v1/records", body: body, signer: signer))
    }

    /// Uploads bytes already encoded as an `UploadBatch` (a relay forwarding what it stored).
    public func upload(encodedBatch body: Data, signer: RequestSigner) async throws -> UploadResponse {
        try decode(UploadResponse.self, try await signedCall("POST", "/v1/records", body: body, signer: signer))
    }

    /// A device's public key as the central store knows it (for relays).
    public func deviceKey(_ device: String, signer: RequestSigner) async throws -> DeviceKey {
        try decode(DeviceKey.self, try await signedCall("GET", "/v1/devices/\(device)", body: Data(), signer: signer))
    }

    /// The box's sealed permanence pack (its JSON), or nil when there is none to get here: no team passphrase set at the
    /// central store, or a relay (which holds no dossiers; the pack comes when the box reaches the central store).
    public func pack(commune: String?, signer: RequestSigner) async throws -> Data? {
        var body = Data("{}".utf8)
        if let commune { body = try WireJSON.encode(["commune": commune]) }
        do {
            return try await signedCall("POST", "/v1/pack", body: body, signer: signer)
        } catch ClientError.refused(404, _) {
            return nil
        } catch ClientError.refused(_, let problem) where problem.code == .upstreamUnavailable {
            return nil
        }
    }

    /// Sends the box's audit head to be anchored; nil when the other end is a relay (it anchors nothing).
    public func anchorAudit(_ request: AuditHeadRequest, signer: RequestSigner) async throws -> AuditHeadResponse? {
        do {
            return try decode(AuditHeadResponse.self, try await signedCall("POST", "/v1/audit-head", body: try WireJSON.encode(request), signer: signer))
        } catch ClientError.refused(_, let problem) where problem.code == .upstreamUnavailable {
            return nil
        }
    }

    /// The latest signed content manifest, or nil when nothing was published.
    public func latestContent() async throws -> SignedManifest? {
        do {
            return try decode(SignedManifest.self, try await call("GET", "/v1/content/latest", body: nil))
        } catch ClientError.refused(404, _) {
            return nil
        }
    }

    /// One file of a published bundle.
    public func contentFile(version: Int, path: String) async throws -> Data {
        let escaped = path.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }.joined(separator: "/")
        return try await call("GET", "/v1/content/\(version)/files/\(escaped)", body: nil)
    }

    func signedCall(_ method: String, _ path: String, body: Data, signer: RequestSigner) async throws -> Data {
        var adopted = false
        while true {
            let counter = try await signer.nextCounter()
            let signature = try RequestSignature.sign(method: method, path: path, counter: counter, body: body, key: signer.key)
            let headers = [(RequestSignature.deviceHeader, signer.device), (RequestSignature.counterHeader, String(counter)),
                           (RequestSignature.signatureHeader, signature)]
            do {
                return try await call(method, path, body: method == "GET" ? nil : body, headers: headers)
            } catch ClientError.refused(let status, let problem) where problem.code == .replayedRequest && !adopted {
                guard let last = problem.lastCounter else { throw ClientError.refused(status: status, problem: problem) }
                try await signer.adoptCounter(last)
                adopted = true
            }
        }
    }

    func call(_ method: String, _ path: String, body: Data?, headers: [(String, String)] = []) async throws -> Data {
        let (status, data, _) = try await exchange(method, path, body: body, headers: headers)
        guard (200..<300).contains(status) else {
            let problem = (try? JSONDecoder().decode(Problem.self, from: data))
                ?? Problem(status == 404 ? .notFound : status >= 500 ? .internalError : .malformedJSON, "HTTP \(status)")
            throw ClientError.refused(status: status, problem: problem)
        }
        return data
    }

    /// Sends a request as given and returns the status and body, whatever they are (tools and tests).
    public func raw(_ method: String, _ path: String, body: Data?, headers: [(String, String)] = []) async throws -> (status: Int, body: Data) {
        let answer = try await exchange(method, path, body: body, headers: headers)
        return (answer.status, answer.body)
    }

    /// Like `raw`, with the response headers and a chosen content type (form posts in tests and tools).
    public func rawWithHeaders(_ method: String, _ path: String, body: Data?, headers: [(String, String)] = [],
                               contentType: String = "application/json") async throws -> (status: Int, body: Data, headers: [(String, String)]) {
        try await exchange(method, path, body: body, headers: headers, contentType: contentType)
    }

    /// The one place a request goes out; no answer at all is `unreachable`.
    func exchange(_ method: String, _ path: String, body: Data?, headers: [(String, String)] = [], contentType: String = "application/json",
                  timeout: TimeAmount? = nil) async throws -> (status: Int, body: Data, headers: [(String, String)]) {
        let base = baseURL.absoluteString.hasSuffix("/") ? String(baseURL.absoluteString.dropLast()) : baseURL.absoluteString
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await http.execute(request, timeout: timeout ?? self.timeout)
            let buffer = try await response.body.collect(upTo: 64 << 20)
            return (Int(response.status.code), Data(buffer.readableBytesView), response.headers.map { ($0.name, $0.value) })
        } catch {
            throw ClientError.unreachable(String(describing: error).prefix(200).description)
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw ClientError.refused(status: 200, problem: Problem(.malformedJSON, "the server's answer does not match the protocol"))
        }
    }
}
