/// Why the engine decided what it decided, as data; `text(_:)` says it in plain words.
public enum Reason: Sendable, Equatable {
    // Shared
    /// Information that would decide is missing (JSON paths).
    case missing([String])
    /// Resources counted against a ceiling for a household of `size` persons.
    case resourcesAtOrBelow(counted: Cents, ceiling: Int, size: Int)
    case resourcesAbove(counted: Cents, ceiling: Int, size: Int)
    /// The housing flat-rate was added to the declared resources.
    case housingFlatRateAdded(Cents, declared: Cents)
    /// Housing is not known, but every possible housing gives the same answer.
    case housingDoesNotChangeTheAnswer
    /// Ceilings raised overseas.
    case overseasRaise(Territory)

    // C2S
    case c2sNotInMayotte
    case c2sNeedsBasicCoverage
    case c2sWaitsForBasicCoverage
    case c2sRSARecipient
    case c2sParticipationBetweenCeilings(freeCeiling: Int)
    case c2sParticipationTotal(Cents, persons: Int, alsaceMoselle: Bool)
    case c2sCouldBeFreeWithRSA
    case c2sAlreadyHas
    case c2sHasPrivateComplementary
    case c2sASPASimplifiedAccessUnconfirmed

    // PUMa
    case pumaAlreadyCovered
    case pumaStableResidence(months: Int, required: Int)
    case pumaAsylumSeeker
    case pumaExemptFromWaiting(Benefit)
    case pumaTooRecent(months: Int, required: Int)
    case residenceAtTheLimit(months: Int, required: Int)
    case pumaIrregularStay
    case mayotteOwnRegime
    /// Temporary protection: residence counts as regular from arrival, PUMa without the waiting (unconfirmed).
    case pumaTemporaryProtection
    /// An EU citizen: whether they work, study or have resources and coverage is not known yet.
    case pumaEUSituationUnknown
    /// An EU citizen with none of these: no right of residence for PUMa; AME after `required` months (unconfirmed).
    case pumaInactiveEUCitizen(required: Int)

    // AME
    case ameNotInMayotte
    case ameOnlyForIrregularStay(ResidenceStatus)
    case ameMinorExempt
    case ameResidence(months: Int, required: Int)
    case ameTooRecent(months: Int, required: Int)
    case ameAlreadyHas
    /// An EU citizen without a right of residence is treated as in irregular stay for AME (unconfirmed).
    case ameInactiveEUCitizen

    // Médecin traitant
    case medecinTraitantDeclared
    case medecinTraitantToDeclare
    case medecinTraitantOptional(age: Int, mandatoryAge: Int)
}
