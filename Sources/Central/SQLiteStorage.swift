import Foundation
import GRDB
import SyncProtocol

/// The central store on SQLite (the embedded default): one file in the data directory, WAL, synchronous FULL.
public final class SQLiteStorage: CentralStorage {
    let pool: DatabasePool

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("central-v1") { db in
            try db.execute(sql: """
                CREATE TABLE enroll_token (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    used_at TEXT,
                    device TEXT
                );
                CREATE TABLE device (
                    id TEXT PRIMARY KEY NOT NULL,
                    public_key TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('box', 'relay')),
                    name TEXT,
                    enrolled_at TEXT NOT NULL,
                    revoked_at TEXT,
                    last_counter INTEGER NOT NULL DEFAULT 0,
                    last_seen_at TEXT
                );
                CREATE TABLE envelope (
                    id TEXT PRIMARY KEY NOT NULL,
                    device TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    schema INTEGER NOT NULL,
                    sequence INTEGER NOT NULL,
                    box_created_at TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    body BLOB NOT NULL,
                    via TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    forwarded_at TEXT
                );
                CREATE INDEX envelope_by_device ON envelope(device, sequence);
                CREATE INDEX envelope_to_forward ON envelope(received_at) WHERE forwarded_at IS NULL;
                CREATE TABLE record (
                    envelope_id TEXT PRIMARY KEY NOT NULL REFERENCES envelope(id),
                    device TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    schema INTEGER NOT NULL,
                    payload BLOB NOT NULL
                );
                CREATE INDEX record_by_kind ON record(kind);
                CREATE TABLE content_bundle (
                    version INTEGER PRIMARY KEY NOT NULL,
                    manifest TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    published_at TEXT NOT NULL
                );
                CREATE TABLE counter (
                    name TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TRIGGER envelope_is_append_only BEFORE UPDATE OF id, device, fingerprint, body ON envelope
                BEGIN SELECT RAISE(ABORT, 'envelope: stored envelopes never change'); END;
                CREATE TRIGGER envelope_is_never_deleted BEFORE DELETE ON envelope
                BEGIN SELECT RAISE(ABORT, 'envelope: stored envelopes are never deleted'); END;
                """)
        }
        migrator.registerMigration("central-v2-statistics") { db in
            // Opened records are no longer kept: only the sums the statistics need.
            try db.execute(sql: """
                DROP TABLE record;
                CREATE TABLE stat_count (
                    day TEXT NOT NULL,
                    commune TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    value TEXT NOT NULL,
                    count INTEGER NOT NULL CHECK (count >= 0),
                    PRIMARY KEY (day, commune, metric, value)
                ) WITHOUT ROWID;
                CREATE INDEX stat_count_by_metric ON stat_count(metric, day);
                CREATE TABLE app_user (
                    name TEXT PRIMARY KEY NOT NULL,
                    password_hash TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE session (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    user TEXT NOT NULL REFERENCES app_user(name) ON DELETE CASCADE,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("central-v3-relay-refusals") { db in
            try db.execute(sql: """
                ALTER TABLE envelope ADD COLUMN forward_refused TEXT;
                DROP INDEX envelope_to_forward;
                CREATE INDEX envelope_to_forward ON envelope(received_at) WHERE forwarded_at IS NULL AND forward_refused IS NULL;
                """)
        }
        migrator.registerMigration("central-v4-supersede") { db in
            // A visit reopened and closed again: its newer record supersedes the older, which stops counting.
            try db.execute(sql: """
                ALTER TABLE envelope ADD COLUMN superseded_by TEXT;
                CREATE TABLE supersession (
                    id TEXT PRIMARY KEY NOT NULL,
                    device TEXT NOT NULL,
                    by TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("central-v5-callbacks") { db in
            // Call-back requests stay sealed in `envelope`; who marked one done, and when, is kept here and audited.
            try db.execute(sql: """
                CREATE INDEX envelope_by_kind ON envelope(kind, received_at);
                CREATE TABLE callback_done (
                    id TEXT PRIMARY KEY NOT NULL,
                    done_at TEXT NOT NULL,
                    done_by TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    user TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL
                );
                CREATE TRIGGER audit_is_append_only BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'audit: entries never change'); END;
                CREATE TRIGGER audit_is_never_deleted BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'audit: entries are never deleted'); END;
                """)
        }
        migrator.registerMigration("central-v6-dossiers") { db in
            // Follow-up dossiers (JSON documents with the columns packs select on), their history, their conflicts, and
            // the ids of erased dossiers (random ids: nothing personal). The envelope of a follow-up event may lose its
            // body when its dossier is erased; nothing else about a stored envelope ever changes.
            try db.execute(sql: """
                CREATE TABLE dossier (
                    id TEXT PRIMARY KEY NOT NULL,
                    code TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                    commune TEXT,
                    last_seen_device TEXT,
                    last_activity TEXT NOT NULL,
                    body TEXT NOT NULL,
                    pack_body TEXT NOT NULL
                );
                CREATE INDEX dossier_by_activity ON dossier(last_activity) WHERE status = 'open';
                CREATE INDEX dossier_by_commune ON dossier(commune) WHERE status = 'open';
                CREATE INDEX dossier_by_device ON dossier(last_seen_device) WHERE status = 'open';
                CREATE TABLE dossier_event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL UNIQUE,
                    dossier TEXT NOT NULL,
                    envelope TEXT,
                    source TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    box_at TEXT,
                    action TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX dossier_event_by_dossier ON dossier_event(dossier, seq);
                CREATE INDEX dossier_event_by_envelope ON dossier_event(envelope);
                CREATE TABLE dossier_conflict (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    dossier TEXT NOT NULL,
                    body TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    resolved_at TEXT,
                    resolved_by TEXT,
                    resolution TEXT
                );
                CREATE INDEX dossier_conflict_by_dossier ON dossier_conflict(dossier);
                CREATE TABLE dossier_erased (
                    id TEXT PRIMARY KEY NOT NULL,
                    erased_at TEXT NOT NULL,
                    erased_by TEXT NOT NULL
                ) WITHOUT ROWID;
                DROP TRIGGER envelope_is_append_only;
                CREATE TRIGGER envelope_is_append_only BEFORE UPDATE OF id, device, fingerprint, body ON envelope
                WHEN NOT (NEW.id = OLD.id AND NEW.device = OLD.device AND NEW.fingerprint = OLD.fingerprint
                          AND OLD.kind = 'permanence.followup-event' AND length(NEW.body) = 0)
                BEGIN SELECT RAISE(ABORT, 'envelope: stored envelopes never change'); END;
                ALTER TABLE app_user ADD COLUMN role TEXT NOT NULL DEFAULT 'coordinator';
                """)
        }
        migrator.registerMigration("central-v7-guessing") { db in
            // Wrong passwords and enrolment tokens, counted per account and per client address (growing delays, a lock).
            try db.execute(sql: """
                CREATE TABLE guess_attempt (
                    key TEXT PRIMARY KEY NOT NULL,
                    failures INTEGER NOT NULL CHECK (failures >= 0),
                    last_failure_at TEXT NOT NULL,
                    locked_until TEXT
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("central-v8-audit-anchor") { db in
            // Each box's audit heads as its syncs sent them, and the alarm standing against a box whose log went
            // back or forked.
            try db.execute(sql: """
                CREATE TABLE audit_head (
                    device TEXT NOT NULL,
                    seq INTEGER NOT NULL CHECK (seq >= 0),
                    hash TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    PRIMARY KEY (device, seq)
                ) WITHOUT ROWID;
                CREATE TABLE audit_alarm (
                    device TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    at TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    public func guessStates(_ keys: [String]) async throws -> [String: GuessState] {
        try await pool.read { db in try Self.guessStates(keys, db) }
    }

    static func guessStates(_ keys: [String], _ db: Database) throws -> [String: GuessState] {
        var states: [String: GuessState] = [:]
        for key in keys {
            if let row = try Row.fetchOne(db, sql: "SELECT failures, last_failure_at, locked_until FROM guess_attempt WHERE key = ?", arguments: [key]) {
                states[key] = GuessState(failures: row["failures"], lastFailureAt: row["last_failure_at"], lockedUntil: row["locked_until"])
            }
        }
        return states
    }

    public func recordWrongGuess(_ keys: [String], at: String, lockAfter: Int, lockedUntil: String, audit: [CentralAuditEntry]) async throws -> [String: GuessState] {
        try await pool.write { db in
            for key in keys {
                // A lock that has ended starts the count again.
                try db.execute(sql: """
                    INSERT INTO guess_attempt (key, failures, last_failure_at) VALUES (?, 1, ?)
                    ON CONFLICT(key) DO UPDATE SET failures = CASE WHEN locked_until IS NOT NULL AND locked_until <= excluded.last_failure_at THEN 1 ELSE failures + 1 END,
                        locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= excluded.last_failure_at THEN NULL ELSE locked_until END,
                        last_failure_at = excluded.last_failure_at
                    """, arguments: [key, at])
                try db.execute(sql: "UPDATE guess_attempt SET locked_until = ? WHERE key = ? AND failures >= ? AND locked_until IS NULL",
                               arguments: [lockedUntil, key, lockAfter])
            }
            for entry in audit {
                try db.execute(sql: "INSERT INTO audit (at, user, action, subject) VALUES (?, ?, ?, ?)", arguments: [entry.at, entry.user, entry.action, entry.subject])
            }
            return try Self.guessStates(keys, db)
        }
    }

    public func clearGuesses(_ keys: [String], audit: CentralAuditEntry?) async throws {
        try await pool.write { db in
            for key in keys { try db.execute(sql: "DELETE FROM guess_attempt WHERE key = ?", arguments: [key]) }
            if let entry = audit {
                try db.execute(sql: "INSERT INTO audit (at, user, action, subject) VALUES (?, ?, ?, ?)", arguments: [entry.at, entry.user, entry.action, entry.subject])
            }
        }
    }

    public func auditAnchor(device: String) async throws -> AuditPoint? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE device = ? ORDER BY seq DESC LIMIT 1", arguments: [device])
                .map { AuditPoint(seq: $0["seq"], hash: $0["hash"]) }
        }
    }

    public func auditAnchorHash(device: String, seq: Int64) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT hash FROM audit_head WHERE device = ? AND seq = ?", arguments: [device, seq]) }
    }

    public func recordAuditHead(device: String, head: AuditPoint, at: String, alarm: AuditAlarm?, audit: CentralAuditEntry?) async throws {
        try await pool.write { db in
            if let alarm {
                try db.execute(sql: "DELETE FROM audit_head WHERE device = ?", arguments: [device])
                try db.execute(sql: """
                    INSERT INTO audit_alarm (device, kind, detail, at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(device) DO UPDATE SET kind = excluded.kind, detail = excluded.detail, at = excluded.at
                    """, arguments: [device, alarm.kind.rawValue, alarm.detail, alarm.at])
            }
            try db.execute(sql: "INSERT INTO audit_head (device, seq, hash, received_at) VALUES (?, ?, ?, ?) ON CONFLICT(device, seq) DO NOTHING",
                           arguments: [device, head.seq, head.hash, at])
            if let entry = audit {
                try db.execute(sql: "INSERT INTO audit (at, user, action, subject) VALUES (?, ?, ?, ?)", arguments: [entry.at, entry.user, entry.action, entry.subject])
            }
        }
    }

    public func auditAlarms() async throws -> [String: AuditAlarm] {
        try await pool.read { db in
            var alarms: [String: AuditAlarm] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT device, kind, detail, at FROM audit_alarm") {
                alarms[row["device"]] = AuditAlarm(kind: AuditAlarm.Kind(rawValue: row["kind"]) ?? .forked, detail: row["detail"], at: row["at"])
            }
            return alarms
        }
    }

    public func clearAuditAlarm(device: String, audit: CentralAuditEntry) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM audit_alarm WHERE device = ?", arguments: [device])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "INSERT INTO audit (at, user, action, subject) VALUES (?, ?, ?, ?)", arguments: [audit.at, audit.user, audit.action, audit.subject])
            return true
        }
    }

    public func envelopes(kind: String, limit: Int) async throws -> [StoredEnvelope] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, device, body, received_at FROM envelope WHERE kind = ? AND superseded_by IS NULL
                ORDER BY received_at DESC, id LIMIT ?
                """, arguments: [kind, limit]).map {
                StoredEnvelope(id: $0["id"], device: $0["device"], body: $0["body"], receivedAt: $0["received_at"])
            }
        }
    }

    public func callbacksDone() async throws -> [String: (at: String, by: String)] {
        try await pool.read { db in
            var done: [String: (at: String, by: String)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, done_at, done_by FROM callback_done") { done[row["id"]] = (row["done_at"], row["done_by"]) }
            return done
        }
    }

    public func markCallbackDone(id: String, by: String, at: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO callback_done (id, done_at, done_by) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING", arguments: [id, at, by])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "INSERT INTO audit (at, user, action, subject) VALUES (?, ?, 'callback_done', ?)", arguments: [at, by, id])
            return true
        }
    }

    public func auditLog() async throws -> [CentralAuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT at, user, action, subject FROM audit ORDER BY seq").map {
                CentralAuditEntry(at: $0["at"], user: $0["user"], action: $0["action"], subject: $0["subject"])
            }
        }
    }

    public func addToken(hash: String, createdAt: String, expiresAt: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO enroll_token (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
                           arguments: [hash, createdAt, expiresAt])
        }
    }

    public func enroll(tokenHash: String, now: String, device: DeviceRecord) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE enroll_token SET used_at = ?, device = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                           arguments: [now, device.id, tokenHash, now])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "INSERT INTO device (id, public_key, kind, name, enrolled_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [device.id, device.publicKey, device.kind, device.name, device.enrolledAt])
            return true
        }
    }

    public func rememberDevice(_ device: DeviceRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO device (id, public_key, kind, name, enrolled_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET revoked_at = excluded.revoked_at
                """, arguments: [device.id, device.publicKey, device.kind, device.name, device.enrolledAt, device.revokedAt])
        }
    }

    static func device(_ row: Row) -> DeviceRecord {
        DeviceRecord(id: row["id"], publicKey: row["public_key"], kind: row["kind"], name: row["name"],
                     enrolledAt: row["enrolled_at"], revokedAt: row["revoked_at"])
    }

    public func device(_ id: String) async throws -> DeviceRecord? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM device WHERE id = ?", arguments: [id]).map(Self.device) }
    }

    public func devices() async throws -> [DeviceRecord] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM device ORDER BY enrolled_at, id").map(Self.device) }
    }

    public func revoke(_ id: String, at: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE device SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", arguments: [at, id])
            return db.changesCount == 1
        }
    }

    public func advanceCounter(device: String, to counter: Int64, at: String) async throws -> (accepted: Bool, last: Int64) {
        try await pool.write { db in
            try db.execute(sql: "UPDATE device SET last_counter = ?, last_seen_at = ? WHERE id = ? AND last_counter < ?",
                           arguments: [counter, at, device, counter])
            if db.changesCount == 1 { return (true, counter) }
            let last = try Int64.fetchOne(db, sql: "SELECT last_counter FROM device WHERE id = ?", arguments: [device]) ?? 0
            return (false, last)
        }
    }

    public func store(_ envelopes: [IncomingEnvelope], receivedAt: String) async throws -> [StoreOutcome] {
        try await pool.write { db in
            var outcomes: [StoreOutcome] = []
            outcomes.reserveCapacity(envelopes.count)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO envelope (id, device, kind, schema, sequence, box_created_at, fingerprint, body, via, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                """)
            let existing = try db.cachedStatement(sql: "SELECT fingerprint FROM envelope WHERE id = ?")
            let supersededBefore = try db.cachedStatement(sql: "SELECT by FROM supersession WHERE id = ? AND device = ?")
            // The batch's statistics summed first, then written once per key (a batch's visits share most keys), in
            // one order (as PostgreSQL does).
            var sums: [StatKey: Int] = [:]
            for item in envelopes {
                let e = item.envelope
                try insert.execute(arguments: [e.id, e.device, e.kind, e.schema, e.sequence, e.createdAt, item.fingerprint, item.body, item.via, receivedAt])
                if db.changesCount == 1 {
                    // Superseded before it arrived: kept, not counted.
                    if let by = try String.fetchOne(supersededBefore, arguments: [e.id, e.device]) {
                        try db.execute(sql: "UPDATE envelope SET superseded_by = ? WHERE id = ?", arguments: [by, e.id])
                    } else {
                        for key in item.stats { sums[key, default: 0] += 1 }
                    }
                    if let replaced = item.supersedes {
                        try db.execute(sql: "UPDATE envelope SET superseded_by = ? WHERE id = ? AND device = ? AND superseded_by IS NULL",
                                       arguments: [e.id, replaced.id, e.device])
                        if db.changesCount == 1 {
                            for key in replaced.stats ?? [] { sums[key, default: 0] -= 1 }
                        } else if try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM envelope WHERE id = ?)", arguments: [replaced.id]) == true {
                            try db.execute(sql: "INSERT INTO supersession (id, device, by) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING",
                                           arguments: [replaced.id, e.device, e.id])
                        }
                    }
                    outcomes.append(.accepted)
                } else {
                    let fingerprint = try String.fetchOne(existing, arguments: [e.id])
                    outcomes.append(fingerprint == item.fingerprint ? .duplicate : .conflict)
                }
            }
            let addStat = try db.cachedStatement(sql: """
                INSERT INTO stat_count (day, commune, metric, value, count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(day, commune, metric, value) DO UPDATE SET count = max(0, count + excluded.count)
                """)
            let removeStat = try db.cachedStatement(sql: """
                UPDATE stat_count SET count = max(0, count + ?) WHERE day = ? AND commune = ? AND metric = ? AND value = ?
                """)
            for (key, delta) in sums.sorted(by: { ($0.key.day, $0.key.commune, $0.key.metric, $0.key.value) < ($1.key.day, $1.key.commune, $1.key.metric, $1.key.value) })
            where delta != 0 {
                if delta > 0 {
                    try addStat.execute(arguments: [key.day, key.commune, key.metric, key.value, delta])
                } else {
                    try removeStat.execute(arguments: [delta, key.day, key.commune, key.metric, key.value])
                }
            }
            return outcomes
        }
    }

    public func countEnvelopes(device: String?) async throws -> Int {
        try await pool.read { db in
            if let device {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM envelope WHERE device = ? AND superseded_by IS NULL", arguments: [device]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM envelope WHERE superseded_by IS NULL") ?? 0
        }
    }

    public func envelopeBody(id: String) async throws -> Data? {
        try await pool.read { db in try Data.fetchOne(db, sql: "SELECT body FROM envelope WHERE id = ?", arguments: [id]) }
    }

    public func pendingForward(limit: Int) async throws -> [PendingForward] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body FROM envelope WHERE forwarded_at IS NULL AND forward_refused IS NULL ORDER BY received_at, device, sequence LIMIT ?",
                             arguments: [limit]).map { PendingForward(id: $0["id"], body: $0["body"]) }
        }
    }

    public func markForwarded(_ ids: [String], at: String) async throws {
        try await pool.write { db in
            for id in ids {
                try db.execute(sql: "UPDATE envelope SET forwarded_at = ? WHERE id = ? AND forwarded_at IS NULL", arguments: [at, id])
            }
        }
    }

    public func setAsideForward(_ id: String, reason: String, at: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE envelope SET forward_refused = ? WHERE id = ? AND forwarded_at IS NULL", arguments: ["\(at) \(reason.prefix(300))", id])
        }
    }

    public func nextCounter(_ name: String) async throws -> Int64 {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO counter (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1", arguments: [name])
            return try Int64.fetchOne(db, sql: "SELECT value FROM counter WHERE name = ?", arguments: [name])!
        }
    }

    public func setCounter(_ name: String, atLeast value: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)",
                           arguments: [name, value])
        }
    }

    public func publishContent(version: Int, signed: SignedManifest, at: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO content_bundle (version, manifest, signature, published_at) VALUES (?, ?, ?, ?)",
                           arguments: [version, signed.manifest, signed.signature, at])
        }
    }

    public func latestContent() async throws -> (version: Int, signed: SignedManifest)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM content_bundle ORDER BY version DESC LIMIT 1").map {
                (version: $0["version"], signed: SignedManifest(manifest: $0["manifest"], signature: $0["signature"]))
            }
        }
    }

    public func statCounts(from: String, to: String, commune: String?) async throws -> [StatRow] {
        try await pool.read { db in
            let rows: [Row]
            if let commune {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM stat_count WHERE day BETWEEN ? AND ? AND commune = ?", arguments: [from, to, commune])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM stat_count WHERE day BETWEEN ? AND ?", arguments: [from, to])
            }
            return rows.map { StatRow(day: $0["day"], commune: $0["commune"], metric: $0["metric"], value: $0["value"], count: $0["count"]) }
        }
    }

    public func statSums(from: String, to: String, commune: String?) async throws -> StatSums {
        try await pool.read { db in
            let filter = commune == nil ? "day BETWEEN ? AND ?" : "day BETWEEN ? AND ? AND commune = ?"
            let arguments: StatementArguments = commune.map { [from, to, $0] } ?? [from, to]
            let metrics = try Row.fetchAll(db, sql: "SELECT metric, value, SUM(count) AS n FROM stat_count WHERE \(filter) GROUP BY metric, value", arguments: arguments)
            let days = try Row.fetchAll(db, sql: "SELECT day, SUM(count) AS n FROM stat_count WHERE metric = 'visits' AND \(filter) GROUP BY day", arguments: arguments)
            let communes = try Row.fetchAll(db, sql: "SELECT commune, SUM(count) AS n FROM stat_count WHERE metric = 'visits' AND \(filter) GROUP BY commune", arguments: arguments)
            return StatSums(byMetric: metrics.map { (metric: $0["metric"], value: $0["value"], count: $0["n"]) },
                            visitsByDay: days.map { (day: $0["day"], count: $0["n"]) },
                            visitsByCommune: communes.map { (commune: $0["commune"], count: $0["n"]) })
        }
    }

    public func addUser(_ user: UserRecord, at: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO app_user (name, password_hash, created_at, role) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO NOTHING",
                           arguments: [user.name, user.passwordHash, at, user.role.rawValue])
            return db.changesCount == 1
        }
    }

    public func user(_ name: String) async throws -> UserRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT name, password_hash, role FROM app_user WHERE name = ?", arguments: [name])
                .map { UserRecord(name: $0["name"], passwordHash: $0["password_hash"], role: UserRole(rawValue: $0["role"]) ?? .statistics) }
        }
    }

    public func createSession(tokenHash: String, user: String, createdAt: String, expiresAt: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ?", arguments: [createdAt])
            try db.execute(sql: "INSERT INTO session (token_hash, user, created_at, expires_at) VALUES (?, ?, ?, ?)",
                           arguments: [tokenHash, user, createdAt, expiresAt])
        }
    }

    public func sessionUser(tokenHash: String, now: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT user FROM session WHERE token_hash = ? AND expires_at > ?", arguments: [tokenHash, now])
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM session WHERE token_hash = ?", arguments: [tokenHash]) }
    }
}
