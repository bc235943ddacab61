/// The rights the engine evaluates.
public enum RightKind: String, CaseIterable, Sendable, Codable {
    case puma, c2s, ame, medecinTraitant = "medecin_traitant"
}

/// The engine's answer for one right.
public enum Verdict: String, Sendable, Codable {
    case eligible
    case notEligible = "not_eligible"
    /// Something needed is missing or borderline: the mediator decides; `missing` says what.
    case needsReview = "needs_review"
}

/// Which form of a right applies.
public enum Variant: String, Sendable, Codable {
    /// C2S without participation.
    case free
    /// C2S with a monthly participation.
    case participation
    /// PUMa: rights to open.
    case affiliation
    /// PUMa or AME: already covered; keep the rights up to date.
    case alreadyCovered = "already_covered"
    /// Médecin traitant: to declare.
    case toDeclare = "to_declare"
    /// Médecin traitant: already declared.
    case declared
    /// Médecin traitant: optional below the mandatory age.
    case optional
}

/// The forms the box prints, by the identifiers the printing commands use.
public enum FormID: String, Sendable, Codable, CaseIterable {
    case c2sRequest = "cerfa-12504"
    case ameRequest = "cerfa-11573"
    case medecinTraitantDeclaration = "cerfa-12485"
    case pumaRequest = "puma-request"
}

/// Papers the visitor should bring; rendered in the visitor's language.
public enum DocumentToBring: String, Sendable, Codable, CaseIterable {
    case identity = "identity"
    case identityAME = "identity_ame"
    case proofOfAddress = "proof_of_address"
    case resourcesOfAllMembers = "resources_12_months"
    case bankDetails = "bank_details"
    case proofOfPresenceOver3Months = "proof_of_presence_3_months"
    case residencePermit = "residence_permit"
    case birthCertificateWithParents = "birth_certificate_with_parents"
    case asylumCertificate = "asylum_certificate"
    case carteVitaleOrCertificate = "carte_vitale"
    /// The residence permit of temporary protection (APS "bénéficiaire de la protection temporaire").
    case temporaryProtectionPermit = "temporary_protection_permit"
}

/// Where to send the visitor next.
public enum Orientation: String, Sendable, Codable, CaseIterable {
    /// The local CPAM office files PUMa, C2S and AME requests.
    case cpam
    /// Hospital access-to-care service for people without coverage, for care now.
    case pass
    /// A centre that takes new patients as médecin traitant.
    case medecinsSolidaires = "medecins_solidaires"
}

/// Something the mediator should know about the evaluation as a whole.
public enum EvaluationWarning: Sendable, Equatable {
    /// A yearly revalued figure is older than a year at the evaluation date.
    case figuresOutOfDate(ParameterKey, newest: LocalDate, dueOn: LocalDate)
    /// A figure used is marked unconfirmed in the rule files.
    case unconfirmedFigure(ParameterKey, from: LocalDate)
    /// A field of the input that the engine does not know was ignored.
    case ignoredField(String)
    /// A rule FACTS.md marks unconfirmed decided (`rule.<name>` in the catalogue).
    case unconfirmedRule(String)
}

/// The result for one right.
public struct RightResult: Sendable, Equatable {
    public var right: RightKind
    public var verdict: Verdict
    public var variant: Variant?
    /// C2S with participation: the household's total per month.
    public var monthlyParticipation: Cents?
    /// The annual ceiling (euros) that decided, when a ceiling did.
    public var threshold: Int?
    /// Resources counted, housing flat-rate included, when the test used them.
    public var resourcesCounted: Cents?
    /// The housing flat-rate added to the resources.
    public var housingFlatRate: Cents?
    public var reasons: [Reason]
    public var form: FormID?
    public var documents: [DocumentToBring]
    /// Situation fields that would decide, by their JSON path (`housing`, `household[1].age`).
    public var missing: [String]

    public init(right: RightKind, verdict: Verdict, variant: Variant? = nil, monthlyParticipation: Cents? = nil,
                threshold: Int? = nil, resourcesCounted: Cents? = nil, housingFlatRate: Cents? = nil,
                reasons: [Reason] = [], form: FormID? = nil, documents: [DocumentToBring] = [], missing: [String] = []) {
        self.right = right
        self.verdict = verdict
        self.variant = variant
        self.monthlyParticipation = monthlyParticipation
        self.threshold = threshold
        self.resourcesCounted = resourcesCounted
        self.housingFlatRate = housingFlatRate
        self.reasons = reasons
        self.form = form
        self.documents = documents
        self.missing = missing
    }
}

extension RightResult {
    /// Marks the result `needs_review`, naming what is missing after the reasons found so far.
    mutating func needsReview(_ missing: [String], reasons: [Reason], form: FormID? = nil, documents: [DocumentToBring] = []) {
        verdict = .needsReview
        self.missing = missing
        self.reasons = reasons + [.missing(missing)]
        self.form = form
        self.documents = documents
    }
}

/// What the engine says about a situation on its date.
public struct Evaluation: Sendable, Equatable {
    public var date: LocalDate
    /// In the order PUMa, C2S, AME, médecin traitant.
    public var rights: [RightResult]
    public var orientations: [Orientation]
    public var warnings: [EvaluationWarning]

    /// The result for one right.
    public subscript(_ right: RightKind) -> RightResult {
        rights.first { $0.right == right }!
    }
}
