import Bidi
import Foundation
import Intake
import Terminal
import Testing
import TestSupport

/// A Ukrainian and a Romanian visitor go from the language screen to the ticket in a real terminal (tmux), at
/// 80×24 and 40×12: every screen is read back, and every line must be made of whole words of that language's texts
/// (so nothing is cut mid-word), and the ticket lists the papers in that language, never in French.
@Suite("Visitors in their own language, in a real terminal", .serialized)
struct VisitorLanguageTerminalTests {
    static let content = ContentFixtures.content

    /// What a visitor types for each question (keys only: digits choose).
    static let answers: [String: [String]] = [
        "consent": ["1"], "birth_year": ["1990", "Enter"], "commune": ["rennes", "Enter"], "reasons": ["1", "Enter"],
        "interpreter": ["2"], "base_coverage": ["3"], "complementary": ["3"], "has_partner": ["2"], "children_under_25": ["0", "Enter"],
        "resources_12_months": ["9000", "Enter"], "benefits": ["5", "Enter"], "housing": ["1"], "housing_allowance": ["2"],
        "residence_status": ["1"], "arrived_within_a_year": ["2"], "has_medecin_traitant": ["2"], "gave_up_care": ["2"],
        "prevention_interest": ["4", "Enter"],
    ]

    static func flat(_ text: String) -> String { text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }

    /// Every word a screen in `language` may show: its texts, the French ones the box also shows, names and numbers typed.
    static func words(_ language: String, typed: [String]) -> Set<String> {
        var texts: [String] = typed + ["Couiza", "(démo)", "Rennes-les-Bains"]
        let catalogue = content.texts
        for key in catalogue.entries.keys {
            for lang in [language, "fr"] { texts += catalogue.entries[key]?[lang]?.forms.values.map { $0 } ?? [] }
        }
        for (_, text) in TextCatalogue.questionnaireTexts(content.questionnaires) { texts += [text[language], text["fr"]] }
        texts += content.communes.communes.map(\.name) + catalogue.languages.map(\.name)
        for permanence in content.calendar.permanences { texts += [permanence.place, permanence.commune, permanence.start] }
        var words: Set<String> = ["[", "]", "[x]"]
        for text in texts { for word in text.split(whereSeparator: { $0.isWhitespace }) { words.insert(String(word)) } }
        return words
    }

    /// The words of a screen line that are not whole words of the texts (frames, marks and numbers aside).
    static func cutWords(_ line: String, _ words: Set<String>) -> [String] {
        let signs = CharacterSet(charactersIn: "┌─┐│└┘▲▼☐●█ⓘ·—…()")
        return line.split(whereSeparator: { $0.isWhitespace }).map(String.init).compactMap { token in
            let word = token.trimmingCharacters(in: signs)
            if word.isEmpty || word.allSatisfy({ $0.isNumber || $0 == "/" || $0 == ":" || $0 == "%" }) { return nil }
            if words.contains(word) || words.contains(token) { return nil }
            // A catalogue word followed by the punctuation a composed text adds ("вівторок," in "{weekday}, {day}").
            let bare = word.trimmingCharacters(in: CharacterSet(charactersIn: ",.;:،؛؟"))
            if !bare.isEmpty, words.contains(bare) || words.contains(where: { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",.;:،؛؟")) == bare }) { return nil }
            // A date and time of the next permanence ("26/11,") or a count ("1990").
            if word.trimmingCharacters(in: CharacterSet(charactersIn: ",.")).allSatisfy({ $0.isNumber || $0 == "/" || $0 == ":" }) { return nil }
            return token
        }
    }

    /// A captured right-to-left screen read back as its reader reads it: each line from the right, by the same bidi
    /// algorithm (its order is its own inverse on such lines), joined letters made letters again. A ligature cell
    /// (lam-alef) stands for two letters in visual order, so its letters are put in visual order before reordering.
    static func readBack(_ screen: String) -> String {
        screen.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var visual = ""
            for character in line {
                // Only Arabic presentation forms are made letters again (ⓘ and … stay as drawn).
                let value = character.unicodeScalars.first!.value
                guard (0xFB50...0xFDFF).contains(value) || (0xFE70...0xFEFF).contains(value) else { visual.append(character); continue }
                let letters = String(character).precomposedStringWithCompatibilityMapping
                visual += letters.count > 1 ? String(letters.reversed()) : letters
            }
            let trimmed = visual.trimmingCharacters(in: .whitespaces)
            return Bidi.hasRightToLeft(trimmed) ? Bidi.reordered(trimmed, base: .rightToLeft) : trimmed
        }.joined(separator: "\n")
    }

    func visit(language: String, digit: String, name: String, width: Int, height: Int) throws {
        let rightToLeft = Self.content.texts.language(language)?.rightToLeft == true
        let terminal = try TmuxKiosk(width: width, height: height)
        // What the visitor reads: a right-to-left screen is read back from the right.
        let kiosk = ReadBack(terminal: terminal, rightToLeft: rightToLeft)
        let questions = Self.content.questionnaires.flatMap(\.questions)
        let texts = Self.content.texts
        let allowed = Self.words(language, typed: [name, "rennes", "1990", "9000", "0"])
        var screens: [String] = []
        try kiosk.waitFor("Choisissez")
        try kiosk.type(digit)
        // What to do: check in (the first choice, whatever the day).
        _ = try kiosk.waitUntil(Self.flat(texts.text("ui.home.title", language)), seconds: 10) { Self.flat(try kiosk.screen()) }
        screens.append(try kiosk.screen())
        try kiosk.type("1")
        var answered = Set<String>()
        var ticket = ""
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            usleep(150_000)
            let screen = try kiosk.screen()
            let flat = Self.flat(screen)
            if flat.contains(Self.flat(texts.text("ui.your_number", language))) { ticket = screen; break }
            screens.append(screen)
            if flat.contains(Self.flat(texts.text("ui.review_help", language))) {
                try kiosk.key("Enter")
                try waitUntilGone(kiosk, texts.text("ui.review_help", language))
                continue
            }
            // The question on screen: the longest label found (labels wrap, so the screen is compared as flat text).
            let shown = questions.filter { flat.contains(Self.flat($0.label[language])) }.max { $0.label[language].count < $1.label[language].count }
            guard let question = shown else { continue }
            #expect(!answered.contains(question.id) || question.id == "reasons", "\(question.id) asked twice")
            answered.insert(question.id)
            let keys = question.id == "first_name" ? [name, "Enter"] : (Self.answers[question.id] ?? ["0"])
            for key in keys {
                if key == "Enter" { try kiosk.key("Enter") } else { try kiosk.type(key) }
                usleep(60_000)
            }
            try waitUntilGone(kiosk, question.label[language])
        }
        #expect(!ticket.isEmpty, "never reached the ticket; last screen:\n\(screens.last ?? "")")
        // Scroll the ticket to read all of it.
        var ticketLines = ticket.split(separator: "\n").map(String.init)
        for _ in 0..<30 {
            try kiosk.key("Down")
            usleep(80_000)
            let next = try kiosk.screen()
            ticketLines += next.split(separator: "\n").map(String.init)
            if !next.contains(texts.text("ui.more_below", language)) { screens.append(next); break }
        }
        screens.append(ticket)
        for screen in screens {
            for line in screen.split(separator: "\n") {
                let cut = Self.cutWords(String(line), allowed)
                #expect(cut.isEmpty, "\(language) \(width)×\(height): cut or unknown words \(cut) in line «\(line)»")
            }
        }
        // The papers on the ticket are in the visitor's language, never in French.
        let ticketText = Self.flat(Array(NSOrderedSet(array: ticketLines)).compactMap { $0 as? String }.joined(separator: "\n"))
        let documents = DocumentToBringList.all
        var shownDocuments = 0
        for document in documents {
            let mine = Self.flat(texts.text("document.\(document)", language)), french = Self.flat(texts.text("document.\(document)", "fr"))
            let firstWords = mine.split(separator: " ").prefix(4).joined(separator: " ")
            if ticketText.contains(firstWords) { shownDocuments += 1 }
            #expect(!ticketText.contains(french.split(separator: " ").prefix(5).joined(separator: " ")), "French paper on the \(language) ticket: \(document)")
        }
        #expect(shownDocuments >= 2, "\(language): papers to bring not shown\n\(ticketText)")
        #expect(ticketText.contains(Self.flat(texts.text("ui.to_bring", language))))
    }

    /// The kiosk in tmux, its screens read as its visitor reads them.
    struct ReadBack {
        var terminal: TmuxKiosk
        var rightToLeft: Bool
        func screen() throws -> String { rightToLeft ? VisitorLanguageTerminalTests.readBack(try terminal.screen()) : try terminal.screen() }
        func type(_ text: String) throws { try terminal.type(text) }
        func key(_ name: String) throws { try terminal.key(name) }
        func waitFor(_ text: String) throws { try terminal.waitFor(text) }
        func waitUntil(_ text: String, seconds: Double, _ read: () throws -> String) throws -> String { try terminal.waitUntil(text, seconds: seconds, reading: read) }
    }

    func waitUntilGone(_ kiosk: ReadBack, _ text: String) throws {
        let target = Self.flat(text)
        for _ in 0..<50 where Self.flat(try kiosk.screen()).contains(target) { usleep(100_000) }
    }

    @Test("A Ukrainian and a Romanian visitor reach the ticket at 80×24 and 40×12, every line whole, papers in their language",
          arguments: [("uk", "5", "Олена", 80, 24), ("uk", "5", "Олена", 40, 12), ("ro", "4", "Ștefan", 80, 24), ("ro", "4", "Ștefan", 40, 12)])
    func visitorReachesTicket(language: String, digit: String, name: String, width: Int, height: Int) throws {
        try visit(language: language, digit: digit, name: name, width: width, height: height)
    }

    @Test("An Arabic and a Dari visitor reach the ticket: every captured line reads right to left as the bidi algorithm orders it",
          arguments: [("ar", "6", "أمينة", 80, 24), ("prs", "7", "زهره", 80, 24), ("ar", "6", "أمينة", 40, 12)])
    func rightToLeftVisitorReachesTicket(language: String, digit: String, name: String, width: Int, height: Int) throws {
        try visit(language: language, digit: digit, name: name, width: width, height: height)
    }

    @Test("A right-to-left screen: text stands at the right, Back on the right and Continue on the left")
    func mirroredScreen() throws {
        // On a permanence day (Couiza, 24 November 2026), so that the first choice is "see the team today".
        let kiosk = try TmuxKiosk(width: 80, height: 24, command: "\(Repository.builtProduct("kiosk").path) run --demo --clock 2026-11-24T10:00:00+01:00")
        let texts = Self.content.texts
        try kiosk.waitFor("Choisissez")
        try kiosk.type("6")
        let home = try kiosk.waitUntil(Self.flat(texts.text("ui.home.title", "ar")), seconds: 10, reading: { Self.flat(Self.readBack(try kiosk.screen())) })
        #expect(!home.isEmpty)
        let lines = try kiosk.screen().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The title line: the question stands at the right edge (its first letter in the last columns).
        let titleLine = try #require(lines.first { Self.flat(Self.readBack($0)).contains(Self.flat(texts.text("ui.home.title", "ar"))) })
        #expect(titleLine.trimmingCharacters(in: .whitespaces).count < titleLine.count / 2 || titleLine.hasPrefix(" "))
        #expect(titleLine.hasSuffix(titleLine.trimmingCharacters(in: .whitespaces)) || titleLine.last != " ")
        // The choices are numbered on the right: "1" ends the first choice's line.
        let first = try #require(lines.first { Self.flat(Self.readBack($0)).contains(Self.flat(texts.text("ui.home.checkin", "ar"))) })
        #expect(first.trimmingCharacters(in: .whitespaces).hasSuffix("1"))
        // Back (→ رجوع) is on the right half of the screen's button row.
        try lines.joined(separator: "\n").data(using: .utf8)!.write(to: testArtefact("tmux-ar-home.txt"))
        let back = try #require(lines.last { Self.readBack($0).contains("رجوع") })
        let column = back.distance(from: back.startIndex, to: back.range(of: "→")!.lowerBound)
        #expect(column > 40, "Back at column \(column): \(back)")
    }
}

/// The document codes of the engine (as the catalogue names them: `document.CODE`).
enum DocumentToBringList {
    static let all = ["identity", "identity_ame", "proof_of_address", "resources_12_months", "bank_details", "proof_of_presence_3_months",
                      "residence_permit", "birth_certificate_with_parents", "asylum_certificate", "carte_vitale"]
}
