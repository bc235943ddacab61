import Foundation
import GRDB

/// What the box keeps of a call-back request for the mediator at the next permanence: no name, no number.
public struct CallbackStub: Sendable, Equatable {
    public var id: String
    public var createdAt: String
    public var language: String
    public var moment: String
    /// The central store acknowledged the sealed record (the team can see it).
    public var sent: Bool
}

extension AppDatabase {
    /// Queues the call-back request's record (`record`, readable until the sealer seals it in this same transaction
    /// once the box is enrolled) and keeps the stub without name or number; the audit log says a request was left.
    public func requestCallback(id: String, language: String, moment: String, record: OutboxRecord) throws {
        let stamp = AppDatabase.timestamp(clock())
        try writer.write { db in
            try enqueue(record, at: stamp, db)
            try db.execute(sql: "INSERT INTO callback_request (id, created_at, language, moment, record_id) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, stamp, language, moment, record.id])
            try Self.appendAudit(db, at: stamp, actor: "visitor", action: "callback_requested", subject: id, detail: nil)
        }
    }

    /// The call-back requests left since `since`, newest first, with whether their record reached the central store.
    public func callbackRequests(since: Date) throws -> [CallbackStub] {
        let from = AppDatabase.timestamp(since)
        return try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, c.created_at, c.language, c.moment, o.state FROM callback_request c
                LEFT JOIN outbox o ON o.id = c.record_id WHERE c.created_at >= ? ORDER BY c.created_at DESC
                """, arguments: [from]).map {
                CallbackStub(id: $0["id"], createdAt: $0["created_at"], language: $0["language"], moment: $0["moment"],
                             sent: ($0["state"] as String?) == "acknowledged")
            }
        }
    }
}
