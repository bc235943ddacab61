import FollowUp
import Foundation
import SyncProtocol

/// A device the central store knows: a box, or a relay that forwards for boxes.
public struct DeviceRecord: Sendable, Equatable, Codable {
    public var id: String
    /// Ed25519 public key, raw 32 bytes, base64.
    public var publicKey: String
    /// `box` or `relay`.
    public var kind: String
    public var name: String?
    public var enrolledAt: String
    public var revokedAt: String?
    public init(id: String, publicKey: String, kind: String, name: String?, enrolledAt: String, revokedAt: String? = nil) {
        self.id = id
        self.publicKey = publicKey
        self.kind = kind
        self.name = name
        self.enrolledAt = enrolledAt
        self.revokedAt = revokedAt
    }
}

/// An envelope ready to store: its wire form, its fingerprint, who uploaded it, and (on the central store,
/// not on a relay) what its opened record counts for. The opened record itself is not kept.
public struct IncomingEnvelope: Sendable {
    public var envelope: Envelope
    public var fingerprint: String
    public var body: Data
    public var via: String
    public var stats: [StatKey]
    /// The envelope (of the same box) whose record this one replaces: a visit reopened and closed again. Stored, this one
    /// counts and that one stops counting (its statistics taken off), whichever arrives first.
    public var supersedes: Supersession?
    /// A follow-up event (opened and checked), applied to its dossier once the envelope is stored.
    public var followUp: FollowUpEvent?
    public init(envelope: Envelope, via: String, stats: [StatKey], fingerprint: String? = nil, supersedes: Supersession? = nil,
                followUp: FollowUpEvent? = nil) throws {
        self.followUp = followUp
        self.envelope = envelope
        self.fingerprint = fingerprint ?? Seal.fingerprint(envelope)
        self.body = envelope.jsonData()
        self.via = via
        self.stats = stats
        self.supersedes = supersedes
    }
}

/// A record replaced by a newer one: its id, and what it counted for (nil while it has not arrived or cannot be opened).
public struct Supersession: Sendable, Equatable {
    public var id: String
    public var stats: [StatKey]?
    public init(id: String, stats: [StatKey]? = nil) {
        self.id = id
        self.stats = stats
    }
}

/// What an account may see on the dashboard: coordinators and mediators see the follow-up dossiers and the call-backs;
/// statistics-only accounts see the sums alone.
public enum UserRole: String, Sendable, Equatable, CaseIterable {
    case coordinator, mediator, statistics
    public var seesDossiers: Bool { self != .statistics }
}

/// A coordinator's account for the dashboard.
public struct UserRecord: Sendable, Equatable {
    public var name: String
    public var passwordHash: String
    public var role: UserRole
    public init(name: String, passwordHash: String, role: UserRole = .coordinator) {
        self.name = name
        self.passwordHash = passwordHash
        self.role = role
    }
}

/// What storing one envelope did.
public enum StoreOutcome: Sendable, Equatable {
    case accepted, duplicate, conflict
}

/// A stored envelope that a relay has not yet seen acknowledged upstream.
public struct PendingForward: Sendable {
    public var id: String
    public var body: Data
}

/// The central store's persistence. Two implementations pass the same contract tests: SQLite (embedded
/// default) and PostgreSQL. Every method is one transaction.
public protocol CentralStorage: DossierStorage {
    /// Records a new one-time enrolment token (by its hash).
    func addToken(hash: String, createdAt: String, expiresAt: String) async throws
    /// Consumes an unexpired, unused token and creates the device, together; false if the token is not valid.
    func enroll(tokenHash: String, now: String, device: DeviceRecord) async throws -> Bool
    /// Adds or updates a device learnt from upstream (relays).
    func rememberDevice(_ device: DeviceRecord) async throws
    func device(_ id: String) async throws -> DeviceRecord?
    func devices() async throws -> [DeviceRecord]
    /// Revokes a device; false if it does not exist.
    func revoke(_ id: String, at: String) async throws -> Bool
    /// Accepts `counter` if above the device's last one (and records it); otherwise returns the last one.
    func advanceCounter(device: String, to counter: Int64, at: String) async throws -> (accepted: Bool, last: Int64)
    /// Stores the envelopes in one transaction, and adds the statistics of those newly accepted;
    /// one outcome per envelope, in order.
    func store(_ envelopes: [IncomingEnvelope], receivedAt: String) async throws -> [StoreOutcome]
    /// Number of envelopes stored, for one device or all.
    func countEnvelopes(device: String?) async throws -> Int
    /// A stored envelope's wire form (to open a record that a newer one supersedes).
    func envelopeBody(id: String) async throws -> Data?
    /// Envelopes not yet acknowledged upstream (relay mode), oldest first.
    func pendingForward(limit: Int) async throws -> [PendingForward]
    func markForwarded(_ ids: [String], at: String) async throws
    /// An envelope the upstream refused for good: kept, with the reason, and no longer forwarded by itself.
    func setAsideForward(_ id: String, reason: String, at: String) async throws
    /// Increments and returns a named counter (the relay's own request counter).
    func nextCounter(_ name: String) async throws -> Int64
    func setCounter(_ name: String, atLeast value: Int64) async throws
    /// Content bundles.
    func publishContent(version: Int, signed: SignedManifest, at: String) async throws
    func latestContent() async throws -> (version: Int, signed: SignedManifest)?
    /// The stored sums for visit days in `from...to` (inclusive), for one commune or all.
    func statCounts(from: String, to: String, commune: String?) async throws -> [StatRow]
    /// The same, summed in the database (what the report reads).
    func statSums(from: String, to: String, commune: String?) async throws -> StatSums
    /// Coordinators' accounts and their sessions (only hashes of session tokens are stored).
    func addUser(_ user: UserRecord, at: String) async throws -> Bool
    func user(_ name: String) async throws -> UserRecord?
    func createSession(tokenHash: String, user: String, createdAt: String, expiresAt: String) async throws
    /// The user of an unexpired session, or nil.
    func sessionUser(tokenHash: String, now: String) async throws -> String?
    func deleteSession(tokenHash: String) async throws
    /// Stored envelopes of one kind, not superseded, newest first (the call-back requests, opened to be listed).
    func envelopes(kind: String, limit: Int) async throws -> [StoredEnvelope]
    /// The call-back requests marked done: by whom and when, by envelope id.
    func callbacksDone() async throws -> [String: (at: String, by: String)]
    /// Marks a call-back request done and appends it to the audit log, together; false when it was already done.
    func markCallbackDone(id: String, by: String, at: String) async throws -> Bool
    /// The central store's audit log, oldest first.
    func auditLog() async throws -> [CentralAuditEntry]
    /// Wrong guesses counted per key (`login-user:NAME`, `login-address:IP`, `enroll-address:IP`).
    func guessStates(_ keys: [String]) async throws -> [String: GuessState]
    /// One more wrong guess for each key, locking those that reach `lockAfter` until `lockedUntil`, and the audit
    /// entries, together.
    func recordWrongGuess(_ keys: [String], at: String, lockAfter: Int, lockedUntil: String, audit: [CentralAuditEntry]) async throws -> [String: GuessState]
    /// A right guess: the keys' counts start again; audited.
    func clearGuesses(_ keys: [String], audit: CentralAuditEntry?) async throws
    /// The box's audit head anchored last (the highest one kept), and the hash kept for one of its entries.
    func auditAnchor(device: String) async throws -> AuditPoint?
    func auditAnchorHash(device: String, seq: Int64) async throws -> String?
    /// Keeps a box's head. With an alarm, the heads kept before are dropped (the box's log starts again from this
    /// head) and the alarm stands against the box, audited, all together.
    func recordAuditHead(device: String, head: AuditPoint, at: String, alarm: AuditAlarm?, audit: CentralAuditEntry?) async throws
    /// The alarms standing, by device.
    func auditAlarms() async throws -> [String: AuditAlarm]
    /// A coordinator has looked: the box's alarm is lifted (false when there was none), audited.
    func clearAuditAlarm(device: String, audit: CentralAuditEntry) async throws -> Bool
}

/// Wrong guesses in a row for a key, the last one's time, and the end of its lock.
public struct GuessState: Sendable, Equatable {
    public var failures: Int
    public var lastFailureAt: String
    public var lockedUntil: String?
    public init(failures: Int, lastFailureAt: String, lockedUntil: String?) {
        self.failures = failures
        self.lastFailureAt = lastFailureAt
        self.lockedUntil = lockedUntil
    }
}

/// A stored envelope with its reception time.
public struct StoredEnvelope: Sendable {
    public var id: String
    public var device: String
    public var body: Data
    public var receivedAt: String
}

/// Who did what on the central store (a coordinator or mediator marking a call-back done).
public struct CentralAuditEntry: Sendable, Equatable {
    public var at: String
    public var user: String
    public var action: String
    public var subject: String
}
