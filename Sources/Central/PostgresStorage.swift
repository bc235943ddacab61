import Foundation
import Logging
import PostgresNIO
import SyncProtocol

/// The central store on PostgreSQL, for when one machine's SQLite is not enough.
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`; the schema is made on first use.
public final class PostgresStorage: CentralStorage {
    public let client: PostgresClient
    let logger: Logger
    let ready = SchemaOnce()

    public init(url: String, logger: Logger) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, let user = components.user else {
            throw Problem(.internalError, "the database URL must look like postgres://USER@HOST:PORT/DATABASE")
        }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let configuration = PostgresClient.Configuration(host: host, port: components.port ?? 5432, username: user,
                                                         password: components.password, database: database.isEmpty ? nil : database,
                                                         tls: .disable)
        self.logger = logger
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// Creates the schema once per process (idempotent on the server).
    actor SchemaOnce {
        var done = false
        func ensure(_ body: () async throws -> Void) async throws {
            if done { return }
            try await body()
            done = true
        }
    }

    func migrate() async throws {
        try await ready.ensure {
            let statements: [PostgresQuery] = [
                "SELECT pg_advisory_lock(7319)",
                """
                CREATE TABLE IF NOT EXISTS enroll_token (token_hash TEXT PRIMARY KEY, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
                    used_at TEXT, device TEXT)
                """,
                """
                CREATE TABLE IF NOT EXISTS device (id TEXT PRIMARY KEY, public_key TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('box', 'relay')), name TEXT, enrolled_at TEXT NOT NULL, revoked_at TEXT,
                    last_counter BIGINT NOT NULL DEFAULT 0, last_seen_at TEXT)
                """,
                """
                CREATE TABLE IF NOT EXISTS envelope (id TEXT PRIMARY KEY, device TEXT NOT NULL, kind TEXT NOT NULL, schema INTEGER NOT NULL,
                    sequence BIGINT NOT NULL, box_created_at TEXT NOT NULL, fingerprint TEXT NOT NULL, body TEXT NOT NULL, via TEXT NOT NULL,
                    received_at TEXT NOT NULL, forwarded_at TEXT)
                """,
                "CREATE INDEX IF NOT EXISTS envelope_by_device ON envelope(device, sequence)",
                "ALTER TABLE envelope ADD COLUMN IF NOT EXISTS forward_refused TEXT",
                "DROP TABLE IF EXISTS record",
                """
                CREATE TABLE IF NOT EXISTS stat_count (day TEXT NOT NULL, commune TEXT NOT NULL, metric TEXT NOT NULL, value TEXT NOT NULL,
                    count BIGINT NOT NULL CHECK (count >= 0), PRIMARY KEY (day, commune, metric, value))
                """,
                "CREATE INDEX IF NOT EXISTS stat_count_by_metric ON stat_count(metric, day)",
                // Every batch adds to the same sums and every request moves its box's counter: room in each page keeps
                // those updates in place (HOT: no new index entry, nothing for the index to clean up after).
                "ALTER TABLE stat_count SET (fillfactor = 50)",
                "ALTER TABLE device SET (fillfactor = 50)",
                "CREATE TABLE IF NOT EXISTS app_user (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, created_at TEXT NOT NULL)",
                """
                CREATE TABLE IF NOT EXISTS session (token_hash TEXT PRIMARY KEY, "user" TEXT NOT NULL REFERENCES app_user(name) ON DELETE CASCADE,
                    created_at TEXT NOT NULL, expires_at TEXT NOT NULL)
                """,
                "CREATE TABLE IF NOT EXISTS content_bundle (version INTEGER PRIMARY KEY, manifest TEXT NOT NULL, signature TEXT NOT NULL, published_at TEXT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
                "ALTER TABLE envelope ADD COLUMN IF NOT EXISTS superseded_by TEXT",
                "CREATE TABLE IF NOT EXISTS supersession (id TEXT PRIMARY KEY, device TEXT NOT NULL, by TEXT NOT NULL)",
                "CREATE INDEX IF NOT EXISTS envelope_by_kind ON envelope(kind, received_at)",
                "CREATE TABLE IF NOT EXISTS callback_done (id TEXT PRIMARY KEY, done_at TEXT NOT NULL, done_by TEXT NOT NULL)",
                """
                CREATE TABLE IF NOT EXISTS audit (seq BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, "user" TEXT NOT NULL, action TEXT NOT NULL,
                    subject TEXT NOT NULL)
                """,
                """
                CREATE TABLE IF NOT EXISTS dossier (id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                    commune TEXT, last_seen_device TEXT, last_activity TEXT NOT NULL, body TEXT NOT NULL, pack_body TEXT NOT NULL)
                """,
                "CREATE INDEX IF NOT EXISTS dossier_by_activity ON dossier(last_activity) WHERE status = 'open'",
                "CREATE INDEX IF NOT EXISTS dossier_by_commune ON dossier(commune) WHERE status = 'open'",
                "CREATE INDEX IF NOT EXISTS dossier_by_device ON dossier(last_seen_device) WHERE status = 'open'",
                """
                CREATE TABLE IF NOT EXISTS dossier_event (seq BIGSERIAL PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, dossier TEXT NOT NULL, envelope TEXT,
                    source TEXT NOT NULL, received_at TEXT NOT NULL, box_at TEXT, action TEXT NOT NULL, outcome TEXT NOT NULL, body TEXT NOT NULL)
                """,
                "CREATE INDEX IF NOT EXISTS dossier_event_by_dossier ON dossier_event(dossier, seq)",
                "CREATE INDEX IF NOT EXISTS dossier_event_by_envelope ON dossier_event(envelope)",
                """
                CREATE TABLE IF NOT EXISTS dossier_conflict (seq BIGSERIAL PRIMARY KEY, dossier TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
                    resolved_at TEXT, resolved_by TEXT, resolution TEXT)
                """,
                "CREATE INDEX IF NOT EXISTS dossier_conflict_by_dossier ON dossier_conflict(dossier)",
                "CREATE TABLE IF NOT EXISTS dossier_erased (id TEXT PRIMARY KEY, erased_at TEXT NOT NULL, erased_by TEXT NOT NULL)",
                "ALTER TABLE app_user ADD COLUMN IF NOT EXISTS role TEXT NOT NULL DEFAULT 'coordinator'",
                """
                CREATE TABLE IF NOT EXISTS guess_attempt (key TEXT PRIMARY KEY, failures INTEGER NOT NULL CHECK (failures >= 0),
                    last_failure_at TEXT NOT NULL, locked_until TEXT)
                """,
                """
                CREATE TABLE IF NOT EXISTS audit_head (device TEXT NOT NULL, seq BIGINT NOT NULL CHECK (seq >= 0), hash TEXT NOT NULL,
                    received_at TEXT NOT NULL, PRIMARY KEY (device, seq))
                """,
                "CREATE TABLE IF NOT EXISTS audit_alarm (device TEXT PRIMARY KEY, kind TEXT NOT NULL, detail TEXT NOT NULL, at TEXT NOT NULL)",
                "SELECT pg_advisory_unlock(7319)",
            ]
            try await client.withConnection { connection in
                for statement in statements { try await connection.query(statement, logger: logger) }
            }
        }
    }

    public func envelopes(kind: String, limit: Int) async throws -> [StoredEnvelope] {
        try await migrate()
        var found: [StoredEnvelope] = []
        let rows = try await client.query("""
            SELECT id, device, body, received_at FROM envelope WHERE kind = \(kind) AND superseded_by IS NULL
            ORDER BY received_at DESC, id LIMIT \(Int64(limit))
            """, logger: logger)
        for try await (id, device, body, received) in rows.decode((String, String, String, String).self) {
            found.append(StoredEnvelope(id: id, device: device, body: Data(body.utf8), receivedAt: received))
        }
        return found
    }

    public func callbacksDone() async throws -> [String: (at: String, by: String)] {
        try await migrate()
        var done: [String: (at: String, by: String)] = [:]
        for try await (id, at, by) in try await client.query("SELECT id, done_at, done_by FROM callback_done", logger: logger).decode((String, String, String).self) {
            done[id] = (at, by)
        }
        return done
    }

    public func markCallbackDone(id: String, by: String, at: String) async throws -> Bool {
        try await migrate()
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let inserted = try await Self.hasRows(connection.query("""
                INSERT INTO callback_done (id, done_at, done_by) VALUES (\(id), \(at), \(by)) ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: logger))
            guard inserted else { return false }
            try await connection.query("INSERT INTO audit (at, \"user\", action, subject) VALUES (\(at), \(by), 'callback_done', \(id))", logger: logger)
            return true
        }
    }

    public func auditLog() async throws -> [CentralAuditEntry] {
        try await migrate()
        var entries: [CentralAuditEntry] = []
        let rows = try await client.query("SELECT at, \"user\", action, subject FROM audit ORDER BY seq", logger: logger)
        for try await (at, user, action, subject) in rows.decode((String, String, String, String).self) {
            entries.append(CentralAuditEntry(at: at, user: user, action: action, subject: subject))
        }
        return entries
    }

    public func auditAnchor(device: String) async throws -> AuditPoint? {
        try await migrate()
        for try await (seq, hash) in try await client.query(
            "SELECT seq, hash FROM audit_head WHERE device = \(device) ORDER BY seq DESC LIMIT 1", logger: logger).decode((Int64, String).self) {
            return AuditPoint(seq: seq, hash: hash)
        }
        return nil
    }

    public func auditAnchorHash(device: String, seq: Int64) async throws -> String? {
        try await migrate()
        for try await hash in try await client.query("SELECT hash FROM audit_head WHERE device = \(device) AND seq = \(seq)", logger: logger).decode(String.self) {
            return hash
        }
        return nil
    }

    public func recordAuditHead(device: String, head: AuditPoint, at: String, alarm: AuditAlarm?, audit: CentralAuditEntry?) async throws {
        try await migrate()
        let logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            if let alarm {
                try await connection.query("DELETE FROM audit_head WHERE device = \(device)", logger: logger)
                try await connection.query("""
                    INSERT INTO audit_alarm (device, kind, detail, at) VALUES (\(device), \(alarm.kind.rawValue), \(alarm.detail), \(alarm.at))
                    ON CONFLICT (device) DO UPDATE SET kind = excluded.kind, detail = excluded.detail, at = excluded.at
                    """, logger: logger)
            }
            try await connection.query("""
                INSERT INTO audit_head (device, seq, hash, received_at) VALUES (\(device), \(head.seq), \(head.hash), \(at)) ON CONFLICT (device, seq) DO NOTHING
                """, logger: logger)
            if let entry = audit {
                try await connection.query("INSERT INTO audit (at, \"user\", action, subject) VALUES (\(entry.at), \(entry.user), \(entry.action), \(entry.subject))",
                                           logger: logger)
            }
        }
    }

    public func auditAlarms() async throws -> [String: AuditAlarm] {
        try await migrate()
        var alarms: [String: AuditAlarm] = [:]
        for try await (device, kind, detail, at) in try await client.query("SELECT device, kind, detail, at FROM audit_alarm", logger: logger)
            .decode((String, String, String, String).self) {
            alarms[device] = AuditAlarm(kind: AuditAlarm.Kind(rawValue: kind) ?? .forked, detail: detail, at: at)
        }
        return alarms
    }

    public func clearAuditAlarm(device: String, audit: CentralAuditEntry) async throws -> Bool {
        try await migrate()
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let removed = try await Self.hasRows(connection.query("DELETE FROM audit_alarm WHERE device = \(device) RETURNING device", logger: logger))
            guard removed else { return false }
            try await connection.query("INSERT INTO audit (at, \"user\", action, subject) VALUES (\(audit.at), \(audit.user), \(audit.action), \(audit.subject))",
                                       logger: logger)
            return true
        }
    }

    public func guessStates(_ keys: [String]) async throws -> [String: GuessState] {
        try await migrate()
        var states: [String: GuessState] = [:]
        for key in keys {
            for try await (failures, last, locked) in try await client.query(
                "SELECT failures, last_failure_at, locked_until FROM guess_attempt WHERE key = \(key)", logger: logger).decode((Int, String, String?).self) {
                states[key] = GuessState(failures: failures, lastFailureAt: last, lockedUntil: locked)
            }
        }
        return states
    }

    public func recordWrongGuess(_ keys: [String], at: String, lockAfter: Int, lockedUntil: String, audit: [CentralAuditEntry]) async throws -> [String: GuessState] {
        try await migrate()
        let logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            for key in keys {
                try await connection.query("""
                    INSERT INTO guess_attempt (key, failures, last_failure_at) VALUES (\(key), 1, \(at))
                    ON CONFLICT (key) DO UPDATE SET
                        failures = CASE WHEN guess_attempt.locked_until IS NOT NULL AND guess_attempt.locked_until <= excluded.last_failure_at THEN 1
                                        ELSE guess_attempt.failures + 1 END,
                        locked_until = CASE WHEN guess_attempt.locked_until IS NOT NULL AND guess_attempt.locked_until <= excluded.last_failure_at THEN NULL
                                            ELSE guess_attempt.locked_until END,
                        last_failure_at = excluded.last_failure_at
                    """, logger: logger)
                try await connection.query("""
                    UPDATE guess_attempt SET locked_until = \(lockedUntil) WHERE key = \(key) AND failures >= \(lockAfter) AND locked_until IS NULL
                    """, logger: logger)
            }
            for entry in audit {
                try await connection.query("INSERT INTO audit (at, \"user\", action, subject) VALUES (\(entry.at), \(entry.user), \(entry.action), \(entry.subject))",
                                           logger: logger)
            }
        }
        return try await guessStates(keys)
    }

    public func clearGuesses(_ keys: [String], audit: CentralAuditEntry?) async throws {
        try await migrate()
        let logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            for key in keys { try await connection.query("DELETE FROM guess_attempt WHERE key = \(key)", logger: logger) }
            if let entry = audit {
                try await connection.query("INSERT INTO audit (at, \"user\", action, subject) VALUES (\(entry.at), \(entry.user), \(entry.action), \(entry.subject))",
                                           logger: logger)
            }
        }
    }

    /// Whether a statement with `RETURNING` touched a row (reads the rows to the end).
    static func hasRows(_ rows: PostgresRowSequence) async throws -> Bool {
        var found = false
        for try await _ in rows { found = true }
        return found
    }

    public func addToken(hash: String, createdAt: String, expiresAt: String) async throws {
        try await migrate()
        try await client.query("INSERT INTO enroll_token (token_hash, created_at, expires_at) VALUES (\(hash), \(createdAt), \(expiresAt))", logger: logger)
    }

    public func enroll(tokenHash: String, now: String, device: DeviceRecord) async throws -> Bool {
        try await migrate()
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let used = try await Self.hasRows(connection.query("""
                UPDATE enroll_token SET used_at = \(now), device = \(device.id)
                WHERE token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > \(now) RETURNING token_hash
                """, logger: logger))
            guard used else { return false }
            try await connection.query("""
                INSERT INTO device (id, public_key, kind, name, enrolled_at)
                VALUES (\(device.id), \(device.publicKey), \(device.kind), \(device.name), \(device.enrolledAt))
                """, logger: logger)
            return true
        }
    }

    public func rememberDevice(_ device: DeviceRecord) async throws {
        try await migrate()
        try await client.query("""
            INSERT INTO device (id, public_key, kind, name, enrolled_at, revoked_at)
            VALUES (\(device.id), \(device.publicKey), \(device.kind), \(device.name), \(device.enrolledAt), \(device.revokedAt))
            ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at
            """, logger: logger)
    }

    func fetchDevices(_ query: PostgresQuery) async throws -> [DeviceRecord] {
        try await migrate()
        var devices: [DeviceRecord] = []
        let rows = try await client.query(query, logger: logger)
        for try await (id, key, kind, name, enrolled, revoked) in rows.decode((String, String, String, String?, String, String?).self) {
            devices.append(DeviceRecord(id: id, publicKey: key, kind: kind, name: name, enrolledAt: enrolled, revokedAt: revoked))
        }
        return devices
    }

    public func device(_ id: String) async throws -> DeviceRecord? {
        try await fetchDevices("SELECT id, public_key, kind, name, enrolled_at, revoked_at FROM device WHERE id = \(id)").first
    }

    public func devices() async throws -> [DeviceRecord] {
        try await fetchDevices("SELECT id, public_key, kind, name, enrolled_at, revoked_at FROM device ORDER BY enrolled_at, id")
    }

    public func revoke(_ id: String, at: String) async throws -> Bool {
        try await migrate()
        return try await Self.hasRows(client.query("UPDATE device SET revoked_at = COALESCE(revoked_at, \(at)) WHERE id = \(id) RETURNING id", logger: logger))
    }

    public func advanceCounter(device: String, to counter: Int64, at: String) async throws -> (accepted: Bool, last: Int64) {
        try await migrate()
        let accepted = try await Self.hasRows(client.query("""
            UPDATE device SET last_counter = \(counter), last_seen_at = \(at) WHERE id = \(device) AND last_counter < \(counter) RETURNING id
            """, logger: logger))
        if accepted { return (true, counter) }
        var last: Int64 = 0
        for try await value in try await client.query("SELECT last_counter FROM device WHERE id = \(device)", logger: logger).decode(Int64.self) {
            last = value
        }
        return (false, last)
    }

    public func store(_ envelopes: [IncomingEnvelope], receivedAt: String) async throws -> [StoreOutcome] {
        try await migrate()
        let ids = envelopes.map(\.envelope.id)
        let devices = envelopes.map(\.envelope.device)
        let kinds = envelopes.map(\.envelope.kind)
        let schemas = envelopes.map { Int64($0.envelope.schema) }
        let sequences = envelopes.map(\.envelope.sequence)
        let created = envelopes.map(\.envelope.createdAt)
        let fingerprints = envelopes.map(\.fingerprint)
        let bodies = envelopes.map { String(decoding: $0.body, as: UTF8.self) }
        let vias = envelopes.map(\.via)
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            var inserted = Set<String>()
            let rows = try await connection.query("""
                INSERT INTO envelope (id, device, kind, schema, sequence, box_created_at, fingerprint, body, via, received_at)
                SELECT t.id, t.device, t.kind, t.schema, t.sequence, t.created, t.fingerprint, t.body, t.via, \(receivedAt)
                FROM unnest(\(ids)::text[], \(devices)::text[], \(kinds)::text[], \(schemas)::bigint[], \(sequences)::bigint[],
                            \(created)::text[], \(fingerprints)::text[], \(bodies)::text[], \(vias)::text[])
                     AS t(id, device, kind, schema, sequence, created, fingerprint, body, via)
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: logger)
            for try await id in rows.decode(String.self) { inserted.insert(id) }
            // Records superseded before they arrived: kept, not counted.
            var notCounted = Set<String>()
            if !inserted.isEmpty {
                let newIDs = Array(inserted)
                for try await (id, by) in try await connection.query("SELECT id, by FROM supersession WHERE id = ANY(\(newIDs)::text[])",
                                                                     logger: logger).decode((String, String).self) {
                    try await connection.query("UPDATE envelope SET superseded_by = \(by) WHERE id = \(id)", logger: logger)
                    notCounted.insert(id)
                }
            }
            // Statistics of the envelopes inserted now (not of duplicates), summed per key; superseded records taken off.
            var sums: [StatKey: Int64] = [:]
            for item in envelopes where inserted.contains(item.envelope.id) && !notCounted.contains(item.envelope.id) {
                for key in item.stats { sums[key, default: 0] += 1 }
            }
            for item in envelopes where inserted.contains(item.envelope.id) {
                guard let replaced = item.supersedes else { continue }
                let device = item.envelope.device, id = item.envelope.id
                let marked = try await Self.hasRows(connection.query("""
                    UPDATE envelope SET superseded_by = \(id) WHERE id = \(replaced.id) AND device = \(device) AND superseded_by IS NULL RETURNING id
                    """, logger: logger))
                if marked {
                    for key in replaced.stats ?? [] { sums[key, default: 0] -= 1 }
                } else if !(try await Self.hasRows(connection.query("SELECT id FROM envelope WHERE id = \(replaced.id)", logger: logger))) {
                    try await connection.query("""
                        INSERT INTO supersession (id, device, by) VALUES (\(replaced.id), \(device), \(id)) ON CONFLICT (id) DO NOTHING
                        """, logger: logger)
                }
            }
            // Counts taken off (superseded records) only lower rows that exist.
            for (key, delta) in sums where delta < 0 {
                try await connection.query("""
                    UPDATE stat_count SET count = GREATEST(0, count + \(delta)) WHERE day = \(key.day) AND commune = \(key.commune)
                        AND metric = \(key.metric) AND value = \(key.value)
                    """, logger: logger)
            }
            sums = sums.filter { $0.value > 0 }
            if !sums.isEmpty {
                // In one order for every transaction: two batches upserting the same sums never deadlock.
                let keys = sums.keys.sorted { ($0.day, $0.commune, $0.metric, $0.value) < ($1.day, $1.commune, $1.metric, $1.value) }
                let days = keys.map(\.day), communes = keys.map(\.commune), metrics = keys.map(\.metric), values = keys.map(\.value)
                let counts = keys.map { sums[$0]! }
                try await connection.query("""
                    INSERT INTO stat_count (day, commune, metric, value, count)
                    SELECT * FROM unnest(\(days)::text[], \(communes)::text[], \(metrics)::text[], \(values)::text[], \(counts)::bigint[])
                    ORDER BY 1, 2, 3, 4
                    ON CONFLICT (day, commune, metric, value) DO UPDATE SET count = stat_count.count + excluded.count
                    """, logger: logger)
            }
            var existing: [String: String] = [:]
            let others = ids.filter { !inserted.contains($0) }
            if !others.isEmpty {
                for try await (id, fingerprint) in try await connection.query("SELECT id, fingerprint FROM envelope WHERE id = ANY(\(others)::text[])",
                                                                               logger: logger).decode((String, String).self) {
                    existing[id] = fingerprint
                }
            }
            return envelopes.map { item in
                if inserted.contains(item.envelope.id) { return .accepted }
                return existing[item.envelope.id] == item.fingerprint ? .duplicate : .conflict
            }
        }
    }

    public func countEnvelopes(device: String?) async throws -> Int {
        try await migrate()
        let query: PostgresQuery = device.map { "SELECT COUNT(*) FROM envelope WHERE device = \($0) AND superseded_by IS NULL" }
            ?? "SELECT COUNT(*) FROM envelope WHERE superseded_by IS NULL"
        var count = 0
        for try await value in try await client.query(query, logger: logger).decode(Int64.self) { count = Int(value) }
        return count
    }

    public func envelopeBody(id: String) async throws -> Data? {
        try await migrate()
        for try await body in try await client.query("SELECT body FROM envelope WHERE id = \(id)", logger: logger).decode(String.self) {
            return Data(body.utf8)
        }
        return nil
    }

    public func pendingForward(limit: Int) async throws -> [PendingForward] {
        try await migrate()
        var pending: [PendingForward] = []
        let rows = try await client.query("SELECT id, body FROM envelope WHERE forwarded_at IS NULL AND forward_refused IS NULL ORDER BY received_at, device, sequence LIMIT \(Int64(limit))", logger: logger)
        for try await (id, body) in rows.decode((String, String).self) { pending.append(PendingForward(id: id, body: Data(body.utf8))) }
        return pending
    }

    public func markForwarded(_ ids: [String], at: String) async throws {
        try await migrate()
        try await client.query("UPDATE envelope SET forwarded_at = \(at) WHERE id = ANY(\(ids)::text[]) AND forwarded_at IS NULL", logger: logger)
    }

    public func setAsideForward(_ id: String, reason: String, at: String) async throws {
        try await migrate()
        let note = "\(at) \(reason.prefix(300))"
        try await client.query("UPDATE envelope SET forward_refused = \(note) WHERE id = \(id) AND forwarded_at IS NULL", logger: logger)
    }

    public func nextCounter(_ name: String) async throws -> Int64 {
        try await migrate()
        var value: Int64 = 0
        for try await next in try await client.query("""
            INSERT INTO counter (name, value) VALUES (\(name), 1) ON CONFLICT (name) DO UPDATE SET value = counter.value + 1 RETURNING value
            """, logger: logger).decode(Int64.self) { value = next }
        return value
    }

    public func setCounter(_ name: String, atLeast value: Int64) async throws {
        try await migrate()
        try await client.query("""
            INSERT INTO counter (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO UPDATE SET value = GREATEST(counter.value, excluded.value)
            """, logger: logger)
    }

    public func publishContent(version: Int, signed: SignedManifest, at: String) async throws {
        try await migrate()
        try await client.query("INSERT INTO content_bundle (version, manifest, signature, published_at) VALUES (\(version), \(signed.manifest), \(signed.signature), \(at))", logger: logger)
    }

    public func latestContent() async throws -> (version: Int, signed: SignedManifest)? {
        try await migrate()
        for try await (version, manifest, signature) in try await client.query("SELECT version, manifest, signature FROM content_bundle ORDER BY version DESC LIMIT 1", logger: logger).decode((Int, String, String).self) {
            return (version, SignedManifest(manifest: manifest, signature: signature))
        }
        return nil
    }

    public func statCounts(from: String, to: String, commune: String?) async throws -> [StatRow] {
        try await migrate()
        let query: PostgresQuery = commune.map {
            "SELECT day, commune, metric, value, count FROM stat_count WHERE day BETWEEN \(from) AND \(to) AND commune = \($0)"
        } ?? "SELECT day, commune, metric, value, count FROM stat_count WHERE day BETWEEN \(from) AND \(to)"
        var rows: [StatRow] = []
        for try await (day, commune, metric, value, count) in try await client.query(query, logger: logger).decode((String, String, String, String, Int64).self) {
            rows.append(StatRow(day: day, commune: commune, metric: metric, value: value, count: Int(count)))
        }
        return rows
    }

    public func statSums(from: String, to: String, commune: String?) async throws -> StatSums {
        try await migrate()
        let communeFilter = commune ?? ""
        let all = commune == nil
        var metrics: [(metric: String, value: String, count: Int)] = []
        for try await (metric, value, count) in try await client.query("""
            SELECT metric, value, SUM(count)::bigint FROM stat_count WHERE day BETWEEN \(from) AND \(to) AND (\(all) OR commune = \(communeFilter))
            GROUP BY metric, value
            """, logger: logger).decode((String, String, Int64).self) { metrics.append((metric, value, Int(count))) }
        var days: [(day: String, count: Int)] = []
        for try await (day, count) in try await client.query("""
            SELECT day, SUM(count)::bigint FROM stat_count WHERE metric = 'visits' AND day BETWEEN \(from) AND \(to) AND (\(all) OR commune = \(communeFilter))
            GROUP BY day
            """, logger: logger).decode((String, Int64).self) { days.append((day, Int(count))) }
        var communes: [(commune: String, count: Int)] = []
        for try await (name, count) in try await client.query("""
            SELECT commune, SUM(count)::bigint FROM stat_count WHERE metric = 'visits' AND day BETWEEN \(from) AND \(to) AND (\(all) OR commune = \(communeFilter))
            GROUP BY commune
            """, logger: logger).decode((String, Int64).self) { communes.append((name, Int(count))) }
        return StatSums(byMetric: metrics, visitsByDay: days, visitsByCommune: communes)
    }

    public func addUser(_ user: UserRecord, at: String) async throws -> Bool {
        try await migrate()
        return try await Self.hasRows(client.query("""
            INSERT INTO app_user (name, password_hash, created_at, role) VALUES (\(user.name), \(user.passwordHash), \(at), \(user.role.rawValue))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """, logger: logger))
    }

    public func user(_ name: String) async throws -> UserRecord? {
        try await migrate()
        for try await (name, hash, role) in try await client.query("SELECT name, password_hash, role FROM app_user WHERE name = \(name)", logger: logger)
            .decode((String, String, String).self) {
            return UserRecord(name: name, passwordHash: hash, role: UserRole(rawValue: role) ?? .statistics)
        }
        return nil
    }

    public func createSession(tokenHash: String, user: String, createdAt: String, expiresAt: String) async throws {
        try await migrate()
        try await client.query("DELETE FROM session WHERE expires_at <= \(createdAt)", logger: logger)
        try await client.query("""
            INSERT INTO session (token_hash, "user", created_at, expires_at) VALUES (\(tokenHash), \(user), \(createdAt), \(expiresAt))
            """, logger: logger)
    }

    public func sessionUser(tokenHash: String, now: String) async throws -> String? {
        try await migrate()
        for try await user in try await client.query("""
            SELECT "user" FROM session WHERE token_hash = \(tokenHash) AND expires_at > \(now)
            """, logger: logger).decode(String.self) { return user }
        return nil
    }

    public func deleteSession(tokenHash: String) async throws {
        try await migrate()
        try await client.query("DELETE FROM session WHERE token_hash = \(tokenHash)", logger: logger)
    }
}
