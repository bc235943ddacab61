import Foundation
import Rights

/// How a language chooses its plural form for a count (CLDR categories). Content names the family;
/// a new language with one of these families needs no code.
public enum PluralRule: String, Sendable, CaseIterable {
    /// fr: 0 and 1 are `one`.
    case french
    /// en, es, de, it…: 1 is `one`.
    case english
    /// ro: 1 `one`; 0 and 2–19 (and n % 100 in 1…19) `few`; else `other`.
    case romanian
    /// uk, ru: n % 10 == 1 (not 11) `one`; 2–4 (not 12–14) `few`; else `many`.
    case eastSlavic = "east_slavic"
    /// ar: 0 `zero`, 1 `one`, 2 `two`, n % 100 in 3…10 `few`, 11…99 `many`, else `other`.
    case arabic
    /// One form for every number (fa, prs, tr for counted nouns…).
    case none

    /// The categories a text with plural forms must give in this language.
    public var categories: [String] {
        switch self {
        case .french, .english: return ["one", "other"]
        case .romanian: return ["one", "few", "other"]
        case .eastSlavic: return ["one", "few", "many", "other"]
        case .arabic: return ["zero", "one", "two", "few", "many", "other"]
        case .none: return ["other"]
        }
    }

    public func category(_ n: Int) -> String {
        let n = abs(n)
        switch self {
        case .french: return n <= 1 ? "one" : "other"
        case .english: return n == 1 ? "one" : "other"
        case .romanian:
            if n == 1 { return "one" }
            return n == 0 || (1...19).contains(n % 100) ? "few" : "other"
        case .eastSlavic:
            if n % 10 == 1 && n % 100 != 11 { return "one" }
            if (2...4).contains(n % 10) && !(12...14).contains(n % 100) { return "few" }
            return "many"
        case .arabic:
            if n == 0 { return "zero" }
            if n == 1 { return "one" }
            if n == 2 { return "two" }
            if (3...10).contains(n % 100) { return "few" }
            if (11...99).contains(n % 100) { return "many" }
            return "other"
        case .none: return "other"
        }
    }
}

/// A language of the catalogue, as its file declares it.
public struct LanguageInfo: Sendable, Equatable {
    public var code: String
    /// Its name in itself ("Українська"), shown on the first screen.
    public var name: String
    public var rightToLeft: Bool
    public var plural: PluralRule
    public var groupSeparator: String
    public var decimalSeparator: String
    /// `{amount} €` or `€{amount}`.
    public var currency: String
    /// Offered to visitors (then it must be complete).
    public var visitor: Bool
    /// False until a native speaker has checked the translation (`reviewed: false` in its file): offered to visitors all
    /// the same, and the mediator sees the mark.
    public var reviewed: Bool = true
    /// The espeak-ng voice that reads this language aloud (`voice:`), nil when there is none (Pashto, Tigrinya).
    public var voice: String?
    /// Words the voice reads badly, and how to say them (`spoken: {AME: "A M E"}`): whole words, replaced before speaking.
    public var spoken: [String: String] = [:]
    public var file: String
    public var line: Int

    public init(code: String, name: String, rightToLeft: Bool = false, plural: PluralRule = .english, groupSeparator: String = " ",
                decimalSeparator: String = ",", currency: String = "{amount} €", visitor: Bool = true, file: String = "", line: Int = 0) {
        self.code = code
        self.name = name
        self.rightToLeft = rightToLeft
        self.plural = plural
        self.groupSeparator = groupSeparator
        self.decimalSeparator = decimalSeparator
        self.currency = currency
        self.visitor = visitor
        self.voice = nil
        self.file = file
        self.line = line
    }
}

/// One text of one language: a plain text, or plural forms chosen on a count.
public struct TextValue: Sendable, Equatable {
    /// `other` alone for a plain text.
    public var forms: [String: String]
    /// The argument plural forms are chosen on (nil: the only integer argument).
    public var count: String?
    public var file: String
    public var line: Int

    public var isPlural: Bool { forms.count > 1 || forms["other"] == nil }

    /// Named placeholders used by any form: `{ceiling}` → "ceiling".
    public var placeholders: Set<String> {
        var names = Set<String>()
        for form in forms.values { names.formUnion(TextCatalogue.placeholders(in: form)) }
        return names
    }
}

/// Every word a visitor reads or takes home (and the mediator's words), by key and language, from
/// `Kiosk/texts/*.yaml`. French is the source. Pure: loaded by `TextCatalogueLoader`, rendered here.
///
/// ```swift
/// catalogue.text("ui.question_of", "uk", ["position": .integer(2), "total": .integer(9)])   // "Питання 2 з 9"
/// catalogue.render(Reason.c2sRSARecipient.message, "en")
/// ```
public struct TextCatalogue: Sendable {
    /// Languages in the order their files give (French first).
    public var languages: [LanguageInfo]
    /// key → language → text.
    public var entries: [String: [String: TextValue]]
    /// Key prefixes for the mediator only: French is enough, and completeness does not count them.
    public var mediatorPrefixes: [String]
    /// Glossary id → words that call for its explanation, per language ("fr": ["AME"]); French terms count in every language.
    public var glossaryTerms: [String: [String: [String]]]

    public init(languages: [LanguageInfo] = [], entries: [String: [String: TextValue]] = [:], mediatorPrefixes: [String] = [],
                glossaryTerms: [String: [String: [String]]] = [:]) {
        self.languages = languages
        self.entries = entries
        self.mediatorPrefixes = mediatorPrefixes
        self.glossaryTerms = glossaryTerms
    }

    public func language(_ code: String) -> LanguageInfo? { languages.first { $0.code == code } }

    /// Whether a key is for the mediator only.
    public func isMediatorKey(_ key: String) -> Bool { mediatorPrefixes.contains { key.hasPrefix($0) } }

    /// Keys a visitor may read (completeness is counted over them).
    /// (Questionnaire texts given here as overlays are counted with the questionnaires.)
    public var visitorKeys: [String] {
        entries.keys.filter { key in
            entries[key]?["fr"] != nil && !isMediatorKey(key) && !TextKeys.isQuestionnaireKey(key) && !key.hasPrefix(TextKeys.spokenPrefix)
        }.sorted()
    }

    /// Whether the key has a text in this language (no fallback).
    public func has(_ key: String, _ language: String) -> Bool { entries[key]?[language] != nil }

    /// The text of `key` in `language` with its placeholders filled; French when the language has none,
    /// the key itself when even French has none (the content check refuses that).
    public func text(_ key: String, _ language: String, _ arguments: [String: MessageArgument] = [:]) -> String {
        guard let value = entries[key]?[language] ?? entries[key]?["fr"] else { return key }
        let shownLanguage = entries[key]?[language] != nil ? language : "fr"
        var form = value.forms["other"] ?? value.forms.values.sorted().first ?? ""
        if value.isPlural {
            let count: Int? = value.count.flatMap { name in
                if case .integer(let n)? = arguments[name] { return n }
                return nil
            } ?? arguments.sorted { $0.key < $1.key }.lazy.compactMap { if case .integer(let n) = $0.value { return n } else { return nil } }.first
            if let count, let rule = self.language(shownLanguage)?.plural {
                form = value.forms[rule.category(count)] ?? form
            }
        }
        return fill(form, arguments, shownLanguage)
    }

    /// A key's texts in every language, as a `LocalizedText` (for the questionnaire's built-in yes/no).
    public func localized(_ key: String) -> LocalizedText {
        LocalizedText((entries[key] ?? [:]).compactMapValues { $0.forms["other"] })
    }

    /// A message of the engine, in `language`.
    public func render(_ message: Message, _ language: String) -> String { text(message.key, language, message.arguments) }

    /// `1 234,50 €` in the language's way.
    public func euros(_ cents: Cents, _ language: String) -> String {
        let info = self.language(language) ?? self.language("fr") ?? LanguageInfo(code: "fr", name: "Français")
        return MoneyFormat.euros(cents, group: info.groupSeparator, decimal: info.decimalSeparator, pattern: info.currency)
    }

    func fill(_ form: String, _ arguments: [String: MessageArgument], _ language: String) -> String {
        guard form.contains("{") else { return form }
        var output = ""
        var name: String?
        for character in form {
            if character == "{" && name == nil {
                name = ""
            } else if character == "}", let current = name {
                output += arguments[current].map { format($0, language) } ?? "{\(current)}"
                name = nil
            } else if name != nil {
                name!.append(character)
            } else {
                output.append(character)
            }
        }
        if let pending = name { output += "{" + pending }
        return output
    }

    func format(_ argument: MessageArgument, _ language: String) -> String {
        switch argument {
        case .text(let text): return text
        case .integer(let n): return String(n)
        case .money(let cents): return euros(cents, language)
        case .wholeEuros(let n): return euros(Cents(n) * 100, language)
        case .message(let message): return render(message, language)
        case .list(let messages): return messages.map { render($0, language) }.joined(separator: text("list.separator", language))
        }
    }

    /// The names inside braces of a text.
    public static func placeholders(in text: String) -> Set<String> {
        var names = Set<String>()
        var current: String?
        for character in text {
            if character == "{" { current = "" } else if character == "}", let name = current { names.insert(name); current = nil } else if current != nil { current!.append(character) }
        }
        return names
    }

    // MARK: Completeness

    /// How much of what a visitor reads exists in this language: visitor keys of the catalogue, and the questionnaires' texts.
    public func completeness(_ language: String, questionnaires: [Questionnaire] = []) -> Completeness {
        var missing: [String] = []
        var total = 0
        for key in visitorKeys {
            total += 1
            if !has(key, language) { missing.append(key) }
        }
        for (key, text) in Self.questionnaireTexts(questionnaires) {
            total += 1
            if text.values[language] == nil { missing.append(key) }
        }
        return Completeness(present: total - missing.count, total: total, missing: missing)
    }

    /// How much of a language exists, and what is missing.
    public struct Completeness: Sendable {
        public var present: Int
        public var total: Int
        public var missing: [String]
        /// Whole percent, rounded down (100 when there is nothing to translate).
        public var percent: Int { total == 0 ? 100 : present * 100 / total }
    }

    /// Languages a visitor may pick: declared for visitors and complete (French always); in the order the check-in
    /// questionnaire lists its languages (the welcome screen's order), the others after it in the catalogue's order.
    public func visitorLanguages(questionnaires: [Questionnaire]) -> [String] {
        let codes = languages.filter { $0.visitor && ($0.code == "fr" || completeness($0.code, questionnaires: questionnaires).missing.isEmpty) }.map(\.code)
        let listed = questionnaires.first?.languages ?? []
        return codes.enumerated().sorted { a, b in
            let (first, second) = (listed.firstIndex(of: a.element) ?? listed.count + a.offset, listed.firstIndex(of: b.element) ?? listed.count + b.offset)
            return first < second
        }.map(\.element)
    }

    /// Every text of the questionnaires with its catalogue key (`question.ID.label`, `question.ID.choice.VALUE`…).
    public static func questionnaireTexts(_ questionnaires: [Questionnaire]) -> [(String, LocalizedText)] {
        var texts: [(String, LocalizedText)] = []
        for questionnaire in questionnaires {
            texts.append(("questionnaire.\(questionnaire.id).title", questionnaire.title))
            for section in questionnaire.sections {
                texts.append(("section.\(section.id).title", section.title))
                for question in section.questions {
                    texts.append(("question.\(question.id).label", question.label))
                    if let help = question.help { texts.append(("question.\(question.id).help", help)) }
                    // Yes and no are the catalogue's `ui.yes` / `ui.no`, counted there.
                    for choice in question.choices where question.type != .yesNo {
                        texts.append(("question.\(question.id).choice.\(choice.value)", choice.label))
                    }
                }
            }
        }
        return texts
    }

    /// Puts the catalogue's translations of questionnaire texts (a language file may carry `question.ID.label`…)
    /// into the questionnaires, so that adding a language needs no change to the questionnaire files.
    public func applyOverlay(to questionnaires: [Questionnaire]) -> [Questionnaire] {
        func overlay(_ text: LocalizedText, _ key: String) -> LocalizedText {
            guard let byLanguage = entries[key] else { return text }
            var values = text.values
            for (language, value) in byLanguage where values[language] == nil { values[language] = value.forms["other"] }
            return LocalizedText(values)
        }
        return questionnaires.map { questionnaire in
            let sections = questionnaire.sections.map { section -> Section in
                var section = section
                section.title = overlay(section.title, "section.\(section.id).title")
                section.questions = section.questions.map { question in
                    var question = question
                    question.label = overlay(question.label, "question.\(question.id).label")
                    question.help = question.help.map { overlay($0, "question.\(question.id).help") }
                    if question.type == .yesNo {
                        question.choices = ["yes", "no"].map { Choice(value: $0, label: localized("ui.\($0)")) }
                    }
                    question.choices = question.choices.map { choice in
                        var choice = choice
                        choice.label = overlay(choice.label, "question.\(question.id).choice.\(choice.value)")
                        return choice
                    }
                    return question
                }
                return section
            }
            let languages = questionnaire.languages + self.languages.map(\.code).filter { !questionnaire.languages.contains($0) }
            return Questionnaire(id: questionnaire.id, version: questionnaire.version,
                                 title: overlay(questionnaire.title, "questionnaire.\(questionnaire.id).title"),
                                 languages: languages, sections: sections, file: questionnaire.file)
        }
    }

    // MARK: Glossary

    /// The glossary explanations a text calls for in `language` (`glossary.ID`), in the order of the glossary.
    public func glossary(for texts: [String], _ language: String) -> [String] {
        glossaryIDs(for: texts, language).map { text("glossary.\($0)", language) }
    }

    /// The glossary ids whose terms (French ones, or this language's) appear in the texts.
    public func glossaryIDs(for texts: [String], _ language: String) -> [String] {
        let lowered = texts.map { Array($0.lowercased().utf8) }
        return glossaryTerms.keys.sorted().filter { id in
            let terms = (glossaryTerms[id]?["fr"] ?? []) + (language == "fr" ? [] : glossaryTerms[id]?[language] ?? [])
            guard entries["glossary.\(id)"] != nil else { return false }
            return terms.contains { term in
                let needle = Array(term.lowercased().utf8)
                return lowered.contains { Self.containsWord(utf8: $0, needle) }
            }
        }
    }

    /// Whether lower-cased UTF-8 `text` contains `needle` as a whole word: a match not preceded nor followed by a letter.
    static func containsWord(utf8 text: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, text.count >= needle.count else { return false }
        func isLetter(_ bytes: ArraySlice<UInt8>) -> Bool {
            String(decoding: bytes, as: UTF8.self).unicodeScalars.first?.properties.isAlphabetic ?? false
        }
        var start = 0
        while start + needle.count <= text.count {
            if text[start] == needle[0], text[start..<(start + needle.count)].elementsEqual(needle) {
                var lead = start - 1
                while lead > 0, text[lead] & 0xC0 == 0x80 { lead -= 1 }
                let before = lead >= 0 && isLetter(text[lead..<start])
                let end = start + needle.count
                var next = end + 1
                while next < text.count, text[next] & 0xC0 == 0x80 { next += 1 }
                let after = end < text.count && isLetter(text[end..<min(next, text.count)])
                if !before && !after { return true }
            }
            start += 1
        }
        return false
    }
}
