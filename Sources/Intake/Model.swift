import Rights

/// The kinds of question a questionnaire can ask.
public enum QuestionType: String, CaseIterable, Sendable {
    case singleChoice = "single_choice"
    case multipleChoice = "multiple_choice"
    /// Yes or no; "I don't know" is always offered.
    case yesNo = "yes_no"
    case number
    case year
    case date
    /// A short text (a first name, a nickname, a detail).
    case text
    /// A commune from the territory's list.
    case commune
}

/// A text in several languages. French is the source; a missing translation falls back to French.
public struct LocalizedText: Sendable, Equatable {
    public var values: [String: String]
    public init(_ values: [String: String]) { self.values = values }

    /// The text in `language`, or the French one with `isFallback` set.
    public func text(_ language: String) -> (text: String, isFallback: Bool) {
        if let value = values[language] { return (value, false) }
        return (values["fr"] ?? values.values.sorted().first ?? "", language != "fr")
    }

    /// The text in `language` or in French.
    public subscript(_ language: String) -> String { text(language).text }
}

/// One choice of a choice question.
public struct Choice: Sendable, Equatable {
    public var value: String
    public var label: LocalizedText
    public var line: Int
    /// `urgent: true`: a visitor who gives it needs care now: the box shows at once whom to call, and the visit
    /// goes first in the mediator's queue.
    public var urgent: Bool
    public init(value: String, label: LocalizedText, line: Int = 0, urgent: Bool = false) {
        self.value = value
        self.label = label
        self.line = line
        self.urgent = urgent
    }
}

extension Questionnaire {
    /// Whether these answers include a choice the content marks urgent.
    public static func isUrgent(_ answers: [String: AnswerValue], in questionnaires: [Questionnaire]) -> Bool {
        questionnaires.contains { questionnaire in
            questionnaire.questions.contains { question in
                let urgent = Set(question.choices.filter(\.urgent).map(\.value))
                guard !urgent.isEmpty else { return false }
                switch answers[question.id] {
                case .choice(let value)?: return urgent.contains(value)
                case .choices(let values)?: return !urgent.isDisjoint(with: values)
                default: return false
                }
            }
        }
    }
}

/// What an answer must respect.
public struct Validation: Sendable, Equatable {
    /// Bounds for numbers and years.
    public var min: Fixed4?
    public var max: Fixed4?
    /// Numbers must be whole.
    public var integer = false
    /// Dates and years must not be after today.
    public var notInFuture = false
    public var minLength: Int?
    public var maxLength: Int?
    /// A regular expression the whole text must match.
    public var pattern: String?
    /// A French social security number (13 digits and a key, `NIR.check`).
    public var socialSecurityNumber = false
    /// The question whose date the number's year and month of birth must agree with.
    public var birthDateQuestion: String?
    /// A phone number, French or international (`PhoneNumber.normalised`); the answer is kept written the usual way.
    public var phone = false
    public init() {}
}

/// Where an answer goes in the rights engine's situation.
public struct Mapping: Sendable, Equatable {
    public var field: SituationField
    /// The value to use when the question is not asked because its condition is false.
    public var ifNotRelevant: AnswerValue?
    public init(field: SituationField, ifNotRelevant: AnswerValue? = nil) {
        self.field = field
        self.ifNotRelevant = ifNotRelevant
    }
}

/// One question, shown alone on its screen.
public struct Question: Sendable, Equatable {
    public var id: String
    public var type: QuestionType
    public var label: LocalizedText
    public var help: LocalizedText?
    public var choices: [Choice]
    /// Skip logic: the question is asked only when this holds over earlier answers.
    public var relevant: Condition?
    public var validation: Validation
    public var mapping: Mapping?
    /// Personal data: never logged, purged with the visit, never in statistics.
    public var personal: Bool
    /// A required question offers neither "I don't know" nor skip (the consent).
    public var required: Bool
    public var section: String
    public var line: Int

    public init(id: String, type: QuestionType, label: LocalizedText, help: LocalizedText? = nil, choices: [Choice] = [],
                relevant: Condition? = nil, validation: Validation = Validation(), mapping: Mapping? = nil,
                personal: Bool = false, required: Bool = false, section: String = "", line: Int = 0) {
        self.id = id
        self.type = type
        self.label = label
        self.help = help
        self.choices = choices
        self.relevant = relevant
        self.validation = validation
        self.mapping = mapping
        self.personal = personal
        self.required = required
        self.section = section
        self.line = line
    }

    /// The values a choice or yes/no question accepts.
    public var choiceValues: [String] {
        type == .yesNo ? ["yes", "no"] : choices.map(\.value)
    }

    /// The choices as shown. A yes/no question gets its yes and no from the catalogue (`ui.yes`, `ui.no`) when
    /// the content is loaded (`TextCatalogue.applyOverlay`); before that, French.
    public var displayedChoices: [Choice] {
        guard type == .yesNo, choices.isEmpty else { return choices }
        return [Choice(value: "yes", label: LocalizedText(["fr": "Oui"])), Choice(value: "no", label: LocalizedText(["fr": "Non"]))]
    }
}

/// A group of questions with a title.
public struct Section: Sendable, Equatable {
    public var id: String
    public var title: LocalizedText
    public var questions: [Question]
    /// Asked also when a visitor checks their rights alone at the box (`alone: false` in content: only at a check-in,
    /// e.g. "would you like to talk about it today?").
    public var alone: Bool
    public init(id: String, title: LocalizedText, questions: [Question], alone: Bool = true) {
        self.id = id
        self.title = title
        self.questions = questions
        self.alone = alone
    }
}

/// A questionnaire: sections of questions, in order.
public struct Questionnaire: Sendable, Equatable {
    /// The same questionnaire with only the sections asked of a visitor alone at the box.
    public var aloneAtTheBox: Questionnaire {
        Questionnaire(id: id, version: version, title: title, languages: languages, sections: sections.filter(\.alone), file: file)
    }

    public var id: String
    public var version: Int
    public var title: LocalizedText
    public var languages: [String]
    public var sections: [Section]
    public var file: String
    /// Every question in order.
    public let questions: [Question]
    let indexByID: [String: Int]

    public init(id: String, version: Int, title: LocalizedText, languages: [String], sections: [Section], file: String = "") {
        self.id = id
        self.version = version
        self.title = title
        self.languages = languages
        self.sections = sections
        self.file = file
        questions = sections.flatMap(\.questions)
        var index: [String: Int] = [:]
        for (position, question) in questions.enumerated() where index[question.id] == nil { index[question.id] = position }
        indexByID = index
    }

    public func question(_ id: String) -> Question? { indexByID[id].map { questions[$0] } }

    /// The line of a questionnaire text named by its catalogue key (`question.ID.label`…), for problems.
    public func line(ofKey key: String) -> Int {
        let parts = key.split(separator: ".")
        if parts.count >= 2, parts[0] == "question", let question = question(String(parts[1])) {
            if parts.count >= 4, parts[2] == "choice", let choice = question.choices.first(where: { $0.value == parts[3] }), choice.line > 0 { return choice.line }
            return question.line
        }
        return 1
    }
    public func index(of id: String) -> Int? { indexByID[id] }
}

/// An answer to one question.
public enum AnswerValue: Sendable, Equatable, Hashable {
    /// A single choice, a yes/no (`yes`, `no`).
    case choice(String)
    /// A multiple choice.
    case choices([String])
    /// A number or a year.
    case number(Fixed4)
    case date(LocalDate)
    /// A short text, or a commune (its INSEE code, or its name when the code is not known).
    case text(String)
    /// "I don't know": the question was seen and the visitor does not know.
    case dontKnow
    /// The visitor chose not to answer.
    case skipped

    /// True for a real value (not "I don't know", not skipped).
    public var isValue: Bool {
        switch self {
        case .dontKnow, .skipped: return false
        default: return true
        }
    }
}

/// Language codes as content writes them (ISO 639: `fr`, `uk`, `prs`). Which languages exist, their names
/// and whether visitors are offered them is content: `Kiosk/texts/*.yaml` (`TextCatalogue`).
public enum KioskLanguages {
    public static func isCode(_ code: String) -> Bool { (2...3).contains(code.count) && code.allSatisfy { $0.isASCII && $0.isLowercase } }
}
