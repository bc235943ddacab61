import Central
import CentralTestSupport
import Foundation
import Intake
import KioskStore
import Sync
import TestSupport
import Testing

@Suite("Sync: a visit reopened and closed again", .serialized)
struct ReopenSyncTests {
    /// Closes the visit, its record built as the kiosk builds it (superseding the one already sent, if any).
    func close(_ box: TestBoxHome, _ visit: Visit, reason: String) throws {
        var record = VisitRecord.make(share: true, visitID: visit.id, day: visit.day, ticketNumber: visit.ticketNumber, language: "fr",
                                      createdAt: visit.createdAt, closedAt: visit.createdAt, answers: ["reasons": .choices([reason])],
                                      questionnaires: ContentFixtures.content.questionnaires, evaluation: nil)
        record.record.supersedes = try box.database.recordToSupersede(visitID: visit.id)
        try box.database.close(visitID: visit.id, outbox: [OutboxRecord(kind: record.kind, schemaVersion: 1, payload: try record.record.json())])
    }

    @Test("Close, sync, reopen, close again, sync: the central store holds one record, the latest, and counts the visit once",
          arguments: StorageBackend.allCases)
    func closeReopenClose(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            let visit = try box.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "A"))
            try close(box, visit, reason: "coverage")
            let drainer = box.drainer()
            try await box.drainUntilEmpty(drainer)
            #expect(try await central.storage.countEnvelopes(device: nil) == 1)
            #expect(try box.database.reopen(visitID: visit.id) != .recordWithdrawn, "the first record had left")
            try close(box, visit, reason: "doctor")
            try await box.drainUntilEmpty(drainer)
            #expect(try await central.storage.countEnvelopes(device: nil) == 1)
            let rows = try await central.storage.statCounts(from: visit.day, to: visit.day, commune: nil)
            #expect(rows.filter { $0.metric == "visits" }.map(\.count).reduce(0, +) == 1)
            #expect(rows.filter { $0.metric == "reason" && $0.count > 0 }.map(\.value) == ["doctor"], "the latest version counts")
            #expect(try box.unacknowledged == 0)
        }
    }
}
