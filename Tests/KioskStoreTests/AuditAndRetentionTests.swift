import Foundation
import GRDB
import KioskStore
import Testing
import TestSupport

@Suite("Audit log")
struct AuditTests {
    /// A database with five audit entries.
    func database() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        for index in 0..<5 { try database.audit(actor: "mediator", action: "unlock", detail: "try \(index)") }
        return database
    }

    /// Tampering needs the append-only triggers out of the way first, as an attacker would do.
    func tamper(_ database: AppDatabase, _ sql: String) throws {
        try database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
            try db.execute(sql: sql)
        }
    }

    @Test("An untouched log verifies")
    func intact() throws {
        #expect(try database().verifyAudit() == .intact(entries: 5))
    }

    @Test("The log refuses updates and deletes")
    func appendOnly() throws {
        let database = try database()
        #expect(throws: DatabaseError.self) { try database.writer.write { try $0.execute(sql: "UPDATE audit_log SET detail = 'x' WHERE seq = 2") } }
        #expect(throws: DatabaseError.self) { try database.writer.write { try $0.execute(sql: "DELETE FROM audit_log WHERE seq = 2") } }
    }

    @Test("A changed row is detected")
    func changedRow() throws {
        let database = try database()
        try tamper(database, "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3")
        #expect(try database.verifyAudit() == .broken(seq: 3, reason: "entry 3 was changed after it was written"))
    }

    @Test("A removed row is detected")
    func removedRow() throws {
        let database = try database()
        try tamper(database, "DELETE FROM audit_log WHERE seq = 2")
        guard case .broken(let seq, _) = try database.verifyAudit() else { Issue.record("not detected"); return }
        #expect(seq == 3)
    }

    @Test("A removed last row is detected through the recorded head")
    func removedLastRow() throws {
        let database = try database()
        try tamper(database, "DELETE FROM audit_log WHERE seq = 5")
        guard case .broken(_, let reason) = try database.verifyAudit() else { Issue.record("not detected"); return }
        #expect(reason.contains("ends before"))
    }

    @Test("An inserted row is detected")
    func insertedRow() throws {
        let database = try database()
        try tamper(database, """
            UPDATE audit_log SET seq = -seq WHERE seq >= 3;
            UPDATE audit_log SET seq = 1 - seq WHERE seq < 0;
            INSERT INTO audit_log (seq, at, actor, action, previous_hash, hash)
            VALUES (3, 'x', 'mediator', 'close', (SELECT hash FROM audit_log WHERE seq = 2), '\(String(repeating: "a", count: 64))');
            """)
        guard case .broken(let seq, _) = try database.verifyAudit() else { Issue.record("not detected"); return }
        #expect(seq == 3)
    }
}

@Suite("Retention")
struct RetentionTests {
    func closedVisit(_ database: AppDatabase) throws -> String {
        let visit = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana", answers: [answer("a"), answer("b")]))
        try database.close(visitID: visit.id, outbox: [OutboxRecord(kind: "visit-record", schemaVersion: 1, payload: Data("{}".utf8))])
        return visit.id
    }

    @Test("At the end of the day, closed visits lose their answers and name; the outbox row stays")
    func endOfDay() throws {
        let clock = TestClock("2026-11-24T11:00:00+01:00")
        let database = try AppDatabase.inMemory(clock: clock.function)
        let id = try closedVisit(database)
        let open = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Open", answers: [answer("a")]))
        #expect(try database.purge() == PurgeResult(visits: 0, answers: 0))
        clock.set("2026-11-24T23:59:00+01:00")
        #expect(try database.purge().visits == 0)
        clock.set("2026-11-25T00:00:01+01:00")
        #expect(try database.purge() == PurgeResult(visits: 1, answers: 2))
        let visit = try #require(try database.visit(id))
        #expect(visit.displayName == nil)
        #expect(visit.purgedAt != nil)
        #expect(try database.answers(visitID: id).isEmpty)
        #expect(try database.outboxDue().count == 1)
        // A visit still open keeps everything.
        #expect(try database.answers(visitID: open.id).count == 1)
        #expect(try database.visit(open.id)?.displayName == "Open")
    }

    @Test("A retention in hours purges that many hours after the close")
    func hours() throws {
        let clock = TestClock("2026-11-24T11:00:00+01:00")
        let database = try AppDatabase.inMemory(clock: clock.function)
        try database.setSetting("retention", "hours:48")
        _ = try closedVisit(database)
        clock.advance(hours: 47)
        #expect(try database.purge().visits == 0)
        clock.advance(hours: 2)
        #expect(try database.purge().visits == 1)
    }

    @Test("The retention setting is read in its two forms only")
    func policyParsing() {
        #expect(RetentionPolicy(setting: "end_of_day") == .endOfDay)
        #expect(RetentionPolicy(setting: "hours:12") == .hours(12))
        #expect(RetentionPolicy(setting: "forever") == nil)
    }
}
