import Foundation
import GRDB

extension Schema {
    /// The box's journal of the day's follow-up changes: each entry sealed under a key derived from the team passphrase
    /// (the box cannot read it without a mediator's unlock), so that a restart the same day finds the day's changes
    /// again. The changes themselves travel in the outbox, sealed for the central store.
    static func v4(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE followup_journal (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
            sealed BLOB NOT NULL
        );
        """)
    }
}

/// Why a follow-up change cannot be kept.
public struct FollowUpStoreError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension AppDatabase {
    /// Queues a follow-up event for the central store (sealed in the same transaction, like every record) and keeps its
    /// sealed journal entry, together. `opening` names the visit a new dossier is opened for: refused unless that
    /// visitor chose "share". Refused too while the box is not enrolled (nothing about a dossier rests readable).
    public func queueFollowUp(_ record: OutboxRecord, journal sealed: Data?, day: String, opening visitID: String?) throws {
        guard sealerSlot.value != nil else { throw FollowUpStoreError("follow-up needs the box enrolled (kiosk provision): nothing was kept") }
        let stamp = AppDatabase.timestamp(clock())
        try writer.write { db in
            if let visitID {
                let consent = try String.fetchOne(db, sql: "SELECT consent FROM visit WHERE id = ?", arguments: [visitID])
                guard consent == "share" else {
                    throw FollowUpStoreError("a dossier is opened only for a visitor who agreed to share (this visit: \(consent ?? "unknown"))")
                }
            }
            try enqueue(record, at: stamp, db)
            if let sealed { try db.execute(sql: "INSERT INTO followup_journal (day, sealed) VALUES (?, ?)", arguments: [day, sealed]) }
            try Self.appendAudit(db, at: stamp, actor: "mediator", action: "followup_event", subject: visitID, detail: nil)
        }
    }

    /// How many outbox rows of a kind there are (any state).
    public func outboxCount(kind: String) throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE kind = ?", arguments: [kind]) ?? 0 }
    }

    /// The bytes the outbox still holds for a kind (acknowledged follow-up events hold none).
    public func outboxPayloadBytes(kind: String) throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(length(payload)), 0) FROM outbox WHERE kind = ?", arguments: [kind]) ?? 0 }
    }

    /// The day's sealed journal entries, in order.
    public func followUpJournal(day: String) throws -> [Data] {
        try writer.read { db in try Data.fetchAll(db, sql: "SELECT sealed FROM followup_journal WHERE day = ? ORDER BY seq", arguments: [day]) }
    }

    /// Writes the WAL back into the database and empties it: with `secure_delete`, what a purge removed is then gone from
    /// both files.
    public func checkpointAndTruncate() throws {
        guard writer is DatabasePool else { return }
        try writer.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}
