import Documents
import Foundation
import Intake
import Rights
import Testing
import TestSupport

enum DocumentFixtures {
    static let printing: PrintingContent = {
        let loaded = PrintingContent.load(directory: Repository.root.appendingPathComponent("Printing"),
                                          questionIDs: Set(ContentFixtures.content.questionnaires.flatMap(\.questions).map(\.id)))
        guard let content = loaded.content else { fatalError("Printing/ is broken:\n" + loaded.problems.joined(separator: "\n")) }
        return content
    }()

    static let renderer = DocumentRenderer(printing: printing, content: ContentFixtures.content, engine: Fixtures.engine, placeName: "Couiza")

    static func visit(_ name: String) throws -> PrintVisit {
        try PrintVisit.decode(Data(contentsOf: Repository.samplesDirectory.appendingPathComponent(name)))
    }
}

@Suite("Visit evaluation for documents")
struct VisitEvaluationTests {
    @Test("The family sample gets free C2S")
    func familyEvaluation() throws {
        let visit = try DocumentFixtures.visit("family-visit.json")
        let evaluation = try #require(visit.evaluation(questionnaires: ContentFixtures.content.questionnaires, engine: Fixtures.engine))
        #expect(evaluation[.c2s].verdict == .eligible, "\(evaluation[.c2s].reasons.map(\.message.key))")
        #expect(evaluation[.c2s].variant == .free)
    }
}
