import Foundation
import GRDB

/// A record to send to the central store.
public struct OutboxRecord: Sendable, Equatable {
    /// The envelope id, made on the box; the central store acknowledges by it.
    public var id: String
    public var kind: String
    public var schemaVersion: Int
    /// `json-unsealed-v1` until sealing lands, then `hpke-v1`.
    public var payloadFormat: String
    public var payload: Data
    public init(id: String = UUID().uuidString.lowercased(), kind: String, schemaVersion: Int, payloadFormat: String = "json-unsealed-v1", payload: Data) {
        self.id = id
        self.kind = kind
        self.schemaVersion = schemaVersion
        self.payloadFormat = payloadFormat
        self.payload = payload
    }
}

/// Where an outbox row is: queued → sending → acknowledged (or back to queued after a failure).
public enum OutboxState: String, Sendable, CaseIterable {
    case queued, sending, acknowledged
}

/// An outbox row.
public struct OutboxItem: Sendable, Equatable {
    public var record: OutboxRecord
    /// Per-box sequence number, in the order records were queued.
    public var sequence: Int64
    public var state: OutboxState
    public var attempts: Int
    public var lastError: String?
    public var createdAt: String
    public var nextAttemptAt: String?
    public var acknowledgedAt: String?

    init(row: Row) {
        record = OutboxRecord(id: row["id"], kind: row["kind"], schemaVersion: row["schema_version"],
                              payloadFormat: row["payload_format"], payload: row["payload"])
        sequence = row["sequence"]
        state = OutboxState(rawValue: row["state"]) ?? .queued
        attempts = row["attempts"]
        lastError = row["last_error"]
        createdAt = row["created_at"]
        nextAttemptAt = row["next_attempt_at"]
        acknowledgedAt = row["acknowledged_at"]
    }
}

/// Turns a readable record into a sealed one (`hpke-v1`), given its per-box sequence number and queueing time.
/// Installed by the sync layer once the box is enrolled; the store calls it inside the transaction that queues.
public typealias OutboxSealer = @Sendable (_ record: OutboxRecord, _ sequence: Int64, _ createdAt: String) throws -> OutboxRecord

/// A value set from one thread and read from others (the sealer once the box is enrolled, the mediator on duty).
final class LockedSlot<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

extension AppDatabase {
    func enqueue(_ record: OutboxRecord, at stamp: String, _ db: Database) throws {
        let sequence = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) + 1 FROM outbox")!
        var stored = record
        if record.payloadFormat == "json-unsealed-v1", let sealer = sealerSlot.value {
            stored = try sealer(record, sequence, stamp)
        }
        try db.execute(sql: """
            INSERT INTO outbox (id, sequence, kind, schema_version, payload_format, payload, state, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)
            """, arguments: [stored.id, sequence, stored.kind, stored.schemaVersion, stored.payloadFormat, stored.payload, stamp])
    }

    /// From now on, records are sealed in the transaction that queues them.
    public func installSealer(_ sealer: OutboxSealer?) { sealerSlot.value = sealer }

    /// Seals every row still readable (queued before the box was enrolled), in one transaction.
    /// Returns how many were sealed. Nothing readable leaves the box.
    @discardableResult
    public func sealUnsealed(with sealer: OutboxSealer) throws -> Int {
        try writer.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE payload_format = 'json-unsealed-v1' AND state != 'acknowledged' ORDER BY sequence")
            for row in rows {
                let item = OutboxItem(row: row)
                let sealed = try sealer(item.record, item.sequence, item.createdAt)
                try db.execute(sql: "UPDATE outbox SET payload_format = ?, payload = ? WHERE id = ?",
                               arguments: [sealed.payloadFormat, sealed.payload, item.record.id])
            }
            return rows.count
        }
    }

    /// Every row not yet acknowledged (queued or sending), oldest first: what a USB export carries.
    public func outboxUnacknowledged(limit: Int = .max) throws -> [OutboxItem] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE state != 'acknowledged' ORDER BY sequence LIMIT ?", arguments: [limit])
                .map(OutboxItem.init(row:))
        }
    }

    /// Increments a named counter kept in the settings and returns it, durably (request counters).
    public func nextCounter(_ name: String) throws -> Int64 {
        try writer.write { db in
            let current = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [name]).flatMap { Int64($0) } ?? 0
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [name, String(current + 1)])
            return current + 1
        }
    }

    /// Raises a named counter to at least `value`.
    public func raiseCounter(_ name: String, atLeast value: Int64) throws {
        try writer.write { db in
            let current = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [name]).flatMap { Int64($0) } ?? 0
            if value > current {
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [name, String(value)])
            }
        }
    }

    /// Queues a record outside a visit close (an anonymous count, a callback request).
    public func enqueue(_ record: OutboxRecord) throws {
        let stamp = AppDatabase.timestamp(clock())
        try writer.write { try self.enqueue(record, at: stamp, $0) }
    }

    /// Rows waiting to be sent (queued, due now), oldest first. `ignoringBackoff` (a sync asked for by
    /// a person) takes every queued row.
    public func outboxDue(limit: Int = 100, ignoringBackoff: Bool = false) throws -> [OutboxItem] {
        let now = ignoringBackoff ? "9999" : AppDatabase.timestamp(clock())
        return try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM outbox WHERE state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                ORDER BY sequence LIMIT ?
                """, arguments: [now, limit]).map(OutboxItem.init(row:))
        }
    }

    public func outboxItem(_ id: String) throws -> OutboxItem? {
        try writer.read { try Row.fetchOne($0, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]).map(OutboxItem.init(row:)) }
    }

    /// Counts by state, and the creation time of the oldest row not acknowledged.
    public func outboxSummary() throws -> (counts: [OutboxState: Int], oldestUnsent: String?) {
        try writer.read { db in
            var counts: [OutboxState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state") {
                if let state = OutboxState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            let oldest = try String.fetchOne(db, sql: "SELECT MIN(created_at) FROM outbox WHERE state != 'acknowledged'")
            return (counts, oldest)
        }
    }

    /// Marks rows as being sent, before the network call: a crash leaves them `sending`,
    /// which `requeueInterruptedSends()` puts back at start-up (the server deduplicates by id).
    public func markSending(_ ids: [String]) throws {
        try writer.write { db in
            let statement = try db.cachedStatement(sql: "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = 'queued'")
            for id in ids { try statement.execute(arguments: [id]) }
        }
    }

    /// The central store acknowledged these rows (accepted or duplicate). A follow-up event's sealed payload is dropped
    /// then: the box never needs it again, and an erasure at the central store leaves no copy here.
    public func markAcknowledged(_ ids: [String]) throws {
        let stamp = AppDatabase.timestamp(clock())
        try writer.write { db in
            let statement = try db.cachedStatement(sql: "UPDATE outbox SET state = 'acknowledged', acknowledged_at = ?, last_error = NULL WHERE id = ? AND state = 'sending'")
            let blank = try db.cachedStatement(sql: "UPDATE outbox SET payload = X'' WHERE id = ? AND kind = 'permanence.followup-event' AND state = 'acknowledged'")
            for id in ids {
                try statement.execute(arguments: [stamp, id])
                try blank.execute(arguments: [id])
            }
        }
    }

    /// A send failed: back to queued, with the error and the time of the next attempt.
    public func markFailed(_ ids: [String], error: String, retryAt: Date) throws {
        let next = AppDatabase.timestamp(retryAt)
        try writer.write { db in
            for id in ids {
                try db.execute(sql: "UPDATE outbox SET state = 'queued', last_error = ?, next_attempt_at = ? WHERE id = ? AND state = 'sending'",
                               arguments: [String(error.prefix(500)), next, id])
            }
        }
    }

    /// At start-up: rows left `sending` by a crash go back to `queued`.
    @discardableResult
    public func requeueInterruptedSends() throws -> Int {
        try writer.write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'queued' WHERE state = 'sending'")
            return db.changesCount
        }
    }
}
