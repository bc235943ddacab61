import Foundation
import GRDB

/// How long the plaintext of a closed visit stays on the box.
public enum RetentionPolicy: Sendable, Equatable {
    /// Until the end of the day the visit was closed (the default).
    case endOfDay
    /// For this many hours after the close.
    case hours(Int)

    /// `end_of_day` or `hours:N` (as written in the settings and the configuration).
    public init?(setting: String) {
        if setting == "end_of_day" { self = .endOfDay; return }
        if setting.hasPrefix("hours:"), let hours = Int(setting.dropFirst(6)), hours >= 0 { self = .hours(hours); return }
        return nil
    }

    public var setting: String {
        switch self {
        case .endOfDay: return "end_of_day"
        case .hours(let hours): return "hours:\(hours)"
        }
    }
}

/// What a purge removed.
public struct PurgeResult: Sendable, Equatable {
    public var visits: Int
    public var answers: Int
    public init(visits: Int, answers: Int) {
        self.visits = visits
        self.answers = answers
    }
}

extension AppDatabase {
    /// The policy in the settings, or the default (end of day).
    public func retentionPolicy() throws -> RetentionPolicy {
        try setting("retention").flatMap(RetentionPolicy.init(setting:)) ?? .endOfDay
    }

    /// Deletes the plaintext (answers, name) of closed visits whose retention window has ended.
    /// The visit row stays (ticket numbers never repeat), with no personal data; only
    /// the outbox rows carry what leaves the box.
    @discardableResult
    public func purge(policy: RetentionPolicy? = nil) throws -> PurgeResult {
        let policy = try policy ?? retentionPolicy()
        let now = clock()
        let stamp = AppDatabase.timestamp(now)
        let result = try writer.write { db in
            let candidates = try Row.fetchAll(db, sql: "SELECT id, closed_at FROM visit WHERE status = 'closed' AND purged_at IS NULL")
            let formatter = StampReader()
            var visits = 0, answers = 0
            for row in candidates {
                let id: String = row["id"]
                guard let closed = formatter.date(from: row["closed_at"]) else { continue }
                let expiry: Date
                switch policy {
                case .endOfDay: expiry = startOfNextDay(after: closed)
                case .hours(let hours): expiry = closed.addingTimeInterval(TimeInterval(hours * 3600))
                }
                guard now >= expiry else { continue }
                try db.execute(sql: "DELETE FROM answer WHERE visit_id = ?", arguments: [id])
                answers += db.changesCount
                try db.execute(sql: "UPDATE visit SET display_name = NULL, purged_at = ? WHERE id = ?", arguments: [stamp, id])
                visits += 1
            }
            if visits > 0 {
                try Self.appendAudit(db, at: stamp, actor: "system", action: "purge", subject: nil, detail: "\(visits) visit(s), \(answers) answer(s)")
            }
            // The follow-up journal of earlier days goes too (its changes are in the outbox).
            try db.execute(sql: "DELETE FROM followup_journal WHERE day < ?", arguments: [day(of: now)])
            return PurgeResult(visits: visits, answers: answers)
        }
        // Nothing purged lingers in the WAL.
        try checkpointAndTruncate()
        return result
    }
}

/// Print jobs and content versions.
extension AppDatabase {
    /// Records a print job before it is sent; returns its id.
    public func recordPrintJob(visitID: String?, document: String, printer: String) throws -> Int64 {
        let stamp = AppDatabase.timestamp(clock())
        return try writer.write { db in
            try db.execute(sql: "INSERT INTO print_job (visit_id, document, printer, state, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?)",
                           arguments: [visitID, document, printer, stamp, stamp])
            let id = db.lastInsertedRowID
            try Self.appendAudit(db, at: stamp, actor: "mediator", action: "print", subject: visitID, detail: document)
            return id
        }
    }

    /// Updates a print job's CUPS id and state (`submitted`, `completed`, `cancelled`, `aborted`, `failed`).
    public func updatePrintJob(_ id: Int64, cupsJobID: Int? = nil, state: String, error: String? = nil) throws {
        let stamp = AppDatabase.timestamp(clock())
        try writer.write { db in
            try db.execute(sql: "UPDATE print_job SET cups_job_id = COALESCE(?, cups_job_id), state = ?, error = ?, updated_at = ? WHERE id = ?",
                           arguments: [cupsJobID, state, error, stamp, id])
        }
    }

    /// Print jobs of a visit: (id, document, state), newest first.
    public func printJobs(visitID: String) throws -> [(id: Int64, document: String, state: String, cupsJobID: Int?)] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, document, state, cups_job_id FROM print_job WHERE visit_id = ? ORDER BY id DESC", arguments: [visitID])
                .map { ($0["id"], $0["document"], $0["state"], $0["cups_job_id"]) }
        }
    }

    /// Records the content version now in use (only one is active).
    public func activateContentVersion(_ version: String, sha256: String) throws {
        let stamp = AppDatabase.timestamp(clock())
        try writer.write { db in
            try db.execute(sql: "UPDATE content_version SET active = 0 WHERE active = 1")
            try db.execute(sql: "INSERT INTO content_version (version, sha256, installed_at, active) VALUES (?, ?, ?, 1)", arguments: [version, sha256, stamp])
            try Self.appendAudit(db, at: stamp, actor: "system", action: "content_activated", subject: version, detail: sha256)
        }
    }

    public func activeContentVersion() throws -> (version: String, sha256: String)? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT version, sha256 FROM content_version WHERE active = 1").map { ($0["version"], $0["sha256"]) }
        }
    }
}

extension AppDatabase {
    /// Minutes between a visit's check-in and the mediator first taking it (from the audit log), if they did.
    public func waitingMinutes(visitID: String) throws -> Int? {
        try writer.read { db in
            guard let created = try String.fetchOne(db, sql: "SELECT created_at FROM visit WHERE id = ?", arguments: [visitID]),
                  let seen = try String.fetchOne(db, sql: "SELECT MIN(at) FROM audit_log WHERE subject = ? AND action = 'status_with_mediator'",
                                                 arguments: [visitID]) else { return nil }
            let formatter = StampReader()
            guard let start = formatter.date(from: created), let end = formatter.date(from: seen) else { return nil }
            return max(0, Int(end.timeIntervalSince(start) / 60))
        }
    }

    /// The documents sent to a printer for a visit (submitted or completed), each once.
    public func printedDocuments(visitID: String) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT document FROM print_job WHERE visit_id = ? AND state IN ('submitted', 'completed') ORDER BY document",
                                arguments: [visitID])
        }
    }
}
