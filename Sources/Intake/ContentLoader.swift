import Foundation
import Rights

/// Everything a box shows and asks, loaded from a content directory (the source tree's
/// `Kiosk/`, or an installed or synced copy): questionnaires, partner directory, calendar,
/// communes. (The rules are loaded by `RulesLoader`.)
public struct KioskContent: Sendable {
    /// The check-in questionnaire first, then the others in file-name order.
    public var questionnaires: [Questionnaire]
    public var communes: CommuneList
    public var services: [PartnerService]
    public var calendar: PermanenceCalendar
    /// Every word of the screens and papers, by key and language (`texts/`).
    public var texts: TextCatalogue
    /// What languages not yet offered to visitors still lack (`kiosk content check` lists them).
    public var notes: [ContentProblem] = []

    public init(questionnaires: [Questionnaire], communes: CommuneList, services: [PartnerService], calendar: PermanenceCalendar,
                texts: TextCatalogue, notes: [ContentProblem] = []) {
        self.questionnaires = questionnaires
        self.communes = communes
        self.services = services
        self.calendar = calendar
        self.texts = texts
        self.notes = notes
    }

    /// Languages a visitor may choose: declared for visitors and complete, French first.
    public var visitorLanguages: [String] { texts.visitorLanguages(questionnaires: questionnaires) }

    public func questionnaire(_ id: String) -> Questionnaire? { questionnaires.first { $0.id == id } }
}

public enum ContentLoader {
    /// Loads and validates every content file under `directory`; every problem at once.
    public static func load(directory: URL) -> (content: KioskContent?, problems: [ContentProblem]) {
        var problems: [ContentProblem] = []
        func read(_ relative: String, required: Bool = true) -> (name: String, text: String)? {
            let url = directory.appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                if required { problems.append(ContentProblem(file: url.path, line: 0, key: "file", message: "missing or unreadable")) }
                return nil
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(ContentProblem(file: url.path, line: 0, key: "file", message: "is not UTF-8 text"))
                return nil
            }
            return (url.path, text)
        }
        var communes = CommuneList([])
        if let file = read("territory/communes.csv") {
            let loaded = DirectoryLoader.loadCommunes(file: file.name, text: file.text)
            communes = loaded.communes
            problems += loaded.problems
        }
        var questionnaires: [Questionnaire] = []
        let questionnaireDirectory = directory.appendingPathComponent("questionnaires")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: questionnaireDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        if names.isEmpty {
            problems.append(ContentProblem(file: questionnaireDirectory.path, line: 0, key: "questionnaires", message: "no questionnaire (.yaml) found"))
        }
        for name in names {
            guard let file = read("questionnaires/\(name)") else { continue }
            let loaded = QuestionnaireLoader.load(file: file.name, text: file.text)
            problems += loaded.problems
            if let questionnaire = loaded.questionnaire { questionnaires.append(questionnaire) }
        }
        problems += crossQuestionnaireProblems(questionnaires)
        let loadedTexts = TextCatalogueLoader.load(directory: directory.appendingPathComponent("texts"))
        problems += loadedTexts.problems
        var notes = loadedTexts.notes
        let texts = loadedTexts.catalogue ?? TextCatalogue()
        // Questionnaire texts in a language file must name a text of the questionnaires.
        let questionnaireKeys = Set(TextCatalogue.questionnaireTexts(questionnaires).map(\.0))
        for (key, byLanguage) in texts.entries.sorted(by: { $0.key < $1.key })
        where TextKeys.isQuestionnaireKey(key) && !questionnaireKeys.contains(key) {
            for (language, value) in byLanguage.sorted(by: { $0.key < $1.key }) {
                problems.append(ContentProblem(file: value.file, line: value.line, key: key, message: "extra key in \(language): no such question, choice or title"))
            }
        }
        questionnaires = texts.applyOverlay(to: questionnaires)
        let declared = Set(texts.languages.map(\.code))
        for questionnaire in questionnaires {
            for language in questionnaire.languages where !declared.contains(language) && loadedTexts.catalogue != nil {
                problems.append(ContentProblem(file: questionnaire.file, line: 1, key: questionnaire.id,
                                               message: "language '\(language)' has no file in texts/ (its name, plural rule and words)"))
            }
        }
        // A language offered to visitors must have every question, choice and help in it.
        for language in texts.languages where language.code != "fr" {
            for questionnaire in questionnaires {
                for (key, text) in TextCatalogue.questionnaireTexts([questionnaire]) where text.values[language.code] == nil {
                    let problem = ContentProblem(file: questionnaire.file, line: questionnaire.line(ofKey: key), key: key, message: "missing in \(language.code)")
                    if language.visitor { problems.append(problem) } else { notes.append(problem) }
                }
            }
        }
        if !questionnaires.contains(where: { $0.id == "checkin" }) && problems.isEmpty {
            problems.append(ContentProblem(file: questionnaireDirectory.path, line: 0, key: "checkin", message: "no questionnaire with id checkin"))
        }
        questionnaires.sort { ($0.id == "checkin" ? 0 : 1, $0.file) < ($1.id == "checkin" ? 0 : 1, $1.file) }
        var services: [PartnerService] = []
        if let file = read("directory/services.yaml") {
            let loaded = DirectoryLoader.loadServices(file: file.name, text: file.text, communes: communes)
            services = loaded.services
            problems += loaded.problems
        }
        var calendar = PermanenceCalendar(permanences: [], doctorWeeks: [])
        if let file = read("directory/calendar.yaml") {
            let loaded = DirectoryLoader.loadCalendar(file: file.name, text: file.text, communes: communes, services: services)
            calendar = loaded.calendar
            problems += loaded.problems
        }
        guard problems.isEmpty else { return (nil, problems) }
        return (KioskContent(questionnaires: questionnaires, communes: communes, services: services, calendar: calendar, texts: texts, notes: notes), [])
    }

    /// Answers of all questionnaires of a visit live together: ids must be unique across them,
    /// and a situation field is filled by one question only.
    static func crossQuestionnaireProblems(_ questionnaires: [Questionnaire]) -> [ContentProblem] {
        var problems: [ContentProblem] = []
        var ids: [String: (file: String, line: Int)] = [:]
        var fields: [SituationField: (file: String, line: Int, id: String)] = [:]
        for questionnaire in questionnaires {
            if let first = ids[questionnaire.id] {
                problems.append(ContentProblem(file: questionnaire.file, line: 1, key: questionnaire.id, message: "questionnaire id already used in \(first.file)"))
            }
            for question in questionnaire.questions {
                if let first = ids[question.id], first.file != questionnaire.file {
                    problems.append(ContentProblem(file: questionnaire.file, line: question.line, key: question.id, message: "duplicate id (also in \(first.file):\(first.line))"))
                }
                ids[question.id] = ids[question.id] ?? (questionnaire.file, question.line)
                if let field = question.mapping?.field {
                    if let first = fields[field] {
                        problems.append(ContentProblem(file: questionnaire.file, line: question.line, key: question.id, message: "maps to \(field.rawValue), already filled by '\(first.id)' (\(first.file):\(first.line))"))
                    } else {
                        fields[field] = (questionnaire.file, question.line, question.id)
                    }
                }
            }
        }
        return problems
    }
}
