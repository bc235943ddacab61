/// The rights engine: a situation and the dated parameters in, an evaluation out.
///
/// Pure: no file, no socket, no clock. The evaluation date is the situation's.
/// ```swift
/// let engine = RightsEngine(parameters: parameters)
/// let evaluation = try engine.evaluate(situation)
/// evaluation[.c2s].verdict   // .eligible
/// ```
public struct RightsEngine: Sendable {
    public let parameters: Parameters

    public init(parameters: Parameters) { self.parameters = parameters }

    /// Evaluates every right on the situation's date.
    /// Throws only for a situation no household can be (see `Situation.validate()`).
    public func evaluate(_ situation: Situation) throws(SituationError) -> Evaluation {
        try situation.validate()
        let rules = RuleSet(parameters, on: situation.date)
        let puma = evaluatePUMa(situation, rules)
        let c2s = evaluateC2S(situation, rules, puma: puma)
        let ame = evaluateAME(situation, rules)
        let medecinTraitant = evaluateMedecinTraitant(situation, rules)
        let rights = [puma, c2s, ame, medecinTraitant]
        return Evaluation(date: situation.date, rights: rights,
                          orientations: orientations(situation, rights),
                          warnings: warnings(situation, rules))
    }

    /// The annual ceiling for free C2S (and AME) for a household, in euros.
    public func freeCeiling(householdSize: Int, territory: Territory, on date: LocalDate) -> Int {
        RuleSet(parameters, on: date).freeCeiling(householdSize, territory)
    }

    /// The annual ceiling for C2S with participation for a household, in euros.
    public func participationCeiling(householdSize: Int, territory: Territory, on date: LocalDate) -> Int {
        RuleSet(parameters, on: date).participationCeiling(householdSize, territory)
    }

    /// The housing flat-rate added to a household's annual resources, in cents.
    public func housingFlatRate(householdSize: Int, housing: Housing, allowance: Bool, on date: LocalDate) -> Cents {
        RuleSet(parameters, on: date).flatRate(householdSize, housing, allowance)
    }

    /// The papers a first request of a right asks for, before anything is known of the person (a visitor alone at
    /// the box prints them for a right chosen from a list); an evaluation adds or changes some for a situation.
    public static func usualDocuments(for right: RightKind) -> [DocumentToBring] {
        switch right {
        case .puma: return [.identity, .proofOfAddress, .birthCertificateWithParents, .bankDetails]
        case .c2s: return [.identity, .proofOfAddress, .resourcesOfAllMembers]
        case .ame: return [.identityAME, .proofOfPresenceOver3Months, .proofOfAddress, .resourcesOfAllMembers]
        case .medecinTraitant: return [.carteVitaleOrCertificate]
        }
    }

    // MARK: - PUMa

    func evaluatePUMa(_ s: Situation, _ rules: RuleSet) -> RightResult {
        var result = RightResult(right: .puma, verdict: .needsReview)
        let documentsToOpen = Self.usualDocuments(for: .puma)
        if s.territory == .mayotte {
            result.reasons = [.mayotteOwnRegime]
            return result
        }
        if s.coverage.base == .puma {
            result.verdict = .eligible
            result.variant = .alreadyCovered
            result.reasons = [.pumaAlreadyCovered]
            result.documents = [.carteVitaleOrCertificate]
            return result
        }
        guard let status = s.residence.status else {
            result.needsReview(["residence.status"], reasons: [])
            return result
        }
        switch status {
        case .irregular:
            result.verdict = .notEligible
            result.reasons = [.pumaIrregularStay]
            return result
        case .asylumSeeker:
            result.verdict = .eligible
            result.variant = .affiliation
            result.reasons = [.pumaAsylumSeeker]
            result.form = .pumaRequest
            result.documents = [.asylumCertificate, .proofOfAddress, .bankDetails]
            return result
        case .temporaryProtection:
            // FACTS.md, unconfirmed: residence counts as regular from arrival; PUMa without the 3-month condition.
            result.verdict = .eligible
            result.variant = .affiliation
            result.reasons = [.pumaTemporaryProtection]
            result.form = .pumaRequest
            result.documents = [.identity, .temporaryProtectionPermit, .proofOfAddress, .bankDetails]
            return result
        case .eu:
            // After 3 months an EU citizen resides by right only when working, studying, or with resources and coverage.
            switch s.residence.euSituation {
            case nil:
                result.reasons = [.pumaEUSituationUnknown, .missing(["residence.eu_situation"])]
                result.missing = ["residence.eu_situation"]
                return result
            case .none?:
                result.reasons = [.pumaInactiveEUCitizen(required: rules.ameResidenceMonths)]
                return result
            default:
                break
            }
        case .french, .regular:
            break
        }
        let required = rules.pumaResidenceMonths
        let documents = status == .regular ? [.identity, .residencePermit] + documentsToOpen.dropFirst() : documentsToOpen
        if let benefits = s.benefits, let exempt = [Benefit.rsa, .aah].first(where: benefits.contains) {
            result.verdict = .eligible
            result.variant = .affiliation
            result.reasons = [.pumaExemptFromWaiting(exempt)]
            result.form = .pumaRequest
            result.documents = documents
            return result
        }
        guard let months = s.residence.monthsInFrance else {
            result.needsReview(["residence.months_in_france"] + (s.benefits == nil ? ["benefits"] : []), reasons: [])
            return result
        }
        if months > required {
            result.verdict = .eligible
            result.variant = .affiliation
            result.reasons = [.pumaStableResidence(months: months, required: required)]
            result.form = .pumaRequest
            result.documents = documents + [.proofOfPresenceOver3Months]
        } else if months == required {
            result.reasons = [.residenceAtTheLimit(months: months, required: required)]
            result.missing = ["residence.months_in_france"]
            result.form = .pumaRequest
            result.documents = documents + [.proofOfPresenceOver3Months]
        } else if s.benefits == nil {
            result.reasons = [.pumaTooRecent(months: months, required: required), .missing(["benefits"])]
            result.missing = ["benefits"]
        } else {
            result.verdict = .notEligible
            result.reasons = [.pumaTooRecent(months: months, required: required)]
        }
        return result
    }

    // MARK: - C2S

    func evaluateC2S(_ s: Situation, _ rules: RuleSet, puma: RightResult) -> RightResult {
        var result = RightResult(right: .c2s, verdict: .needsReview)
        var reasons: [Reason] = []
        var missing: [String] = []
        guard let territory = s.territory else {
            result.needsReview(["territory"], reasons: [])
            return result
        }
        if territory == .mayotte {
            result.verdict = .notEligible
            result.reasons = [.c2sNotInMayotte]
            return result
        }
        // C2S completes basic coverage: without PUMa there is no C2S (AME instead).
        switch puma.verdict {
        case .notEligible:
            result.verdict = .notEligible
            result.reasons = [.c2sNeedsBasicCoverage]
            return result
        case .needsReview:
            reasons.append(.c2sWaitsForBasicCoverage)
            missing += puma.missing
        case .eligible:
            break
        }
        if s.coverage.complementary == .c2s { reasons.append(.c2sAlreadyHas) }
        if s.coverage.complementary == .private { reasons.append(.c2sHasPrivateComplementary) }
        let baseDocuments = Self.usualDocuments(for: .c2s)
        if s.benefits?.contains(.rsa) == true {
            result.verdict = missing.isEmpty ? .eligible : .needsReview
            result.variant = .free
            result.monthlyParticipation = 0
            result.reasons = reasons + [.c2sRSARecipient] + (missing.isEmpty ? [] : [.missing(missing)])
            result.missing = missing
            result.form = .c2sRequest
            result.documents = [.identity, .proofOfAddress]
            return result
        }
        guard let household = s.household else {
            result.needsReview(missing + ["household"], reasons: reasons)
            return result
        }
        guard let declared = s.resourcesLast12Months else {
            result.needsReview(missing + ["resources_last_12_months"], reasons: reasons)
            return result
        }
        let size = household.count
        let freeCeiling = rules.freeCeiling(size, territory)
        let participationCeiling = rules.participationCeiling(size, territory)
        if territory.isRaisedOverseas { reasons.append(.overseasRaise(territory)) }

        let test = resourceTest(s, rules, declared: declared, size: size) { counted in
            if counted <= Cents(freeCeiling) * 100 { return .free }
            if counted <= Cents(participationCeiling) * 100 { return .participation }
            return .above
        }
        reasons += test.reasons
        guard let tier = test.tier else {
            result.needsReview(missing + test.missing, reasons: reasons, form: .c2sRequest, documents: baseDocuments)
            return result
        }
        result.resourcesCounted = test.counted
        result.housingFlatRate = test.flatRate
        let counted = test.counted ?? declared
        switch tier {
        case .free:
            result.verdict = .eligible
            result.variant = .free
            result.monthlyParticipation = 0
            result.threshold = freeCeiling
            reasons.append(.resourcesAtOrBelow(counted: counted, ceiling: freeCeiling, size: size))
            result.form = .c2sRequest
            result.documents = baseDocuments
        case .participation:
            result.verdict = .eligible
            result.variant = .participation
            result.threshold = participationCeiling
            reasons.append(.resourcesAtOrBelow(counted: counted, ceiling: participationCeiling, size: size))
            reasons.append(.c2sParticipationBetweenCeilings(freeCeiling: freeCeiling))
            let bands = territory == .alsaceMoselle ? rules.participationAlsaceMoselle : rules.participationGeneral
            var total: Cents = 0
            for (index, member) in household.enumerated() {
                guard let amount = RuleSet.amount(for: member, in: bands) else {
                    missing.append("household[\(index)].age")
                    continue
                }
                total += amount
            }
            if missing.isEmpty || !missing.contains(where: { $0.hasPrefix("household[") }) {
                result.monthlyParticipation = total
                reasons.append(.c2sParticipationTotal(total, persons: size, alsaceMoselle: territory == .alsaceMoselle))
            }
            if s.benefits == nil {
                reasons.append(.c2sCouldBeFreeWithRSA)
                missing.append("benefits")
            }
            if s.benefits?.contains(.aspa) == true { reasons.append(.c2sASPASimplifiedAccessUnconfirmed) }
            result.form = .c2sRequest
            result.documents = baseDocuments + [.bankDetails]
        case .above:
            result.verdict = .notEligible
            result.threshold = participationCeiling
            reasons.append(.resourcesAbove(counted: counted, ceiling: participationCeiling, size: size))
            if s.benefits == nil {
                reasons.append(.c2sCouldBeFreeWithRSA)
                missing.append("benefits")
            }
            if s.benefits?.contains(.aspa) == true { reasons.append(.c2sASPASimplifiedAccessUnconfirmed) }
        }
        if !missing.isEmpty {
            result.verdict = .needsReview
            reasons.append(.missing(missing))
        }
        result.missing = missing
        result.reasons = reasons
        return result
    }

    // MARK: - AME

    func evaluateAME(_ s: Situation, _ rules: RuleSet) -> RightResult {
        var result = RightResult(right: .ame, verdict: .needsReview)
        let documents = Self.usualDocuments(for: .ame)
        if s.territory == .mayotte {
            result.verdict = .notEligible
            result.reasons = [.ameNotInMayotte]
            return result
        }
        guard let status = s.residence.status else {
            result.needsReview(["residence.status"], reasons: [])
            return result
        }
        // An EU citizen without a right of residence is treated as in irregular stay (FACTS.md, unconfirmed: at best to review).
        let inactiveEU = status == .eu && s.residence.euSituation == EUSituation.none
        guard status == .irregular || inactiveEU else {
            result.verdict = .notEligible
            result.reasons = [.ameOnlyForIrregularStay(status)]
            return result
        }
        var reasons: [Reason] = inactiveEU ? [.ameInactiveEUCitizen] : []
        var missing: [String] = []
        if s.coverage.base == .ame { reasons.append(.ameAlreadyHas) }
        let required = rules.ameResidenceMonths
        var residenceNotMet = false
        if s.household?.first?.isYounger(than: rules.ameAdultAge) == true {
            reasons.append(.ameMinorExempt)
        } else if let months = s.residence.monthsInFrance {
            if months > required {
                reasons.append(.ameResidence(months: months, required: required))
            } else if months == required {
                reasons.append(.residenceAtTheLimit(months: months, required: required))
                missing.append("residence.months_in_france")
            } else if s.household?.first?.isYounger(than: rules.ameAdultAge) == nil {
                reasons.append(.ameTooRecent(months: months, required: required))
                missing.append("household[0].age")
            } else {
                reasons.append(.ameTooRecent(months: months, required: required))
                residenceNotMet = true
            }
        } else {
            missing.append("residence.months_in_france")
            if s.household?.first?.isYounger(than: rules.ameAdultAge) == nil { missing.append("household[0].age") }
        }
        if residenceNotMet {
            result.verdict = .notEligible
            result.reasons = reasons
            return result
        }
        guard let territory = s.territory else {
            result.needsReview(missing + ["territory"], reasons: reasons)
            return result
        }
        guard let household = s.household, let declared = s.resourcesLast12Months else {
            if s.household == nil { missing.append("household") }
            if s.resourcesLast12Months == nil { missing.append("resources_last_12_months") }
            result.needsReview(missing, reasons: reasons, form: .ameRequest, documents: documents)
            return result
        }
        let size = household.count
        let ceiling = rules.freeCeiling(size, territory)
        if territory.isRaisedOverseas { reasons.append(.overseasRaise(territory)) }
        let test = resourceTest(s, rules, declared: declared, size: size) { $0 <= Cents(ceiling) * 100 ? .free : .above }
        reasons += test.reasons
        result.threshold = ceiling
        guard let tier = test.tier else {
            result.needsReview(missing + test.missing, reasons: reasons, form: .ameRequest, documents: documents)
            return result
        }
        result.resourcesCounted = test.counted
        result.housingFlatRate = test.flatRate
        let counted = test.counted ?? declared
        if tier == .free {
            result.verdict = missing.isEmpty && !inactiveEU ? .eligible : .needsReview
            reasons.append(.resourcesAtOrBelow(counted: counted, ceiling: ceiling, size: size))
            result.form = .ameRequest
            result.documents = documents
        } else {
            result.verdict = .notEligible
            reasons.append(.resourcesAbove(counted: counted, ceiling: ceiling, size: size))
            missing = []
        }
        if !missing.isEmpty { reasons.append(.missing(missing)) }
        result.missing = missing
        result.reasons = reasons
        return result
    }

    // MARK: - Médecin traitant

    func evaluateMedecinTraitant(_ s: Situation, _ rules: RuleSet) -> RightResult {
        var result = RightResult(right: .medecinTraitant, verdict: .eligible)
        guard let has = s.hasMedecinTraitant else {
            result.needsReview(["has_medecin_traitant"], reasons: [])
            return result
        }
        if has {
            result.variant = .declared
            result.reasons = [.medecinTraitantDeclared]
            return result
        }
        if let age = s.applicantAge, age < rules.medecinTraitantMandatoryAge {
            result.variant = .optional
            result.reasons = [.medecinTraitantOptional(age: age, mandatoryAge: rules.medecinTraitantMandatoryAge)]
        } else {
            result.variant = .toDeclare
            result.reasons = [.medecinTraitantToDeclare]
        }
        result.form = .medecinTraitantDeclaration
        result.documents = Self.usualDocuments(for: .medecinTraitant)
        return result
    }

    // MARK: - Shared

    /// Where counted resources fall against the ceilings.
    enum ResourceTier: Hashable {
        case free, participation, above
    }

    struct ResourceTest {
        /// The tier the classifier gave, when every possible housing gives the same one.
        var tier: ResourceTier?
        var counted: Cents?
        var flatRate: Cents?
        var reasons: [Reason] = []
        var missing: [String] = []
    }

    /// Adds the housing flat-rate and classifies. When housing or the allowance is not
    /// known, tries every possibility: the answer stands when they all agree.
    func resourceTest(_ s: Situation, _ rules: RuleSet, declared: Cents, size: Int, classify: (Cents) -> ResourceTier) -> ResourceTest {
        if let housing = s.housing, let allowance = s.housingAllowance {
            let flat = rules.flatRate(size, housing, allowance)
            let counted = declared + flat
            return ResourceTest(tier: classify(counted), counted: counted, flatRate: flat,
                                reasons: flat > 0 ? [.housingFlatRateAdded(flat, declared: declared)] : [])
        }
        let housings = s.housing.map { [$0] } ?? Housing.allCases
        let allowances = s.housingAllowance.map { [$0] } ?? [false, true]
        var tiers = Set<ResourceTier>()
        var flats = Set<Cents>()
        for housing in housings {
            for allowance in allowances {
                let flat = rules.flatRate(size, housing, allowance)
                flats.insert(flat)
                tiers.insert(classify(declared + flat))
            }
        }
        if flats.count == 1, let flat = flats.first {
            return ResourceTest(tier: tiers.first, counted: declared + flat, flatRate: flat,
                                reasons: flat > 0 ? [.housingFlatRateAdded(flat, declared: declared)] : [])
        }
        if tiers.count == 1 {
            return ResourceTest(tier: tiers.first, counted: nil, flatRate: nil, reasons: [.housingDoesNotChangeTheAnswer])
        }
        var missing: [String] = []
        if s.housing == nil { missing.append("housing") }
        if s.housingAllowance == nil { missing.append("housing_allowance") }
        return ResourceTest(tier: nil, missing: missing)
    }

    func orientations(_ s: Situation, _ rights: [RightResult]) -> [Orientation] {
        var list: [Orientation] = []
        let toFile = rights.contains { $0.right != .medecinTraitant && $0.form != nil && $0.verdict != .notEligible }
        if toFile { list.append(.cpam) }
        let uncovered = s.coverage.base == nil || s.coverage.base == BaseCoverage.none || s.coverage.base == .unknown
        if uncovered { list.append(.pass) }
        if s.hasMedecinTraitant == false { list.append(.medecinsSolidaires) }
        return list
    }

    func warnings(_ s: Situation, _ rules: RuleSet) -> [EvaluationWarning] {
        var list: [EvaluationWarning] = []
        for key in ParameterKey.allCases where parameters.revaluedYearly.contains(key) {
            let newest = parameters.newestDate(of: key)
            let due = newest.addingYears(1)
            if s.date >= due { list.append(.figuresOutOfDate(key, newest: newest, dueOn: due)) }
        }
        list += rules.unconfirmed.map { .unconfirmedFigure($0.key, from: $0.from) }
        list += s.ignoredFields.map { .ignoredField($0) }
        if s.residence.status == .temporaryProtection { list.append(.unconfirmedRule("temporary_protection_puma")) }
        if s.residence.status == .eu, s.residence.euSituation == EUSituation.none { list.append(.unconfirmedRule("eu_inactive_ame")) }
        return list
    }

    /// Rules FACTS.md marks unconfirmed; each is named to the mediator when it decided (`rule.<name>`).
    public static let unconfirmedRules = ["temporary_protection_puma", "eu_inactive_ame"]
}
