import Rights
import Testing
import TestSupport

/// Ceilings computed here independently of the engine: the one-person figures of
/// FACTS.md, the household coefficients in tenths (1, 1.5, 1.8, 2.1, 2.5, 2.9, 3.3),
/// the overseas raise of 11.3 %, the participation factor of 1.35, one rounding half up.
enum Expected {
    /// Each date segment since C2S began, with the one-person ceiling in force.
    static let segments: [(date: String, onePerson: Int)] = [
        ("2019-11-01", 8951), ("2021-04-01", 9041), ("2022-04-01", 9203), ("2022-07-01", 9571),
        ("2023-04-01", 9719), ("2024-04-01", 10166), ("2025-04-01", 10339),
    ]
    static let tenths = [10, 15, 18, 21, 25, 29, 33]

    static func roundHalfUp(_ numerator: Int, _ denominator: Int) -> Int { (2 * numerator + denominator) / (2 * denominator) }

    static func free(_ onePerson: Int, size: Int, overseas: Bool) -> Int {
        roundHalfUp(onePerson * tenths[size - 1] * (overseas ? 1113 : 1000), 10 * 1000)
    }

    static func participation(_ onePerson: Int, size: Int, overseas: Bool) -> Int {
        roundHalfUp(onePerson * tenths[size - 1] * (overseas ? 1113 : 1000) * 135, 10 * 1000 * 100)
    }
}

struct CeilingCase: CustomTestStringConvertible, Sendable {
    var date: String
    var onePerson: Int
    var size: Int
    var territory: Territory
    var testDescription: String { "\(date) \(territory.rawValue) \(size) person(s)" }

    static let all: [CeilingCase] = Expected.segments.flatMap { segment in
        [Territory.metropole, .alsaceMoselle, .guadeloupe, .martinique, .guyane, .reunion].flatMap { territory in
            (1...7).map { CeilingCase(date: segment.date, onePerson: segment.onePerson, size: $0, territory: territory) }
        }
    }
}

@Suite("C2S ceilings")
struct CeilingTests {
    func c2s(_ c: CeilingCase, resources euros: Int) -> RightResult {
        let situation = Fixtures.situation(c.date, territory: c.territory, ages: Array(repeating: 35, count: c.size),
                                           resources: Cents(euros) * 100)
        return Fixtures.evaluate(situation)[.c2s]
    }

    @Test("Resources exactly at the free ceiling give free C2S; one euro more gives C2S with participation", arguments: CeilingCase.all)
    func freeCeilingBoundary(_ c: CeilingCase) {
        let ceiling = Expected.free(c.onePerson, size: c.size, overseas: c.territory.isRaisedOverseas)
        let atCeiling = c2s(c, resources: ceiling)
        #expect(atCeiling.verdict == .eligible)
        #expect(atCeiling.variant == .free)
        #expect(atCeiling.threshold == ceiling)
        #expect(atCeiling.monthlyParticipation == 0)
        let above = c2s(c, resources: ceiling + 1)
        #expect(above.verdict == .eligible)
        #expect(above.variant == .participation)
    }

    @Test("Resources exactly at the participation ceiling give C2S with participation; one euro more gives nothing", arguments: CeilingCase.all)
    func participationCeilingBoundary(_ c: CeilingCase) {
        let ceiling = Expected.participation(c.onePerson, size: c.size, overseas: c.territory.isRaisedOverseas)
        let atCeiling = c2s(c, resources: ceiling)
        #expect(atCeiling.verdict == .eligible)
        #expect(atCeiling.variant == .participation)
        #expect(atCeiling.threshold == ceiling)
        let above = c2s(c, resources: ceiling + 1)
        #expect(above.verdict == .notEligible)
        #expect(above.threshold == ceiling)
    }

    @Test("The engine's ceilings match the published 2024 metropolitan table")
    func published2024Table() {
        let date = LocalDate(iso: "2024-06-15")!
        let free = (1...5).map { Fixtures.engine.freeCeiling(householdSize: $0, territory: .metropole, on: date) }
        let participation = (1...5).map { Fixtures.engine.participationCeiling(householdSize: $0, territory: .metropole, on: date) }
        #expect(free == [10166, 15249, 18299, 21349, 25415])
        #expect(participation == [13724, 20586, 24703, 28821, 34310])
        #expect(Fixtures.engine.freeCeiling(householdSize: 1, territory: .reunion, on: date) == 11315)
    }

    @Test("The ceiling in force is the one of the evaluation day: the day before a revaluation uses the old one")
    func dayBeforeRevaluation() {
        let before = Fixtures.engine.freeCeiling(householdSize: 1, territory: .metropole, on: LocalDate(iso: "2024-03-31")!)
        let on = Fixtures.engine.freeCeiling(householdSize: 1, territory: .metropole, on: LocalDate(iso: "2024-04-01")!)
        #expect(before == 9719)
        #expect(on == 10166)
    }

    @Test("Each person from the fifth raises the ceiling by 40 % of the one-person ceiling")
    func largeHouseholds() {
        let date = LocalDate(iso: "2024-06-15")!
        let eight = Fixtures.engine.freeCeiling(householdSize: 8, territory: .metropole, on: date)
        #expect(eight == Expected.roundHalfUp(10166 * 37, 10))
    }
}
