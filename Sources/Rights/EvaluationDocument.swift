/// The evaluation as the JSON contract of `kiosk rights evaluate` writes it, in one language.
///
/// Amounts are euros (numbers); reasons, documents, orientations and warnings are
/// sentences in the chosen language, with stable codes beside them for machines.
public struct EvaluationDocument: Encodable, Sendable {
    public struct Right: Encodable, Sendable {
        public var right: String
        public var name: String
        public var verdict: String
        public var variant: String?
        public var monthlyParticipation: Double?
        public var threshold: Int?
        public var resourcesCounted: Double?
        public var housingFlatRate: Double?
        public var reasons: [String]
        public var form: String?
        public var documents: [String]
        public var documentCodes: [String]
        public var missing: [String]

        enum CodingKeys: String, CodingKey {
            case right, name, verdict, variant, monthlyParticipation = "monthly_participation", threshold
            case resourcesCounted = "resources_counted", housingFlatRate = "housing_flat_rate"
            case reasons, form, documents, documentCodes = "document_codes", missing
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(right, forKey: .right)
            try container.encode(name, forKey: .name)
            try container.encode(verdict, forKey: .verdict)
            try container.encodeIfPresent(variant, forKey: .variant)
            try container.encodeIfPresent(monthlyParticipation, forKey: .monthlyParticipation)
            try container.encodeIfPresent(threshold, forKey: .threshold)
            try container.encodeIfPresent(resourcesCounted, forKey: .resourcesCounted)
            try container.encodeIfPresent(housingFlatRate, forKey: .housingFlatRate)
            try container.encode(reasons, forKey: .reasons)
            try container.encodeIfPresent(form, forKey: .form)
            try container.encode(documents, forKey: .documents)
            try container.encode(documentCodes, forKey: .documentCodes)
            try container.encode(missing, forKey: .missing)
        }
    }

    public struct Coded: Encodable, Sendable {
        public var code: String
        public var message: String
    }

    public var date: String
    public var language: String
    public var rights: [Right]
    public var orientations: [Coded]
    public var warnings: [Coded]

    enum CodingKeys: String, CodingKey { case date, language, rights, orientations, warnings }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(date, forKey: .date)
        try container.encode(language, forKey: .language)
        try container.encode(rights, forKey: .rights)
        try container.encode(orientations, forKey: .orientations)
        try container.encode(warnings, forKey: .warnings)
    }

    public init(_ evaluation: Evaluation, language: Language) {
        func euros(_ cents: Cents?) -> Double? { cents.map { Double($0) / 100 } }
        date = evaluation.date.description
        self.language = language.rawValue
        rights = evaluation.rights.map { result in
            Right(right: result.right.rawValue, name: result.right.name(language), verdict: result.verdict.rawValue,
                  variant: result.variant?.rawValue, monthlyParticipation: euros(result.monthlyParticipation),
                  threshold: result.threshold, resourcesCounted: euros(result.resourcesCounted),
                  housingFlatRate: euros(result.housingFlatRate),
                  reasons: result.reasons.map { $0.text(language) }, form: result.form?.rawValue,
                  documents: result.documents.map { $0.text(language) }, documentCodes: result.documents.map(\.rawValue),
                  missing: result.missing)
        }
        orientations = evaluation.orientations.map { Coded(code: $0.rawValue, message: $0.text(language)) }
        warnings = evaluation.warnings.map { Coded(code: $0.code, message: $0.text(language)) }
    }
}

/// The evaluation as text for a person reading a terminal.
public enum EvaluationReport {
    public static func text(_ evaluation: Evaluation, language: Language) -> String {
        let fr = language == .fr
        var lines: [String] = []
        lines.append(fr ? "Droits au \(evaluation.date)" : "Rights on \(evaluation.date)")
        for result in evaluation.rights {
            var heading = "\n■ \(result.right.name(language))\(fr ? " : " : ": ")\(result.verdict.text(language))"
            if let variant = result.variant { heading += " (\(variant.text(language)))" }
            lines.append(heading)
            if let participation = result.monthlyParticipation, participation > 0 {
                lines.append("  " + (fr ? "Participation : " : "Participation: ") + MoneyFormat.euros(participation, language) + (fr ? " par mois" : " a month"))
            }
            for reason in result.reasons { lines.append("  - " + reason.text(language)) }
            if let form = result.form { lines.append("  " + (fr ? "Formulaire : " : "Form: ") + form.rawValue) }
            if !result.documents.isEmpty {
                lines.append("  " + (fr ? "À apporter :" : "To bring:"))
                for document in result.documents { lines.append("    □ " + document.text(language)) }
            }
        }
        if !evaluation.orientations.isEmpty {
            lines.append("\n" + (fr ? "Orientations :" : "Where to go next:"))
            for orientation in evaluation.orientations { lines.append("  → " + orientation.text(language)) }
        }
        if !evaluation.warnings.isEmpty {
            lines.append("\n" + (fr ? "Attention :" : "Warnings:"))
            for warning in evaluation.warnings { lines.append("  ! " + warning.text(language)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

