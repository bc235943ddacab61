import CentralClient
@preconcurrency import Crypto
import FollowUp
import Foundation
import Logging
import SyncProtocol

/// How a central store (or a relay) runs.
public struct CentralConfiguration: Sendable {
    /// Keys, the SQLite database, published content.
    public var dataDirectory: URL
    /// `postgres://user@host:port/database` to keep envelopes in PostgreSQL instead of SQLite.
    public var databaseURL: String?
    public var host: String
    /// 0 picks a free port (printed when serving).
    public var port: Int
    /// When set, this server is a relay: it stores what it cannot read and forwards it there.
    public var relayTo: URL?
    /// The enrolment token a relay uses the first time it talks to its upstream.
    public var relayToken: String?
    /// Largest request body accepted (413 above).
    public var maxBodyBytes: Int
    /// How often a relay tries to forward.
    public var forwardInterval: Duration
    /// The records private key's file, when not `DATA/keys/records.key`.
    public var recordsKeyPath: URL?
    /// The server's clock (reception times, token expiry). Injected in tests.
    public var clock: @Sendable () -> Date
    /// An open follow-up dossier without activity this many months closes by itself.
    public var dossierInactivityMonths = 12
    /// PEM files of the server's certificate chain and private key: HTTPS, and the session cookie `Secure`.
    public var tlsCertificate: URL?
    public var tlsKey: URL?
    public var servesTLS: Bool { tlsCertificate != nil && tlsKey != nil }

    /// What `central serve` says when it listens beyond loopback in plain HTTP (nil on loopback or with TLS).
    public static func plainHTTPWarning(host: String, tls: Bool) -> String? {
        if tls || host == "localhost" || host == "::1" || host.hasPrefix("127.") { return nil }
        return "listening on \(host) without TLS: dashboard passwords and sessions cross the network in clear. "
            + "Give --tls-cert and --tls-key (or listen on 127.0.0.1 behind a TLS proxy)."
    }

    public init(dataDirectory: URL, databaseURL: String? = nil, host: String = "127.0.0.1", port: Int = 8080,
                relayTo: URL? = nil, relayToken: String? = nil, maxBodyBytes: Int = 8 << 20,
                forwardInterval: Duration = .seconds(2), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.host = host
        self.port = port
        self.relayTo = relayTo
        self.relayToken = relayToken
        self.maxBodyBytes = maxBodyBytes
        self.forwardInterval = forwardInterval
        self.clock = clock
        self.recordsKeyPath = nil
    }
}

/// The central store's keys, in `DATA/keys/` (mode 0600 files in a 0700 directory), made on first start.
public struct CentralKeys: Sendable {
    /// Opens records. Absent on a relay: a relay never reads what it carries.
    public var records: Curve25519.KeyAgreement.PrivateKey?
    public var recordsPublic: Curve25519.KeyAgreement.PublicKey
    /// Signs content bundles (absent on a relay).
    public var content: Curve25519.Signing.PrivateKey?
    public var contentPublic: Curve25519.Signing.PublicKey

    /// Loads the keys, making them the first time when `create` (the server; command-line tools that do
    /// not need a key never make one, so a stray key cannot shadow one kept elsewhere). `recordsKey` names a
    /// records key kept elsewhere (an encrypted volume, a removable medium): it must exist and be readable
    /// by its owner only.
    public static func loadOrCreate(in data: URL, recordsKey: URL? = nil, create: Bool = true) throws -> CentralKeys {
        let keys = data.appendingPathComponent("keys")
        let recordsURL = recordsKey ?? keys.appendingPathComponent("records.key")
        if let recordsKey {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: recordsKey.path) else {
                throw Problem(.internalError, "the records key \(recordsKey.path) does not exist")
            }
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw Problem(.internalError, "the records key \(recordsKey.path) is readable by others (mode \(String(mode, radix: 8))): chmod 600 it")
            }
        }
        let contentURL = keys.appendingPathComponent("content.key")
        let fm = FileManager.default
        if create, recordsKey == nil, !fm.fileExists(atPath: recordsURL.path) {
            try KeyFile.write(Curve25519.KeyAgreement.PrivateKey().rawRepresentation, to: recordsURL)
        }
        if create, !fm.fileExists(atPath: contentURL.path) {
            try KeyFile.write(Curve25519.Signing.PrivateKey().rawRepresentation, to: contentURL)
        }
        // Without a key file (tools that do not need it), the public halves are placeholders never shown.
        let records = fm.fileExists(atPath: recordsURL.path) ? try KeyFile.agreementKey(recordsURL) : nil
        let content = fm.fileExists(atPath: contentURL.path) ? try KeyFile.signingKey(contentURL) : nil
        return CentralKeys(records: records, recordsPublic: (records ?? Curve25519.KeyAgreement.PrivateKey()).publicKey,
                           content: content, contentPublic: (content ?? Curve25519.Signing.PrivateKey()).publicKey)
    }
}

/// A relay's own identity at its upstream, in `DATA/keys/relay.key` and `DATA/relay.json`.
public struct RelayIdentity: Codable, Sendable {
    public var upstream: String
    public var device: String
    public var recordsKey: String
    public var contentKey: String
}

/// What the central store does, independent of HTTP: the routes, `central import` and the CLI call it.
public final class CentralService: Sendable {
    public let configuration: CentralConfiguration
    public let storage: any CentralStorage
    public let keys: CentralKeys
    let relay: (identity: RelayIdentity, key: Curve25519.Signing.PrivateKey, client: CentralClient)?
    let logger: Logger

    public init(configuration: CentralConfiguration, storage: any CentralStorage, keys: CentralKeys,
                relay: (identity: RelayIdentity, key: Curve25519.Signing.PrivateKey, client: CentralClient)? = nil,
                logger: Logger = Logger(label: "central")) {
        self.configuration = configuration
        self.storage = storage
        self.keys = keys
        self.relay = relay
        self.logger = logger
    }

    var now: String { Timestamp.string(configuration.clock()) }
    public var isRelay: Bool { relay != nil }

    // MARK: Enrolment

    /// Makes a one-time enrolment token, valid for `validity`. Only its hash is stored.
    public func makeEnrollToken(validity: TimeInterval = 7 * 24 * 3600) async throws -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        // Groups of four from an alphabet without look-alikes, easy to type at a console.
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var value = bytes.reduce(into: [Character]()) { $0.append(alphabet[Int($1) % alphabet.count]) }
        value = Array(value.prefix(16))
        let token = stride(from: 0, to: 16, by: 4).map { String(value[$0..<$0 + 4]) }.joined(separator: "-")
        let created = configuration.clock()
        try await storage.addToken(hash: Self.tokenHash(token), createdAt: Timestamp.string(created),
                                   expiresAt: Timestamp.string(created.addingTimeInterval(validity)))
        return token
    }

    static func tokenHash(_ token: String) -> String {
        Hex.sha256(Data(token.uppercased().filter { $0.isLetter || $0.isNumber }.utf8))
    }

    /// Enrols a device with a one-time token. On a relay, the enrolment goes upstream and the relay
    /// remembers the device it made.
    public func enroll(_ request: EnrollRequest) async throws -> EnrollResponse {
        guard let raw = Data(base64Encoded: request.publicKey), let _ = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw Problem(.malformedJSON, "publicKey is not a base64 Ed25519 public key")
        }
        let kind = request.kind ?? "box"
        guard kind == "box" || kind == "relay" else { throw Problem(.malformedJSON, "kind must be 'box' or 'relay'") }
        if let relay {
            let answer: EnrollResponse
            do {
                answer = try await relay.client.enroll(request)
            } catch ClientError.refused(_, let problem) {
                throw problem
            } catch {
                throw Problem(.upstreamUnavailable, "the upstream central store is not reachable; try again later")
            }
            try await storage.rememberDevice(DeviceRecord(id: answer.device, publicKey: request.publicKey, kind: kind,
                                                          name: request.name, enrolledAt: now))
            return answer
        }
        let device = DeviceRecord(id: UUID().uuidString.lowercased(), publicKey: request.publicKey, kind: kind,
                                  name: request.name.map { String($0.prefix(100)) }, enrolledAt: now)
        guard try await storage.enroll(tokenHash: Self.tokenHash(request.token), now: now, device: device) else {
            throw Problem(.invalidToken, "the enrolment token is unknown, expired or already used")
        }
        logger.info("device enrolled", metadata: ["device": "\(device.id)", "kind": "\(kind)"])
        return EnrollResponse(device: device.id, recordsKey: keys.recordsPublic.rawRepresentation.base64EncodedString(),
                              contentKey: keys.contentPublic.rawRepresentation.base64EncodedString(), centralTime: now)
    }

    // MARK: Authentication

    /// A device, looked up locally, or (on a relay) asked of the upstream and remembered.
    func knownDevice(_ id: String) async throws -> DeviceRecord? {
        if let device = try await storage.device(id) { return device }
        guard let relay, id.count <= 64 else { return nil }
        do {
            let key = try await relay.client.deviceKey(id, signer: relaySigner(relay))
            let device = DeviceRecord(id: key.device, publicKey: key.publicKey, kind: "box", name: nil, enrolledAt: now,
                                      revokedAt: key.revoked ? now : nil)
            try await storage.rememberDevice(device)
            return device
        } catch ClientError.refused(_, let problem) where problem.code == .unknownDevice || problem.code == .notFound {
            return nil
        } catch {
            throw Problem(.upstreamUnavailable, "device \(id) is not known here and the upstream is not reachable")
        }
    }

    /// Checks a signed request: known, not revoked, signature over method/path/counter/body, counter above the last.
    public func authenticate(method: String, path: String, device: String?, counter: String?, signature: String?, body: Data) async throws -> DeviceRecord {
        guard let device, let counterText = counter, let signature else {
            throw Problem(.missingSignature, "the request is not signed (\(RequestSignature.deviceHeader), \(RequestSignature.counterHeader), \(RequestSignature.signatureHeader))")
        }
        guard let counter = Int64(counterText), counter > 0 else { throw Problem(.badSignature, "the counter is not a positive integer") }
        guard let record = try await knownDevice(device) else { throw Problem(.unknownDevice, "device \(device.prefix(64)) is not enrolled here") }
        guard record.revokedAt == nil else { throw Problem(.revokedDevice, "device \(device) was revoked") }
        guard let raw = Data(base64Encoded: record.publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
              RequestSignature.verify(method: method, path: path, counter: counter, body: body, signature: signature, key: key) else {
            throw Problem(.badSignature, "the request signature does not match device \(device)")
        }
        let (accepted, last) = try await storage.advanceCounter(device: device, to: counter, at: now)
        guard accepted else { throw Problem(.replayedRequest, "counter \(counter) is not above \(last): replayed or out-of-order request", lastCounter: last) }
        return record
    }

    // MARK: Records

    /// Checks, opens (on the central store) and stores a batch. Envelopes that fail a check are refused
    /// with their code and not stored; the rest are stored in one transaction.
    public func ingest(_ batch: UploadBatch, from uploader: DeviceRecord?) async throws -> UploadResponse {
        guard batch.envelopes.count <= UploadBatch.maxEnvelopes else {
            throw Problem(.batchTooLarge, "a batch holds at most \(UploadBatch.maxEnvelopes) envelopes, this one \(batch.envelopes.count)")
        }
        var keyCache: [String: Result<Curve25519.Signing.PublicKey, Problem>] = [:]
        for envelope in batch.envelopes where keyCache[envelope.device] == nil && envelope.device.count <= 64 {
            keyCache[envelope.device] = try await signingKey(of: envelope.device)
        }
        let checked = try await check(batch.envelopes, uploader: uploader, keys: keyCache)
        var results = [EnvelopeResult?](repeating: nil, count: batch.envelopes.count)
        var toStore: [(index: Int, item: IncomingEnvelope)] = []
        var seen: [String: Int] = [:]
        for (index, outcome) in checked.enumerated() {
            switch outcome {
            case .failure(let problem):
                results[index] = EnvelopeResult(id: batch.envelopes[index].id, status: .refused, problem: problem)
            case .success(let item):
                if let first = seen[item.envelope.id] {
                    // The same id twice in one batch: the second is a duplicate or a conflict of the first.
                    let same = toStore.first { $0.index == first }?.item.fingerprint == item.fingerprint
                    results[index] = same ? EnvelopeResult(id: item.envelope.id, status: .duplicate)
                        : EnvelopeResult(id: item.envelope.id, status: .refused, problem: Problem(.conflictingEnvelope, "envelope \(item.envelope.id) appears twice with different content"))
                } else {
                    seen[item.envelope.id] = index
                    toStore.append((index, item))
                }
            }
        }
        // What each superseded record counted for: from this batch, or opened again from the store.
        if toStore.contains(where: { $0.item.supersedes != nil }) {
            let inBatch = Dictionary(toStore.map { ($0.item.envelope.id, $0.item) }, uniquingKeysWith: { first, _ in first })
            for position in toStore.indices {
                guard let replaced = toStore[position].item.supersedes else { continue }
                let device = toStore[position].item.envelope.device
                if let earlier = inBatch[replaced.id] {
                    if earlier.envelope.device == device { toStore[position].item.supersedes?.stats = earlier.stats }
                } else if let stats = try await storedStats(replaced.id, device: device) {
                    toStore[position].item.supersedes?.stats = stats
                }
            }
        }
        let receivedAt = now
        if !toStore.isEmpty {
            let outcomes: [StoreOutcome]
            do {
                outcomes = try await storage.store(toStore.map(\.item), receivedAt: receivedAt)
            } catch {
                logger.error("storing a batch failed", metadata: ["error": "\(error)"])
                throw Problem(.storageUnavailable, "the batch could not be stored; nothing was kept, send it again")
            }
            // Follow-up events, in the order they came: each in its own transaction (one stopped in between is applied
            // again by applyPendingFollowUps, from its stored envelope).
            for (entry, outcome) in zip(toStore, outcomes) where outcome == .accepted {
                guard let event = entry.item.followUp else { continue }
                do {
                    try await applyFollowUp(event, envelope: entry.item.envelope.id, device: entry.item.envelope.device)
                } catch {
                    logger.error("a follow-up event could not be applied yet", metadata: ["envelope": "\(entry.item.envelope.id)", "error": "\(type(of: error))"])
                }
            }
            for (entry, outcome) in zip(toStore, outcomes) {
                let id = entry.item.envelope.id
                switch outcome {
                case .accepted: results[entry.index] = EnvelopeResult(id: id, status: .accepted)
                case .duplicate: results[entry.index] = EnvelopeResult(id: id, status: .duplicate)
                case .conflict: results[entry.index] = EnvelopeResult(id: id, status: .refused,
                                                                      problem: Problem(.conflictingEnvelope, "envelope \(id) is already stored with a different content"))
                }
            }
        }
        return UploadResponse(results: results.map { $0! }, receivedAt: receivedAt)
    }

    /// What a stored record of this device counted for, opened again; nil when it is not here (yet) or not readable.
    func storedStats(_ id: String, device: String) async throws -> [StatKey]? {
        guard let recordsKey = keys.records, let body = try await storage.envelopeBody(id: id),
              let envelope = try? JSONDecoder().decode(Envelope.self, from: body), envelope.device == device,
              let plaintext = try? Seal.open(envelope, with: recordsKey) else { return nil }
        return StatExtraction.keys(kind: envelope.kind, payload: plaintext)
    }

    func signingKey(of device: String) async throws -> Result<Curve25519.Signing.PublicKey, Problem> {
        guard let record = try await knownDevice(device) else { return .failure(Problem(.unknownDevice, "device \(device) is not enrolled here")) }
        guard record.revokedAt == nil else { return .failure(Problem(.revokedDevice, "device \(device) was revoked")) }
        guard let raw = Data(base64Encoded: record.publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            return .failure(Problem(.internalError, "device \(device) has an unusable key"))
        }
        return .success(key)
    }

    /// Verifies and opens envelopes, spread over the machine's cores for large batches.
    func check(_ envelopes: [Envelope], uploader: DeviceRecord?, keys: [String: Result<Curve25519.Signing.PublicKey, Problem>]) async throws -> [Result<IncomingEnvelope, Problem>] {
        let recordsKey = self.keys.records
        let opens = relay == nil
        if opens && recordsKey == nil {
            throw Problem(.storageUnavailable, "the records key is missing here: records cannot be opened (give --records-key)")
        }
        let via = uploader?.id ?? "import"
        let uploaderIsBox = uploader?.kind == "box"
        let one: @Sendable (Envelope) -> Result<IncomingEnvelope, Problem> = { envelope in
            do {
                try Seal.validateShape(envelope)
                if uploaderIsBox, let uploader, envelope.device != uploader.id {
                    throw Problem(.deviceMismatch, "envelope \(envelope.id) belongs to another device than the one sending it")
                }
                guard let key = keys[envelope.device] else { throw Problem(.unknownDevice, "device of envelope \(envelope.id) is not enrolled here") }
                let signer = try key.get()
                let signedBytes = Seal.signedBytes(envelope)
                guard Seal.verify(envelope, signedBy: signer, bytes: signedBytes) else {
                    throw Problem(.badEnvelopeSignature, "envelope \(envelope.id) was altered or not signed by its device")
                }
                var stats: [StatKey] = []
                var supersedes: Supersession?
                var followUp: FollowUpEvent?
                if opens, let recordsKey {
                    let plaintext = try Seal.open(envelope, with: recordsKey)
                    if envelope.kind == FollowUpEvent.kind {
                        guard let event = try? JSONDecoder().decode(FollowUpEvent.self, from: plaintext) else {
                            throw Problem(.invalidEnvelope, "envelope \(envelope.id) does not hold a follow-up event")
                        }
                        if let problem = FollowUpLedger.validate(event) {
                            throw Problem(.invalidEnvelope, "envelope \(envelope.id): follow-up event: \(problem)")
                        }
                        followUp = event
                    }
                    guard let record = (try? JSONSerialization.jsonObject(with: plaintext)) as? [String: Any] else {
                        throw Problem(.unreadableEnvelope, "envelope \(envelope.id) does not hold a JSON record")
                    }
                    stats = StatExtraction.keys(kind: envelope.kind, record: record)
                    if let replaced = record["supersedes"] as? String {
                        guard (1...64).contains(replaced.count), replaced != envelope.id else {
                            throw Problem(.invalidEnvelope, "envelope \(envelope.id) supersedes an impossible record id")
                        }
                        supersedes = Supersession(id: replaced)
                    }
                }
                return .success(try IncomingEnvelope(envelope: envelope, via: via, stats: stats, fingerprint: Hex.sha256(signedBytes),
                                                     supersedes: supersedes, followUp: followUp))
            } catch let problem as Problem {
                return .failure(problem)
            } catch {
                return .failure(Problem(.invalidEnvelope, "envelope \(envelope.id) cannot be stored"))
            }
        }
        if envelopes.count < 64 { return envelopes.map(one) }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = (envelopes.count + workers - 1) / workers
        return try await withThrowingTaskGroup(of: (Int, [Result<IncomingEnvelope, Problem>]).self) { group in
            for start in stride(from: 0, to: envelopes.count, by: chunk) {
                let slice = Array(envelopes[start..<min(start + chunk, envelopes.count)])
                group.addTask { (start, slice.map(one)) }
            }
            var parts: [(Int, [Result<IncomingEnvelope, Problem>])] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// A device's public key, for a relay asking on behalf of a box, or a box checking its own enrolment.
    public func deviceKey(_ id: String, askedBy: DeviceRecord) async throws -> DeviceKey {
        guard askedBy.kind == "relay" || askedBy.id == id else { throw Problem(.revokedDevice, "a box may only look itself up") }
        guard let device = try await storage.device(id) else { throw Problem(.notFound, "device \(id.prefix(64)) is not enrolled here") }
        return DeviceKey(device: device.id, publicKey: device.publicKey, revoked: device.revokedAt != nil)
    }

    // MARK: Relay

    func relaySigner(_ relay: (identity: RelayIdentity, key: Curve25519.Signing.PrivateKey, client: CentralClient)) -> RequestSigner {
        let storage = self.storage
        return RequestSigner(device: relay.identity.device, key: relay.key,
                             nextCounter: { try await storage.nextCounter("relay.upstream") },
                             adoptCounter: { try await storage.setCounter("relay.upstream", atLeast: $0) })
    }

    /// Forwards what this relay holds upstream, batch by batch; returns how many were acknowledged.
    /// Envelopes stay here until the upstream acknowledges them; one the upstream refuses for good is set
    /// aside with its reason (kept, never sent again by itself) so it cannot hold up the others.
    @discardableResult
    public func forwardPending(batchSize: Int = 500) async throws -> Int {
        guard let relay else { return 0 }
        var forwarded = 0
        while true {
            let pending = try await storage.pendingForward(limit: batchSize)
            if pending.isEmpty { return forwarded }
            let answer = try await relay.client.upload(encodedBatch: UploadBatch.encode(encodedEnvelopes: pending.map(\.body)), signer: relaySigner(relay))
            let acknowledged = answer.results.filter(\.acknowledged).map(\.id)
            try await storage.markForwarded(acknowledged, at: now)
            forwarded += acknowledged.count
            var retryLater = false
            for refused in answer.results where !refused.acknowledged {
                let problem = refused.problem ?? Problem(.internalError, "refused without a reason")
                logger.error("upstream refused an envelope", metadata: ["envelope": "\(refused.id)", "problem": "\(problem.code.rawValue)"])
                if problem.code.retryable {
                    retryLater = true
                } else {
                    try await storage.setAsideForward(refused.id, reason: "\(problem.code.rawValue): \(problem.detail)", at: now)
                }
            }
            if retryLater { return forwarded }
        }
    }
}
