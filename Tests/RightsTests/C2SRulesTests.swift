import Rights
import Testing
import TestSupport

@Suite("C2S participation, housing flat-rate, Mayotte, RSA")
struct C2SRulesTests {
    /// Resources between the free and the participation ceiling for any size up to 5 on 2024-06-15.
    func participationSituation(ages: [Int?], territory: Territory = .metropole) -> Situation {
        let free = Fixtures.engine.freeCeiling(householdSize: ages.count, territory: territory, on: LocalDate(iso: "2024-06-15")!)
        return Fixtures.situation(territory: territory, ages: ages, resources: Cents(free + 100) * 100, months: nil)
    }

    @Test("The participation is the sum over the household of the amount for each age band")
    func participationSumForMixedAges() {
        let result = Fixtures.evaluate(participationSituation(ages: [25, 35, 55, 65, 75]))[.c2s]
        #expect(result.variant == .participation)
        let expected: Cents = 9_800 // 8 + 14 + 21 + 25 + 30 €
        #expect(result.monthlyParticipation == expected)
    }

    @Test("Alsace-Moselle households pay the local regime's amounts")
    func participationAlsaceMoselle() {
        let result = Fixtures.evaluate(participationSituation(ages: [25, 35, 55, 65, 75], territory: .alsaceMoselle))[.c2s]
        let expected: Cents = 3_420 // 2.80 + 4.90 + 7.30 + 8.70 + 10.50 €
        #expect(result.monthlyParticipation == expected)
    }

    @Test("Each age band starts at its first age", arguments: [
        (29, 800), (30, 1400), (49, 1400), (50, 2100), (59, 2100), (60, 2500), (69, 2500), (70, 3000), (0, 800), (101, 3000),
    ] as [(Int, Cents)])
    func ageBandBoundaries(age: Int, amount: Cents) {
        let result = Fixtures.evaluate(participationSituation(ages: [age]))[.c2s]
        #expect(result.monthlyParticipation == amount)
    }

    @Test("A missing age in a household with participation asks for review and names the member")
    func participationWithMissingAge() {
        let result = Fixtures.evaluate(participationSituation(ages: [40, nil]))[.c2s]
        #expect(result.verdict == .needsReview)
        #expect(result.variant == .participation)
        #expect(result.monthlyParticipation == nil)
        #expect(result.missing == ["household[1].age"])
    }

    @Test("The housing flat-rate is 12 × rate × the RSA amount for the household size", arguments: [
        // size, housing, allowance, expected cents on 2024-06-15 (RSA 635.71 €)
        (1, Housing.owner, false, 91_542 as Cents),          // 12 × 12 % × 635.71
        (1, .tenant, true, 91_542),                          // allowance, one person: 12 %
        (2, .owner, false, 160_199),                         // 12 × 14 % × 635.71 × 1.5
        (2, .tenant, true, 183_084),                         // 12 × 16 % × 635.71 × 1.5
        (3, .housedFree, false, 192_239),                    // 12 × 14 % × 635.71 × 1.8
        (4, .tenant, true, 226_567),                         // 12 × 16.5 % × 635.71 × 1.8
        (2, .tenant, false, 0),
        (3, .homeless, false, 0),
    ])
    func housingFlatRate(size: Int, housing: Housing, allowance: Bool, expected: Cents) {
        let flat = Fixtures.engine.housingFlatRate(householdSize: size, housing: housing, allowance: allowance, on: LocalDate(iso: "2024-06-15")!)
        #expect(flat == expected)
    }

    @Test("The housing flat-rate is added before the comparison and can move an owner above the free ceiling")
    func flatRateMovesOwnerAboveCeiling() {
        let tenant = Fixtures.evaluate(Fixtures.situation(resources: 926_600, housing: .tenant))[.c2s]
        let owner = Fixtures.evaluate(Fixtures.situation(resources: 926_600, housing: .owner))[.c2s]
        #expect(tenant.variant == .free)
        #expect(owner.variant == .participation)
        #expect(owner.housingFlatRate == 91_542)
        #expect(owner.resourcesCounted == Cents(926_600 + 91_542))
    }

    @Test("Unknown housing that cannot change the answer still gives a verdict")
    func unknownHousingThatDoesNotMatter() {
        let result = Fixtures.evaluate(Fixtures.situation(resources: 100_000, housing: nil, allowance: nil))[.c2s]
        #expect(result.verdict == .eligible)
        #expect(result.variant == .free)
        #expect(result.reasons.contains(.housingDoesNotChangeTheAnswer))
    }

    @Test("Unknown housing that could change the answer asks for review and names housing")
    func unknownHousingThatMatters() {
        let result = Fixtures.evaluate(Fixtures.situation(resources: 926_600, housing: nil, allowance: nil))[.c2s]
        #expect(result.verdict == .needsReview)
        #expect(result.missing == ["housing", "housing_allowance"])
    }

    @Test("Mayotte has no C2S: not eligible with that reason")
    func mayotte() {
        let evaluation = Fixtures.evaluate(Fixtures.situation(territory: .mayotte, resources: 100_000))
        #expect(evaluation[.c2s].verdict == .notEligible)
        #expect(evaluation[.c2s].reasons == [.c2sNotInMayotte])
        #expect(evaluation[.ame].verdict == .notEligible)
        #expect(evaluation[.puma].verdict == .needsReview)
        #expect(evaluation[.puma].reasons == [.mayotteOwnRegime])
    }

    @Test("RSA recipients get free C2S without a resource test")
    func rsaRecipient() {
        let result = Fixtures.evaluate(Fixtures.situation(resources: 5_000_000, benefits: [.rsa]))[.c2s]
        #expect(result.verdict == .eligible)
        #expect(result.variant == .free)
        #expect(result.threshold == nil)
        #expect(result.reasons.contains(.c2sRSARecipient))
    }

    @Test("Without knowing the benefits, C2S with participation asks whether the household gets RSA")
    func unknownBenefits() {
        let result = Fixtures.evaluate(participationSituation(ages: [40]).with { $0.benefits = nil })[.c2s]
        #expect(result.verdict == .needsReview)
        #expect(result.missing == ["benefits"])
    }

    @Test("People in irregular stay get no C2S: AME instead")
    func irregularStay() {
        let result = Fixtures.evaluate(Fixtures.situation(resources: 100_000, status: .irregular, base: BaseCoverage.none))[.c2s]
        #expect(result.verdict == .notEligible)
        #expect(result.reasons == [.c2sNeedsBasicCoverage])
    }

    @Test("Missing resources ask for review and name the field")
    func missingResources() {
        let result = Fixtures.evaluate(Fixtures.situation(resources: nil))[.c2s]
        #expect(result.verdict == .needsReview)
        #expect(result.missing == ["resources_last_12_months"])
    }

    @Test("A missing territory asks for review and names the field")
    func missingTerritory() {
        let result = Fixtures.evaluate(Fixtures.situation(territory: nil))[.c2s]
        #expect(result.verdict == .needsReview)
        #expect(result.missing == ["territory"])
    }

    @Test("The C2S request is Cerfa 12504 and bank details are asked only with a participation")
    func formAndDocuments() {
        let free = Fixtures.evaluate(Fixtures.situation(resources: 100_000))[.c2s]
        let participation = Fixtures.evaluate(participationSituation(ages: [40]))[.c2s]
        #expect(free.form == .c2sRequest)
        #expect(!free.documents.contains(.bankDetails))
        #expect(participation.documents.contains(.bankDetails))
    }
}

extension Situation {
    func with(_ change: (inout Situation) -> Void) -> Situation {
        var copy = self
        change(&copy)
        return copy
    }
}
