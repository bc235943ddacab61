/// A sentence the engine means, as a key of the text catalogue and its arguments: the engine never writes
/// words itself. The edge (the kiosk's screens, the documents, `kiosk rights evaluate`) picks the text in the
/// visitor's language from the catalogue (`Kiosk/texts/`) and formats the arguments for that language.
///
/// ```swift
/// Reason.resourcesAtOrBelow(counted: 900_000, ceiling: 18_610, size: 3).message
/// // Message(key: "reason.resources_at_or_below",
/// //         arguments: ["counted": .money(900_000), "ceiling": .wholeEuros(18_610), "size": .integer(3)])
/// ```
public struct Message: Sendable, Equatable, Hashable {
    public var key: String
    public var arguments: [String: MessageArgument]
    public init(_ key: String, _ arguments: [String: MessageArgument] = [:]) {
        self.key = key
        self.arguments = arguments
    }
}

/// One argument of a message, formatted by the edge for the reader's language.
public indirect enum MessageArgument: Sendable, Equatable, Hashable {
    /// Shown as it is (a name, a code the reader knows).
    case text(String)
    /// A count or a number of months; also what plural forms are chosen on.
    case integer(Int)
    /// An amount in cents ("8,70 €", "€8.70").
    case money(Cents)
    /// An amount in whole euros.
    case wholeEuros(Int)
    /// Another message, rendered in the same language (a territory's name, a field's name).
    case message(Message)
    /// Several messages, joined by the language's list separator.
    case list([Message])
}

extension RightKind {
    /// The right's name as people know it: `right.c2s`.
    public var message: Message { Message("right.\(rawValue)") }
    /// Its acronym or short name, for narrow screens: `right.c2s.short`.
    public var shortMessage: Message { Message("right.\(rawValue).short") }
}

extension Verdict {
    public var message: Message { Message("verdict.\(rawValue)") }
}

extension Variant {
    public var message: Message { Message("variant.\(rawValue)") }
}

extension DocumentToBring {
    /// What to bring, in plain words: `document.identity`.
    public var message: Message { Message("document.\(rawValue)") }
}

extension Orientation {
    public var message: Message { Message("orientation.\(rawValue)") }
}

extension Territory {
    public var message: Message { Message("territory.\(rawValue)") }
}

/// Plain names of situation fields, for "missing" reasons: `field.housing`, `field.household_member_age`.
public enum FieldName {
    public static func message(_ path: String) -> Message {
        if path.hasPrefix("household["), path.hasSuffix("].age"), path != "household[0].age",
           let index = Int(path.dropFirst("household[".count).dropLast("].age".count)) {
            return Message("field.household_member_age", ["number": .integer(index + 1)])
        }
        if let known = knownPaths[path] { return Message("field.\(known)") }
        return Message("field.unknown", ["path": .text(path)])
    }

    /// Every path a reason may name, and its catalogue key suffix.
    public static let knownPaths: [String: String] = [
        "territory": "territory", "household": "household", "resources_last_12_months": "resources_last_12_months",
        "housing": "housing", "housing_allowance": "housing_allowance", "residence.status": "residence_status",
        "residence.months_in_france": "residence_months_in_france", "benefits": "benefits",
        "has_medecin_traitant": "has_medecin_traitant", "household[0].age": "applicant_age",
        "residence.eu_situation": "residence_eu_situation",
    ]
}

extension Reason {
    /// The reason as a catalogue key and its arguments (`reason.…`).
    public var message: Message {
        func months(_ months: Int, _ required: Int) -> [String: MessageArgument] { ["months": .integer(months), "required": .integer(required)] }
        switch self {
        case .missing(let fields): return Message("reason.missing", ["fields": .list(fields.map(FieldName.message))])
        case let .resourcesAtOrBelow(counted, ceiling, size):
            return Message("reason.resources_at_or_below", ["counted": .money(counted), "ceiling": .wholeEuros(ceiling), "size": .integer(size)])
        case let .resourcesAbove(counted, ceiling, size):
            return Message("reason.resources_above", ["counted": .money(counted), "ceiling": .wholeEuros(ceiling), "size": .integer(size)])
        case let .housingFlatRateAdded(flat, declared):
            return Message("reason.housing_flat_rate_added", ["flat": .money(flat), "declared": .money(declared)])
        case .housingDoesNotChangeTheAnswer: return Message("reason.housing_does_not_change_the_answer")
        case .overseasRaise(let territory): return Message("reason.overseas_raise", ["territory": .message(territory.message)])
        case .c2sNotInMayotte: return Message("reason.c2s_not_in_mayotte")
        case .c2sNeedsBasicCoverage: return Message("reason.c2s_needs_basic_coverage")
        case .c2sWaitsForBasicCoverage: return Message("reason.c2s_waits_for_basic_coverage")
        case .c2sRSARecipient: return Message("reason.c2s_rsa_recipient")
        case .c2sParticipationBetweenCeilings(let freeCeiling):
            return Message("reason.c2s_participation_between_ceilings", ["free_ceiling": .wholeEuros(freeCeiling)])
        case let .c2sParticipationTotal(total, persons, alsaceMoselle):
            return Message(alsaceMoselle ? "reason.c2s_participation_total_alsace_moselle" : "reason.c2s_participation_total",
                           ["total": .money(total), "size": .integer(persons)])
        case .c2sCouldBeFreeWithRSA: return Message("reason.c2s_could_be_free_with_rsa")
        case .c2sAlreadyHas: return Message("reason.c2s_already_has")
        case .c2sHasPrivateComplementary: return Message("reason.c2s_has_private_complementary")
        case .c2sASPASimplifiedAccessUnconfirmed: return Message("reason.c2s_aspa_simplified_access_unconfirmed")
        case .pumaAlreadyCovered: return Message("reason.puma_already_covered")
        case let .pumaStableResidence(m, required): return Message("reason.puma_stable_residence", months(m, required))
        case .pumaAsylumSeeker: return Message("reason.puma_asylum_seeker")
        case .pumaExemptFromWaiting(let benefit): return Message("reason.puma_exempt_from_waiting", ["benefit": .text(benefit.rawValue.uppercased())])
        case let .pumaTooRecent(m, required): return Message("reason.puma_too_recent", months(m, required))
        case let .residenceAtTheLimit(m, required): return Message("reason.residence_at_the_limit", months(m, required))
        case .pumaIrregularStay: return Message("reason.puma_irregular_stay")
        case .mayotteOwnRegime: return Message("reason.mayotte_own_regime")
        case .ameNotInMayotte: return Message("reason.ame_not_in_mayotte")
        case .ameOnlyForIrregularStay(let status):
            return Message(status == .asylumSeeker ? "reason.ame_asylum_seekers_have_puma" : "reason.ame_only_for_irregular_stay")
        case .ameMinorExempt: return Message("reason.ame_minor_exempt")
        case .ameInactiveEUCitizen: return Message("reason.ame_inactive_eu_citizen")
        case .pumaTemporaryProtection: return Message("reason.puma_temporary_protection")
        case .pumaEUSituationUnknown: return Message("reason.puma_eu_situation_unknown")
        case .pumaInactiveEUCitizen(let required): return Message("reason.puma_inactive_eu_citizen", ["required": .integer(required)])
        case let .ameResidence(m, required): return Message("reason.ame_residence", months(m, required))
        case let .ameTooRecent(m, required): return Message("reason.ame_too_recent", months(m, required))
        case .ameAlreadyHas: return Message("reason.ame_already_has")
        case .medecinTraitantDeclared: return Message("reason.medecin_traitant_declared")
        case .medecinTraitantToDeclare: return Message("reason.medecin_traitant_to_declare")
        case let .medecinTraitantOptional(age, mandatoryAge):
            return Message("reason.medecin_traitant_optional", ["age": .integer(age), "mandatory_age": .integer(mandatoryAge)])
        }
    }
}

extension EvaluationWarning {
    public var message: Message {
        switch self {
        case let .figuresOutOfDate(key, newest, due):
            return Message("warning.figures_out_of_date", ["parameter": .message(key.message), "newest": .text(newest.frenchDate),
                                                           "due": .text(due.frenchDate)])
        case let .unconfirmedFigure(key, from):
            return Message("warning.unconfirmed_figure", ["parameter": .message(key.message), "from": .text(from.frenchDate)])
        case .ignoredField(let name): return Message("warning.ignored_field", ["field": .text(name)])
        case .unconfirmedRule(let rule): return Message("warning.unconfirmed_rule", ["rule": .message(Message("rule.\(rule)"))])
        }
    }

    /// A stable code for machines.
    public var code: String {
        switch self {
        case .figuresOutOfDate: return "figures_out_of_date"
        case .unconfirmedFigure: return "unconfirmed_figure"
        case .ignoredField: return "ignored_field"
        case .unconfirmedRule: return "unconfirmed_rule"
        }
    }
}

extension ParameterKey {
    /// The figure as a mediator names it ("le plafond de la C2S gratuite pour une personne"): `parameter.<key>`.
    public var message: Message { Message("parameter.\(rawValue)") }
}

extension LocalDate {
    /// DD/MM/YYYY, as dates are written on French screens and papers.
    public var frenchDate: String {
        let pad = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return "\(pad(day))/\(pad(month))/\(year)"
    }
}

/// Every message key the engine can emit, for the content check (each must be in the catalogue in French).
public enum RightsMessages {
    public static var keys: [String] {
        var keys = RightKind.allCases.flatMap { [$0.message.key, $0.shortMessage.key] }
        keys += ["eligible", "not_eligible", "needs_review"].map { "verdict.\($0)" }
        keys += ["free", "participation", "affiliation", "already_covered", "to_declare", "declared", "optional"].map { "variant.\($0)" }
        keys += DocumentToBring.allCases.map(\.message.key) + Orientation.allCases.map(\.message.key) + Territory.allCases.map(\.message.key)
        keys += FieldName.knownPaths.values.map { "field.\($0)" } + ["field.household_member_age", "field.unknown"]
        keys += ["missing", "resources_at_or_below", "resources_above", "housing_flat_rate_added", "housing_does_not_change_the_answer",
                 "overseas_raise", "c2s_not_in_mayotte", "c2s_needs_basic_coverage", "c2s_waits_for_basic_coverage", "c2s_rsa_recipient",
                 "c2s_participation_between_ceilings", "c2s_participation_total", "c2s_participation_total_alsace_moselle",
                 "c2s_could_be_free_with_rsa", "c2s_already_has", "c2s_has_private_complementary", "c2s_aspa_simplified_access_unconfirmed",
                 "puma_already_covered", "puma_stable_residence", "puma_asylum_seeker", "puma_exempt_from_waiting", "puma_too_recent",
                 "residence_at_the_limit", "puma_irregular_stay", "mayotte_own_regime", "ame_not_in_mayotte", "ame_asylum_seekers_have_puma",
                 "ame_only_for_irregular_stay", "ame_minor_exempt", "ame_residence", "ame_too_recent", "ame_already_has",
                 "medecin_traitant_declared", "medecin_traitant_to_declare", "medecin_traitant_optional", "puma_temporary_protection",
                 "puma_eu_situation_unknown", "puma_inactive_eu_citizen", "ame_inactive_eu_citizen"].map { "reason.\($0)" }
        keys += ["figures_out_of_date", "unconfirmed_figure", "ignored_field", "unconfirmed_rule"].map { "warning.\($0)" }
        keys += RightsEngine.unconfirmedRules.map { "rule.\($0)" }
        keys += ParameterKey.allCases.map(\.message.key)
        return keys.sorted()
    }
}
