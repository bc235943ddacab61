import Foundation

/// A sealed record as it travels: made on the box, readable only by the central store.
///
/// The payload is HPKE-sealed (X25519 / HKDF-SHA256 / ChaCha20-Poly1305) to the central store's
/// records key with associated data binding `id`, `device`, `kind` and `schema`; the whole envelope is
/// signed by the box's Ed25519 key, so a relay or a USB stick cannot alter it unnoticed.
/// `createdAt` is the box's clock, for information only: nothing depends on it being right.
public struct Envelope: Codable, Sendable, Equatable {
    public static let fields: Set<String> = ["id", "device", "kind", "schema", "sequence", "createdAt", "encapsulatedKey", "ciphertext", "signature"]

    public var id: String
    public var device: String
    public var kind: String
    public var schema: Int
    /// Per-box sequence number, in the order the box queued its records.
    public var sequence: Int64
    public var createdAt: String
    /// Base64 of the HPKE encapsulated key.
    public var encapsulatedKey: String
    /// Base64 of the sealed payload.
    public var ciphertext: String
    /// Base64 of the box's Ed25519 signature over `signedBytes`.
    public var signature: String

    public init(id: String, device: String, kind: String, schema: Int, sequence: Int64, createdAt: String,
                encapsulatedKey: String, ciphertext: String, signature: String) {
        self.id = id
        self.device = device
        self.kind = kind
        self.schema = schema
        self.sequence = sequence
        self.createdAt = createdAt
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
        self.signature = signature
    }
}

/// Where an envelope went on the server.
public enum EnvelopeStatus: String, Codable, Sendable {
    /// Stored now.
    case accepted
    /// Already stored with the same content: acknowledged, not stored twice.
    case duplicate
    /// Not stored; `problem` says why.
    case refused
}

/// The server's word about one envelope.
public struct EnvelopeResult: Codable, Sendable, Equatable {
    public var id: String
    public var status: EnvelopeStatus
    public var problem: Problem?
    public init(id: String, status: EnvelopeStatus, problem: Problem? = nil) {
        self.id = id
        self.status = status
        self.problem = problem
    }
    /// Accepted and duplicate both mean the central store holds it: the box may forget it.
    public var acknowledged: Bool { status != .refused }
}

/// `POST /v1/records` body.
public struct UploadBatch: Codable, Sendable, Equatable {
    public static let fields: Set<String> = ["envelopes"]
    public static let maxEnvelopes = 1000
    public var envelopes: [Envelope]
    public init(envelopes: [Envelope]) { self.envelopes = envelopes }
}

/// `POST /v1/records` answer: one result per envelope, in order, and the server's reception time.
public struct UploadResponse: Codable, Sendable, Equatable {
    public var results: [EnvelopeResult]
    public var receivedAt: String
    public init(results: [EnvelopeResult], receivedAt: String) {
        self.results = results
        self.receivedAt = receivedAt
    }
}

/// `POST /v1/enroll` body: the one-time token and the box's Ed25519 public key (base64).
public struct EnrollRequest: Codable, Sendable, Equatable {
    public static let fields: Set<String> = ["token", "publicKey", "name", "kind"]
    public var token: String
    public var publicKey: String
    public var name: String?
    /// `box` (default) or `relay`.
    public var kind: String?
    public init(token: String, publicKey: String, name: String? = nil, kind: String? = nil) {
        self.token = token
        self.publicKey = publicKey
        self.name = name
        self.kind = kind
    }
}

/// `POST /v1/enroll` answer: the device id and the central store's public keys.
public struct EnrollResponse: Codable, Sendable, Equatable {
    public var device: String
    /// X25519 public key (base64) that seals records.
    public var recordsKey: String
    /// Ed25519 public key (base64) that signs content bundles.
    public var contentKey: String
    public var centralTime: String
    public init(device: String, recordsKey: String, contentKey: String, centralTime: String) {
        self.device = device
        self.recordsKey = recordsKey
        self.contentKey = contentKey
        self.centralTime = centralTime
    }
}

/// A device's public identity, as a relay learns it from upstream.
public struct DeviceKey: Codable, Sendable, Equatable {
    public var device: String
    public var publicKey: String
    public var revoked: Bool
    public init(device: String, publicKey: String, revoked: Bool) {
        self.device = device
        self.publicKey = publicKey
        self.revoked = revoked
    }
}

/// One file of a content bundle.
public struct ContentFile: Codable, Sendable, Equatable {
    /// Relative path with `/`, e.g. `rules/c2s.yaml`.
    public var path: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String
    public var size: Int
    public init(path: String, sha256: String, size: Int) {
        self.path = path
        self.sha256 = sha256
        self.size = size
    }
}

/// What a content bundle holds: a version that only grows, and every file with its hash.
public struct ContentManifest: Codable, Sendable, Equatable {
    public var version: Int
    public var publishedAt: String
    public var files: [ContentFile]
    public init(version: Int, publishedAt: String, files: [ContentFile]) {
        self.version = version
        self.publishedAt = publishedAt
        self.files = files
    }
}

/// `GET /v1/content/latest`: the manifest's exact bytes (base64) and the content key's signature over them.
/// Signing bytes rather than a re-encoding leaves no doubt about what was signed.
public struct SignedManifest: Codable, Sendable, Equatable {
    public var manifest: String
    public var signature: String
    public init(manifest: String, signature: String) {
        self.manifest = manifest
        self.signature = signature
    }
}

/// JSON coding both sides use: sorted keys, so the same value always gives the same bytes.
public enum WireJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
    public static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T { try JSONDecoder().decode(type, from: data) }

    /// Decodes a request body strictly: malformed JSON, a missing or mistyped field, or a field the
    /// protocol does not know each become a `Problem` that names it.
    public static func decodeStrict<T: Decodable>(_ type: T.Type, from data: Data, fields: Set<String>) throws -> T {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Problem(.malformedJSON, "the body is not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else { throw Problem(.malformedJSON, "the body must be a JSON object") }
        if let unknown = Set(dictionary.keys).subtracting(fields).sorted().first {
            throw Problem(.unknownField, "unknown field '\(unknown)'")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw Problem(.malformedJSON, "missing field '\(Self.path(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw Problem(.malformedJSON, "field '\(Self.path(context.codingPath))' has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw Problem(.malformedJSON, "field '\(Self.path(context.codingPath))' is null")
        } catch {
            throw Problem(.malformedJSON, "the body does not match the protocol")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}

/// One point of a box's audit log: an entry's sequence number and its hash (the chain's hash up to it).
public struct AuditPoint: Codable, Sendable, Equatable {
    public var seq: Int64
    public var hash: String
    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}

/// `POST /v1/audit-head` body (signed): the box's audit head, and its own hash at the entry the central store anchored
/// last (`proof`, when the box has that entry), so that the central store sees a log that went back or forked.
public struct AuditHeadRequest: Codable, Sendable, Equatable {
    public static let fields: Set<String> = ["head", "proof"]
    public var head: AuditPoint
    public var proof: AuditPoint?
    public init(head: AuditPoint, proof: AuditPoint?) {
        self.head = head
        self.proof = proof
    }
}

/// What the central store holds against a box's audit log: its log went back (a restored or older database) or
/// forked (entries the central store saw replaced), when, and in words.
public struct AuditAlarm: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case backwards, forked }
    public var kind: Kind
    public var detail: String
    public var at: String
    public init(kind: Kind, detail: String, at: String) {
        self.kind = kind
        self.detail = detail
        self.at = at
    }
}

/// `POST /v1/audit-head` answer: `ok`, `backwards` or `forked` for this head, or `proof-needed` (send the hash at
/// `anchor` with the head again); the entry now anchored; the alarm standing against the box until a coordinator
/// clears it (`central devices clear-alarm`).
public struct AuditHeadResponse: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case ok, backwards, forked
        case proofNeeded = "proof-needed"
    }
    public var status: Status
    public var anchor: Int64
    public var alarm: AuditAlarm?
    public init(status: Status, anchor: Int64, alarm: AuditAlarm?) {
        self.status = status
        self.anchor = anchor
        self.alarm = alarm
    }
}
