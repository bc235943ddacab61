import Rights

extension AnswerValue {
    /// The answer as people read it: the choice's label, numbers with a decimal comma in French,
    /// dates as DD/MM/YYYY, communes by name. "I don't know" in the language; skipped as "—".
    public func displayText(for question: Question, language: String, communes: CommuneList, dontKnow: String) -> String {
        switch self {
        case .choice(let value): return question.displayedChoices.first { $0.value == value }?.label[language] ?? value
        case .choices(let values):
            return values.map { value in question.displayedChoices.first { $0.value == value }?.label[language] ?? value }.joined(separator: ", ")
        case .number(let number):
            return question.type == .year || language == "en" ? number.description : String(number.description.map { $0 == "." ? "," : $0 })
        case .date(let date):
            return "\(date.day < 10 ? "0" : "")\(date.day)/\(date.month < 10 ? "0" : "")\(date.month)/\(date.year)"
        case .text(let text): return question.type == .commune ? (communes.commune(id: text)?.name ?? text) : text
        case .dontKnow: return dontKnow
        case .skipped: return "—"
        }
    }
}
