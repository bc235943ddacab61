@preconcurrency import Crypto
import _CryptoExtras
import Foundation

/// The dossiers a box needs for its permanences: those of people expected there (their commune is the box's, or they
/// were last seen at this box), open, with their open items and what changed lately. Minimal fields only.
public struct PermanencePack: Codable, Sendable, Equatable {
    public var device: String
    /// Grows with each pack the central store builds for this box.
    public var version: Int
    public var builtAt: String
    /// The last day the pack may be opened (`YYYY-MM-DD`): after it, the box drops it and waits for the next.
    public var expires: String
    public var dossiers: [Dossier]
    /// Dossiers closed or erased lately (their random ids only): a change the box journalled before it knew is not
    /// replayed onto them, so an erased dossier never comes back from the box's own journal.
    public var removed: [String]
    public init(device: String, version: Int, builtAt: String, expires: String, dossiers: [Dossier], removed: [String] = []) {
        self.device = device
        self.version = version
        self.builtAt = builtAt
        self.expires = expires
        self.dossiers = dossiers
        self.removed = removed
    }
    enum CodingKeys: String, CodingKey { case device, version, dossiers, expires, removed, builtAt = "built_at" }
}

/// scrypt's cost, carried with what it protects so the central store can raise it.
public struct KDFParameters: Codable, Sendable, Equatable {
    /// log2 of N.
    public var logN: Int
    public var r: Int
    public var p: Int
    /// 2^15 × 8 × 128 bytes = 32 MiB and about 0.1 s on this machine's core; a board's core stays under 3 s.
    public static let standard = KDFParameters(logN: 15, r: 8, p: 1)
    public init(logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }
    enum CodingKeys: String, CodingKey { case r, p, logN = "log_n" }
}

/// The key a team passphrase gives (scrypt), with its salt and cost. The central store keeps it (it wraps each pack's
/// key); a box derives it again from the passphrase a mediator types and keeps it in memory only.
public struct TeamKey: Sendable {
    public let salt: Data
    public let parameters: KDFParameters
    public let key: SymmetricKey

    public static let minimumPassphraseLength = 12

    public init(salt: Data, parameters: KDFParameters, key: SymmetricKey) {
        self.salt = salt
        self.parameters = parameters
        self.key = key
    }

    /// Derives the key from a passphrase (spaces at the ends and repeated inside do not count; case does).
    public static func derive(passphrase: String, salt: Data, parameters: KDFParameters) throws -> TeamKey {
        let normal = passphrase.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let key = try KDF.Scrypt.deriveKey(from: Array(normal.precomposedStringWithCanonicalMapping.utf8), salt: salt, outputByteCount: 32,
                                           rounds: 1 << parameters.logN, blockSize: parameters.r, parallelism: parameters.p,
                                           maxMemory: (128 * parameters.r << parameters.logN) + (4 << 20))
        return TeamKey(salt: salt, parameters: parameters, key: key)
    }

    /// A key for the box's own encrypted journal of the day's changes (never the pack's key itself).
    public var journalKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("permanence pack journal v1".utf8), outputByteCount: 32)
    }

    /// The stored form (base64 fields), for the central store's key file.
    public struct Stored: Codable, Sendable {
        public var salt: String
        public var parameters: KDFParameters
        public var key: String
    }
    public var stored: Stored {
        Stored(salt: salt.base64EncodedString(), parameters: parameters, key: key.withUnsafeBytes { Data($0) }.base64EncodedString())
    }
    public init?(stored: Stored) {
        guard let salt = Data(base64Encoded: stored.salt), let key = Data(base64Encoded: stored.key), key.count == 32 else { return nil }
        self.init(salt: salt, parameters: stored.parameters, key: SymmetricKey(data: key))
    }
}

/// A pack as it travels and rests on the box: the dossiers sealed (ChaCha20-Poly1305) under a random pack key, that key
/// wrapped under the team key, the whole signed by the central store's content key. Without the team passphrase
/// it yields nothing; the box keeps only this on disk.
public struct SealedPack: Codable, Sendable, Equatable {
    public static let format = "permanence-pack-v1"
    public var format: String
    public var device: String
    public var version: Int
    public var builtAt: String
    public var expires: String
    public var count: Int
    public var salt: String
    public var kdf: KDFParameters
    public var wrappedKey: String
    public var ciphertext: String
    public var signature: String
    enum CodingKeys: String, CodingKey {
        case format, device, version, expires, count, salt, kdf, ciphertext, signature
        case builtAt = "built_at", wrappedKey = "wrapped_key"
    }

    /// What the signature and both seals bind: a pack cannot be moved to another box or version, nor its key to another pack.
    var header: Data {
        Data("\(Self.format)\n\(device)\n\(version)\n\(builtAt)\n\(expires)\n\(count)\n\(salt)\n\(kdf.logN),\(kdf.r),\(kdf.p)".utf8)
    }
    var signedBytes: Data { header + Data("\n\(Hex256.of(Data(wrappedKey.utf8)))\n\(Hex256.of(Data(ciphertext.utf8)))".utf8) }
}

/// Why a pack does not open.
public enum PackProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case notSigned
    case otherDevice
    case wrongPassphrase
    case unreadable
    public var description: String {
        switch self {
        case .notSigned: return "the pack is not signed by the central store's content key"
        case .otherDevice: return "the pack was built for another box"
        case .wrongPassphrase: return "the team passphrase does not open the pack"
        case .unreadable: return "the pack cannot be read"
        }
    }
}

public enum PackSeal {
    public static func seal(_ pack: PermanencePack, teamKey: TeamKey, signer: Curve25519.Signing.PrivateKey) throws -> SealedPack {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try seal(plaintext: try encoder.encode(pack), device: pack.device, version: pack.version, builtAt: pack.builtAt, expires: pack.expires,
                        count: pack.dossiers.count, teamKey: teamKey, signer: signer)
    }

    /// Seals a pack's JSON as it is (the central store assembles it from each dossier's stored pack form).
    public static func seal(plaintext: Data, device: String, version: Int, builtAt: String, expires: String, count: Int, teamKey: TeamKey,
                            signer: Curve25519.Signing.PrivateKey) throws -> SealedPack {
        let packKey = SymmetricKey(size: .bits256)
        var sealed = SealedPack(format: SealedPack.format, device: device, version: version, builtAt: builtAt, expires: expires,
                                count: count, salt: teamKey.salt.base64EncodedString(), kdf: teamKey.parameters,
                                wrappedKey: "", ciphertext: "", signature: "")
        let header = sealed.header
        let keyBytes = packKey.withUnsafeBytes { Data($0) }
        sealed.wrappedKey = try ChaChaPoly.seal(keyBytes, using: teamKey.key, authenticating: header + Data(" key".utf8)).combined.base64EncodedString()
        sealed.ciphertext = try ChaChaPoly.seal(plaintext, using: packKey, authenticating: header).combined.base64EncodedString()
        sealed.signature = try signer.signature(for: sealed.signedBytes).base64EncodedString()
        return sealed
    }

    /// Checks the central store's signature and that the pack is this box's (no passphrase needed).
    public static func verify(_ sealed: SealedPack, contentKey: Curve25519.Signing.PublicKey, device: String) throws {
        guard sealed.format == SealedPack.format, let signature = Data(base64Encoded: sealed.signature),
              contentKey.isValidSignature(signature, for: sealed.signedBytes) else { throw PackProblem.notSigned }
        guard sealed.device == device else { throw PackProblem.otherDevice }
    }

    /// The team key the passphrase gives for this pack (scrypt: the slow part, done once per unlock).
    public static func teamKey(for sealed: SealedPack, passphrase: String) throws -> TeamKey {
        guard let salt = Data(base64Encoded: sealed.salt) else { throw PackProblem.unreadable }
        return try TeamKey.derive(passphrase: passphrase, salt: salt, parameters: sealed.kdf)
    }

    /// Opens the pack with the team key; a wrong key is `wrongPassphrase`.
    public static func open(_ sealed: SealedPack, teamKey: TeamKey) throws -> PermanencePack {
        guard let wrapped = Data(base64Encoded: sealed.wrappedKey), let ciphertext = Data(base64Encoded: sealed.ciphertext) else { throw PackProblem.unreadable }
        let header = sealed.header
        let keyBytes: Data
        do {
            keyBytes = try ChaChaPoly.open(ChaChaPoly.SealedBox(combined: wrapped), using: teamKey.key, authenticating: header + Data(" key".utf8))
        } catch {
            throw PackProblem.wrongPassphrase
        }
        do {
            let plaintext = try ChaChaPoly.open(ChaChaPoly.SealedBox(combined: ciphertext), using: SymmetricKey(data: keyBytes), authenticating: header)
            return try JSONDecoder().decode(PermanencePack.self, from: plaintext)
        } catch {
            throw PackProblem.unreadable
        }
    }
}

/// Sealing the box's journal of the day's changes (and anything else kept beside the pack) under the journal key.
public enum JournalSeal {
    public static func seal(_ plaintext: Data, key: SymmetricKey) throws -> Data {
        try ChaChaPoly.seal(plaintext, using: key, authenticating: Data("permanence journal v1".utf8)).combined
    }
    public static func open(_ sealed: Data, key: SymmetricKey) throws -> Data {
        try ChaChaPoly.open(ChaChaPoly.SealedBox(combined: sealed), using: key, authenticating: Data("permanence journal v1".utf8))
    }
}

enum Hex256 {
    static func of(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
}
