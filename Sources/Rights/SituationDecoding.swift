/// Decoding of the situation JSON with messages that name the field.
///
/// Unknown enum values, wrong types and impossible values become a `SituationError`
/// whose `field` is the path in the document (`residence.status`, `household[2].age`).
/// Unknown top-level fields are ignored and listed in `ignoredFields`.
extension Situation: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let knownFields: Set<String> = [
        "date", "territory", "household", "resources_last_12_months", "housing", "housing_allowance",
        "residence", "coverage", "benefits", "has_medecin_traitant",
    ]

    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<Key>
        do {
            container = try decoder.container(keyedBy: Key.self)
        } catch {
            throw SituationError(field: "situation", message: "expected a JSON object")
        }
        guard let dateText = try Self.decode(String.self, container, "date", expected: "a date written YYYY-MM-DD") else {
            throw SituationError(field: "date", message: "missing; give the day of the evaluation as YYYY-MM-DD")
        }
        guard let date = LocalDate(iso: dateText) else {
            throw SituationError(field: "date", message: "'\(dateText.prefix(20))' is not a date written YYYY-MM-DD")
        }
        self.init(date: date)
        territory = try Self.decodeEnum(Territory.self, container, "territory", path: "territory")
        if container.contains(Key("household")), try !container.decodeNil(forKey: Key("household")) {
            var list: [Member] = []
            var members: UnkeyedDecodingContainer
            do { members = try container.nestedUnkeyedContainer(forKey: Key("household")) } catch {
                throw SituationError(field: "household", message: "expected a list of members like [{\"age\": 34}]")
            }
            while !members.isAtEnd {
                let index = members.currentIndex
                let member: KeyedDecodingContainer<Key>
                do { member = try members.nestedContainer(keyedBy: Key.self) } catch {
                    throw SituationError(field: "household[\(index)]", message: "expected an object like {\"age\": 34}")
                }
                list.append(Member(age: try Self.decodeWholeNumber(member, "age", path: "household[\(index)].age"),
                                   youngerThan: try Self.decodeWholeNumber(member, "younger_than", path: "household[\(index)].younger_than")))
            }
            household = list
        }
        if let resources = try Self.decode(Double.self, container, "resources_last_12_months", expected: "an amount in euros") {
            guard resources.isFinite, resources.magnitude < 1e12 else {
                throw SituationError(field: "resources_last_12_months", message: "is not a possible amount")
            }
            resourcesLast12Months = Cents((resources * 100).rounded())
        }
        housing = try Self.decodeEnum(Housing.self, container, "housing", path: "housing")
        housingAllowance = try Self.decode(Bool.self, container, "housing_allowance", expected: "true or false")
        if container.contains(Key("residence")), try !container.decodeNil(forKey: Key("residence")) {
            let nested: KeyedDecodingContainer<Key>
            do { nested = try container.nestedContainer(keyedBy: Key.self, forKey: Key("residence")) } catch {
                throw SituationError(field: "residence", message: "expected an object with status, months_in_france and eu_situation")
            }
            residence.status = try Self.decodeEnum(ResidenceStatus.self, nested, "status", path: "residence.status")
            residence.monthsInFrance = try Self.decodeWholeNumber(nested, "months_in_france", path: "residence.months_in_france")
            residence.euSituation = try Self.decodeEnum(EUSituation.self, nested, "eu_situation", path: "residence.eu_situation")
        }
        if container.contains(Key("coverage")), try !container.decodeNil(forKey: Key("coverage")) {
            let nested: KeyedDecodingContainer<Key>
            do { nested = try container.nestedContainer(keyedBy: Key.self, forKey: Key("coverage")) } catch {
                throw SituationError(field: "coverage", message: "expected an object with base and complementary")
            }
            coverage.base = try Self.decodeEnum(BaseCoverage.self, nested, "base", path: "coverage.base")
            coverage.complementary = try Self.decodeEnum(ComplementaryCoverage.self, nested, "complementary", path: "coverage.complementary")
        }
        if container.contains(Key("benefits")), try !container.decodeNil(forKey: Key("benefits")) {
            let names: [String]
            do { names = try container.decode([String].self, forKey: Key("benefits")) } catch {
                throw SituationError(field: "benefits", message: "expected a list such as [\"rsa\"]")
            }
            var set = Set<Benefit>()
            for (index, name) in names.enumerated() {
                guard let benefit = Benefit(rawValue: name) else {
                    throw SituationError(field: "benefits[\(index)]", message: Self.unknownValue(name, Benefit.allCases.map(\.rawValue)))
                }
                set.insert(benefit)
            }
            benefits = set
        }
        hasMedecinTraitant = try Self.decode(Bool.self, container, "has_medecin_traitant", expected: "true or false")
        ignoredFields = container.allKeys.map(\.stringValue).filter { !Self.knownFields.contains($0) }.sorted()
        try validate()
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ container: KeyedDecodingContainer<Key>, _ key: String, expected: String) throws -> T? {
        do {
            return try container.decodeIfPresent(type, forKey: Key(key))
        } catch {
            throw SituationError(field: key, message: "expected \(expected)")
        }
    }

    private static func decodeWholeNumber(_ container: KeyedDecodingContainer<Key>, _ key: String, path: String) throws -> Int? {
        let value: Double?
        do { value = try container.decodeIfPresent(Double.self, forKey: Key(key)) } catch {
            throw SituationError(field: path, message: "expected a whole number")
        }
        guard let value else { return nil }
        guard value.isFinite, value.rounded() == value, value.magnitude < 1e9 else {
            throw SituationError(field: path, message: "expected a whole number")
        }
        return Int(value)
    }

    private static func decodeEnum<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ container: KeyedDecodingContainer<Key>, _ key: String, path: String) throws -> E? where E.RawValue == String {
        let text: String?
        do { text = try container.decodeIfPresent(String.self, forKey: Key(key)) } catch {
            throw SituationError(field: path, message: "expected one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let text else { return nil }
        guard let value = E(rawValue: text) else {
            throw SituationError(field: path, message: unknownValue(text, E.allCases.map(\.rawValue)))
        }
        return value
    }

    private static func unknownValue(_ text: String, _ allowed: [String]) -> String {
        "unknown value '\(text.prefix(30))'; expected one of \(allowed.joined(separator: ", "))"
    }
}
