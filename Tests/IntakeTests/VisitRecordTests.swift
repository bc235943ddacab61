import Foundation
import Intake
import Rights
import Testing
import TestSupport

@Suite("Records that leave the box")
struct VisitRecordTests {
    let answers: [String: AnswerValue] = [
        "consent": .choice("share"), "first_name": .text("Ana"), "birth_year": .number(Fixed4(integer: 1990)), "commune": .text("11103"),
        "reasons": .choices(["coverage"]), "gave_up_care": .choice("yes"), "gave_up_reasons": .choices(["other"]),
        "gave_up_other": .text("my neighbour Paul"),
    ]

    func make(share: Bool) -> (kind: String, record: VisitRecord) {
        VisitRecord.make(share: share, visitID: "v1", day: "2026-11-24", ticketNumber: 4, language: "fr",
                         createdAt: "t0", closedAt: "t1", answers: answers, questionnaires: ContentFixtures.content.questionnaires,
                         evaluation: Fixtures.evaluate(Fixtures.situation()))
    }

    @Test("A shared record keeps the answers but never the personal ones")
    func sharedRecordDropsPersonalAnswers() throws {
        let (kind, record) = make(share: true)
        #expect(kind == "permanence.visit-record")
        #expect(record.answers["first_name"] == nil)
        #expect(record.answers["gave_up_other"] == nil)
        #expect(record.answers["commune"] == .text("11103"))
        #expect(record.rights.map(\.right) == ["puma", "c2s", "ame", "medecin_traitant"])
        let json = String(decoding: try record.json(), as: UTF8.self)
        #expect(!json.contains("Ana"))
        #expect(!json.contains("Paul"))
    }

    @Test("Without consent to share, only anonymous counts leave: no commune, no year of birth, no visit id")
    func countsOnly() throws {
        let (kind, record) = make(share: false)
        #expect(kind == "permanence.visit-counts")
        #expect(record.visitID == nil)
        #expect(record.answers["commune"] == nil)
        #expect(record.answers["birth_year"] == nil)
        #expect(record.answers["reasons"] == .choices(["coverage"]))
        let decoded = try JSONDecoder().decode(VisitRecord.self, from: try record.json())
        #expect(decoded == record)
    }
}
