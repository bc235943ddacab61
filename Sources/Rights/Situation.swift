/// Where the household lives: decides the ceilings (overseas raise), the
/// participation amounts (Alsace-Moselle) and whether C2S exists (not in Mayotte).
public enum Territory: String, CaseIterable, Sendable, Codable {
    case metropole, alsaceMoselle = "alsace_moselle", guadeloupe, martinique, guyane, reunion, mayotte

    /// The overseas departments where the C2S ceilings are raised.
    public var isRaisedOverseas: Bool {
        switch self {
        case .guadeloupe, .martinique, .guyane, .reunion: return true
        default: return false
        }
    }
}

/// How the household is housed; owners and people housed free have the housing flat-rate added.
public enum Housing: String, CaseIterable, Sendable, Codable {
    case tenant, owner, housedFree = "housed_free", homeless
}

/// Residence status of the applicant.
public enum ResidenceStatus: String, CaseIterable, Sendable, Codable {
    case french, eu, regular, irregular, asylumSeeker = "asylum_seeker"
    /// Temporary protection (people displaced from Ukraine since March 2022, EU decision 2022/382).
    case temporaryProtection = "temporary_protection"
}

/// What gives an EU, EEA or Swiss citizen a right of residence after 3 months (CESEDA L233-1), as asked at the box.
public enum EUSituation: String, CaseIterable, Sendable, Codable {
    /// Works, or has worked, in France.
    case works
    case studies
    /// Has sufficient resources and a health coverage.
    case resourcesAndCoverage = "resources_and_coverage"
    /// None of these: no right of residence on these grounds.
    case none
}

/// Current basic coverage.
public enum BaseCoverage: String, CaseIterable, Sendable, Codable {
    case none, puma, ame, unknown
}

/// Current complementary coverage.
public enum ComplementaryCoverage: String, CaseIterable, Sendable, Codable {
    case none, c2s, `private`, unknown
}

/// Minimum social benefits that change the rules.
public enum Benefit: String, CaseIterable, Sendable, Codable {
    case rsa, aspa, aah, ass
}

/// One person of the household as the C2S counts it.
///
/// When the exact age is not known but a bound is (a questionnaire asks for
/// "children under 25"), `youngerThan` carries it: enough for the participation
/// when every age below the bound pays the same.
public struct Member: Sendable, Equatable {
    /// Age in whole years; nil when not known.
    public var age: Int?
    /// An exclusive upper bound of the age, when the age itself is not known.
    public var youngerThan: Int?
    public init(age: Int?, youngerThan: Int? = nil) {
        self.age = age
        self.youngerThan = youngerThan
    }

    /// Whether the person is younger than `limit`: nil when neither the age nor a bound tells.
    public func isYounger(than limit: Int) -> Bool? {
        if let age { return age < limit }
        if let youngerThan, youngerThan <= limit { return true }
        return nil
    }
}

/// Residence in France.
public struct Residence: Sendable, Equatable {
    public var status: ResidenceStatus?
    /// Whole months of uninterrupted residence in France.
    public var monthsInFrance: Int?
    /// For an EU citizen: works, studies, has resources and coverage, or none of these.
    public var euSituation: EUSituation?
    public init(status: ResidenceStatus? = nil, monthsInFrance: Int? = nil, euSituation: EUSituation? = nil) {
        self.status = status
        self.monthsInFrance = monthsInFrance
        self.euSituation = euSituation
    }
}

/// Coverage the applicant has today.
public struct Coverage: Sendable, Equatable {
    public var base: BaseCoverage?
    public var complementary: ComplementaryCoverage?
    public init(base: BaseCoverage? = nil, complementary: ComplementaryCoverage? = nil) {
        self.base = base
        self.complementary = complementary
    }
}

/// What the engine knows about a household on a given day. Every field but the
/// date may be unknown (nil): the engine then answers `needs_review` where it matters
/// and names what is missing.
///
/// The JSON form is the contract of `kiosk rights evaluate` (see SPEC.md):
/// ```json
/// {"date": "2024-06-15", "territory": "metropole", "household": [{"age": 34}],
///  "resources_last_12_months": 9000, "housing": "tenant", "housing_allowance": false,
///  "residence": {"status": "french", "months_in_france": 120},
///  "coverage": {"base": "puma", "complementary": "none"}, "benefits": [],
///  "has_medecin_traitant": false}
/// ```
public struct Situation: Sendable, Equatable {
    /// The first day C2S existed: no evaluation before it.
    public static let earliestDate = LocalDate(year: 2019, month: 11, day: 1)!
    /// Largest household the engine accepts.
    public static let maximumHouseholdSize = 30
    /// Oldest age the engine accepts.
    public static let maximumAge = 125

    public var date: LocalDate
    public var territory: Territory?
    /// The applicant first, then the other members; nil when not known.
    public var household: [Member]?
    /// The household's resources of the last 12 months, in cents, before the housing flat-rate.
    public var resourcesLast12Months: Cents?
    public var housing: Housing?
    public var housingAllowance: Bool?
    public var residence: Residence
    public var coverage: Coverage
    /// Benefits received; nil when not known (empty means none).
    public var benefits: Set<Benefit>?
    public var hasMedecinTraitant: Bool?
    /// Top-level fields of the input that the engine does not know and ignored.
    public var ignoredFields: [String] = []

    public init(date: LocalDate, territory: Territory? = nil, household: [Member]? = nil,
                resourcesLast12Months: Cents? = nil, housing: Housing? = nil, housingAllowance: Bool? = nil,
                residence: Residence = Residence(), coverage: Coverage = Coverage(),
                benefits: Set<Benefit>? = nil, hasMedecinTraitant: Bool? = nil) {
        self.date = date
        self.territory = territory
        self.household = household
        self.resourcesLast12Months = resourcesLast12Months
        self.housing = housing
        self.housingAllowance = housingAllowance
        self.residence = residence
        self.coverage = coverage
        self.benefits = benefits
        self.hasMedecinTraitant = hasMedecinTraitant
    }

    /// The applicant's age, when known.
    public var applicantAge: Int? { household?.first?.age }

    /// Checks what no real household can be; throws the first problem with the field it concerns.
    public func validate() throws(SituationError) {
        if date < Situation.earliestDate {
            throw SituationError(field: "date", message: "\(date) is before 2019-11-01, when C2S began; the engine has no rules for it")
        }
        if let household {
            if household.isEmpty {
                throw SituationError(field: "household", message: "is empty; list at least the applicant")
            }
            if household.count > Situation.maximumHouseholdSize {
                throw SituationError(field: "household", message: "has \(household.count) members; at most \(Situation.maximumHouseholdSize) are accepted")
            }
            for (index, member) in household.enumerated() {
                if let age = member.age, !(0...Situation.maximumAge).contains(age) {
                    throw SituationError(field: "household[\(index)].age", message: "\(age) is not a possible age (0 to \(Situation.maximumAge))")
                }
                if let bound = member.youngerThan, !(1...Situation.maximumAge).contains(bound) {
                    throw SituationError(field: "household[\(index)].younger_than", message: "\(bound) is not a possible age bound (1 to \(Situation.maximumAge))")
                }
            }
        }
        if let resourcesLast12Months, resourcesLast12Months < 0 {
            throw SituationError(field: "resources_last_12_months", message: "must not be negative")
        }
        if let months = residence.monthsInFrance {
            if months < 0 {
                throw SituationError(field: "residence.months_in_france", message: "must not be negative")
            }
            if let age = applicantAge, months > (age + 1) * 12 {
                throw SituationError(field: "residence.months_in_france", message: "\(months) months is longer than the applicant's life (\(age) years)")
            }
        }
    }
}

/// A situation that cannot be evaluated: names the field (`household[1].age`) and what is wrong.
/// Never carries the value of a free-text field, so it is safe to log.
public struct SituationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field): \(message)" }
}
