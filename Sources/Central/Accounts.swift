@preconcurrency import Crypto
import _CryptoExtras
import Foundation
import SyncProtocol

/// Coordinators' passwords: scrypt (N = 2^15, r = 8, p = 1, 32 MiB), stored as
/// `scrypt$N$r$p$salt$hash` (base64). Sessions: a random token in an HttpOnly cookie; only its SHA-256 is stored.
public enum PasswordHasher {
    public static func hash(_ password: String, rounds: Int = 1 << 15) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: 8, parallelism: 1)
        let bytes = key.withUnsafeBytes { Data($0) }
        return "scrypt$\(rounds)$8$1$\(Data(salt).base64EncodedString())$\(bytes.base64EncodedString())"
    }

    /// `verify` on a thread of its own: scrypt's 32 MiB and tens of milliseconds per try must not hold one of the few
    /// threads that serve every request (under guessing or load, the others would wait behind it).
    public static func verifyOffThePool(_ password: String, against stored: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: verify(password, against: stored)) }
        }
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let rounds = Int(parts[1]), let block = Int(parts[2]), let parallel = Int(parts[3]),
              let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
              let key = try? KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: expected.count, rounds: rounds,
                                                  blockSize: block, parallelism: parallel) else { return false }
        let actual = key.withUnsafeBytes { Data($0) }
        return actual.count == expected.count && zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension CentralService {
    /// How long a dashboard session lasts.
    public static let sessionLifetime: TimeInterval = 8 * 3600

    /// Adds a coordinator; false if the name is taken. Names: 3–40 letters, digits, `.`, `-`, `_`.
    public func addUser(name: String, password: String, role: UserRole = .coordinator) async throws -> Bool {
        guard (3...40).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || ".-_".contains($0) }) else {
            throw Problem(.malformedJSON, "a user name is 3 to 40 letters, digits, '.', '-' or '_'")
        }
        guard password.count >= 10 else { throw Problem(.malformedJSON, "a password has at least 10 characters") }
        return try await storage.addUser(UserRecord(name: name, passwordHash: try PasswordHasher.hash(password), role: role), at: now)
    }

    /// Checks a login; returns a new session token (for the cookie) or nil.
    public func login(name: String, password: String) async throws -> String? {
        guard let user = try await storage.user(name) else {
            // Same work whether or not the user exists.
            _ = await PasswordHasher.verifyOffThePool(password, against: "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
            return nil
        }
        guard await PasswordHasher.verifyOffThePool(password, against: user.passwordHash) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let token = Hex.string(Data(bytes))
        let created = configuration.clock()
        try await storage.createSession(tokenHash: Hex.sha256(Data(token.utf8)), user: user.name, createdAt: Timestamp.string(created),
                                        expiresAt: Timestamp.string(created.addingTimeInterval(Self.sessionLifetime)))
        return token
    }

    /// The user of a session token, if the session exists and has not expired.
    public func sessionUser(_ token: String?) async throws -> String? {
        guard let token, token.count == 64 else { return nil }
        return try await storage.sessionUser(tokenHash: Hex.sha256(Data(token.utf8)), now: now)
    }

    /// The role of a signed-in user (statistics when the account is gone).
    public func role(of user: String) async throws -> UserRole {
        try await storage.user(user)?.role ?? .statistics
    }

    public func logout(_ token: String) async throws {
        try await storage.deleteSession(tokenHash: Hex.sha256(Data(token.utf8)))
    }

    /// The statistics for `from...to` (visit days, `YYYY-MM-DD`), one commune or all.
    public func statistics(from: String, to: String, commune: String?, threshold: Int = 5) async throws -> StatsReport {
        let sums = try await storage.statSums(from: from, to: to, commune: commune)
        return StatsBuilder.build(sums: sums, from: from, to: to, commune: commune, threshold: threshold, communeNames: communeNames())
    }

    /// Commune names from the latest published content (`territory/communes.csv`), by INSEE code.
    func communeNames() -> [String: String] {
        let base = configuration.dataDirectory.appendingPathComponent("content")
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []).compactMap(Int.init).sorted()
        guard let latest = versions.last,
              let text = try? String(contentsOf: base.appendingPathComponent("\(latest)/territory/communes.csv"), encoding: .utf8) else { return [:] }
        var names: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            // insee_code,name[,population,…]
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if fields.count >= 2, !fields[0].isEmpty { names[fields[0]] = fields[1].trimmingCharacters(in: .whitespaces) }
        }
        return names
    }
}

/// Validated query parameters of the statistics.
public struct StatsQuery: Sendable, Equatable {
    public var from: String
    public var to: String
    public var commune: String?

    /// From `from`, `to`, `commune` (any may be absent: the last 12 months ending `today`, all communes).
    public static func parse(from: String?, to: String?, commune: String?, today: Date) throws -> StatsQuery {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        func check(_ value: String?, _ name: String) throws -> String? {
            guard let value, !value.isEmpty else { return nil }
            guard value.count == 10, formatter.date(from: value) != nil else {
                throw Problem(.malformedJSON, "'\(name)' must be a date YYYY-MM-DD, got '\(value.prefix(20))'")
            }
            return value
        }
        let end = try check(to, "to") ?? formatter.string(from: today)
        let start = try check(from, "from") ?? formatter.string(from: formatter.date(from: end)!.addingTimeInterval(-364 * 86_400))
        guard start <= end else { throw Problem(.malformedJSON, "'from' (\(start)) is after 'to' (\(end))") }
        var communeCode: String?
        if let commune, !commune.isEmpty {
            guard commune.count <= 64, commune.allSatisfy({ $0.isLetter || $0.isNumber || " -'".contains($0) }) else {
                throw Problem(.malformedJSON, "'commune' must be an INSEE code")
            }
            communeCode = commune
        }
        return StatsQuery(from: start, to: end, commune: communeCode)
    }
}
