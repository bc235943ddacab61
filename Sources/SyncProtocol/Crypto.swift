@preconcurrency import Crypto
import Foundation

/// The cryptography the box and the central store agree on.
///
/// - Records: HPKE base mode, X25519 / HKDF-SHA256 / ChaCha20-Poly1305, to the central store's records key.
/// - Identity: each box (and each relay) signs with its own Ed25519 key, enrolled once.
/// - Content: bundles are signed by the central store's Ed25519 content key.
public enum Seal {
    public static var ciphersuite: HPKE.Ciphersuite { HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .chaChaPoly) }
    static let info = Data("permanence records v1".utf8)

    /// The associated data: the payload cannot be moved to another id, device, kind or schema.
    public static func associatedData(id: String, device: String, kind: String, schema: Int) -> Data {
        Data("permanence-envelope-v1\n\(id)\n\(device)\n\(kind)\n\(schema)".utf8)
    }

    /// The bytes the box signs: every field but the signature, the ciphertext by its digest.
    public static func signedBytes(_ envelope: Envelope) -> Data {
        let ciphertextDigest = Hex.sha256(Data(envelope.ciphertext.utf8))
        return Data("""
            permanence-envelope-signature-v1
            \(envelope.id)
            \(envelope.device)
            \(envelope.kind)
            \(envelope.schema)
            \(envelope.sequence)
            \(envelope.createdAt)
            \(envelope.encapsulatedKey)
            \(ciphertextDigest)
            """.utf8)
    }

    /// A digest of the envelope's content (not its signature): the same id with another fingerprint is a conflict.
    public static func fingerprint(_ envelope: Envelope) -> String { Hex.sha256(signedBytes(envelope)) }

    /// Seals `plaintext` into a signed envelope.
    public static func seal(_ plaintext: Data, id: String, device: String, kind: String, schema: Int, sequence: Int64,
                            createdAt: String, to recipient: Curve25519.KeyAgreement.PublicKey,
                            signingWith key: Curve25519.Signing.PrivateKey) throws -> Envelope {
        var sender = try HPKE.Sender(recipientKey: recipient, ciphersuite: ciphersuite, info: info)
        let sealed = try sender.seal(plaintext, authenticating: associatedData(id: id, device: device, kind: kind, schema: schema))
        var envelope = Envelope(id: id, device: device, kind: kind, schema: schema, sequence: sequence, createdAt: createdAt,
                                encapsulatedKey: sender.encapsulatedKey.base64EncodedString(),
                                ciphertext: sealed.base64EncodedString(), signature: "")
        envelope.signature = try key.signature(for: signedBytes(envelope)).base64EncodedString()
        return envelope
    }

    /// Whether the envelope was signed by `key` and not altered since. `bytes`: its `signedBytes`, when the
    /// caller already has them.
    public static func verify(_ envelope: Envelope, signedBy key: Curve25519.Signing.PublicKey, bytes: Data? = nil) -> Bool {
        guard let signature = Data(base64Encoded: envelope.signature) else { return false }
        return key.isValidSignature(signature, for: bytes ?? signedBytes(envelope))
    }

    /// Opens a sealed envelope with the records private key (central store only).
    public static func open(_ envelope: Envelope, with key: Curve25519.KeyAgreement.PrivateKey) throws -> Data {
        guard let encapsulated = Data(base64Encoded: envelope.encapsulatedKey),
              let ciphertext = Data(base64Encoded: envelope.ciphertext) else {
            throw Problem(.unreadableEnvelope, "envelope \(envelope.id): key or ciphertext is not base64")
        }
        do {
            var recipient = try HPKE.Recipient(privateKey: key, ciphersuite: ciphersuite, info: info, encapsulatedKey: encapsulated)
            return try recipient.open(ciphertext, authenticating: associatedData(id: envelope.id, device: envelope.device,
                                                                                 kind: envelope.kind, schema: envelope.schema))
        } catch {
            throw Problem(.unreadableEnvelope, "envelope \(envelope.id) cannot be opened with this records key")
        }
    }

    /// Checks the fields a server can check without keys: a UUID id, known sizes, base64.
    public static func validateShape(_ envelope: Envelope) throws {
        guard UUID(uuidString: envelope.id) != nil else { throw Problem(.invalidEnvelope, "envelope id '\(envelope.id.prefix(64))' is not a UUID") }
        guard !envelope.device.isEmpty, envelope.device.count <= 64 else { throw Problem(.invalidEnvelope, "envelope \(envelope.id): device is empty or too long") }
        guard !envelope.kind.isEmpty, envelope.kind.count <= 64 else { throw Problem(.invalidEnvelope, "envelope \(envelope.id): kind is empty or too long") }
        guard envelope.schema > 0, envelope.sequence > 0 else { throw Problem(.invalidEnvelope, "envelope \(envelope.id): schema and sequence must be positive") }
        guard envelope.createdAt.count <= 64 else { throw Problem(.invalidEnvelope, "envelope \(envelope.id): createdAt is too long") }
        guard Data(base64Encoded: envelope.encapsulatedKey)?.count == 32 else { throw Problem(.invalidEnvelope, "envelope \(envelope.id): encapsulatedKey is not a 32-byte base64 key") }
        guard Data(base64Encoded: envelope.ciphertext) != nil else { throw Problem(.invalidEnvelope, "envelope \(envelope.id): ciphertext is not base64") }
        guard Data(base64Encoded: envelope.signature)?.count == 64 else { throw Problem(.invalidEnvelope, "envelope \(envelope.id): signature is not a 64-byte base64 signature") }
    }
}

/// Signed requests: the box signs method, path, a per-device counter that only grows, and the body's digest.
/// The server keeps the highest counter it accepted per device and refuses anything not above it, so a
/// captured request cannot be replayed. Nothing depends on the box's clock.
public enum RequestSignature {
    public static let deviceHeader = "Permanence-Device"
    public static let counterHeader = "Permanence-Counter"
    public static let signatureHeader = "Permanence-Signature"

    public static func message(method: String, path: String, counter: Int64, body: Data) -> Data {
        Data("permanence-request-v1\n\(method.uppercased())\n\(path)\n\(counter)\n\(Hex.sha256(body))".utf8)
    }

    public static func sign(method: String, path: String, counter: Int64, body: Data, key: Curve25519.Signing.PrivateKey) throws -> String {
        try key.signature(for: message(method: method, path: path, counter: counter, body: body)).base64EncodedString()
    }

    public static func verify(method: String, path: String, counter: Int64, body: Data, signature: String,
                              key: Curve25519.Signing.PublicKey) -> Bool {
        guard let bytes = Data(base64Encoded: signature) else { return false }
        return key.isValidSignature(bytes, for: message(method: method, path: path, counter: counter, body: body))
    }
}

/// Signing and checking content manifests.
public enum ContentSignature {
    public static func sign(_ manifest: ContentManifest, key: Curve25519.Signing.PrivateKey) throws -> SignedManifest {
        let bytes = try WireJSON.encode(manifest)
        return SignedManifest(manifest: bytes.base64EncodedString(), signature: try key.signature(for: bytes).base64EncodedString())
    }

    /// The manifest, only if the signature over its exact bytes is the content key's.
    public static func open(_ signed: SignedManifest, key: Curve25519.Signing.PublicKey) throws -> ContentManifest {
        guard let bytes = Data(base64Encoded: signed.manifest), let signature = Data(base64Encoded: signed.signature),
              key.isValidSignature(signature, for: bytes) else {
            throw Problem(.badContentSignature, "the content manifest is not signed by the content key")
        }
        do {
            return try WireJSON.decode(ContentManifest.self, from: bytes)
        } catch {
            throw Problem(.invalidContent, "the signed content manifest cannot be read")
        }
    }
}

/// Lowercase hex and SHA-256 helpers.
public enum Hex {
    public static func sha256(_ data: Data) -> String { string(Data(SHA256.hash(data: data))) }
    public static func string(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(data.count * 2)
        for byte in data {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Keys on disk: raw key bytes, base64, one per file, mode 0600 in a 0700 directory.
public enum KeyFile {
    public static func write(_ raw: Data, to url: URL) throws {
        try writeFile(Data(raw.base64EncodedString().utf8), to: url)
    }

    /// Writes a private file atomically: mode 0600 from its creation, fsynced, renamed into place.
    public static func writeFile(_ contents: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try DurableFile.write(contents, to: url, mode: 0o600)
    }

    public static func read(_ url: URL) throws -> Data {
        let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text) else { throw Problem(.internalError, "\(url.path): not a base64 key") }
        return raw
    }

    public static func signingKey(_ url: URL) throws -> Curve25519.Signing.PrivateKey {
        try Curve25519.Signing.PrivateKey(rawRepresentation: read(url))
    }

    public static func agreementKey(_ url: URL) throws -> Curve25519.KeyAgreement.PrivateKey {
        try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: read(url))
    }
}

/// Files that must be whole after a power cut or a stick pulled out: written beside, fsynced, renamed.
public enum DurableFile {
    public static func write(_ contents: Data, to url: URL, mode: Int) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        _ = FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: mode])
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: contents)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, url.path) == 0 else {
            throw Problem(.internalError, "\(url.path) cannot be written (errno \(errno))")
        }
    }
}

/// Server-side timestamps in UTC with milliseconds (`2026-11-23T18:30:00.123Z`).
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// A timestamp written by `string`, read back; nil for anything else.
    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}

/// The content key a box trusts (from its enrolment), wrapped so it can cross concurrency boundaries.
public struct ContentVerificationKey: @unchecked Sendable {
    public let key: Curve25519.Signing.PublicKey
    public init(_ key: Curve25519.Signing.PublicKey) { self.key = key }
}
