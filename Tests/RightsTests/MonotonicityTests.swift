import Rights
import Testing
import TestSupport

/// A small deterministic generator (SplitMix64), so a failure is reproducible from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Monotonicity")
struct MonotonicityTests {
    /// free < participation < not eligible.
    func rank(_ result: RightResult) -> Int {
        switch (result.verdict, result.variant) {
        case (.eligible, .free?): return 0
        case (.eligible, _): return 1
        default: return 2
        }
    }

    func randomSituation(_ random: inout SeededGenerator) -> Situation {
        let start = LocalDate(iso: "2019-11-01")!.dayNumber
        let dayNumber = start + Int.random(in: 0..<(365 * 8), using: &random)
        let date = LocalDate(dayNumber: dayNumber)
        let size = Int.random(in: 1...8, using: &random)
        let ages = [Int.random(in: 18...95, using: &random)] + (1..<size).map { _ in Int.random(in: 0...95, using: &random) }
        let territories: [Territory] = [.metropole, .alsaceMoselle, .guadeloupe, .martinique, .guyane, .reunion]
        return Fixtures.situation(date.description, territory: territories.randomElement(using: &random)!, ages: ages,
                                  resources: Cents.random(in: 0...6_000_000, using: &random),
                                  housing: Housing.allCases.randomElement(using: &random)!,
                                  allowance: Bool.random(using: &random))
    }

    @Test("More resources never give a better C2S verdict, over 20,000 generated households")
    func c2sNeverImprovesWithResources() {
        var random = SeededGenerator(state: 20_191_101)
        for _ in 0..<20_000 {
            let situation = randomSituation(&random)
            var richer = situation
            richer.resourcesLast12Months! += Cents.random(in: 1...1_000_000, using: &random)
            let before = Fixtures.evaluate(situation)[.c2s]
            let after = Fixtures.evaluate(richer)[.c2s]
            #expect(rank(after) >= rank(before), "seeded case: \(situation.date) size \(situation.household!.count)")
            if rank(after) < rank(before) { return }
        }
    }

    @Test("More resources never turn AME from not eligible into eligible")
    func ameNeverImprovesWithResources() {
        var random = SeededGenerator(state: 42)
        for _ in 0..<5_000 {
            var situation = randomSituation(&random)
            situation.residence = Residence(status: .irregular, monthsInFrance: 12)
            var richer = situation
            richer.resourcesLast12Months! += Cents.random(in: 1...1_000_000, using: &random)
            let before = Fixtures.evaluate(situation)[.ame].verdict
            let after = Fixtures.evaluate(richer)[.ame].verdict
            #expect(!(before == .notEligible && after == .eligible))
        }
    }

    @Test("With housing unknown, a verdict given agrees with every possible housing")
    func unknownHousingAgreesWithEveryPossibility() {
        var random = SeededGenerator(state: 7)
        for _ in 0..<3_000 {
            var situation = randomSituation(&random)
            situation.housing = nil
            situation.housingAllowance = nil
            let undecided = Fixtures.evaluate(situation)[.c2s]
            guard undecided.verdict != .needsReview else { continue }
            for housing in Housing.allCases {
                for allowance in [false, true] {
                    var known = situation
                    known.housing = housing
                    known.housingAllowance = allowance
                    #expect(rank(Fixtures.evaluate(known)[.c2s]) == rank(undecided))
                }
            }
        }
    }
}
