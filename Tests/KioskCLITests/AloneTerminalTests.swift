import Foundation
import Intake
import KioskStore
import Testing
import TestSupport

/// A visitor alone at the box, in a real terminal: their rights checked with no name, the result printed on a real
/// IPP printer and read back, and nothing of it left in the box's data.
@Suite("Alone at the box, in a real terminal", .serialized)
struct AloneTerminalTests {
    static let content = ContentLoader.load(directory: Repository.root.appendingPathComponent("Kiosk")).content!
    static func flat(_ text: String) -> String { text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }

    /// Keys for the rights check's questions, by question (a single tenant with a low, distinctive income).
    static let answers: [String: [String]] = [
        "base_coverage": ["3"], "complementary": ["3"], "has_partner": ["2"], "children_under_25": ["0", "Enter"],
        "resources_12_months": ["9137", "Enter"], "benefits": ["5", "Enter"], "housing": ["1"], "housing_allowance": ["2"],
        "residence_status": ["1"], "arrived_within_a_year": ["2"], "has_medecin_traitant": ["2"],
    ]

    @Test("Check my rights alone, in French and in Ukrainian: the result on screen and on paper names the rights and the papers; nothing stays",
          arguments: [("fr", "1"), ("uk", "5")])
    func rightsCheck(_ language: String, _ digit: String) throws {
        let printer = try IPPPrinterSimulator()
        try printer.start()
        let kiosk = try TmuxKiosk(width: 80, height: 30, command: "\(Repository.builtProduct("kiosk").path) run --demo --printer \(printer.uri)")
        let texts = Self.content.texts
        try kiosk.waitFor("Choisissez")
        try kiosk.type(digit)
        _ = try kiosk.waitUntil(Self.flat(texts.text("ui.home.title", language)), seconds: 10) { Self.flat(try kiosk.screen()) }
        try kiosk.type("2")
        let questions = Self.content.questionnaire("health_rights")!.questions
        var asked: [String] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let screen = Self.flat(try kiosk.screen())
            if screen.contains(Self.flat(texts.text("ui.review_help", language))) { break }
            guard let question = questions.filter({ screen.contains(Self.flat($0.label[language])) }).max(by: { $0.label[language].count < $1.label[language].count }),
                  asked.last != question.id else { usleep(100_000); continue }
            asked.append(question.id)
            for key in Self.answers[question.id] ?? ["0"] {
                if key == "Enter" { try kiosk.key("Enter") } else { try kiosk.type(key) }
                usleep(60_000)
            }
        }
        #expect(!asked.contains("gave_up_care") && !asked.contains("prevention_interest"), "only the rights questions: \(asked)")
        #expect(asked.contains("resources_12_months"))
        try kiosk.key("Enter")
        let result = Self.flat(try kiosk.waitUntil(Self.flat(texts.text("ui.alone.rights.title", language)), seconds: 10) { Self.flat(try kiosk.screen()) })
        #expect(result.contains(Self.flat(texts.text("ui.alone.rights.likely", language))))
        #expect(result.contains(Self.flat(texts.text("right.c2s", language))), "the right named on screen")
        #expect(result.contains(Self.flat(texts.text("ui.to_bring", language))))
        // Printed on request, said in the visitor's language.
        try kiosk.key("Enter")
        _ = try kiosk.waitUntil(Self.flat(texts.text("ui.sheet.printed", language)), seconds: 60) { Self.flat(try kiosk.screen()) }
        let jobs = printer.jobs()
        #expect(jobs.count == 1)
        let job = try #require(jobs.first)
        let paper = Self.flat(try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), [job.path, "-"]).stdout)
        #expect(paper.contains("Vos droits, en quelques mots"))
        #expect(paper.contains(Self.flat(texts.text("right.c2s", "fr"))))
        #expect(paper.contains(Self.flat(texts.text("document.identity", "fr"))))
        if language != "fr" {
            #expect(paper.contains(Self.flat(texts.text("ui.alone.rights.title", language))))
            #expect(paper.contains(Self.flat(texts.text("right.c2s", language))), "the right in the visitor's language on paper")
        }
        // Nothing of it was stored: no visit, no answer, nothing queued, and the income typed is in no file.
        let pid = try kiosk.run(["display-message", "-p", "-t", "kiosk", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("permanence-demo-\(pid)")
        let database = try AppDatabase.openOnDisk(at: home.appendingPathComponent("kiosk.sqlite"))
        #expect(try database.queue(day: database.today(), showing: []).isEmpty)
        #expect(try database.outboxSummary().counts.values.reduce(0, +) == 0)
        try kiosk.key("Escape")
        _ = try kiosk.waitUntil(Self.flat(texts.text("ui.home.title", language)), seconds: 10) { Self.flat(try kiosk.screen()) }
        var files: [String] = []
        if let enumerator = FileManager.default.enumerator(at: home, includingPropertiesForKeys: nil) {
            for case let url as URL in enumerator {
                if let data = FileManager.default.contents(atPath: url.path), data.range(of: Data("9137".utf8)) != nil { files.append(url.lastPathComponent) }
            }
        }
        #expect(files.isEmpty, "the income typed is in \(files)")
    }
}
