import Foundation
import Rights

/// The fields of the rights situation a question can fill (`maps_to:` in a questionnaire).
public enum SituationField: String, CaseIterable, Sendable {
    case territory
    case applicantBirthYear = "household.applicant_birth_year"
    case hasPartner = "household.has_partner"
    case partnerBirthYear = "household.partner_birth_year"
    case childrenUnder25 = "household.children_under_25"
    case resources = "resources_last_12_months"
    case housing
    case housingAllowance = "housing_allowance"
    case residenceStatus = "residence.status"
    case euSituation = "residence.eu_situation"
    case monthsInFrance = "residence.months_in_france"
    case arrivalDate = "residence.arrival_date"
    case arrivedWithinAYear = "residence.arrived_within_a_year"
    case coverageBase = "coverage.base"
    case coverageComplementary = "coverage.complementary"
    case benefits
    case hasMedecinTraitant = "has_medecin_traitant"

    /// The question types that can fill this field.
    public var acceptedTypes: Set<QuestionType> {
        switch self {
        case .territory, .housing, .residenceStatus, .euSituation, .coverageBase, .coverageComplementary: return [.singleChoice]
        case .hasPartner, .housingAllowance, .arrivedWithinAYear, .hasMedecinTraitant: return [.yesNo]
        case .applicantBirthYear, .partnerBirthYear: return [.year]
        case .childrenUnder25, .resources, .monthsInFrance: return [.number]
        case .arrivalDate: return [.date]
        case .benefits: return [.multipleChoice]
        }
    }

    /// For choice fields: the values the situation knows (a choice outside them is a content error).
    public var allowedValues: Set<String>? {
        switch self {
        case .territory: return Set(Territory.allCases.map(\.rawValue))
        case .housing: return Set(Housing.allCases.map(\.rawValue))
        case .residenceStatus: return Set(ResidenceStatus.allCases.map(\.rawValue))
        case .euSituation: return Set(EUSituation.allCases.map(\.rawValue))
        case .coverageBase: return Set(BaseCoverage.allCases.map(\.rawValue))
        case .coverageComplementary: return Set(ComplementaryCoverage.allCases.map(\.rawValue))
        case .benefits: return Set(Benefit.allCases.map(\.rawValue) + ["none"])
        default: return nil
        }
    }
}

/// Builds the rights engine's situation from answers (pure).
///
/// - Household: the applicant (age from the year of birth), the partner when there
///   is one, and each child under 25 as a member younger than 25. Unknown as a whole
///   when whether there is a partner, or how many children, is not known.
/// - Ages from a year of birth are the age reached on 1 January of the evaluation
///   year, as the C2S participation counts them.
/// - Residence: months from the arrival date; "arrived more than a year ago" counts as 12 months.
public enum SituationBuilder {
    public static func build(answers: [String: AnswerValue], questionnaires: [Questionnaire],
                             date: LocalDate, territory: Territory?) -> Situation {
        var situation = Situation(date: date, territory: territory)
        var values: [SituationField: AnswerValue] = [:]
        for questionnaire in questionnaires {
            let relevant = Set(Flow.relevantQuestions(questionnaire, answers).map(\.id))
            for question in questionnaire.questions {
                guard let mapping = question.mapping else { continue }
                if relevant.contains(question.id) {
                    if let answer = answers[question.id], answer.isValue { values[mapping.field] = answer }
                } else if let fallback = mapping.ifNotRelevant {
                    values[mapping.field] = fallback
                }
            }
        }
        func choice(_ field: SituationField) -> String? {
            if case .choice(let value)? = values[field] { return value }
            return nil
        }
        func yes(_ field: SituationField) -> Bool? { choice(field).map { $0 == "yes" } }
        func number(_ field: SituationField) -> Fixed4? {
            if case .number(let value)? = values[field] { return value }
            return nil
        }
        func age(fromBirthYear field: SituationField) -> Int? {
            number(field)?.integerValue.map { max(0, date.year - $0 - 1) }
        }

        if let value = choice(.territory) { situation.territory = Territory(rawValue: value) }
        if let hasPartner = yes(.hasPartner), let children = number(.childrenUnder25)?.integerValue {
            var household = [Member(age: age(fromBirthYear: .applicantBirthYear))]
            if hasPartner { household.append(Member(age: age(fromBirthYear: .partnerBirthYear))) }
            household += Array(repeating: Member(age: nil, youngerThan: 25), count: max(0, min(children, Situation.maximumHouseholdSize - household.count)))
            situation.household = household
        }
        if let resources = number(.resources) { situation.resourcesLast12Months = resources.raw / 100 }
        situation.housing = choice(.housing).flatMap(Housing.init(rawValue:))
        situation.housingAllowance = yes(.housingAllowance)
        situation.residence.status = choice(.residenceStatus).flatMap(ResidenceStatus.init(rawValue:))
        situation.residence.euSituation = choice(.euSituation).flatMap(EUSituation.init(rawValue:))
        if let months = number(.monthsInFrance)?.integerValue {
            situation.residence.monthsInFrance = months
        } else if case .date(let arrival)? = values[.arrivalDate] {
            situation.residence.monthsInFrance = wholeMonths(from: arrival, to: date)
        } else if yes(.arrivedWithinAYear) == false {
            situation.residence.monthsInFrance = 12
        }
        situation.coverage.base = choice(.coverageBase).flatMap(BaseCoverage.init(rawValue:))
        situation.coverage.complementary = choice(.coverageComplementary).flatMap(ComplementaryCoverage.init(rawValue:))
        if case .choices(let list)? = values[.benefits] {
            situation.benefits = Set(list.compactMap(Benefit.init(rawValue:)))
        }
        situation.hasMedecinTraitant = yes(.hasMedecinTraitant)
        // A residence longer than the applicant's life is an answer error: drop it rather than refuse the visit.
        if let months = situation.residence.monthsInFrance, let applicantAge = situation.applicantAge, months > (applicantAge + 1) * 12 {
            situation.residence.monthsInFrance = nil
        }
        return situation
    }

    /// Whole months from one day to another (0 when the second is before the first).
    public static func wholeMonths(from start: LocalDate, to end: LocalDate) -> Int {
        var months = (end.year - start.year) * 12 + (end.month - start.month)
        if end.day < start.day { months -= 1 }
        return max(0, months)
    }
}

/// The communes of the territory the box serves: INSEE code (empty when not known here) and name.
public struct CommuneList: Sendable, Equatable {
    public struct Commune: Sendable, Equatable {
        public var code: String
        public var name: String
        /// Inhabitants (INSEE municipal population), when known: weights the demo's synthetic year.
        public var population: Int?
        /// The commune's centre (degrees, WGS 84), when known: distances between villages.
        public var latitude: Double?
        public var longitude: Double?
        /// What an answer stores: the INSEE code, or the name when the code is not known.
        public var id: String { code.isEmpty ? name : code }
        public init(code: String, name: String, population: Int? = nil, latitude: Double? = nil, longitude: Double? = nil) {
            self.code = code
            self.name = name
            self.population = population
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    public var communes: [Commune]
    public init(_ communes: [Commune]) { self.communes = communes }

    public func commune(id: String) -> Commune? { communes.first { $0.id == id } }

    /// The distance in kilometres between two communes' centres, as the crow flies (haversine); nil when either
    /// has no coordinates. Roads in the valley are longer: it orders places, it does not promise a journey.
    public func distanceKm(from a: String, to b: String) -> Double? {
        guard let one = commune(id: a), let other = commune(id: b), let lat1 = one.latitude, let lon1 = one.longitude,
              let lat2 = other.latitude, let lon2 = other.longitude else { return nil }
        let radians = Double.pi / 180
        let dLat = (lat2 - lat1) * radians, dLon = (lon2 - lon1) * radians
        let h = pow(sin(dLat / 2), 2) + cos(lat1 * radians) * cos(lat2 * radians) * pow(sin(dLon / 2), 2)
        return 2 * 6371.0 * asin(min(1, sqrt(h)))
    }

    /// Communes whose name starts with (or contains) what was typed, accents and case ignored.
    public func search(_ typed: String) -> [Commune] {
        let key = CommuneList.fold(typed)
        guard !key.isEmpty else { return communes }
        let starting = communes.filter { CommuneList.fold($0.name).hasPrefix(key) }
        let containing = communes.filter { !CommuneList.fold($0.name).hasPrefix(key) && CommuneList.fold($0.name).contains(key) }
        return starting + containing
    }

    /// Lower case, without accents, hyphens and apostrophes as spaces.
    static func fold(_ text: String) -> String {
        let map: [Character: Character] = [
            "à": "a", "â": "a", "ä": "a", "é": "e", "è": "e", "ê": "e", "ë": "e", "î": "i", "ï": "i",
            "ô": "o", "ö": "o", "ù": "u", "û": "u", "ü": "u", "ç": "c", "ÿ": "y", "-": " ", "'": " ", "’": " ",
        ]
        return String(text.lowercased().map { map[$0] ?? $0 })
    }
}
