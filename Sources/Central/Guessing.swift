import Foundation
import SyncProtocol

/// How guessing is slowed: dashboard passwords per account and per client address, enrolment tokens per address.
/// The first two wrong guesses in a row cost nothing; then each makes the next try wait 1, 2, 4… s (60 s at most);
/// the tenth locks the key for 15 minutes. A right guess starts the count again. Kept in the database, so every
/// central process behind a load balancer counts the same guesses.
public enum GuessPolicy {
    public static let lockAfter = 10
    public static let lockDuration: TimeInterval = 15 * 60
    public static func delay(afterFailures failures: Int) -> TimeInterval {
        failures < 3 ? 0 : min(60, pow(2, Double(failures - 3)))
    }
}

/// Whether a guess may be tried now.
public enum GuessVerdict: Sendable, Equatable {
    case allowed
    /// Too soon after the last wrong one.
    case wait(until: Date)
    /// Ten wrong in a row: locked.
    case locked(until: Date)
}

/// What a login attempt did. Unknown user and wrong password are one answer.
public enum LoginOutcome: Sendable, Equatable {
    case signedIn(token: String)
    case refused
    case wait(until: Date)
    case locked(until: Date)
}

extension CentralService {
    /// The strictest verdict over the keys (a lock first, then the longest wait).
    public func guessVerdict(_ keys: [String]) async throws -> GuessVerdict {
        let now = configuration.clock()
        var verdict = GuessVerdict.allowed
        for (_, state) in try await storage.guessStates(keys) {
            if let locked = state.lockedUntil.flatMap(Timestamp.date), locked > now {
                if case .locked(let other) = verdict, other >= locked { continue }
                verdict = .locked(until: locked)
                continue
            }
            if case .locked = verdict { continue }
            guard let last = Timestamp.date(state.lastFailureAt) else { continue }
            let until = last.addingTimeInterval(GuessPolicy.delay(afterFailures: state.failures))
            if until > now {
                if case .wait(let other) = verdict, other >= until { continue }
                verdict = .wait(until: until)
            }
        }
        return verdict
    }

    /// Counts a wrong guess on the keys, audited (`action`; `…_locked` as well when a key locks).
    func wrongGuess(_ keys: [String], user: String, action: String, subject: String) async throws {
        let now = configuration.clock()
        var audit = [CentralAuditEntry(at: Timestamp.string(now), user: user, action: action, subject: subject)]
        let before = try await storage.guessStates(keys)
        let lockedUntil = Timestamp.string(now.addingTimeInterval(GuessPolicy.lockDuration))
        // Which keys this guess locks (the lock is audited once, when it starts). A lock that has ended counts from zero
        // again, as the storage does; a key still locked is never guessed on (its verdict comes first).
        let locking = keys.filter { key in
            guard let state = before[key] else { return GuessPolicy.lockAfter <= 1 }
            let lockEnded = state.lockedUntil.flatMap(Timestamp.date).map { $0 <= now }
            if lockEnded == false { return false }
            return (lockEnded == true ? 0 : state.failures) + 1 >= GuessPolicy.lockAfter
        }
        for key in locking { audit.append(CentralAuditEntry(at: Timestamp.string(now), user: user, action: action + "_locked", subject: key)) }
        _ = try await storage.recordWrongGuess(keys, at: Timestamp.string(now), lockAfter: GuessPolicy.lockAfter, lockedUntil: lockedUntil, audit: audit)
        if !locking.isEmpty { logger.warning("guessing locked", metadata: ["action": "\(action)", "keys": "\(locking.count)"]) }
    }

    static func loginKeys(name: String, address: String) -> [String] {
        ["login-user:\(String(name.lowercased().prefix(60)))", "login-address:\(address)"]
    }

    /// A dashboard login from `address`: refused the same way for an unknown user and a wrong password, slowed and then
    /// locked per account and per address, each attempt audited.
    public func signIn(name: String, password: String, address: String) async throws -> LoginOutcome {
        let keys = Self.loginKeys(name: name, address: address)
        switch try await guessVerdict(keys) {
        case .wait(let until): return .wait(until: until)
        case .locked(let until): return .locked(until: until)
        case .allowed: break
        }
        let typed = String(name.prefix(40))
        guard let token = try await login(name: name, password: password) else {
            try await wrongGuess(keys, user: typed, action: "login_failed", subject: address)
            return .refused
        }
        try await storage.clearGuesses(keys, audit: CentralAuditEntry(at: now, user: typed, action: "login", subject: address))
        return .signedIn(token: token)
    }

    /// Enrolment with the guessing of tokens slowed per client address (the relay's own enrolment upstream is not a guess).
    public func enroll(_ request: EnrollRequest, address: String) async throws -> EnrollResponse {
        let keys = ["enroll-address:\(address)"]
        switch try await guessVerdict(keys) {
        case .wait(let until), .locked(let until):
            throw Problem(.tooManyAttempts, "too many invalid enrolment tokens from this address: try again after \(Timestamp.string(until))")
        case .allowed: break
        }
        do {
            let answer = try await enroll(request)
            try await storage.clearGuesses(keys, audit: nil)
            return answer
        } catch let problem as Problem where problem.code == .invalidToken {
            try await wrongGuess(keys, user: "-", action: "enroll_refused", subject: address)
            throw problem
        }
    }
}
