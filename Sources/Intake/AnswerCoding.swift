import Rights

/// The stored form of an answer: a one-key JSON object, versioned by its key.
/// `{"choice":"yes"}`, `{"choices":["money","transport"]}`, `{"number":"1250.5"}`,
/// `{"date":"2025-03-15"}`, `{"text":"…"}`, `{"dont_know":true}`, `{"skipped":true}`.
extension AnswerValue: Codable {
    enum CodingKeys: String, CodingKey {
        case choice, choices, number, date, text
        case dontKnow = "dont_know"
        case skipped
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an answer has exactly one key"))
        }
        switch key {
        case .choice: self = .choice(try container.decode(String.self, forKey: key))
        case .choices: self = .choices(try container.decode([String].self, forKey: key))
        case .number:
            guard let number = Fixed4(parsing: try container.decode(String.self, forKey: key)) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a decimal number")
            }
            self = .number(number)
        case .date:
            guard let date = LocalDate(iso: try container.decode(String.self, forKey: key)) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a YYYY-MM-DD date")
            }
            self = .date(date)
        case .text: self = .text(try container.decode(String.self, forKey: key))
        case .dontKnow: self = .dontKnow
        case .skipped: self = .skipped
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .choice(let value): try container.encode(value, forKey: .choice)
        case .choices(let values): try container.encode(values, forKey: .choices)
        case .number(let value): try container.encode(value.description, forKey: .number)
        case .date(let value): try container.encode(value.description, forKey: .date)
        case .text(let value): try container.encode(value, forKey: .text)
        case .dontKnow: try container.encode(true, forKey: .dontKnow)
        case .skipped: try container.encode(true, forKey: .skipped)
        }
    }
}
