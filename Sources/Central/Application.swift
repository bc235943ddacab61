import CentralClient
@preconcurrency import Crypto
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import NIOCore
import Logging
import PostgresNIO
import ServiceLifecycle
import SyncProtocol

/// The central store's request context: Hummingbird's basic one, with the client's address (what login and enrolment
/// throttling count by, besides the account).
public struct CentralRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
    /// The client's IP address as a string ("unknown" when the socket has none).
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}

/// Anything that is not a `Problem` or an `HTTPError` becomes `internal-error` (logged, details kept out of the answer).
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = CentralRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            if let http = error as? HTTPError {
                let code: ProblemCode = switch http.status.code {
                case 404: .notFound
                case 413: .bodyTooLarge
                case 401: .missingSignature
                default: .malformedJSON
                }
                return try Problem(code, http.body ?? http.status.reasonPhrase).response(from: request, context: context)
            }
            throw error
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(describing: error).prefix(300))"])
            return try Problem(.internalError, "the server could not answer; try again later").response(from: request, context: context)
        }
    }
}

/// A relay's forwarding loop, run beside the server.
struct RelayForwarder: Service {
    let service: CentralService
    let interval: Duration

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let forwarded = try await service.forwardPending()
                if forwarded > 0 { service.logger.info("forwarded upstream", metadata: ["envelopes": "\(forwarded)"]) }
            } catch {
                service.logger.notice("upstream not reachable; will retry", metadata: ["error": "\(String(describing: error).prefix(200))"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// Opens the storage a configuration names: SQLite in the data directory, or PostgreSQL from a URL.
/// The returned services must run (PostgreSQL's connection pool) for the storage to answer.
public func openStorage(_ configuration: CentralConfiguration, logger: Logger) async throws -> (storage: any CentralStorage, services: [any Service]) {
    try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
    if let url = configuration.databaseURL {
        let storage = try PostgresStorage(url: url, logger: logger)
        return (storage, [storage.client])
    }
    let storage = try SQLiteStorage(path: configuration.dataDirectory.appendingPathComponent("central.sqlite").path)
    return (storage, [])
}

/// Builds the service (keys, storage, relay identity) for a configuration.
public func makeService(_ configuration: CentralConfiguration, storage: any CentralStorage, logger: Logger,
                        createKeys: Bool = true) async throws -> CentralService {
    let keys = try CentralKeys.loadOrCreate(in: configuration.dataDirectory, recordsKey: configuration.recordsKeyPath, create: createKeys)
    guard let upstream = configuration.relayTo else {
        return CentralService(configuration: configuration, storage: storage, keys: keys, logger: logger)
    }
    let client = CentralClient(baseURL: upstream)
    let identity = try await RelayEnrolment.loadOrEnroll(configuration: configuration, client: client)
    guard let records = Data(base64Encoded: identity.identity.recordsKey).flatMap({ try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: $0) }),
          let content = Data(base64Encoded: identity.identity.contentKey).flatMap({ try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }) else {
        throw Problem(.internalError, "relay.json holds unusable upstream keys")
    }
    let relayKeys = CentralKeys(records: nil, recordsPublic: records, content: nil, contentPublic: content)
    return CentralService(configuration: configuration, storage: storage, keys: relayKeys,
                          relay: (identity.identity, identity.key, client), logger: logger)
}

/// A relay's enrolment at its upstream: done once with `--relay-token`, kept in the data directory.
enum RelayEnrolment {
    static func loadOrEnroll(configuration: CentralConfiguration, client: CentralClient) async throws -> (identity: RelayIdentity, key: Curve25519.Signing.PrivateKey) {
        let keyURL = configuration.dataDirectory.appendingPathComponent("keys/relay.key")
        let identityURL = configuration.dataDirectory.appendingPathComponent("relay.json")
        if let data = FileManager.default.contents(atPath: identityURL.path) {
            return (try WireJSON.decode(RelayIdentity.self, from: data), try KeyFile.signingKey(keyURL))
        }
        guard let token = configuration.relayToken else {
            throw Problem(.invalidToken, "this relay is not enrolled upstream yet: give --relay-token (from `central enroll-token` upstream)")
        }
        let key = Curve25519.Signing.PrivateKey()
        let answer = try await client.enroll(EnrollRequest(token: token, publicKey: key.publicKey.rawRepresentation.base64EncodedString(),
                                                           name: "relay", kind: "relay"))
        try KeyFile.write(key.rawRepresentation, to: keyURL)
        let identity = RelayIdentity(upstream: client.baseURL.absoluteString, device: answer.device,
                                     recordsKey: answer.recordsKey, contentKey: answer.contentKey)
        try WireJSON.encode(identity).write(to: identityURL, options: .atomic)
        return (identity, key)
    }
}

/// The one application builder `central serve` and the tests use.
///
/// ```swift
/// let app = try await buildApplication(CentralConfiguration(dataDirectory: dir, port: 0))
/// try await app.runService()
/// ```
public func buildApplication(_ configuration: CentralConfiguration, logger: Logger = Logger(label: "central"),
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
    let (storage, storageServices) = try await openStorage(configuration, logger: logger)
    // Making the service touches no storage (keys and the relay's enrolment are files), so PostgreSQL's pool
    // can start with the application (a PostgresClient runs once).
    let service = try await makeService(configuration, storage: storage, logger: logger)
    return try buildApplication(service: service, services: storageServices, logger: logger, onServerRunning: onServerRunning)
}

/// The application around an existing service (tests that share a service with their assertions).
public func buildApplication(service: CentralService, services: [any Service] = [], logger: Logger = Logger(label: "central"),
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
    let router = Router(context: CentralRequestContext.self)
    router.add(middleware: ProblemMiddleware(logger: logger))
    Routes.add(to: router, service: service)
    if !service.isRelay { DashboardRoutes.add(to: router, service: service) }
    var all = services
    if service.isRelay { all.append(RelayForwarder(service: service, interval: service.configuration.forwardInterval)) }
    return Application(router: router,
                       server: try serverBuilder(service.configuration),
                       configuration: .init(address: .hostname(service.configuration.host, port: service.configuration.port), serverName: "permanence-central"),
                       services: all,
                       onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                       logger: logger)
}

/// HTTP/1.1, over TLS when the configuration gives a certificate and its key (each checked, named when unreadable).
func serverBuilder(_ configuration: CentralConfiguration) throws -> HTTPServerBuilder {
    guard let certificate = configuration.tlsCertificate, let key = configuration.tlsKey else { return .http1() }
    let chain: [NIOSSLCertificate]
    do {
        chain = try NIOSSLCertificate.fromPEMFile(certificate.path)
    } catch {
        throw Problem(.internalError, "--tls-cert \(certificate.path) is not a readable PEM certificate")
    }
    guard !chain.isEmpty else { throw Problem(.internalError, "--tls-cert \(certificate.path) holds no certificate") }
    let privateKey: NIOSSLPrivateKey
    do {
        privateKey = try NIOSSLPrivateKey(file: key.path, format: .pem)
    } catch {
        throw Problem(.internalError, "--tls-key \(key.path) is not a readable PEM private key")
    }
    let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    return try .tls(.http1(), tlsConfiguration: tls)
}

/// Runs `body` while the given services (a PostgreSQL pool) run, then stops them.
public func withPostgresRunning<T: Sendable>(_ services: [any Service], _ body: @Sendable () async throws -> T) async throws -> T {
    if services.isEmpty { return try await body() }
    return try await withThrowingTaskGroup(of: T?.self) { group in
        for service in services { group.addTask { try await service.run(); return nil } }
        defer { group.cancelAll() }
        return try await body()
    }
}
