import Foundation
import Rights
import Yams

/// The keys the code asks the catalogue for. Every one must be in French; a test checks that each
/// `"ui.…"`, `"doc.…"`, `"ticket.…"`, `"answer.…"` literal of the sources is listed here.
public enum TextKeys {
    public static let ui = [
        "ui.choose_language", "ui.back", "ui.dont_know", "ui.skip", "ui.next", "ui.confirm", "ui.review_title", "ui.review_help",
        "ui.question_of", "ui.your_number", "ui.please_wait", "ui.to_bring", "ui.finish", "ui.still_there", "ui.touch_to_continue",
        "ui.multiple_hint", "ui.type_hint", "ui.no_match", "ui.saving", "ui.next_permanence", "ui.nothing_to_bring",
        "ui.commune_matches", "ui.title", "ui.screen_too_small", "ui.more_below", "ui.glossary_heading", "ui.yes", "ui.no",
        "ui.urgent.title", "ui.urgent.n15", "ui.urgent.n112", "ui.urgent.n114", "ui.urgent.n116117",
        "ui.urgent.n3114", "ui.urgent.pass", "ui.urgent.first", "ui.urgent.continue",
        "ui.permanence.date_unknown", "ui.permanence.now", "ui.permanence.later_today", "ui.permanence.none_today",
        "ui.permanence.next_here", "ui.permanence.none_planned_here", "ui.permanence.elsewhere", "ui.permanence.elsewhere_item",
        "ui.permanence.request_kept", "ui.permanence.doctor_week", "ui.date.day_month",
        "ui.home.title", "ui.home.checkin", "ui.home.leave_request", "ui.home.rights", "ui.home.papers", "ui.home.places",
        "ui.home.callback", "ui.home.urgent", "ui.papers.choose", "ui.sheet.print", "ui.sheet.printing", "ui.sheet.printed",
        "ui.sheet.not_printed", "ui.sheet.printer_waiting", "ui.alone.rights.title", "ui.alone.rights.intro", "ui.alone.rights.likely",
        "ui.alone.rights.have", "ui.alone.rights.free", "ui.alone.rights.participation", "ui.alone.rights.to_check", "ui.alone.rights.none", "ui.alone.where", "ui.alone.team",
        "ui.alone.papers.title", "ui.alone.papers.intro", "ui.alone.places.title", "ui.alone.places.intro", "ui.alone.places.open_now",
        "ui.alone.places.closed_now", "ui.alone.places.all", "ui.place.line", "ui.place.open_until", "ui.place.opens_today",
        "ui.place.opens_tomorrow", "ui.place.opens_on", "ui.place.closed_week", "ui.place.call_first",
        "ui.callback.sent", "ui.callback.not_kept", "ui.distance_after", "ui.listen", "ui.speaking", "ui.listen_language",
    ] + PartnerService.Kind.allCases.map { "ui.place.kind.\($0.rawValue)" } + (1...7).map { "ui.weekday.\($0)" } + (1...12).map { "ui.month.\($0)" }
    public static let documents = [
        "doc.checklist.title", "doc.checklist.mediator_will_tell", "doc.checklist.place_and_date", "doc.checklist.words",
        "doc.checklist.next_permanence",
    ]
    public static let ticket = ["ticket.please_wait"]
    public static let answers = [
        "answer.empty", "answer.not_a_number", "answer.not_a_whole_number", "answer.out_of_range", "answer.at_least", "answer.at_most",
        "answer.not_a_date", "answer.in_the_future", "answer.too_short", "answer.too_long", "answer.does_not_match",
        "answer.not_a_choice", "answer.unknown_commune", "answer.not_a_phone_number",
    ]
    public static let general = ["list.separator"]
    /// The mediator's screens (French; `mediator_only`).
    public static let mediator = [
        "mediator.pin_title", "mediator.pin_prompt", "mediator.cancel", "mediator.editing", "mediator.queue_title", "mediator.queue_keys",
        "mediator.queue_quit_key", "mediator.queue_empty", "mediator.column.number", "mediator.column.name", "mediator.column.reasons",
        "mediator.column.waiting", "mediator.column.status", "mediator.visit_keys", "mediator.prints", "mediator.sync_title",
        "mediator.printers_title", "mediator.back", "mediator.sync_now", "mediator.status.open", "mediator.status.waiting",
        "mediator.status.with_mediator", "mediator.status.closed",
        "mediator.nir.length", "mediator.nir.characters", "mediator.nir.sex", "mediator.nir.key", "mediator.nir.birth_year",
        "mediator.nir.birth_month", "mediator.printing", "mediator.printed", "mediator.visit_keys_closed", "mediator.tab.answers",
        "mediator.tab.identity", "mediator.tab.household", "mediator.tab.follow_up", "mediator.tab.rights", "mediator.tab_empty", "mediator.confirm_close",
        "mediator.cancel_close", "mediator.do_close", "mediator.letter_needs_orientation",
        "mediator.print_waiting", "mediator.print_gave_up", "mediator.column.language", "mediator.urgent", "mediator.interpreter_short", "mediator.interpreter", "mediator.unreviewed_short", "mediator.unreviewed", "mediator.test_page", "mediator.resources_differ",
        "mediator.callbacks", "mediator.test_speaker", "mediator.speaker_test", "mediator.callback_line", "mediator.callback_sent", "mediator.callback_waiting",
    ] + Array(documentNames.values)
    /// Follow-up: the mediator's screens (French; `mediator_only`) and the slip a person takes home (every language).
    public static let followUp = ["mediator.followup.short.right_requested", "mediator.followup.short.paper_missing", "mediator.followup.short.appointment",
        "mediator.followup.short.accompaniment", "mediator.followup.short.call_back", "mediator.followup.short_weeks",
        "mediator.followup.short_this_week", "mediator.followup.awaiting_this_week", "mediator.followup.outcome_word.granted",
        "mediator.followup.outcome_word.refused", "mediator.followup.outcome_word.called", "mediator.followup.outcome_word.appointment_given",
        "mediator.followup.title", "mediator.followup.expected", "mediator.followup.to_chase", "mediator.followup.news",
        "mediator.followup.none", "mediator.followup.kind.right_requested", "mediator.followup.kind.paper_missing",
        "mediator.followup.kind.appointment", "mediator.followup.kind.accompaniment", "mediator.followup.kind.call_back",
        "mediator.followup.awaiting_weeks", "mediator.followup.status.todo", "mediator.followup.status.awaiting",
        "mediator.followup.status.done", "mediator.followup.status.cancelled", "mediator.followup.outcome", "mediator.followup.due",
        "mediator.followup.due_next", "mediator.followup.keys_unlock", "mediator.followup.keys_start",
        "mediator.followup.keys_start_visit", "mediator.followup.keys_dossier", "mediator.followup.keys_add", "mediator.followup.wait",
        "mediator.followup.checking", "mediator.followup.no_pack", "mediator.followup.expired", "mediator.followup.locked",
        "mediator.followup.passphrase_prompt", "mediator.followup.visit_open", "mediator.followup.search",
        "mediator.followup.dossier_line", "mediator.followup.closed", "mediator.followup.no_items", "mediator.followup.add_prompt",
        "mediator.followup.add_words", "mediator.followup.add_names", "mediator.followup.add_note_only", "mediator.followup.no_visit_open",
        "mediator.followup.linked", "mediator.followup.not_found", "mediator.followup.no_consent", "mediator.followup.no_nickname",
        "mediator.followup.opening", "mediator.followup.opened", "mediator.followup.refused.wrong", "mediator.followup.refused.wrong_wait",
        "mediator.followup.refused.wait", "mediator.followup.refused.none", "mediator.followup.refused.expired",
        "mediator.followup.refused.unreadable", "mediator.followup.locked_short", "mediator.followup.saved",
        "mediator.followup.saved_open", "mediator.followup.saved_conflict", "mediator.followup.not_saved",
    ]
    public static let followUpSlip = [
        "followup.slip.title", "followup.slip.code", "followup.slip.keep", "followup.slip.missing", "followup.slip.nothing_missing",
        "followup.slip.next_heading", "followup.slip.item.right_requested", "followup.slip.item.right_requested.general",
        "followup.slip.item.paper_missing", "followup.slip.item.paper_missing.general", "followup.slip.item.appointment",
        "followup.slip.item.appointment.general", "followup.slip.item.accompaniment", "followup.slip.item.accompaniment.general",
        "followup.slip.item.call_back", "followup.slip.item.call_back.general",
    ]
    /// The referral letter's sentences (French; `mediator_only`).
    public static let letter = [
        "letter.need", "letter.gave_up", "letter.gave_up_because", "letter.rights_found", "letter.rights_to_check", "letter.right.puma",
        "letter.right.c2s", "letter.right.ame", "letter.right.medecin_traitant", "letter.c2s_free", "letter.c2s_participation",
        "letter.no_reason", "letter.done", "letter.done_prepared",
    ] + ["coverage", "doctor", "paperwork", "care_now", "prevention", "other"].map { "letter.need.\($0)" }
      + ["money", "paperwork", "transport", "distance", "waiting_time", "language", "other"].map { "letter.gave_up.\($0)" }
      + PartnerService.Kind.allCases.map { "letter.service.\($0.rawValue)" }
      + ["tenant", "owner", "housed_free", "homeless"].map { "form.housing.\($0)" }
    /// How a mediator says each document, by the document's id.
    public static let documentNames = [
        "cerfa-12504": "mediator.document.cerfa_12504", "cerfa-11573": "mediator.document.cerfa_11573",
        "cerfa-12485": "mediator.document.cerfa_12485", "puma-request": "mediator.document.puma_request",
        "referral-letter": "mediator.document.referral_letter", "checklist": "mediator.document.checklist",
        "test-page": "mediator.document.test_page", "info-sheet": "mediator.document.info_sheet",
        "followup-slip": "mediator.document.followup_slip",
    ]

    /// Every key the code uses.
    public static var required: Set<String> {
        Set(ui + documents + ticket + answers + general + mediator + letter + followUp + followUpSlip + RightsMessages.keys + EvaluationReport.keys)
    }

    /// Keys of questionnaire texts a language file may give (`question.ID.label`…): their French is in the questionnaires.
    public static let questionnairePrefixes = ["question.", "section.", "questionnaire."]

    /// Whether a key names a questionnaire text.
    public static func isQuestionnaireKey(_ key: String) -> Bool { questionnairePrefixes.contains { key.hasPrefix($0) } }

    /// Key prefixes that content may add freely (their users find them by id).
    public static let freePrefixes = ["glossary.", spokenPrefix] + questionnairePrefixes

    /// `spoken.KEY`: how a text is read aloud in a language where its written form reads badly (Arabic with its
    /// vowel marks, an acronym said in full); any language may give one, French included, or none.
    public static let spokenPrefix = "spoken."
}

/// Reads `texts/*.yaml`: one file (or more) per language. Every problem with its file and line.
///
/// ```yaml
/// language: {code: uk, name: Українська, plural: east_slavic, numbers: {group: " ", decimal: ",", currency: "{amount} €"}}
/// texts:
///   ui.back: "← Назад"
///   reason.resources_above: {count: size, one: "…", few: "…", many: "…", other: "…"}
/// ```
public enum TextCatalogueLoader {
    public struct Result: Sendable {
        public var catalogue: TextCatalogue?
        /// What makes the content invalid.
        public var problems: [ContentProblem]
        /// What an unfinished language (not offered to visitors) still lacks.
        public var notes: [ContentProblem]
    }

    public static func load(directory: URL, required: Set<String> = TextKeys.required) -> Result {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        var files: [(String, String)] = []
        var problems: [ContentProblem] = []
        for name in names {
            let path = directory.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                problems.append(ContentProblem(file: path, line: 0, key: "file", message: "missing, unreadable or not UTF-8"))
                continue
            }
            files.append((path, text))
        }
        if names.isEmpty {
            problems.append(ContentProblem(file: directory.path, line: 0, key: "texts", message: "no text catalogue (.yaml) found"))
        }
        var result = load(files: files, required: required)
        result.problems = problems + result.problems
        return result
    }

    static let languageFields: Set<String> = ["code", "name", "direction", "plural", "numbers", "visitor", "reviewed", "voice", "spoken"]

    /// Loads catalogue files given as (path, text).
    public static func load(files: [(String, String)], required: Set<String> = TextKeys.required) -> Result {
        var problems: [ContentProblem] = []
        var languages: [LanguageInfo] = []
        var entries: [String: [String: TextValue]] = [:]
        var mediatorPrefixes: [String] = []
        var glossaryTerms: [String: [String: [String]]] = [:]
        var pendingTexts: [(file: String, language: String, node: Node)] = []

        for (file, text) in files {
            func problem(_ line: Int, _ key: String, _ message: String) { problems.append(ContentProblem(file: file, line: line, key: key, message: message)) }
            let root: Node
            switch YAMLSupport.compose(file: file, text: text) {
            case .success(let node): root = node
            case .failure(let found): problems.append(found); continue
            }
            guard let top = root.mapping else { problem(1, "texts", "must be a mapping with `language` and `texts`"); continue }
            YAMLSupport.checkKeys(top, allowed: ["language", "texts", "mediator_only", "glossary_terms"], key: "file", problem: problem)
            var code = ""
            switch top["language"] {
            case let node? where node.mapping != nil:
                let mapping = node.mapping!
                YAMLSupport.checkKeys(mapping, allowed: languageFields, key: "language", problem: problem)
                code = mapping["code"]?.scalar?.string ?? ""
                guard KioskLanguages.isCode(code) else {
                    problem(YAMLSupport.line(node), "language.code", "must be an ISO 639 code of 2 or 3 lower-case letters")
                    continue
                }
                var info = LanguageInfo(code: code, name: mapping["name"]?.scalar?.string ?? "", file: file, line: YAMLSupport.line(node))
                if info.name.isEmpty { problem(YAMLSupport.line(node), "language.name", "missing: the language's name in itself") }
                switch mapping["direction"]?.scalar?.string ?? "ltr" {
                case "ltr": info.rightToLeft = false
                case "rtl": info.rightToLeft = true
                case let other: problem(YAMLSupport.line(mapping["direction"]!), "language.direction", "'\(other)' is not ltr or rtl")
                }
                if let plural = mapping["plural"]?.scalar?.string {
                    if let rule = PluralRule(rawValue: plural) { info.plural = rule } else {
                        problem(YAMLSupport.line(mapping["plural"]!), "language.plural", "unknown plural rule '\(plural)' (known: \(PluralRule.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                } else {
                    problem(YAMLSupport.line(node), "language.plural", "missing (one of \(PluralRule.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                if let numbers = mapping["numbers"]?.mapping {
                    YAMLSupport.checkKeys(numbers, allowed: ["group", "decimal", "currency"], key: "language.numbers", problem: problem)
                    info.groupSeparator = numbers["group"]?.scalar?.string ?? info.groupSeparator
                    info.decimalSeparator = numbers["decimal"]?.scalar?.string ?? info.decimalSeparator
                    info.currency = numbers["currency"]?.scalar?.string ?? info.currency
                    if !info.currency.contains("{amount}") { problem(YAMLSupport.line(mapping["numbers"]!), "language.numbers.currency", "must contain {amount}") }
                }
                if let visitor = mapping["visitor"]?.scalar?.string {
                    switch visitor {
                    case "true": info.visitor = true
                    case "false": info.visitor = false
                    default: problem(YAMLSupport.line(mapping["visitor"]!), "language.visitor", "must be true or false")
                    }
                }
                if let reviewed = mapping["reviewed"]?.scalar?.string {
                    switch reviewed {
                    case "true": info.reviewed = true
                    case "false": info.reviewed = false
                    default: problem(YAMLSupport.line(mapping["reviewed"]!), "language.reviewed", "must be true or false")
                    }
                }
                if let voice = mapping["voice"] {
                    let name = voice.scalar?.string ?? ""
                    if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                        problem(YAMLSupport.line(voice), "language.voice", "'\(name)' is not an espeak-ng voice name (letters, digits, -)")
                    } else {
                        info.voice = name
                    }
                }
                if let spoken = mapping["spoken"] {
                    if spoken.mapping == nil { problem(YAMLSupport.line(spoken), "language.spoken", "must map written words to how they are said") }
                    for (word, said) in spoken.mapping ?? [:] {
                        let written = word.scalar?.string ?? "", saying = said.scalar?.string ?? ""
                        if written.isEmpty || saying.isEmpty { problem(YAMLSupport.line(word), "language.spoken", "an empty word or saying") }
                        else { info.spoken[written] = saying }
                    }
                }
                if languages.contains(where: { $0.code == code }) {
                    problem(YAMLSupport.line(node), "language.code", "'\(code)' is declared twice")
                } else {
                    languages.append(info)
                }
            case let node?:
                code = node.scalar?.string ?? ""
            case nil:
                problem(1, "language", "missing: which language this file holds")
                continue
            }
            if let prefixes = top["mediator_only"] {
                mediatorPrefixes += prefixes.sequence?.compactMap { $0.scalar?.string } ?? []
            }
            for (idNode, termsNode) in top["glossary_terms"]?.mapping ?? [:] {
                let id = idNode.scalar?.string ?? ""
                glossaryTerms[id, default: [:]][code, default: []] += termsNode.sequence?.compactMap { $0.scalar?.string } ?? []
            }
            if let texts = top["texts"] {
                pendingTexts.append((file, code, texts))
            } else {
                problem(1, "texts", "missing")
            }
        }

        let declared = Set(languages.map(\.code))
        if !declared.contains("fr") {
            problems.append(ContentProblem(file: files.first?.0 ?? "texts", line: 1, key: "language", message: "no French file: French is the source"))
        }
        for pending in pendingTexts {
            func problem(_ line: Int, _ key: String, _ message: String) { problems.append(ContentProblem(file: pending.file, line: line, key: key, message: message)) }
            guard declared.contains(pending.language) else {
                problem(YAMLSupport.line(pending.node), "language", "'\(pending.language)' is not declared by any file (`language: {code: …}`)")
                continue
            }
            guard let mapping = pending.node.mapping else { problem(YAMLSupport.line(pending.node), "texts", "must map keys to texts"); continue }
            for (keyNode, valueNode) in mapping {
                let key = keyNode.scalar?.string ?? ""
                let line = YAMLSupport.line(keyNode)
                var value = TextValue(forms: [:], count: nil, file: pending.file, line: line)
                if let scalar = valueNode.scalar {
                    value.forms["other"] = scalar.string
                } else if let forms = valueNode.mapping {
                    for (formKey, formValue) in forms {
                        let name = formKey.scalar?.string ?? ""
                        if name == "count" { value.count = formValue.scalar?.string; continue }
                        guard ["zero", "one", "two", "few", "many", "other"].contains(name) else {
                            problem(YAMLSupport.line(formKey), key, "unknown plural form `\(name)` (zero, one, two, few, many, other; or count)")
                            continue
                        }
                        value.forms[name] = formValue.scalar?.string ?? ""
                    }
                } else {
                    problem(line, key, "must be a text or plural forms")
                    continue
                }
                if value.forms.values.contains(where: { $0.allSatisfy(\.isWhitespace) }) {
                    problem(line, key, "empty text in \(pending.language)")
                }
                if entries[key]?[pending.language] != nil {
                    problem(line, key, "given twice in \(pending.language)")
                }
                entries[key, default: [:]][pending.language] = value
            }
        }

        let catalogue = TextCatalogue(languages: languages.sorted { ($0.code == "fr" ? 0 : 1) < ($1.code == "fr" ? 0 : 1) },
                                      entries: entries, mediatorPrefixes: mediatorPrefixes, glossaryTerms: glossaryTerms)
        let frenchFile = languages.first { $0.code == "fr" }?.file ?? (files.first?.0 ?? "texts")
        for key in required.sorted() where entries[key]?["fr"] == nil {
            problems.append(ContentProblem(file: frenchFile, line: 1, key: key, message: "missing in French (the kiosk uses this text)"))
        }
        var notes: [ContentProblem] = []
        for key in entries.keys.sorted() {
            guard let byLanguage = entries[key] else { continue }
            guard let french = byLanguage["fr"] else {
                // Questionnaire texts given in a language file: their French is in the questionnaire (checked by ContentLoader);
                // a spoken variant (`spoken.KEY`) may exist in one language only.
                if TextKeys.isQuestionnaireKey(key) || key.hasPrefix(TextKeys.spokenPrefix) { continue }
                for (language, value) in byLanguage.sorted(by: { $0.key < $1.key }) {
                    problems.append(ContentProblem(file: value.file, line: value.line, key: key, message: "extra key in \(language): French has no such text"))
                }
                continue
            }
            if !required.contains(key), !TextKeys.freePrefixes.contains(where: { key.hasPrefix($0) }) {
                problems.append(ContentProblem(file: french.file, line: french.line, key: key, message: "extra key: nothing uses this text"))
            }
            for (language, value) in byLanguage.sorted(by: { $0.key < $1.key }) {
                if value.placeholders != french.placeholders {
                    func list(_ names: Set<String>) -> String { names.isEmpty ? "none" : names.sorted().map { "{\($0)}" }.joined(separator: ", ") }
                    problems.append(ContentProblem(file: value.file, line: value.line, key: key,
                                                   message: "placeholders in \(language) (\(list(value.placeholders))) differ from French (\(list(french.placeholders)))"))
                }
                if value.isPlural, let rule = catalogue.language(language)?.plural {
                    let absent = rule.categories.filter { value.forms[$0] == nil }
                    if !absent.isEmpty {
                        problems.append(ContentProblem(file: value.file, line: value.line, key: key,
                                                       message: "plural forms missing in \(language): \(absent.joined(separator: ", "))"))
                    }
                }
            }
        }
        for language in catalogue.languages where language.code != "fr" {
            for key in catalogue.visitorKeys where !catalogue.has(key, language.code) {
                let problem = ContentProblem(file: language.file, line: language.line, key: key, message: "missing in \(language.code)")
                if language.visitor { problems.append(problem) } else { notes.append(problem) }
            }
        }
        return Result(catalogue: catalogue, problems: problems, notes: notes)
    }
}
