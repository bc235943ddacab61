/// The parameters the engine needs, what kind of figure each one is, and the
/// plausible range that catches a typo (a ceiling of 89 510 € instead of 8 951 €).
///
/// Ranges are sanity bounds, not legal figures: the figures themselves live only
/// in `Kiosk/rules/*.yaml`.
public enum ParameterKey: String, CaseIterable, Sendable {
    case c2sFreeCeiling = "c2s.free_ceiling.one_person"
    case c2sSecondPerson = "c2s.household.second_person"
    case c2sThirdAndFourthPerson = "c2s.household.third_and_fourth_person"
    case c2sFifthPersonAndMore = "c2s.household.fifth_person_and_more"
    case c2sOverseasRaise = "c2s.overseas_raise"
    case c2sParticipationCeilingFactor = "c2s.participation_ceiling_factor"
    case c2sParticipationGeneral = "c2s.participation.general"
    case c2sParticipationAlsaceMoselle = "c2s.participation.alsace_moselle"
    case flatRateOnePerson = "housing_flat_rate.rate.one_person"
    case flatRateTwoPersons = "housing_flat_rate.rate.two_persons"
    case flatRateTwoPersonsWithAllowance = "housing_flat_rate.rate.two_persons_with_allowance"
    case flatRateThreeOrMore = "housing_flat_rate.rate.three_or_more"
    case flatRateThreeOrMoreWithAllowance = "housing_flat_rate.rate.three_or_more_with_allowance"
    case rsaBaseAmount = "rsa.base_amount.one_person"
    case rsaTwoPersons = "rsa.household.two_persons"
    case rsaThreePersons = "rsa.household.three_persons"
    case pumaResidenceMonths = "puma.residence_months"
    case ameResidenceMonths = "ame.residence_months"
    case ameAdultAge = "ame.adult_age"
    case medecinTraitantMandatoryAge = "medecin_traitant.mandatory_age"

    /// What kind of value the parameter holds.
    public enum Kind: Sendable, Equatable {
        /// A number within the range (inclusive), with at most `decimals` decimals.
        case number(ClosedRange<Fixed4>, decimals: Int)
        /// Age bands of monthly amounts; each amount within the range.
        case ageBands(amounts: ClosedRange<Fixed4>)
    }

    public var kind: Kind {
        func range(_ low: String, _ high: String) -> ClosedRange<Fixed4> { Fixed4(parsing: low)!...Fixed4(parsing: high)! }
        switch self {
        case .c2sFreeCeiling: return .number(range("5000", "30000"), decimals: 2)
        case .c2sSecondPerson, .c2sThirdAndFourthPerson, .c2sFifthPersonAndMore: return .number(range("0.1", "1"), decimals: 4)
        case .c2sOverseasRaise: return .number(range("0", "0.5"), decimals: 4)
        case .c2sParticipationCeilingFactor: return .number(range("1", "2"), decimals: 4)
        case .c2sParticipationGeneral, .c2sParticipationAlsaceMoselle: return .ageBands(amounts: range("0", "100"))
        case .flatRateOnePerson, .flatRateTwoPersons, .flatRateTwoPersonsWithAllowance,
             .flatRateThreeOrMore, .flatRateThreeOrMoreWithAllowance: return .number(range("0", "0.5"), decimals: 4)
        case .rsaBaseAmount: return .number(range("300", "1500"), decimals: 2)
        case .rsaTwoPersons, .rsaThreePersons: return .number(range("1", "3"), decimals: 4)
        case .pumaResidenceMonths, .ameResidenceMonths: return .number(range("0", "24"), decimals: 0)
        case .ameAdultAge, .medecinTraitantMandatoryAge: return .number(range("10", "21"), decimals: 0)
        }
    }
}

/// One band of an age-band table: from this age on (until the next band), this amount per month.
public struct AgeBand: Sendable, Equatable {
    public var fromAge: Int
    public var amount: Cents
    public init(fromAge: Int, amount: Cents) {
        self.fromAge = fromAge
        self.amount = amount
    }
}

/// A parameter value as it comes from a file.
public enum RawParameterValue: Sendable, Equatable {
    case number(Fixed4)
    /// `(from_age, amount)` pairs with their lines.
    case bands([(fromAge: Int, amount: Fixed4, line: Int)])
    /// The file held something unusable; the reader already reported it.
    case invalid

    public static func == (lhs: RawParameterValue, rhs: RawParameterValue) -> Bool {
        switch (lhs, rhs) {
        case let (.number(a), .number(b)): return a == b
        case let (.bands(a), .bands(b)): return a.map { [$0.fromAge, Int($0.amount.raw)] } == b.map { [$0.fromAge, Int($0.amount.raw)] }
        case (.invalid, .invalid): return true
        default: return false
        }
    }
}

/// One dated value of a parameter as read from a file, with where it was.
public struct RawDatedValue: Sendable, Equatable {
    public var from: LocalDate?
    public var value: RawParameterValue
    public var source: String?
    public var unconfirmed: Bool
    public var line: Int
    public init(from: LocalDate?, value: RawParameterValue, source: String?, unconfirmed: Bool = false, line: Int) {
        self.from = from
        self.value = value
        self.source = source
        self.unconfirmed = unconfirmed
        self.line = line
    }
}

/// One parameter as read from a file, before validation.
public struct RawParameter: Sendable, Equatable {
    public var key: String
    public var file: String
    public var line: Int
    public var label: String?
    public var revaluedYearly: Bool
    public var values: [RawDatedValue]
    public init(key: String, file: String, line: Int, label: String? = nil, revaluedYearly: Bool = false, values: [RawDatedValue]) {
        self.key = key
        self.file = file
        self.line = line
        self.label = label
        self.revaluedYearly = revaluedYearly
        self.values = values
    }
}

/// A problem in a content file: where it is and what is wrong, in words a content editor understands.
/// Printed as `file:line: key: message`.
public struct ContentProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String
    public var message: String
    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }
    public var description: String { "\(file):\(line): \(key): \(message)" }
}

/// Every problem found in a set of content files; the engine never runs on them.
public struct ContentProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [ContentProblem]
    public init(_ problems: [ContentProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// A validated value of a parameter, in force from a date.
public struct DatedValue<Value: Sendable>: Sendable {
    public let from: LocalDate
    public let value: Value
    public let source: String
    public let unconfirmed: Bool
}

/// Validated, dated parameters: the only input the engine accepts besides the situation.
///
/// Built only by `Parameters.validate(_:)`, which checks that the dates are in
/// order, that no date appears twice, that every needed parameter has a value on
/// every day since 2019-11-01, and that every number is in its range. A broken set
/// of files never becomes a `Parameters`, so the engine never runs on it.
public struct Parameters: Sendable {
    /// Values of number parameters, sorted by date.
    let numbers: [ParameterKey: [DatedValue<Fixed4>]]
    /// Values of age-band parameters, sorted by date.
    let bands: [ParameterKey: [DatedValue<[AgeBand]>]]
    /// Parameters revalued every year: used to warn when figures get old.
    public let revaluedYearly: Set<ParameterKey>
    /// Labels from the files, for reports.
    public let labels: [ParameterKey: String]

    /// The newest `from` date of a parameter.
    public func newestDate(of key: ParameterKey) -> LocalDate {
        (numbers[key]?.last?.from ?? bands[key]?.last?.from)!
    }

    /// The dated values of a number parameter (for reports and tests).
    public func history(of key: ParameterKey) -> [DatedValue<Fixed4>] { numbers[key] ?? [] }

    /// Validates parameters read from files; every problem at once.
    public static func validate(_ raw: [RawParameter], directory: String = "Kiosk/rules") -> Result<Parameters, ContentProblems> {
        var problems: [ContentProblem] = []
        var numbers: [ParameterKey: [DatedValue<Fixed4>]] = [:]
        var bands: [ParameterKey: [DatedValue<[AgeBand]>]] = [:]
        var yearly = Set<ParameterKey>()
        var labels: [ParameterKey: String] = [:]
        var seen: [ParameterKey: RawParameter] = [:]

        for parameter in raw {
            func problem(_ line: Int, _ message: String) {
                problems.append(ContentProblem(file: parameter.file, line: line, key: parameter.key, message: message))
            }
            guard let key = ParameterKey(rawValue: parameter.key) else {
                let hint = ParameterKey.allCases.map(\.rawValue).min { editDistance($0, parameter.key) < editDistance($1, parameter.key) }
                problem(parameter.line, "unknown parameter" + (hint.map { "; did you mean \($0)?" } ?? ""))
                continue
            }
            if let first = seen[key] {
                problem(parameter.line, "defined twice (first at \(first.file):\(first.line))")
                continue
            }
            seen[key] = parameter
            if let label = parameter.label { labels[key] = label }
            if parameter.revaluedYearly { yearly.insert(key) }
            if parameter.values.isEmpty {
                problem(parameter.line, "has no values")
                continue
            }
            var previous: LocalDate?
            var validNumbers: [DatedValue<Fixed4>] = []
            var validBands: [DatedValue<[AgeBand]>] = []
            for entry in parameter.values {
                guard let from = entry.from else { continue } // the reader reported the bad or missing date
                if let previous {
                    if from == previous {
                        problem(entry.line, "date \(from) appears twice")
                    } else if from < previous {
                        problem(entry.line, "date \(from) comes after \(previous); list values from the oldest to the newest")
                    }
                }
                previous = max(previous ?? from, from)
                let source = entry.source?.trimmingSpaces ?? ""
                if source.isEmpty {
                    problem(entry.line, "value from \(from) has no source; say where the figure comes from")
                }
                switch (key.kind, entry.value) {
                case (_, .invalid):
                    break
                case let (.number(range, decimals), .number(number)):
                    if !range.contains(number) {
                        problem(entry.line, "value \(number) from \(from) is out of range (\(range.lowerBound) to \(range.upperBound))")
                    } else if number.raw % pow10(4 - decimals) != 0 {
                        problem(entry.line, "value \(number) from \(from) has more than \(decimals) decimals")
                    } else {
                        validNumbers.append(DatedValue(from: from, value: number, source: source, unconfirmed: entry.unconfirmed))
                    }
                case let (.ageBands(amounts), .bands(list)):
                    var ok = true
                    if list.isEmpty {
                        problem(entry.line, "bands from \(from) are empty")
                        ok = false
                    } else if list[0].fromAge != 0 {
                        problem(list[0].line, "the first band must start at age 0, not \(list[0].fromAge)")
                        ok = false
                    }
                    for (index, band) in list.enumerated() {
                        if index > 0, band.fromAge <= list[index - 1].fromAge {
                            problem(band.line, "band ages must increase (\(band.fromAge) after \(list[index - 1].fromAge))")
                            ok = false
                        }
                        if !(0...Situation.maximumAge).contains(band.fromAge) {
                            problem(band.line, "band age \(band.fromAge) is not a possible age")
                            ok = false
                        }
                        if !amounts.contains(band.amount) {
                            problem(band.line, "band amount \(band.amount) is out of range (\(amounts.lowerBound) to \(amounts.upperBound))")
                            ok = false
                        } else if band.amount.cents == nil {
                            problem(band.line, "band amount \(band.amount) has more than 2 decimals")
                            ok = false
                        }
                    }
                    if ok {
                        let value = list.map { AgeBand(fromAge: $0.fromAge, amount: $0.amount.cents!) }
                        validBands.append(DatedValue(from: from, value: value, source: source, unconfirmed: entry.unconfirmed))
                    }
                case (.number, .bands):
                    problem(entry.line, "expected a number in `value`, found `bands`")
                case (.ageBands, .number):
                    problem(entry.line, "expected age `bands`, found a single `value`")
                }
            }
            if let first = parameter.values.compactMap(\.from).min(), first > Situation.earliestDate {
                problem(parameter.values[0].line, "first value starts on \(first); a value is needed from \(Situation.earliestDate) on")
            }
            switch key.kind {
            case .number: numbers[key] = validNumbers.sorted { $0.from < $1.from }
            case .ageBands: bands[key] = validBands.sorted { $0.from < $1.from }
            }
        }
        for key in ParameterKey.allCases where seen[key] == nil {
            problems.append(ContentProblem(file: directory, line: 0, key: key.rawValue, message: "missing; every rule file set must define it"))
        }
        if !problems.isEmpty {
            return .failure(ContentProblems(problems))
        }
        return .success(Parameters(numbers: numbers, bands: bands, revaluedYearly: yearly, labels: labels))
    }

    /// The value of a number parameter in force on a day (nil before its first value).
    public func value(_ key: ParameterKey, on date: LocalDate) -> DatedValue<Fixed4>? {
        guard let list = numbers[key] else { return nil }
        var found: DatedValue<Fixed4>?
        for entry in list {
            if entry.from > date { break }
            found = entry
        }
        return found
    }

    /// The bands of an age-band parameter in force on a day.
    public func bands(_ key: ParameterKey, on date: LocalDate) -> DatedValue<[AgeBand]>? {
        guard let list = bands[key] else { return nil }
        var found: DatedValue<[AgeBand]>?
        for entry in list {
            if entry.from > date { break }
            found = entry
        }
        return found
    }
}

@inline(__always)
private func pow10(_ exponent: Int) -> Int64 {
    var value: Int64 = 1
    for _ in 0..<max(0, exponent) { value *= 10 }
    return value
}

/// Levenshtein distance, to suggest the right name for a misspelt key.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
