import Rights

/// Why a social security number (NIR) is refused (FACTS.md, "Social security number"). Pure: no file, no clock.
public enum NIRProblem: Error, Sendable, Equatable {
    /// Not 15 characters once spaces are removed (13 and a 2-digit key).
    case length(Int)
    /// A character other than digits (and 2A/2B at the department of birth, for Corsica).
    case characters
    /// The first digit is not a sex digit (1, 2; 3, 4, 7, 8 on numbers being registered or temporary).
    case sex
    /// The key does not match the first 13: a typing error.
    case key
    /// The year of birth (digits 2-3) differs from the birth date's.
    case birthYear(nir: Int, birth: Int)
    /// The month of birth (digits 4-5, when 01-12) differs from the birth date's.
    case birthMonth(nir: Int, birth: Int)

    /// The mediator's message, as a catalogue key (`mediator.nir.…`).
    public var message: Message {
        switch self {
        case .length(let count): Message("mediator.nir.length", ["count": .integer(count)])
        case .characters: Message("mediator.nir.characters")
        case .sex: Message("mediator.nir.sex")
        case .key: Message("mediator.nir.key")
        case .birthYear(let nir, let birth): Message("mediator.nir.birth_year", ["nir": .text(Self.twoDigits(nir)), "birth": .text(Self.twoDigits(birth))])
        case .birthMonth(let nir, let birth): Message("mediator.nir.birth_month", ["nir": .text(Self.twoDigits(nir)), "birth": .text(Self.twoDigits(birth))])
        }
    }

    /// For command lines and files (`identity.nir: …`), in English like the other CLI messages.
    public var description: String {
        switch self {
        case .length(let count): "a social security number has 15 characters (13 and a 2-digit key), not \(count)"
        case .characters: "only digits, and 2A or 2B for Corsica at the department of birth"
        case .sex: "the first digit must be 1 or 2 (3, 4, 7 or 8 for numbers being registered)"
        case .key: "the key (last 2 digits) does not match the first 13: a digit is mistyped"
        case .birthYear(let nir, let birth): "the number says born in ..\(Self.twoDigits(nir)), the birth date in ..\(Self.twoDigits(birth))"
        case .birthMonth(let nir, let birth): "the number says born in month \(Self.twoDigits(nir)), the birth date in month \(Self.twoDigits(birth))"
        }
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

public enum NIR {
    /// The number as written on forms: spaces removed, letters upper-cased.
    public static func normalised(_ text: String) -> String {
        String(text.filter { !$0.isWhitespace }.uppercased())
    }

    /// The 2-digit key of a 13-character body (2A → 19, 2B → 18 for Corsica), or nil when the body is not one.
    public static func key(of body: String) -> Int? {
        let characters = Array(body)
        guard characters.count == 13 else { return nil }
        var digits = characters
        if digits[5] == "2", digits[6] == "A" || digits[6] == "B" {
            digits[5] = "1"
            digits[6] = digits[6] == "A" ? "9" : "8"
        }
        var value: Int64 = 0
        for digit in digits {
            guard let number = digit.wholeNumberValue, digit.isASCII else { return nil }
            value = value * 10 + Int64(number)
        }
        return 97 - Int(value % 97)
    }

    /// The first problem of `text` as a social security number, or nil when it is one; with a birth date, the year
    /// and month it encodes must agree (a month outside 01-12 means "unknown" and is not compared).
    public static func check(_ text: String, birthYear: Int? = nil, birthMonth: Int? = nil) -> NIRProblem? {
        let number = Array(normalised(text))
        guard number.count == 15 else { return .length(number.count) }
        for (index, character) in number.enumerated() {
            let corsica = index == 6 && number[5] == "2" && (character == "A" || character == "B")
            guard (character.isASCII && character.isNumber) || corsica else { return .characters }
        }
        guard "123478".contains(number[0]) else { return .sex }
        guard let key = key(of: String(number[0..<13])), Int(String(number[13...])) == key else { return .key }
        if let birthYear, let year = Int(String(number[1...2])), year != birthYear % 100 {
            return .birthYear(nir: year, birth: birthYear % 100)
        }
        if let birthMonth, let month = Int(String(number[3...4])), (1...12).contains(month), month != birthMonth {
            return .birthMonth(nir: month, birth: birthMonth)
        }
        return nil
    }
}
