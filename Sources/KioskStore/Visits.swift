import Foundation
import GRDB

/// Where a visit is: at the box, in the queue, with the mediator, done.
public enum VisitStatus: String, Sendable, Codable, CaseIterable {
    case open, waiting
    case withMediator = "with_mediator"
    case closed
}

/// Whether the visit's record may leave the box (else only anonymous counts do).
public enum Consent: String, Sendable, Codable, CaseIterable {
    case share
    case boxOnly = "box_only"
}

/// Who gave an answer.
public enum Answerer: String, Sendable, Codable {
    case visitor, mediator
}

/// One stored answer; the value is JSON written by the questionnaire layer.
public struct StoredAnswer: Sendable, Equatable {
    public var questionnaire: String
    public var questionID: String
    public var valueJSON: String
    public var answeredBy: Answerer
    public init(questionnaire: String, questionID: String, valueJSON: String, answeredBy: Answerer = .visitor) {
        self.questionnaire = questionnaire
        self.questionID = questionID
        self.valueJSON = valueJSON
        self.answeredBy = answeredBy
    }
}

/// A confirmed check-in, as the visitor gave it.
public struct CheckIn: Sendable {
    public var language: String
    public var consent: Consent
    /// First name or nickname, to call the visitor; purged with the visit.
    public var displayName: String?
    public var answers: [StoredAnswer]
    public init(language: String, consent: Consent, displayName: String?, answers: [StoredAnswer] = []) {
        self.language = language
        self.consent = consent
        self.displayName = displayName
        self.answers = answers
    }
}

/// A visit as stored.
public struct Visit: Sendable, Equatable, FetchableRecord {
    public var id: String
    public var day: String
    public var ticketNumber: Int
    public var status: VisitStatus
    public var language: String
    public var consent: Consent
    public var displayName: String?
    public var createdAt: String
    public var updatedAt: String
    public var closedAt: String?
    public var purgedAt: String?

    public init(row: Row) throws {
        id = row["id"]
        day = row["day"]
        ticketNumber = row["ticket_number"]
        status = VisitStatus(rawValue: row["status"]) ?? .open
        language = row["language"]
        consent = Consent(rawValue: row["consent"]) ?? .boxOnly
        displayName = row["display_name"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
        closedAt = row["closed_at"]
        purgedAt = row["purged_at"]
    }
}

/// A line of today's queue.
public struct QueueEntry: Sendable, Equatable {
    public var visit: Visit
    /// Answers to the questions the queue shows (reasons for coming…), by question id.
    public var answers: [String: String]
}

extension AppDatabase {
    /// Records a confirmed check-in: the visit with the next ticket number of the day,
    /// its answers and an audit entry, in one durable transaction.
    @discardableResult
    public func checkIn(_ checkIn: CheckIn) throws -> Visit {
        guard (2...8).contains(checkIn.language.count) else { throw StoreError.invalidInput("language code must have 2 to 8 letters") }
        if let name = checkIn.displayName, name.count > 80 { throw StoreError.invalidInput("the name is longer than 80 characters") }
        let now = clock()
        let day = self.day(of: now)
        let stamp = AppDatabase.timestamp(now)
        let id = UUID().uuidString.lowercased()
        return try writer.write { db in
            let ticket = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(ticket_number), 0) + 1 FROM visit WHERE day = ?", arguments: [day])!
            try db.execute(sql: """
                INSERT INTO visit (id, day, ticket_number, status, language, consent, display_name, created_at, updated_at)
                VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)
                """, arguments: [id, day, ticket, checkIn.language, checkIn.consent.rawValue, checkIn.displayName, stamp, stamp])
            for answer in checkIn.answers { try Self.upsert(answer, visitID: id, at: stamp, db) }
            try Self.appendAudit(db, at: stamp, actor: "visitor", action: "check_in", subject: id, detail: "ticket \(ticket)")
            return try Visit.fetchOne(db, sql: "SELECT * FROM visit WHERE id = ?", arguments: [id])!
        }
    }

    /// Saves answers to an open visit (not closed): one transaction, audited with the count only.
    public func saveAnswers(visitID: String, _ answers: [StoredAnswer], removing removed: [String] = [], actor: Answerer = .visitor) throws {
        let stamp = AppDatabase.timestamp(clock())
        try writer.write { db in
            let visit = try Self.requireVisit(visitID, db)
            guard visit.status != .closed else { throw StoreError.visitClosed(visitID) }
            for answer in answers { try Self.upsert(answer, visitID: visitID, at: stamp, db) }
            for questionID in removed {
                try db.execute(sql: "DELETE FROM answer WHERE visit_id = ? AND question_id = ?", arguments: [visitID, questionID])
            }
            try db.execute(sql: "UPDATE visit SET updated_at = ? WHERE id = ?", arguments: [stamp, visitID])
            if actor == .mediator {
                try Self.appendAudit(db, at: stamp, actor: "mediator", action: "edit_answers", subject: visitID,
                                     detail: "\(answers.count) changed, \(removed.count) removed", by: onDuty("mediator"))
            }
        }
    }

    /// Moves a visit along open → waiting → with mediator → closed (closing goes through `close`).
    public func setStatus(visitID: String, to status: VisitStatus, actor: Answerer = .mediator) throws {
        guard status != .closed else { throw StoreError.invalidInput("use close(visitID:) to close a visit") }
        let stamp = AppDatabase.timestamp(clock())
        try writer.write { db in
            let visit = try Self.requireVisit(visitID, db)
            guard Self.allowed(from: visit.status, to: status) else { throw StoreError.invalidTransition(visit.status.rawValue, status.rawValue) }
            try db.execute(sql: "UPDATE visit SET status = ?, updated_at = ? WHERE id = ?", arguments: [status.rawValue, stamp, visitID])
            try Self.appendAudit(db, at: stamp, actor: actor.rawValue, action: "status_\(status.rawValue)", subject: visitID, detail: nil,
                                 by: onDuty(actor.rawValue))
        }
    }

    /// Closes a visit and queues what leaves the box, in one transaction: nothing is closed
    /// without its outbox row, and no outbox row exists for a visit still open. The visit remembers its record, so that
    /// a close after a reopening supersedes it.
    public func close(visitID: String, outbox records: [OutboxRecord] = []) throws {
        let stamp = AppDatabase.timestamp(clock())
        try writer.write { db in
            let visit = try Self.requireVisit(visitID, db)
            guard Self.allowed(from: visit.status, to: .closed) else { throw StoreError.invalidTransition(visit.status.rawValue, "closed") }
            try db.execute(sql: "UPDATE visit SET status = 'closed', closed_at = ?, updated_at = ?, record_id = ? WHERE id = ?",
                           arguments: [stamp, stamp, records.first?.id, visitID])
            for record in records { try enqueue(record, at: stamp, db) }
            try Self.appendAudit(db, at: stamp, actor: "mediator", action: "close", subject: visitID, detail: "\(records.count) record(s) queued",
                                 by: onDuty("mediator"))
        }
    }

    /// What a reopening did with the record the close had queued.
    public enum ReopenOutcome: Sendable, Equatable {
        /// It had not left the box: it is gone, the next close queues the only one.
        case recordWithdrawn
        /// It had left (or is leaving): the next close's record names it as superseded.
        case recordToSupersede(String)
        case noRecord
    }

    /// Reopens a visit closed by mistake: only on the day it was closed and before its plaintext is purged; audited.
    /// A record still queued is taken back; one already sent is superseded by the next close.
    @discardableResult
    public func reopen(visitID: String) throws -> ReopenOutcome {
        let now = clock()
        let stamp = AppDatabase.timestamp(now)
        let today = day(of: now)
        return try writer.write { db in
            let visit = try Self.requireVisit(visitID, db)
            guard visit.status == .closed else { throw StoreError.invalidTransition(visit.status.rawValue, "with_mediator") }
            let formatter = StampReader()
            guard visit.purgedAt == nil, let closedAt = visit.closedAt.flatMap(formatter.date(from:)), day(of: closedAt) == today else {
                throw StoreError.invalidInput("a visit can be reopened only on the day it was closed, before its answers are erased")
            }
            let recordID = try String.fetchOne(db, sql: "SELECT record_id FROM visit WHERE id = ?", arguments: [visitID])
            var outcome = ReopenOutcome.noRecord
            if let recordID {
                try db.execute(sql: "DELETE FROM outbox WHERE id = ? AND state = 'queued'", arguments: [recordID])
                outcome = db.changesCount == 1 ? .recordWithdrawn : .recordToSupersede(recordID)
            }
            try db.execute(sql: """
                UPDATE visit SET status = 'with_mediator', closed_at = NULL, updated_at = ?,
                    record_id = ? WHERE id = ?
                """, arguments: [stamp, { if case .recordToSupersede(let id) = outcome { return id } else { return nil } }() as String?, visitID])
            try Self.appendAudit(db, at: stamp, actor: "mediator", action: "reopen", subject: visitID,
                                 detail: outcome == .recordWithdrawn ? "queued record withdrawn" : outcome == .noRecord ? nil : "record to supersede",
                                 by: onDuty("mediator"))
            return outcome
        }
    }

    /// The record an earlier close of this (reopened) visit sent, which its next record supersedes.
    public func recordToSupersede(visitID: String) throws -> String? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT record_id FROM visit WHERE id = ? AND status != 'closed'", arguments: [visitID])
        }
    }

    public func visit(_ id: String) throws -> Visit? {
        try writer.read { try Visit.fetchOne($0, sql: "SELECT * FROM visit WHERE id = ?", arguments: [id]) }
    }

    public func answers(visitID: String) throws -> [StoredAnswer] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT questionnaire, question_id, value_json, answered_by FROM answer WHERE visit_id = ? ORDER BY answered_at, question_id",
                             arguments: [visitID]).map {
                StoredAnswer(questionnaire: $0["questionnaire"], questionID: $0["question_id"], valueJSON: $0["value_json"],
                             answeredBy: Answerer(rawValue: $0["answered_by"]) ?? .visitor)
            }
        }
    }

    /// The visits of a day in ticket order, with the answers the queue shows.
    public func queue(day: String, showing questionIDs: [String] = ["reasons"]) throws -> [QueueEntry] {
        try writer.read { db in
            let visits = try Visit.fetchAll(db, sql: "SELECT * FROM visit WHERE day = ? ORDER BY ticket_number", arguments: [day])
            guard !questionIDs.isEmpty, !visits.isEmpty else { return visits.map { QueueEntry(visit: $0, answers: [:]) } }
            let placeholders = questionIDs.map { _ in "?" }.joined(separator: ",")
            var answers: [String: [String: String]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT answer.visit_id, answer.question_id, answer.value_json FROM answer
                JOIN visit ON visit.id = answer.visit_id
                WHERE visit.day = ? AND answer.question_id IN (\(placeholders))
                """, arguments: StatementArguments([day] + questionIDs))
            while let row = try rows.next() {
                answers[row["visit_id"], default: [:]][row["question_id"]] = row["value_json"]
            }
            return visits.map { QueueEntry(visit: $0, answers: answers[$0.id] ?? [:]) }
        }
    }

    static func allowed(from: VisitStatus, to: VisitStatus) -> Bool {
        switch (from, to) {
        case (.open, .waiting), (.open, .closed), (.waiting, .withMediator), (.waiting, .closed),
             (.withMediator, .waiting), (.withMediator, .closed): return true
        default: return from == to && from != .closed
        }
    }

    static func requireVisit(_ id: String, _ db: Database) throws -> Visit {
        guard let visit = try Visit.fetchOne(db, sql: "SELECT * FROM visit WHERE id = ?", arguments: [id]) else {
            throw StoreError.visitNotFound(id)
        }
        return visit
    }

    static func upsert(_ answer: StoredAnswer, visitID: String, at stamp: String, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO answer (visit_id, questionnaire, question_id, value_json, answered_at, answered_by) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(visit_id, question_id) DO UPDATE SET value_json = excluded.value_json,
                answered_at = excluded.answered_at, answered_by = excluded.answered_by, questionnaire = excluded.questionnaire
            """, arguments: [visitID, answer.questionnaire, answer.questionID, answer.valueJSON, stamp, answer.answeredBy.rawValue])
    }
}
