import Rights

/// Why an answer was refused, said to the visitor in their language.
public enum AnswerProblem: Error, Sendable, Equatable {
    case empty
    case notANumber
    case notAWholeNumber
    case outOfRange(min: Fixed4?, max: Fixed4?)
    case notADate
    case inTheFuture
    case tooShort(Int)
    case tooLong(Int)
    case doesNotMatch
    case notAChoice
    case unknownCommune

    /// A short sentence in the visitor's language (French when the language is not known).
    public func text(_ language: String) -> String {
        func pick(_ fr: String, _ en: String, _ es: String, _ ro: String, _ uk: String) -> String {
            switch language {
            case "en": return en
            case "es": return es
            case "ro": return ro
            case "uk": return uk
            default: return fr
            }
        }
        switch self {
        case .empty: return pick("Écrivez une réponse, ou choisissez « Je ne sais pas ».", "Write an answer, or choose “I don't know”.", "Escriba una respuesta o elija «No lo sé».", "Scrieți un răspuns sau alegeți „Nu știu”.", "Напишіть відповідь або виберіть «Не знаю».")
        case .notANumber: return pick("Écrivez un nombre, avec des chiffres.", "Write a number, with digits.", "Escriba un número, con cifras.", "Scrieți un număr, cu cifre.", "Напишіть число цифрами.")
        case .notAWholeNumber: return pick("Écrivez un nombre entier, sans virgule.", "Write a whole number.", "Escriba un número entero.", "Scrieți un număr întreg.", "Напишіть ціле число.")
        case let .outOfRange(min, max):
            let low = min.map(\.description) ?? "", high = max.map(\.description) ?? ""
            return pick("Écrivez un nombre entre \(low) et \(high).", "Write a number between \(low) and \(high).", "Escriba un número entre \(low) y \(high).", "Scrieți un număr între \(low) și \(high).", "Напишіть число від \(low) до \(high).")
        case .notADate: return pick("Écrivez la date comme ceci : 31/12/2024.", "Write the date like this: 31/12/2024.", "Escriba la fecha así: 31/12/2024.", "Scrieți data așa: 31/12/2024.", "Напишіть дату так: 31/12/2024.")
        case .inTheFuture: return pick("Cette date est dans le futur.", "This date is in the future.", "Esta fecha está en el futuro.", "Această dată este în viitor.", "Ця дата в майбутньому.")
        case .tooShort(let count): return pick("Écrivez au moins \(count) caractères.", "Write at least \(count) characters.", "Escriba al menos \(count) caracteres.", "Scrieți cel puțin \(count) caractere.", "Напишіть щонайменше \(count) символів.")
        case .tooLong(let count): return pick("Écrivez au plus \(count) caractères.", "Write at most \(count) characters.", "Escriba como máximo \(count) caracteres.", "Scrieți cel mult \(count) caractere.", "Напишіть не більше \(count) символів.")
        case .doesNotMatch: return pick("Cette réponse n'a pas la bonne forme.", "This answer is not in the right form.", "Esta respuesta no tiene la forma correcta.", "Acest răspuns nu are forma potrivită.", "Ця відповідь має неправильну форму.")
        case .notAChoice: return pick("Choisissez une des réponses proposées.", "Choose one of the answers shown.", "Elija una de las respuestas.", "Alegeți unul dintre răspunsuri.", "Виберіть одну з відповідей.")
        case .unknownCommune: return pick("Cette commune n'est pas dans la liste.", "This commune is not in the list.", "Este municipio no está en la lista.", "Această localitate nu este în listă.", "Цієї громади немає у списку.")
        }
    }
}

/// What the flow needs from outside: today's date (no clock inside) and the territory's communes.
public struct FlowContext: Sendable, Equatable {
    public var today: LocalDate
    public var communes: CommuneList
    public init(today: LocalDate, communes: CommuneList = CommuneList([])) {
        self.today = today
        self.communes = communes
    }
}

/// Walks a visitor through a questionnaire, one question at a time (pure).
///
/// ```swift
/// var flow = Flow(questionnaire: rights, context: FlowContext(today: day))
/// try flow.answer(.choice("yes"))   // validated, then the next relevant question
/// flow.dontKnow()
/// flow.back()
/// flow.progress                      // (answered: 3, remaining: 9)
/// ```
/// When an answer changes, answers to questions that are no longer asked are dropped.
public struct Flow: Sendable, Equatable {
    public enum Position: Sendable, Equatable {
        case question(String)
        case review
    }

    public let questionnaire: Questionnaire
    public let context: FlowContext
    public private(set) var answers: [String: AnswerValue]
    public private(set) var position: Position
    /// Set when a question was opened from the review page: answering it goes back there.
    public private(set) var editingFromReview = false

    public init(questionnaire: Questionnaire, context: FlowContext, answers: [String: AnswerValue] = [:]) {
        self.questionnaire = questionnaire
        self.context = context
        self.answers = answers
        position = .review
        dropIrrelevantAnswers()
        position = firstUnanswered().map { .question($0.id) } ?? .review
    }

    /// The questions asked given the answers so far, in order.
    public static func relevantQuestions(_ questionnaire: Questionnaire, _ answers: [String: AnswerValue]) -> [Question] {
        questionnaire.questions.filter { $0.relevant?.holds(answers) ?? true }
    }

    public var path: [Question] { Flow.relevantQuestions(questionnaire, answers) }

    /// The question on screen, nil on the review page.
    public var current: Question? {
        if case .question(let id) = position { return questionnaire.question(id) }
        return nil
    }

    /// Questions answered on the current path, and questions left (the current one included).
    public var progress: (answered: Int, remaining: Int) {
        let path = self.path
        let answered = path.filter { answers[$0.id] != nil }.count
        guard case .question(let id) = position, let index = path.firstIndex(where: { $0.id == id }) else {
            return (answered, 0)
        }
        let remaining = path[index...].filter { answers[$0.id] == nil || $0.id == id }.count
        return (answered, remaining)
    }

    /// The answers on the path, in order, for the review page.
    public var review: [(question: Question, answer: AnswerValue?)] {
        path.map { ($0, answers[$0.id]) }
    }

    /// Records an answer to the current question after checking it, then moves on.
    public mutating func answer(_ value: AnswerValue) throws(AnswerProblem) {
        guard let question = current else { return }
        let checked = try Flow.validate(value, for: question, context: context)
        record(checked, for: question)
    }

    /// "I don't know" to the current question (not offered on a required question).
    public mutating func dontKnow() {
        guard let question = current, !question.required else { return }
        record(.dontKnow, for: question)
    }

    /// Leaves the current question unanswered (skipped) and moves on.
    public mutating func skip() {
        guard let question = current, !question.required else { return }
        record(.skipped, for: question)
    }

    /// The previous question on the path (from the review page: the last one).
    public mutating func back() {
        let path = self.path
        switch position {
        case .review:
            if let last = path.last { position = .question(last.id) }
        case .question(let id):
            if let index = path.firstIndex(where: { $0.id == id }), index > 0 {
                position = .question(path[index - 1].id)
            }
        }
        editingFromReview = false
    }

    /// Opens a question from the review page to change its answer.
    public mutating func edit(_ id: String) {
        guard path.contains(where: { $0.id == id }) else { return }
        position = .question(id)
        editingFromReview = true
    }

    /// Goes to the review page.
    public mutating func goToReview() {
        position = .review
        editingFromReview = false
    }

    mutating func record(_ value: AnswerValue, for question: Question) {
        answers[question.id] = value
        dropIrrelevantAnswers()
        let path = self.path
        if editingFromReview, firstUnanswered() == nil {
            position = .review
            editingFromReview = false
            return
        }
        if let index = path.firstIndex(where: { $0.id == question.id }), index + 1 < path.count {
            position = .question(path[index + 1].id)
        } else if let unanswered = firstUnanswered() {
            position = .question(unanswered.id)
        } else {
            position = .review
            editingFromReview = false
        }
    }

    func firstUnanswered() -> Question? { path.first { answers[$0.id] == nil } }

    /// Removes answers to questions no longer asked. One pass in order suffices:
    /// a condition only reads earlier answers.
    mutating func dropIrrelevantAnswers() {
        for question in questionnaire.questions where answers[question.id] != nil {
            if let condition = question.relevant, !condition.holds(answers) {
                answers[question.id] = nil
            }
        }
    }

    /// Checks an answer against its question; returns it normalised (trimmed text, sorted choices).
    public static func validate(_ value: AnswerValue, for question: Question, context: FlowContext) throws(AnswerProblem) -> AnswerValue {
        let rules = question.validation
        switch (question.type, value) {
        case (_, .dontKnow), (_, .skipped):
            return value
        case (.singleChoice, .choice(let choice)), (.yesNo, .choice(let choice)):
            guard question.choiceValues.contains(choice) else { throw .notAChoice }
            return value
        case (.multipleChoice, .choices(let list)):
            guard !list.isEmpty else { throw .empty }
            guard list.allSatisfy(question.choiceValues.contains) else { throw .notAChoice }
            let order = question.choiceValues
            return .choices(Array(Set(list)).sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
        case (.number, .number(let number)), (.year, .number(let number)):
            if question.type == .year || rules.integer, number.integerValue == nil { throw .notAWholeNumber }
            if let min = rules.min, number < min { throw .outOfRange(min: rules.min, max: rules.max) }
            if let max = rules.max, number > max { throw .outOfRange(min: rules.min, max: rules.max) }
            if question.type == .year, rules.notInFuture, let year = number.integerValue, year > context.today.year { throw .inTheFuture }
            return value
        case (.date, .date(let date)):
            if rules.notInFuture, date > context.today { throw .inTheFuture }
            return value
        case (.text, .text(let text)):
            let trimmed = text.trimmingWhitespace
            guard !trimmed.isEmpty else { throw .empty }
            if let minimum = rules.minLength, trimmed.count < minimum { throw .tooShort(minimum) }
            if let maximum = rules.maxLength, trimmed.count > maximum { throw .tooLong(maximum) }
            if let pattern = rules.pattern, let regex = try? Regex(pattern), (try? regex.wholeMatch(in: trimmed)) == nil {
                throw .doesNotMatch
            }
            return .text(trimmed)
        case (.commune, .text(let id)):
            guard context.communes.commune(id: id) != nil else { throw .unknownCommune }
            return value
        default:
            throw .notAChoice
        }
    }

    /// Reads what was typed for the current question's type: `12,5` or `12.5`, `1987`,
    /// `31/12/2024` or `2024-12-31`, a choice's number (`2`) or value. Then validates it.
    public static func parse(_ typed: String, for question: Question, context: FlowContext) throws(AnswerProblem) -> AnswerValue {
        let text = typed.trimmingWhitespace
        guard !text.isEmpty else { throw .empty }
        switch question.type {
        case .number, .year:
            let normalised = String(text.replacingAll(",", with: ".").filter { $0 != " " && $0 != "\u{00A0}" && $0 != "€" })
            guard let number = Fixed4(parsing: normalised) else { throw .notANumber }
            return try validate(.number(number), for: question, context: context)
        case .date:
            guard let date = parseDate(text) else { throw .notADate }
            return try validate(.date(date), for: question, context: context)
        case .text:
            return try validate(.text(text), for: question, context: context)
        case .commune:
            let matches = context.communes.search(text)
            guard let first = matches.first, matches.count == 1 || CommuneList.fold(first.name) == CommuneList.fold(text) else {
                throw .unknownCommune
            }
            return .text(first.id)
        case .singleChoice, .yesNo:
            let choices = question.displayedChoices
            if let index = Int(text), (1...choices.count).contains(index) { return .choice(choices[index - 1].value) }
            return try validate(.choice(text), for: question, context: context)
        case .multipleChoice:
            let choices = question.displayedChoices
            let parts = text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            let values = parts.map { part in Int(part).flatMap { (1...choices.count).contains($0) ? choices[$0 - 1].value : nil } ?? part }
            return try validate(.choices(values), for: question, context: context)
        }
    }

    /// `31/12/2024`, `31-12-2024`, `2024-12-31`; `12/2024` means the 1st of the month.
    static func parseDate(_ text: String) -> LocalDate? {
        if let iso = LocalDate(iso: text) { return iso }
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).compactMap { Int($0) }
        switch parts.count {
        case 3: return LocalDate(year: parts[2], month: parts[1], day: parts[0])
        case 2: return LocalDate(year: parts[1], month: parts[0], day: 1)
        default: return nil
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
