import Rights
import Testing
import TestSupport

/// FACTS.md, "EU citizens and temporary protection": the right of residence of EU citizens who do not work, and the
/// rules of temporary protection, both marked unconfirmed to the mediator.
@Suite("EU citizens and temporary protection")
struct EUAndTemporaryProtectionTests {
    func eu(_ situation: EUSituation?, months: Int = 8, resources: Cents = 300_000) -> Situation {
        var s = Fixtures.situation(resources: resources, status: .eu, months: months, base: BaseCoverage.none)
        s.residence.euSituation = situation
        return s
    }

    @Test("An EU citizen whose situation is not known: PUMa to review, asking for it; C2S waits; no probable right said")
    func euUnknown() {
        let evaluation = Fixtures.evaluate(eu(nil))
        #expect(evaluation[.puma].verdict == .needsReview)
        #expect(evaluation[.puma].missing == ["residence.eu_situation"])
        #expect(evaluation[.puma].reasons.contains(.pumaEUSituationUnknown))
        #expect(evaluation[.c2s].verdict == .needsReview)
        #expect(evaluation[.ame].verdict == .notEligible)
    }

    @Test("Working, studying, or with resources and coverage: PUMa on the usual residence test", arguments: [EUSituation.works, .studies, .resourcesAndCoverage])
    func euWithRightOfResidence(situation: EUSituation) {
        let evaluation = Fixtures.evaluate(eu(situation))
        #expect(evaluation[.puma].verdict == .eligible)
        #expect(evaluation[.puma].reasons == [.pumaStableResidence(months: 8, required: 3)])
        #expect(evaluation[.ame].verdict == .notEligible)
        #expect(!evaluation.warnings.contains { if case .unconfirmedRule = $0 { return true } else { return false } })
    }

    @Test("An inactive EU citizen without resources: PUMa to review, AME the likely route after 3 months, at most to review, marked unconfirmed")
    func euInactive() {
        let evaluation = Fixtures.evaluate(eu(EUSituation.none))
        #expect(evaluation[.puma].verdict == .needsReview)
        #expect(evaluation[.puma].reasons == [.pumaInactiveEUCitizen(required: 3)])
        #expect(evaluation[.ame].verdict == .needsReview, "AME's conditions are met, but the rule is unconfirmed")
        #expect(evaluation[.ame].reasons.first == .ameInactiveEUCitizen)
        #expect(evaluation[.ame].form == .ameRequest)
        #expect(evaluation.warnings.contains(.unconfirmedRule("eu_inactive_ame")))
        // Less than 3 months: not yet AME either.
        #expect(Fixtures.evaluate(eu(EUSituation.none, months: 2))[.ame].verdict == .notEligible)
    }

    @Test("Temporary protection: PUMa from arrival (unconfirmed, said), C2S on the usual resource test, no AME")
    func temporaryProtection() {
        let evaluation = Fixtures.evaluate(Fixtures.situation(resources: 300_000, status: .temporaryProtection, months: 1, base: BaseCoverage.none))
        #expect(evaluation[.puma].verdict == .eligible)
        #expect(evaluation[.puma].reasons == [.pumaTemporaryProtection])
        #expect(evaluation[.puma].documents.contains(.temporaryProtectionPermit))
        #expect(evaluation[.c2s].verdict == .eligible)
        #expect(evaluation[.c2s].variant == .free)
        #expect(evaluation[.ame].verdict == .notEligible)
        #expect(evaluation.warnings.contains(.unconfirmedRule("temporary_protection_puma")))
        let high = Fixtures.evaluate(Fixtures.situation(resources: 5_000_000, status: .temporaryProtection, months: 1, base: BaseCoverage.none))
        #expect(high[.c2s].verdict == .notEligible, "the usual resource test")
    }
}
