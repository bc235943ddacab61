import Rights
import Testing
import TestSupport

@Suite("AME, PUMa and médecin traitant")
struct ResidenceRulesTests {
    func irregular(ages: [Int?] = [30], months: Int?, resources: Cents? = 300_000) -> Situation {
        Fixtures.situation(ages: ages, resources: resources, status: .irregular, months: months, base: BaseCoverage.none)
    }

    @Test("AME: in irregular stay for more than 3 months with low resources")
    func ameEligible() {
        let result = Fixtures.evaluate(irregular(months: 7))[.ame]
        #expect(result.verdict == .eligible)
        #expect(result.form == .ameRequest)
        #expect(result.threshold == 10166)
        #expect(result.documents.contains(.proofOfPresenceOver3Months))
    }

    @Test("AME: an adult in France for less than 3 months is not eligible yet")
    func ameTooRecent() {
        let result = Fixtures.evaluate(irregular(months: 2))[.ame]
        #expect(result.verdict == .notEligible)
        #expect(result.reasons == [.ameTooRecent(months: 2, required: 3)])
    }

    @Test("AME: exactly 3 whole months is the limit and asks for the exact arrival date")
    func ameAtTheLimit() {
        let result = Fixtures.evaluate(irregular(months: 3))[.ame]
        #expect(result.verdict == .needsReview)
        #expect(result.missing == ["residence.months_in_france"])
    }

    @Test("AME: a minor has no 3-month condition")
    func ameMinor() {
        let result = Fixtures.evaluate(irregular(ages: [16], months: 1))[.ame]
        #expect(result.verdict == .eligible)
        #expect(result.reasons.contains(.ameMinorExempt))
    }

    @Test("AME: resources above the free C2S ceiling are not eligible")
    func ameAboveCeiling() {
        let result = Fixtures.evaluate(irregular(months: 12, resources: 1_016_700))[.ame]
        #expect(result.verdict == .notEligible)
        #expect(result.threshold == 10166)
    }

    @Test("AME: unknown residence length asks for review and names it")
    func ameUnknownMonths() {
        let result = Fixtures.evaluate(irregular(months: nil))[.ame]
        #expect(result.verdict == .needsReview)
        #expect(result.missing == ["residence.months_in_france"])
    }

    @Test("AME is not for asylum seekers, who get PUMa at once")
    func asylumSeeker() {
        let evaluation = Fixtures.evaluate(Fixtures.situation(status: .asylumSeeker, months: 1, base: BaseCoverage.none))
        #expect(evaluation[.ame].verdict == .notEligible)
        #expect(evaluation[.puma].verdict == .eligible)
        #expect(evaluation[.puma].reasons == [.pumaAsylumSeeker])
    }

    @Test("PUMa: regular residence for more than 3 months opens rights")
    func pumaResident() {
        let result = Fixtures.evaluate(Fixtures.situation(status: .regular, months: 5, base: BaseCoverage.none))[.puma]
        #expect(result.verdict == .eligible)
        #expect(result.variant == .affiliation)
        #expect(result.form == .pumaRequest)
    }

    @Test("PUMa: less than 3 months is not eligible yet, unless RSA or AAH exempts from waiting")
    func pumaWaitingAndExemptions() {
        let waiting = Fixtures.evaluate(Fixtures.situation(status: .french, months: 1, base: BaseCoverage.none))[.puma]
        #expect(waiting.verdict == .notEligible)
        let rsa = Fixtures.evaluate(Fixtures.situation(status: .french, months: 1, base: BaseCoverage.none, benefits: [.rsa]))[.puma]
        #expect(rsa.verdict == .eligible)
        #expect(rsa.reasons == [.pumaExemptFromWaiting(.rsa)])
        let aah = Fixtures.evaluate(Fixtures.situation(status: .regular, months: 1, base: BaseCoverage.none, benefits: [.aah]))[.puma]
        #expect(aah.verdict == .eligible)
    }

    @Test("PUMa: irregular stay is not eligible, and C2S follows")
    func pumaIrregular() {
        let evaluation = Fixtures.evaluate(irregular(months: 12))
        #expect(evaluation[.puma].verdict == .notEligible)
        #expect(evaluation[.c2s].verdict == .notEligible)
    }

    @Test("PUMa: unknown residence status asks for review, and C2S waits for it")
    func pumaUnknownStatus() {
        let evaluation = Fixtures.evaluate(Fixtures.situation(resources: 100_000, status: nil, base: .unknown))
        #expect(evaluation[.puma].verdict == .needsReview)
        #expect(evaluation[.puma].missing == ["residence.status"])
        #expect(evaluation[.c2s].verdict == .needsReview)
        #expect(evaluation[.c2s].missing.contains("residence.status"))
    }

    @Test("Médecin traitant: to declare from 16 without one, optional below, nothing to do with one")
    func medecinTraitant() {
        let adult = Fixtures.evaluate(Fixtures.situation(ages: [16], hasMedecinTraitant: false))[.medecinTraitant]
        #expect(adult.variant == .toDeclare)
        #expect(adult.form == .medecinTraitantDeclaration)
        let child = Fixtures.evaluate(Fixtures.situation(ages: [15], hasMedecinTraitant: false))[.medecinTraitant]
        #expect(child.variant == .optional)
        let declared = Fixtures.evaluate(Fixtures.situation(hasMedecinTraitant: true))[.medecinTraitant]
        #expect(declared.variant == .declared)
        #expect(declared.form == nil)
        let unknown = Fixtures.evaluate(Fixtures.situation(hasMedecinTraitant: nil))[.medecinTraitant]
        #expect(unknown.verdict == .needsReview)
        #expect(unknown.missing == ["has_medecin_traitant"])
    }

    @Test("Without a médecin traitant the visitor is oriented to a Médecins Solidaires centre; without coverage to the PASS")
    func orientations() {
        let evaluation = Fixtures.evaluate(Fixtures.situation(status: .regular, months: 5, base: BaseCoverage.none, hasMedecinTraitant: false))
        #expect(evaluation.orientations == [.cpam, .pass, .medecinsSolidaires])
    }
}

@Suite("Warnings about the figures")
struct WarningTests {
    func outOfDate(_ date: String) -> [ParameterKey] {
        Fixtures.evaluate(Fixtures.situation(date)).warnings.compactMap {
            if case let .figuresOutOfDate(key, _, _) = $0 { return key }
            return nil
        }
    }

    @Test("An evaluation more than a year after the newest C2S ceiling warns that figures may be out of date")
    func staleCeiling() {
        #expect(outOfDate("2026-11-23") == [.c2sFreeCeiling])
        #expect(outOfDate("2026-04-01") == [.c2sFreeCeiling])
    }

    @Test("An evaluation within a year of every revaluation carries no warning")
    func freshFigures() {
        #expect(outOfDate("2026-03-31").isEmpty)
        #expect(outOfDate("2024-06-15").isEmpty)
    }

    @Test("The RSA amount warns only a year after its own newest value")
    func staleRSA() {
        #expect(outOfDate("2027-04-01") == [.c2sFreeCeiling, .rsaBaseAmount])
    }
}
