import Foundation
import GRDB
import KioskStore
import Testing
import TestSupport

/// The same contract, on an in-memory and an on-disk database.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case inMemory = "in memory", onDisk = "on disk"
    var testDescription: String { rawValue }

    func make(_ clock: TestClock) throws -> AppDatabase {
        switch self {
        case .inMemory: return try AppDatabase.inMemory(clock: clock.function)
        case .onDisk: return try AppDatabase.openOnDisk(at: temporaryDirectory().appendingPathComponent("kiosk.sqlite"), clock: clock.function)
        }
    }
}

func answer(_ id: String, _ json: String = #"{"choice":"yes"}"#) -> StoredAnswer {
    StoredAnswer(questionnaire: "checkin", questionID: id, valueJSON: json)
}

@Suite("Store contract")
struct StoreContractTests {
    @Test("Ticket numbers count 1, 2, 3 within a day and start again the next day", arguments: StoreKind.allCases)
    func ticketsPerDay(kind: StoreKind) throws {
        let clock = TestClock()
        let database = try kind.make(clock)
        let tickets = try (0..<3).map { _ in try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "A")).ticketNumber }
        #expect(tickets == [1, 2, 3])
        clock.advance(hours: 24)
        #expect(try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "B")).ticketNumber == 1)
    }

    @Test("A check-in keeps its answers and writes one audit entry", arguments: StoreKind.allCases)
    func checkInKeepsAnswers(kind: StoreKind) throws {
        let database = try kind.make(TestClock())
        let visit = try database.checkIn(CheckIn(language: "uk", consent: .boxOnly, displayName: "B", answers: [answer("a"), answer("b")]))
        #expect(visit.status == .open)
        #expect(visit.language == "uk")
        #expect(try database.answers(visitID: visit.id).map(\.questionID) == ["a", "b"])
        #expect(try database.auditEntries().map(\.action) == ["check_in"])
    }

    @Test("A visit goes open → waiting → with mediator → closed, and a closed visit cannot change", arguments: StoreKind.allCases)
    func statusMachine(kind: StoreKind) throws {
        let database = try kind.make(TestClock())
        let visit = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "C", answers: [answer("a")]))
        try database.setStatus(visitID: visit.id, to: .waiting)
        try database.setStatus(visitID: visit.id, to: .withMediator)
        try database.close(visitID: visit.id)
        #expect(try database.visit(visit.id)?.status == .closed)
        #expect(throws: StoreError.invalidTransition("closed", "waiting")) { try database.setStatus(visitID: visit.id, to: .waiting) }
        #expect(throws: StoreError.visitClosed(visit.id)) { try database.saveAnswers(visitID: visit.id, [answer("a", #"{"choice":"no"}"#)]) }
        // Nothing saved was lost by the refused change.
        #expect(try database.answers(visitID: visit.id).first?.valueJSON == #"{"choice":"yes"}"#)
    }

    @Test("SQLite itself refuses an invalid status transition", arguments: StoreKind.allCases)
    func triggerRefusesTransition(kind: StoreKind) throws {
        let database = try kind.make(TestClock())
        let visit = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: nil))
        #expect(throws: DatabaseError.self) {
            try database.writer.write { try $0.execute(sql: "UPDATE visit SET status = 'with_mediator' WHERE id = ?", arguments: [visit.id]) }
        }
    }

    @Test("An unknown visit gives a message with its id only", arguments: StoreKind.allCases)
    func unknownVisit(kind: StoreKind) throws {
        let database = try kind.make(TestClock())
        #expect(throws: StoreError.visitNotFound("nope")) { try database.setStatus(visitID: "nope", to: .waiting) }
    }

    @Test("Closing a visit queues its records in the same transaction, with increasing sequence numbers", arguments: StoreKind.allCases)
    func closeQueuesRecords(kind: StoreKind) throws {
        let database = try kind.make(TestClock())
        let first = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "D"))
        let second = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "E"))
        try database.close(visitID: first.id, outbox: [OutboxRecord(kind: "visit-record", schemaVersion: 1, payload: Data("{}".utf8))])
        try database.close(visitID: second.id, outbox: [OutboxRecord(kind: "visit-record", schemaVersion: 1, payload: Data("{}".utf8))])
        let due = try database.outboxDue()
        #expect(due.map(\.sequence) == [1, 2])
        #expect(due.allSatisfy { $0.state == .queued && $0.attempts == 0 })
    }

    @Test("A refused close leaves the visit open and queues nothing", arguments: StoreKind.allCases)
    func refusedCloseQueuesNothing(kind: StoreKind) throws {
        let database = try kind.make(TestClock())
        let visit = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "F"))
        try database.close(visitID: visit.id, outbox: [OutboxRecord(id: "same", kind: "visit-record", schemaVersion: 1, payload: Data())])
        let other = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "G"))
        // The same envelope id again violates the primary key: the whole close is rolled back.
        #expect(throws: DatabaseError.self) {
            try database.close(visitID: other.id, outbox: [OutboxRecord(id: "same", kind: "visit-record", schemaVersion: 1, payload: Data())])
        }
        #expect(try database.visit(other.id)?.status == .open)
        #expect(try database.outboxDue().count == 1)
    }

    @Test("The outbox goes queued → sending → acknowledged, or back to queued with the error", arguments: StoreKind.allCases)
    func outboxStateMachine(kind: StoreKind) throws {
        let clock = TestClock()
        let database = try kind.make(clock)
        let record = OutboxRecord(kind: "visit-record", schemaVersion: 1, payload: Data("{}".utf8))
        try database.enqueue(record)
        try database.markSending([record.id])
        try database.markFailed([record.id], error: "central store unreachable", retryAt: clock.now.addingTimeInterval(60))
        var item = try #require(try database.outboxItem(record.id))
        #expect(item.state == .queued)
        #expect(item.attempts == 1)
        #expect(item.lastError == "central store unreachable")
        #expect(try database.outboxDue().isEmpty)     // not before the next attempt
        clock.advance(minutes: 2)
        #expect(try database.outboxDue().count == 1)
        try database.markSending([record.id])
        try database.markAcknowledged([record.id])
        item = try #require(try database.outboxItem(record.id))
        #expect(item.state == .acknowledged)
        #expect(item.attempts == 2)
        #expect(item.acknowledgedAt != nil)
        #expect(throws: DatabaseError.self) {
            try database.writer.write { try $0.execute(sql: "UPDATE outbox SET state = 'queued' WHERE id = ?", arguments: [record.id]) }
        }
    }

    @Test("Rows left sending by a crash go back to queued at start-up", arguments: StoreKind.allCases)
    func requeueAfterCrash(kind: StoreKind) throws {
        let database = try kind.make(TestClock())
        let record = OutboxRecord(kind: "visit-record", schemaVersion: 1, payload: Data())
        try database.enqueue(record)
        try database.markSending([record.id])
        #expect(try database.requeueInterruptedSends() == 1)
        #expect(try database.outboxItem(record.id)?.state == .queued)
    }

    @Test("Today's queue lists the visits in ticket order with their reasons", arguments: StoreKind.allCases)
    func queue(kind: StoreKind) throws {
        let database = try kind.make(TestClock())
        for index in 0..<5 {
            try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "V\(index)",
                                         answers: [answer("reasons", #"{"choices":["coverage"]}"#), answer("other")]))
        }
        let queue = try database.queue(day: database.today())
        #expect(queue.map(\.visit.ticketNumber) == [1, 2, 3, 4, 5])
        #expect(queue.allSatisfy { $0.answers == ["reasons": #"{"choices":["coverage"]}"#] })
    }

    @Test("Bad input is refused with a message that names what is wrong", arguments: StoreKind.allCases)
    func badInput(kind: StoreKind) throws {
        let database = try kind.make(TestClock())
        #expect(throws: StoreError.invalidInput("language code must have 2 to 8 letters")) {
            try database.checkIn(CheckIn(language: "x", consent: .share, displayName: nil))
        }
        let visit = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: nil))
        #expect(throws: DatabaseError.self) { try database.saveAnswers(visitID: visit.id, [answer("a", "not json")]) }
        #expect(try database.answers(visitID: visit.id).isEmpty)
    }
}

@Suite("Store on disk")
struct StoreOnDiskTests {
    @Test("The on-disk database runs in WAL mode with synchronous=FULL and foreign keys on")
    func pragmas() throws {
        let database = try AppDatabase.openOnDisk(at: temporaryDirectory().appendingPathComponent("kiosk.sqlite"))
        #expect(try database.journalMode() == "wal")
        #expect(try database.synchronousMode() == 2)
        #expect(try database.writer.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") } == 1)
    }

    @Test("Ticket numbers continue after the database is closed and opened again")
    func ticketsAcrossRestarts() throws {
        let url = temporaryDirectory().appendingPathComponent("kiosk.sqlite")
        let clock = TestClock()
        do {
            let database = try AppDatabase.openOnDisk(at: url, clock: clock.function)
            try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: nil))
            try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: nil))
        }
        let reopened = try AppDatabase.openOnDisk(at: url, clock: clock.function)
        #expect(try reopened.checkIn(CheckIn(language: "fr", consent: .share, displayName: nil)).ticketNumber == 3)
    }

    @Test("Migrating an empty database applies every migration")
    func migrateFromEmpty() throws {
        let database = try AppDatabase.inMemory()
        #expect(try database.appliedMigrations() == ["v1", "v2-mediators-reopen", "v3-callbacks", "v4-followup-journal"])
        let tables = try database.writer.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY name") }
        #expect(tables == ["answer", "audit_log", "callback_request", "content_version", "followup_journal", "mediator", "outbox", "print_job", "setting", "visit"])
    }

    @Test("Migrating from each earlier schema version keeps the data")
    func migrateFromEachEarlierVersion() throws {
        let identifiers = try DatabaseQueue().read { try AppDatabase.migrator.identifiers($0) }
        for identifier in identifiers {
            let url = temporaryDirectory().appendingPathComponent("kiosk.sqlite")
            let queue = try DatabaseQueue(path: url.path)
            try AppDatabase.migrator.migrate(queue, upTo: identifier)
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO visit (id, day, ticket_number, status, language, consent, created_at, updated_at)
                    VALUES ('kept', '2026-11-24', 1, 'open', 'fr', 'share', 'x', 'x')
                    """)
            }
            try queue.close()
            let database = try AppDatabase.openOnDisk(at: url)
            #expect(try database.appliedMigrations() == identifiers.sorted())
            #expect(try database.visit("kept")?.ticketNumber == 1)
        }
    }
}

extension DatabaseMigrator {
    /// Every registered migration identifier, in order (via a scratch database).
    func identifiers(_ db: Database) throws -> [String] {
        let queue = try DatabaseQueue()
        try migrate(queue)
        return try queue.read { try appliedIdentifiers($0) }.sorted()
    }
}
