/// Languages the engine's reasons are written in. French is the source.
public enum Language: String, CaseIterable, Sendable, Codable {
    case fr, en
}

extension RightKind {
    /// The right's name as people know it.
    public func name(_ language: Language) -> String {
        switch (self, language) {
        case (.puma, .fr): return "Protection universelle maladie (PUMa)"
        case (.puma, .en): return "Basic health coverage (PUMa)"
        case (.c2s, .fr): return "Complémentaire santé solidaire (C2S)"
        case (.c2s, .en): return "Free or low-cost complementary coverage (C2S)"
        case (.ame, .fr): return "Aide médicale de l'État (AME)"
        case (.ame, .en): return "State medical aid (AME)"
        case (.medecinTraitant, .fr): return "Médecin traitant"
        case (.medecinTraitant, .en): return "Regular doctor (médecin traitant)"
        }
    }
}

extension Verdict {
    public func text(_ language: Language) -> String {
        switch (self, language) {
        case (.eligible, .fr): return "droit probable"
        case (.eligible, .en): return "probably entitled"
        case (.notEligible, .fr): return "pas de droit"
        case (.notEligible, .en): return "not entitled"
        case (.needsReview, .fr): return "à vérifier avec le médiateur"
        case (.needsReview, .en): return "to check with the mediator"
        }
    }
}

extension Variant {
    public func text(_ language: Language) -> String {
        switch (self, language) {
        case (.free, .fr): return "sans participation"
        case (.free, .en): return "free"
        case (.participation, .fr): return "avec participation"
        case (.participation, .en): return "with a monthly participation"
        case (.affiliation, .fr): return "demande d'ouverture des droits"
        case (.affiliation, .en): return "request to open rights"
        case (.alreadyCovered, .fr): return "déjà couvert"
        case (.alreadyCovered, .en): return "already covered"
        case (.toDeclare, .fr): return "à déclarer"
        case (.toDeclare, .en): return "to declare"
        case (.declared, .fr): return "déjà déclaré"
        case (.declared, .en): return "already declared"
        case (.optional, .fr): return "facultatif"
        case (.optional, .en): return "optional"
        }
    }
}

extension DocumentToBring {
    /// What to bring, in plain words.
    public func text(_ language: Language) -> String {
        switch (self, language) {
        case (.identity, .fr): return "Une pièce d'identité (carte d'identité, passeport ou titre de séjour)"
        case (.identity, .en): return "An identity document (ID card, passport or residence permit)"
        case (.identityAME, .fr): return "Une pièce d'identité : passeport, carte d'identité, acte de naissance ou ancien titre de séjour"
        case (.identityAME, .en): return "An identity document: passport, ID card, birth certificate or an old residence permit"
        case (.proofOfAddress, .fr): return "Un justificatif de domicile (facture, quittance de loyer, attestation d'hébergement ou de domiciliation)"
        case (.proofOfAddress, .en): return "Proof of address (a bill, a rent receipt, a certificate from your host or a domiciliation certificate)"
        case (.resourcesOfAllMembers, .fr): return "Les ressources des 12 derniers mois de chaque personne du foyer (bulletins de salaire, attestations de la CAF, de France Travail, pensions)"
        case (.resourcesOfAllMembers, .en): return "Income of the last 12 months for every person in the household (payslips, CAF or France Travail statements, pensions)"
        case (.bankDetails, .fr): return "Un relevé d'identité bancaire (RIB)"
        case (.bankDetails, .en): return "Your bank details (RIB)"
        case (.proofOfPresenceOver3Months, .fr): return "Une preuve de présence en France depuis plus de 3 mois (tampon d'entrée, bail ou quittances, factures, facture d'hôtel, attestation d'hébergement ou de domiciliation, papiers d'hôpital)"
        case (.proofOfPresenceOver3Months, .en): return "Proof that you have lived in France for more than 3 months (entry stamp, lease or rent receipts, bills, hotel bill, host's certificate, domiciliation certificate, hospital papers)"
        case (.residencePermit, .fr): return "Votre titre de séjour ou récépissé"
        case (.residencePermit, .en): return "Your residence permit or receipt"
        case (.birthCertificateWithParents, .fr): return "Un acte de naissance avec le nom des parents"
        case (.birthCertificateWithParents, .en): return "A birth certificate with your parents' names"
        case (.asylumCertificate, .fr): return "L'attestation de demande d'asile"
        case (.asylumCertificate, .en): return "Your asylum application certificate"
        case (.carteVitaleOrCertificate, .fr): return "Votre carte Vitale ou votre attestation de droits"
        case (.carteVitaleOrCertificate, .en): return "Your Carte Vitale or your certificate of rights"
        }
    }
}

extension Orientation {
    public func text(_ language: Language) -> String {
        switch (self, language) {
        case (.cpam, .fr): return "CPAM : déposer les demandes de droits"
        case (.cpam, .en): return "CPAM (health insurance office): file the requests"
        case (.pass, .fr): return "PASS de l'hôpital : se soigner maintenant, même sans couverture"
        case (.pass, .en): return "Hospital PASS service: get care now, even without coverage"
        case (.medecinsSolidaires, .fr): return "Centre Médecins Solidaires : trouver un médecin traitant"
        case (.medecinsSolidaires, .en): return "Médecins Solidaires centre: find a regular doctor"
        }
    }
}

extension Territory {
    public func name(_ language: Language) -> String {
        switch (self, language) {
        case (.metropole, .fr): return "métropole"
        case (.metropole, .en): return "mainland France"
        case (.alsaceMoselle, _): return "Alsace-Moselle"
        case (.guadeloupe, _): return "Guadeloupe"
        case (.martinique, _): return "Martinique"
        case (.guyane, .fr): return "Guyane"
        case (.guyane, .en): return "French Guiana"
        case (.reunion, _): return "La Réunion"
        case (.mayotte, _): return "Mayotte"
        }
    }
}

/// Plain names of situation fields, for "missing" reasons.
public enum FieldName {
    public static func text(_ path: String, _ language: Language) -> String {
        let fr = language == .fr
        switch path {
        case "territory": return fr ? "le territoire (métropole, Alsace-Moselle, outre-mer)" : "the territory (mainland, Alsace-Moselle, overseas)"
        case "household": return fr ? "la composition du foyer" : "who lives in the household"
        case "resources_last_12_months": return fr ? "les ressources du foyer sur 12 mois" : "the household's income over 12 months"
        case "housing": return fr ? "le logement (locataire, propriétaire, hébergé, sans domicile)" : "the housing (tenant, owner, housed free, homeless)"
        case "housing_allowance": return fr ? "si le foyer touche une aide au logement" : "whether the household gets a housing allowance"
        case "residence.status": return fr ? "la situation de séjour" : "the residence status"
        case "residence.months_in_france": return fr ? "depuis combien de mois la personne vit en France (date d'arrivée exacte)" : "how many months the person has lived in France (exact arrival date)"
        case "benefits": return fr ? "les aides touchées (RSA, AAH, ASPA, ASS)" : "the benefits received (RSA, AAH, ASPA, ASS)"
        case "has_medecin_traitant": return fr ? "si la personne a un médecin traitant" : "whether the person has a regular doctor"
        case "household[0].age": return fr ? "l'âge du demandeur" : "the applicant's age"
        default:
            if path.hasPrefix("household["), path.hasSuffix("].age"),
               let index = Int(path.dropFirst("household[".count).dropLast("].age".count)) {
                return fr ? "l'âge de la personne \(index + 1) du foyer" : "the age of person \(index + 1) in the household"
            }
            return path
        }
    }
}

extension Reason {
    /// The reason in plain words, short sentences.
    public func text(_ language: Language) -> String {
        let fr = language == .fr
        func euros(_ cents: Cents) -> String { MoneyFormat.euros(cents, language) }
        func wholeEuros(_ value: Int) -> String { MoneyFormat.euros(whole: value, language) }
        func persons(_ size: Int) -> String {
            fr ? (size == 1 ? "1 personne" : "\(size) personnes") : (size == 1 ? "1 person" : "\(size) persons")
        }
        switch self {
        case .missing(let fields):
            let names = fields.map { FieldName.text($0, language) }.joined(separator: fr ? " ; " : "; ")
            return fr ? "Il manque une information pour décider : \(names)." : "Missing to decide: \(names)."
        case let .resourcesAtOrBelow(counted, ceiling, size):
            return fr
                ? "Ressources comptées : \(euros(counted)) par an. Le plafond pour \(persons(size)) est \(wholeEuros(ceiling)). Elles ne le dépassent pas."
                : "Income counted: \(euros(counted)) a year. The ceiling for \(persons(size)) is \(wholeEuros(ceiling)). It is not above it."
        case let .resourcesAbove(counted, ceiling, size):
            return fr
                ? "Ressources comptées : \(euros(counted)) par an. C'est plus que le plafond de \(wholeEuros(ceiling)) pour \(persons(size))."
                : "Income counted: \(euros(counted)) a year. This is above the ceiling of \(wholeEuros(ceiling)) for \(persons(size))."
        case let .housingFlatRateAdded(flat, declared):
            return fr
                ? "Un forfait logement de \(euros(flat)) est ajouté aux ressources déclarées (\(euros(declared)))."
                : "A housing flat-rate of \(euros(flat)) is added to the declared income (\(euros(declared)))."
        case .housingDoesNotChangeTheAnswer:
            return fr ? "Le logement n'est pas connu, mais il ne change pas la réponse." : "The housing is not known, but it does not change the answer."
        case .overseasRaise(let territory):
            return fr ? "Les plafonds sont majorés en \(territory.name(.fr))." : "Ceilings are higher in \(territory.name(.en))."
        case .c2sNotInMayotte:
            return fr ? "La C2S n'existe pas à Mayotte, qui a son propre régime. Voir la CSSM." : "C2S does not exist in Mayotte, which has its own system. See the CSSM."
        case .c2sNeedsBasicCoverage:
            return fr ? "La C2S complète l'Assurance maladie de base. Sans séjour régulier, c'est l'AME qui s'applique." : "C2S tops up basic health insurance. Without a regular stay, AME applies instead."
        case .c2sWaitsForBasicCoverage:
            return fr ? "Il faut d'abord être couvert par l'Assurance maladie de base (PUMa)." : "Basic health insurance (PUMa) must come first."
        case .c2sRSARecipient:
            return fr ? "Les personnes au RSA ont droit à la C2S sans participation, sans examen des ressources." : "People on RSA get free C2S, with no income test."
        case .c2sParticipationBetweenCeilings(let freeCeiling):
            return fr
                ? "Les ressources dépassent le plafond de la C2S sans participation (\(wholeEuros(freeCeiling))) : C2S avec une petite participation chaque mois."
                : "Income is above the ceiling for free C2S (\(wholeEuros(freeCeiling))): C2S with a small monthly participation."
        case let .c2sParticipationTotal(total, persons, alsaceMoselle):
            let regime = alsaceMoselle ? (fr ? " (montants du régime d'Alsace-Moselle)" : " (Alsace-Moselle amounts)") : ""
            return fr
                ? "Participation du foyer : \(euros(total)) par mois pour \(persons == 1 ? "1 personne" : "\(persons) personnes"), selon l'âge de chacun\(regime)."
                : "Household participation: \(euros(total)) a month for \(persons == 1 ? "1 person" : "\(persons) persons"), by each person's age\(regime)."
        case .c2sCouldBeFreeWithRSA:
            return fr ? "Avec le RSA, la C2S serait sans participation : dire si le foyer touche le RSA." : "With RSA, C2S would be free: say whether the household gets RSA."
        case .c2sAlreadyHas:
            return fr ? "La personne a déjà la C2S : penser à la renouveler 2 mois avant la fin." : "The person already has C2S: renew it 2 months before it ends."
        case .c2sHasPrivateComplementary:
            return fr ? "La personne a une mutuelle privée : avec la C2S, elle peut la résilier." : "The person has a private top-up insurance: with C2S they can cancel it."
        case .c2sASPASimplifiedAccessUnconfirmed:
            return fr ? "Avec l'ASPA, l'accès à la C2S avec participation est simplifié (règle non confirmée : vérifier avec la CPAM)." : "With ASPA, access to C2S with participation is simpler (unconfirmed rule: check with the CPAM)."
        case .pumaAlreadyCovered:
            return fr ? "La personne est déjà couverte par l'Assurance maladie. Vérifier que la carte Vitale est à jour." : "The person already has basic health insurance. Check that the Carte Vitale is up to date."
        case let .pumaStableResidence(months, required):
            return fr
                ? "La personne vit en France de façon stable et régulière depuis \(months) mois (plus de \(required) mois)."
                : "The person has lived in France stably and regularly for \(months) months (more than \(required) months)."
        case .pumaAsylumSeeker:
            return fr ? "Les demandeurs d'asile ont droit à la PUMa sans délai." : "Asylum seekers get PUMa with no waiting time."
        case .pumaExemptFromWaiting(let benefit):
            let name = benefit.rawValue.uppercased()
            return fr ? "Avec l'\(name), pas besoin d'attendre 3 mois de résidence." : "With \(name), there is no 3-month waiting time."
        case let .pumaTooRecent(months, required):
            return fr
                ? "La personne vit en France depuis \(months) mois. Il faut plus de \(required) mois. En attendant : PASS de l'hôpital."
                : "The person has lived in France for \(months) months. More than \(required) months are needed. Meanwhile: the hospital PASS service."
        case let .residenceAtTheLimit(months, required):
            return fr
                ? "\(months) mois en France : c'est la limite de \(required) mois. Vérifier la date exacte d'arrivée."
                : "\(months) months in France: this is the \(required)-month limit. Check the exact date of arrival."
        case .pumaIrregularStay:
            return fr ? "Sans séjour régulier, pas de PUMa : voir l'AME." : "Without a regular stay, no PUMa: see AME."
        case .mayotteOwnRegime:
            return fr ? "Mayotte a son propre régime de sécurité sociale : voir la CSSM." : "Mayotte has its own social security system: see the CSSM."
        case .ameNotInMayotte:
            return fr ? "L'AME ne s'applique pas à Mayotte : voir la CSSM ou l'hôpital." : "AME does not apply in Mayotte: see the CSSM or the hospital."
        case .ameOnlyForIrregularStay(let status):
            if status == .asylumSeeker {
                return fr ? "Les demandeurs d'asile sont couverts par la PUMa, pas par l'AME." : "Asylum seekers are covered by PUMa, not AME."
            }
            return fr ? "L'AME est pour les personnes sans titre de séjour. Ici, c'est la PUMa." : "AME is for people without a residence permit. Here, PUMa applies."
        case .ameMinorExempt:
            return fr ? "Pour un mineur, pas de condition de 3 mois de présence." : "For a minor, there is no 3-month condition."
        case let .ameResidence(months, required):
            return fr
                ? "La personne vit en France depuis \(months) mois sans interruption (plus de \(required) mois)."
                : "The person has lived in France for \(months) months without a break (more than \(required) months)."
        case let .ameTooRecent(months, required):
            return fr
                ? "La personne vit en France depuis \(months) mois. Il faut plus de \(required) mois. En attendant : soins urgents à l'hôpital, PASS."
                : "The person has lived in France for \(months) months. More than \(required) months are needed. Meanwhile: urgent care at the hospital, PASS."
        case .ameAlreadyHas:
            return fr ? "La personne a déjà l'AME : la renouveler chaque année." : "The person already has AME: renew it every year."
        case .medecinTraitantDeclared:
            return fr ? "La personne a déjà un médecin traitant." : "The person already has a regular doctor."
        case .medecinTraitantToDeclare:
            return fr ? "Sans médecin traitant, on est moins bien remboursé. Déclarer un médecin traitant, par exemple dans un centre Médecins Solidaires." : "Without a regular doctor, you are refunded less. Declare one, for example at a Médecins Solidaires centre."
        case let .medecinTraitantOptional(age, mandatoryAge):
            return fr
                ? "À \(age) ans, le médecin traitant est facultatif (obligatoire à partir de \(mandatoryAge) ans)."
                : "At \(age), a regular doctor is optional (expected from age \(mandatoryAge))."
        }
    }
}

extension EvaluationWarning {
    public func text(_ language: Language) -> String {
        let fr = language == .fr
        switch self {
        case let .figuresOutOfDate(key, newest, due):
            return fr
                ? "Chiffres peut-être périmés : la dernière valeur connue de \(key.rawValue) date du \(newest) ; une revalorisation était prévue le \(due). Vérifier les montants en vigueur."
                : "Figures may be out of date: the newest known value of \(key.rawValue) is from \(newest); a revaluation was due on \(due). Check the amounts in force."
        case let .unconfirmedFigure(key, from):
            return fr
                ? "Chiffre non confirmé utilisé : \(key.rawValue) (valeur du \(from)). Vérifier avant de conclure."
                : "Unconfirmed figure used: \(key.rawValue) (value from \(from)). Check before concluding."
        case .ignoredField(let name):
            return fr ? "Champ inconnu ignoré : \(name)." : "Unknown field ignored: \(name)."
        }
    }

    /// A stable code for machines.
    public var code: String {
        switch self {
        case .figuresOutOfDate: return "figures_out_of_date"
        case .unconfirmedFigure: return "unconfirmed_figure"
        case .ignoredField: return "ignored_field"
        }
    }
}
