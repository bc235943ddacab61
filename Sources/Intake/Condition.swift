import Rights

/// Skip logic over earlier answers, written as a small expression in the questionnaire:
///
/// ```
/// has_partner == 'yes'
/// housing == 'tenant' or housing == 'owner'
/// gave_up_reasons contains 'other'
/// answered(arrival_date) and not (residence_status in ('french', 'eu'))
/// children_under_25 >= 1
/// dont_know(resources_12_months)
/// ```
///
/// A comparison is false when its question has no real answer (unanswered,
/// "I don't know" or skipped): use `answered(x)` / `dont_know(x)` to test that.
public indirect enum Condition: Sendable, Equatable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    /// The question has a real answer.
    case answered(String)
    /// The visitor said "I don't know".
    case dontKnow(String)
    case compare(String, ComparisonOperator, Literal)
    /// A multiple-choice answer includes this value.
    case contains(String, String)
    case constant(Bool)

    public enum ComparisonOperator: String, Sendable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    public enum Literal: Sendable, Equatable {
        case string(String)
        case number(Fixed4)
    }

    /// Every question id the condition reads.
    public var references: [String] {
        switch self {
        case .all(let list), .any(let list): return list.flatMap(\.references)
        case .not(let inner): return inner.references
        case .answered(let id), .dontKnow(let id), .compare(let id, _, _), .contains(let id, _): return [id]
        case .constant: return []
        }
    }

    /// The string literals compared with each question (to check them against its choices).
    public var comparedValues: [(question: String, value: String)] {
        switch self {
        case .all(let list), .any(let list): return list.flatMap(\.comparedValues)
        case .not(let inner): return inner.comparedValues
        case .compare(let id, _, .string(let value)), .contains(let id, let value): return [(id, value)]
        default: return []
        }
    }

    /// Evaluates over the answers given so far.
    public func holds(_ answers: [String: AnswerValue]) -> Bool {
        switch self {
        case .all(let list): return list.allSatisfy { $0.holds(answers) }
        case .any(let list): return list.contains { $0.holds(answers) }
        case .not(let inner): return !inner.holds(answers)
        case .answered(let id): return answers[id]?.isValue == true
        case .dontKnow(let id): return answers[id] == .dontKnow
        case .constant(let value): return value
        case let .contains(id, value):
            if case .choices(let values)? = answers[id] { return values.contains(value) }
            return false
        case let .compare(id, op, literal):
            guard let answer = answers[id], answer.isValue else { return false }
            switch (answer, literal) {
            case let (.choice(value), .string(expected)), let (.text(value), .string(expected)):
                switch op {
                case .equal: return value == expected
                case .notEqual: return value != expected
                default: return false
                }
            case let (.number(value), .number(expected)):
                return Condition.compare(value, op, expected)
            case let (.date(value), .string(expected)):
                guard let expectedDate = LocalDate(iso: expected) else { return false }
                return Condition.compare(value, op, expectedDate)
            default:
                return false
            }
        }
    }

    static func compare<T: Comparable>(_ lhs: T, _ op: ComparisonOperator, _ rhs: T) -> Bool {
        switch op {
        case .equal: return lhs == rhs
        case .notEqual: return lhs != rhs
        case .less: return lhs < rhs
        case .lessOrEqual: return lhs <= rhs
        case .greater: return lhs > rhs
        case .greaterOrEqual: return lhs >= rhs
        }
    }
}

/// A condition that could not be read: the message says what and where (column).
public struct ConditionSyntaxError: Error, Equatable, Sendable {
    public var message: String
}

extension Condition {
    /// Parses the expression language above.
    public static func parse(_ text: String) throws(ConditionSyntaxError) -> Condition {
        var parser = ConditionParser(text)
        let condition = try parser.parseOr()
        if let token = parser.peek() {
            throw ConditionSyntaxError(message: "unexpected '\(token.text)' at column \(token.column)")
        }
        return condition
    }
}

struct ConditionParser {
    struct Token: Equatable {
        enum Kind: Equatable { case identifier, string, number, symbol }
        var kind: Kind
        var text: String
        var column: Int
    }

    var tokens: [Token] = []
    var position = 0
    var tokenizeError: ConditionSyntaxError?

    init(_ text: String) {
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let column = index + 1
            if character.isWhitespace { index += 1; continue }
            if character.isLetter || character == "_" {
                var end = index
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                tokens.append(Token(kind: .identifier, text: String(characters[index..<end]), column: column))
                index = end
            } else if character.isNumber || (character == "-" && index + 1 < characters.count && characters[index + 1].isNumber) {
                var end = index + 1
                while end < characters.count, characters[end].isNumber || characters[end] == "." { end += 1 }
                tokens.append(Token(kind: .number, text: String(characters[index..<end]), column: column))
                index = end
            } else if character == "'" || character == "\"" {
                var end = index + 1
                while end < characters.count, characters[end] != character { end += 1 }
                if end >= characters.count {
                    tokenizeError = ConditionSyntaxError(message: "unclosed quote at column \(column)")
                    return
                }
                tokens.append(Token(kind: .string, text: String(characters[(index + 1)..<end]), column: column))
                index = end + 1
            } else {
                let two = index + 1 < characters.count ? String(characters[index...index + 1]) : ""
                if ["==", "!=", "<=", ">="].contains(two) {
                    tokens.append(Token(kind: .symbol, text: two, column: column))
                    index += 2
                } else if "()<>,".contains(character) {
                    tokens.append(Token(kind: .symbol, text: String(character), column: column))
                    index += 1
                } else if character == "=" {
                    tokenizeError = ConditionSyntaxError(message: "use '==' to compare (column \(column))")
                    return
                } else {
                    tokenizeError = ConditionSyntaxError(message: "unexpected '\(character)' at column \(column)")
                    return
                }
            }
        }
    }

    func peek() -> Token? { position < tokens.count ? tokens[position] : nil }

    mutating func next() throws(ConditionSyntaxError) -> Token {
        if let tokenizeError { throw tokenizeError }
        guard position < tokens.count else { throw ConditionSyntaxError(message: "the condition ends too early") }
        defer { position += 1 }
        return tokens[position]
    }

    mutating func accept(_ text: String) -> Bool {
        if let token = peek(), token.text == text, token.kind != .string {
            position += 1
            return true
        }
        return false
    }

    mutating func expect(_ text: String) throws(ConditionSyntaxError) {
        if tokenizeError == nil, position >= tokens.count {
            throw ConditionSyntaxError(message: "expected '\(text)' but the condition ends")
        }
        let token = try next()
        guard token.text == text, token.kind != .string else {
            throw ConditionSyntaxError(message: "expected '\(text)' at column \(token.column), found '\(token.text)'")
        }
    }

    mutating func parseOr() throws(ConditionSyntaxError) -> Condition {
        if let tokenizeError { throw tokenizeError }
        var terms = [try parseAnd()]
        while accept("or") { terms.append(try parseAnd()) }
        return terms.count == 1 ? terms[0] : .any(terms)
    }

    mutating func parseAnd() throws(ConditionSyntaxError) -> Condition {
        var terms = [try parseNot()]
        while accept("and") { terms.append(try parseNot()) }
        return terms.count == 1 ? terms[0] : .all(terms)
    }

    mutating func parseNot() throws(ConditionSyntaxError) -> Condition {
        if accept("not") { return .not(try parseNot()) }
        return try parsePrimary()
    }

    mutating func identifier() throws(ConditionSyntaxError) -> String {
        let token = try next()
        guard token.kind == .identifier else {
            throw ConditionSyntaxError(message: "expected a question id at column \(token.column), found '\(token.text)'")
        }
        return token.text
    }

    mutating func literal() throws(ConditionSyntaxError) -> Condition.Literal {
        let token = try next()
        switch token.kind {
        case .string: return .string(token.text)
        case .number:
            guard let number = Fixed4(parsing: token.text) else {
                throw ConditionSyntaxError(message: "'\(token.text)' is not a number (column \(token.column))")
            }
            return .number(number)
        default:
            throw ConditionSyntaxError(message: "expected a value ('text' or a number) at column \(token.column), found '\(token.text)'")
        }
    }

    mutating func parsePrimary() throws(ConditionSyntaxError) -> Condition {
        if accept("(") {
            let inner = try parseOr()
            try expect(")")
            return inner
        }
        let token = try next()
        guard token.kind == .identifier else {
            throw ConditionSyntaxError(message: "expected a question id at column \(token.column), found '\(token.text)'")
        }
        switch token.text {
        case "true": return .constant(true)
        case "false": return .constant(false)
        case "answered", "dont_know":
            try expect("(")
            let id = try identifier()
            try expect(")")
            return token.text == "answered" ? .answered(id) : .dontKnow(id)
        default:
            break
        }
        let id = token.text
        if accept("contains") {
            guard case .string(let value) = try literal() else {
                throw ConditionSyntaxError(message: "'contains' needs a 'text' value")
            }
            return .contains(id, value)
        }
        if accept("in") {
            try expect("(")
            var options = [Condition.compare(id, .equal, try literal())]
            while accept(",") { options.append(.compare(id, .equal, try literal())) }
            try expect(")")
            return options.count == 1 ? options[0] : .any(options)
        }
        let opToken = try next()
        guard let op = Condition.ComparisonOperator(rawValue: opToken.text), opToken.kind == .symbol else {
            throw ConditionSyntaxError(message: "expected ==, !=, <, <=, >, >=, contains or in after '\(id)' at column \(opToken.column)")
        }
        return .compare(id, op, try literal())
    }
}
