import Foundation
import Intake
import Rights
import Testing
import TestSupport

/// Writes a content directory: the shipped one with catalogue files replaced or added.
enum CatalogueFixtures {
    static func contentCopy(_ texts: [String: String] = [:]) throws -> URL {
        let root = temporaryDirectory("content")
        let copy = root.appendingPathComponent("Kiosk")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Kiosk"), to: copy)
        for (name, text) in texts { try text.write(to: copy.appendingPathComponent("texts/\(name)"), atomically: true, encoding: .utf8) }
        return copy
    }

    static func yamlString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A whole new language file made from the French texts ("[it] …"), as a translator's first draft would be:
    /// every visitor key and every questionnaire text, placeholders kept.
    static func draftLanguage(code: String, name: String, marker: String, visitor: Bool = true) -> String {
        let texts = ContentFixtures.content.texts
        var lines = ["language: {code: \(code), name: \(name), plural: english, visitor: \(visitor)}", "texts:"]
        for key in texts.visitorKeys {
            guard let french = texts.entries[key]?["fr"] else { continue }
            if french.isPlural {
                let forms = ["one", "other"].map { "\($0): \(yamlString(marker + (french.forms[$0] ?? french.forms["other"]!)))" }
                lines.append("  \(key): {\(french.count.map { "count: \($0), " } ?? "")\(forms.joined(separator: ", "))}")
            } else {
                lines.append("  \(key): \(yamlString(marker + french.forms["other"]!))")
            }
        }
        for (key, text) in TextCatalogue.questionnaireTexts(ContentFixtures.content.questionnaires) {
            lines.append("  \(key): \(yamlString(marker + text["fr"]))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

@Suite("The text catalogue")
struct TextCatalogueTests {
    let texts = ContentFixtures.content.texts

    @Test("Every key the code asks for is in French, and every visitor language is complete")
    func shippedCatalogueIsComplete() {
        for key in TextKeys.required { #expect(texts.has(key, "fr"), "\(key)") }
        for language in ["fr", "en", "es", "ro", "uk"] {
            let counted = texts.completeness(language, questionnaires: ContentFixtures.content.questionnaires)
            #expect(counted.missing.isEmpty, "\(language): \(counted.missing)")
        }
        #expect(ContentFixtures.content.visitorLanguages == ["fr", "en", "es", "ro", "uk", "ar", "prs"])
    }

    @Test("Every catalogue key written in the sources is one the content check requires")
    func keysInSourcesAreListed() throws {
        let sources = Repository.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        let pattern = try Regex(#""((ui|doc|ticket|answer|report|list|mediator)\.[a-z_.]+)""#)
        var found = Set<String>()
        for file in files {
            // Lines naming database settings ("mediator.pin") are not catalogue keys.
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n").filter { !$0.contains("Setting = ") }.joined(separator: "\n")
            for match in text.matches(of: pattern) { found.insert(String(text[match.range]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))) }
        }
        #expect(found.count > 20)
        for key in found.sorted() { #expect(TextKeys.required.contains(key), "\(key) is used in Swift but not in TextKeys") }
    }

    @Test("Placeholders are filled and plural forms follow each language's rule")
    func placeholdersAndPlurals() {
        #expect(texts.text("ui.question_of", "uk", ["position": .integer(2), "total": .integer(9)]) == "Питання 2 з 9")
        #expect(texts.text("answer.too_short", "uk", ["count": .integer(1)]) == "Напишіть щонайменше 1 символ.")
        #expect(texts.text("answer.too_short", "uk", ["count": .integer(3)]) == "Напишіть щонайменше 3 символи.")
        #expect(texts.text("answer.too_short", "uk", ["count": .integer(5)]) == "Напишіть щонайменше 5 символів.")
        #expect(texts.text("answer.too_short", "ro", ["count": .integer(20)]) == "Scrieți cel puțin 20 de caractere.")
        #expect(texts.text("answer.too_short", "fr", ["count": .integer(1)]) == "Écrivez au moins 1 caractère.")
        #expect(PluralRule.eastSlavic.category(21) == "one" && PluralRule.eastSlavic.category(11) == "many" && PluralRule.eastSlavic.category(22) == "few")
        #expect(PluralRule.romanian.category(0) == "few" && PluralRule.romanian.category(101) == "few" && PluralRule.romanian.category(120) == "other")
        #expect(PluralRule.arabic.category(2) == "two" && PluralRule.arabic.category(103) == "few" && PluralRule.arabic.category(111) == "many")
        let reason = texts.render(Reason.resourcesAtOrBelow(counted: 900_000, ceiling: 18_610, size: 3).message, "fr")
        #expect(reason == "Ressources comptées : 9 000 € par an. Le plafond pour 3 personnes est 18 610 €. Elles ne le dépassent pas.")
    }

    @Test("No point médian in what visitors read")
    func noPointMedian() {
        for key in texts.visitorKeys {
            for (language, value) in texts.entries[key] ?? [:] {
                for form in value.forms.values { #expect(!form.contains("·e"), "\(key) in \(language)") }
            }
        }
    }

    @Test("A missing key, an extra key and a different placeholder are each reported with file and line")
    func problemsWithFileAndLine() throws {
        let french = try String(contentsOf: Repository.root.appendingPathComponent("Kiosk/texts/fr.yaml"), encoding: .utf8)
        let ukrainian = try String(contentsOf: Repository.root.appendingPathComponent("Kiosk/texts/uk.yaml"), encoding: .utf8)
        let brokenUkrainian = ukrainian
            .replacingOccurrences(of: "  ui.skip: Пропустити\n", with: "")
            .replacingOccurrences(of: "Питання {position} з {total}", with: "Питання {posiția} з {total}")
            + "  ui.not_a_key: Зайве\n"
        let directory = try CatalogueFixtures.contentCopy(["fr.yaml": french, "uk.yaml": brokenUkrainian])
        let loaded = TextCatalogueLoader.load(directory: directory.appendingPathComponent("texts"))
        let lines = loaded.problems.map(\.description)
        let ukLines = brokenUkrainian.split(separator: "\n", omittingEmptySubsequences: false)
        let questionLine = ukLines.firstIndex { $0.contains("ui.question_of") }! + 1
        let extraLine = ukLines.firstIndex { $0.contains("ui.not_a_key") }! + 1
        // A missing key is reported at the language's declaration (there is no line for what is not there).
        let declaration = ukLines.firstIndex { $0.contains("code: uk") }! + 1
        #expect(lines.contains { $0.hasSuffix("uk.yaml:\(declaration): ui.skip: missing in uk") }, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("uk.yaml:\(questionLine): ui.question_of: placeholders in uk ({posiția}, {total}) differ from French ({position}, {total})") }, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("uk.yaml:\(extraLine): ui.not_a_key: extra key in uk: French has no such text") }, "\(lines)")
        #expect(loaded.problems.count == 3, "\(lines.map { $0.split(separator: "/").last ?? "" })")
    }

    @Test("A key the code uses, missing in French, is refused")
    func missingFrenchKey() throws {
        let french = try String(contentsOf: Repository.root.appendingPathComponent("Kiosk/texts/fr.yaml"), encoding: .utf8)
        let directory = try CatalogueFixtures.contentCopy(["fr.yaml": french.replacingOccurrences(of: "  ui.finish: Terminer\n", with: "")])
        let loaded = ContentLoader.load(directory: directory)
        #expect(loaded.content == nil)
        #expect(loaded.problems.contains { $0.key == "ui.finish" && $0.message.contains("missing in French") })
    }

    @Test("An unfinished language is not offered to visitors; the check lists what it lacks, and its completeness")
    func unfinishedLanguage() throws {
        var draft = CatalogueFixtures.draftLanguage(code: "it", name: "Italiano", marker: "[it] ", visitor: false)
        draft = draft.split(separator: "\n").filter { !$0.contains("ui.finish:") }.joined(separator: "\n") + "\n"
        let directory = try CatalogueFixtures.contentCopy(["it.yaml": draft])
        let loaded = ContentLoader.load(directory: directory)
        let content = try #require(loaded.content, "\(loaded.problems)")
        #expect(!content.visitorLanguages.contains("it"))
        #expect(content.notes.contains { $0.key == "ui.finish" && $0.message == "missing in it" })
        let counted = content.texts.completeness("it", questionnaires: content.questionnaires)
        #expect(counted.missing == ["ui.finish"])
        // Declared for visitors while incomplete: refused.
        let refused = try CatalogueFixtures.contentCopy(["it.yaml": draft.replacingOccurrences(of: "visitor: false", with: "visitor: true")])
        #expect(ContentLoader.load(directory: refused).problems.contains { $0.key == "ui.finish" })
    }

    @Test("A language added as one content file (catalogue and questionnaire texts) is offered with no Swift change")
    func languageAddedByContent() throws {
        let directory = try CatalogueFixtures.contentCopy(["it.yaml": CatalogueFixtures.draftLanguage(code: "it", name: "Italiano", marker: "[it] ")])
        let loaded = ContentLoader.load(directory: directory)
        let content = try #require(loaded.content, "\(loaded.problems)")
        #expect(content.visitorLanguages.contains("it"))
        #expect(content.texts.language("it")?.name == "Italiano")
        let consent = try #require(content.questionnaire("checkin")?.question("consent"))
        #expect(consent.label["it"].hasPrefix("[it] "))
        #expect(content.texts.text("ui.back", "it") == "[it] ← Retour")
    }
}
