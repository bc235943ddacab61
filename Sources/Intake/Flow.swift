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
    /// Not a social security number (said to the mediator, who types it).
    case socialSecurityNumber(NIRProblem)
    /// Not a French (10 digits from 0) or international (+ and 8 to 15 digits) phone number.
    case notAPhoneNumber

    /// A short sentence for the visitor, as a catalogue key (`answer.…`) with its numbers.
    public var message: Message {
        switch self {
        case .empty: return Message("answer.empty")
        case .notANumber: return Message("answer.not_a_number")
        case .notAWholeNumber: return Message("answer.not_a_whole_number")
        case let .outOfRange(min, max):
            switch (min, max) {
            case let (low?, high?): return Message("answer.out_of_range", ["min": .text(low.description), "max": .text(high.description)])
            case let (low?, nil): return Message("answer.at_least", ["min": .text(low.description)])
            case let (nil, high?): return Message("answer.at_most", ["max": .text(high.description)])
            case (nil, nil): return Message("answer.not_a_number")
            }
        case .notADate: return Message("answer.not_a_date")
        case .inTheFuture: return Message("answer.in_the_future")
        case .tooShort(let count): return Message("answer.too_short", ["count": .integer(count)])
        case .tooLong(let count): return Message("answer.too_long", ["count": .integer(count)])
        case .doesNotMatch: return Message("answer.does_not_match")
        case .notAChoice: return Message("answer.not_a_choice")
        case .unknownCommune: return Message("answer.unknown_commune")
        case .socialSecurityNumber(let problem): return problem.message
        case .notAPhoneNumber: return Message("answer.not_a_phone_number")
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
        let checked = try Flow.validate(value, for: question, context: context, answers: answers)
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

    /// Checks an answer against its question; returns it normalised (trimmed text, sorted choices). `answers` are the
    /// others given so far (a social security number is checked against the birth date).
    public static func validate(_ value: AnswerValue, for question: Question, context: FlowContext,
                                answers: [String: AnswerValue] = [:]) throws(AnswerProblem) -> AnswerValue {
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
            // A year not in the future has this year as its upper bound: the message then gives both numbers.
            var upper = rules.max
            if question.type == .year, rules.notInFuture {
                let thisYear = Fixed4(integer: context.today.year)
                upper = upper.map { Swift.min($0, thisYear) } ?? thisYear
            }
            if let min = rules.min, number < min { throw .outOfRange(min: rules.min, max: upper) }
            if let max = upper, number > max {
                if question.type == .year, rules.notInFuture, rules.min == nil, rules.max.map({ $0 > max }) ?? true { throw .inTheFuture }
                throw .outOfRange(min: rules.min, max: upper)
            }
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
            if rules.socialSecurityNumber {
                var birth: LocalDate?
                if let id = rules.birthDateQuestion, case .date(let date)? = answers[id] { birth = date }
                if let problem = NIR.check(trimmed, birthYear: birth?.year, birthMonth: birth?.month) { throw .socialSecurityNumber(problem) }
            }
            if rules.phone {
                guard let number = PhoneNumber.normalised(trimmed) else { throw .notAPhoneNumber }
                return .text(number)
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
