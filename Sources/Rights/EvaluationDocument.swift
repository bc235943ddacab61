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

    /// `render` turns the engine's messages into sentences of `language` (the text catalogue does, at the edge).
    public init(_ evaluation: Evaluation, language: String, render: (Message) -> String) {
        func euros(_ cents: Cents?) -> Double? { cents.map { Double($0) / 100 } }
        date = evaluation.date.description
        self.language = language
        rights = evaluation.rights.map { result in
            Right(right: result.right.rawValue, name: render(result.right.message), verdict: result.verdict.rawValue,
                  variant: result.variant?.rawValue, monthlyParticipation: euros(result.monthlyParticipation),
                  threshold: result.threshold, resourcesCounted: euros(result.resourcesCounted),
                  housingFlatRate: euros(result.housingFlatRate),
                  reasons: result.reasons.map { render($0.message) }, form: result.form?.rawValue,
                  documents: result.documents.map { render($0.message) }, documentCodes: result.documents.map(\.rawValue),
                  missing: result.missing)
        }
        orientations = evaluation.orientations.map { Coded(code: $0.rawValue, message: render($0.message)) }
        warnings = evaluation.warnings.map { Coded(code: $0.code, message: render($0.message)) }
    }
}

/// The evaluation as text for a person reading a terminal; every word from the catalogue (`report.…` keys).
public enum EvaluationReport {
    public static func text(_ evaluation: Evaluation, render: (Message) -> String) -> String {
        var lines: [String] = []
        lines.append(render(Message("report.rights_on", ["date": .text(evaluation.date.description)])))
        for result in evaluation.rights {
            var heading = "\n■ " + render(Message("report.right_heading", ["right": .message(result.right.message), "verdict": .message(result.verdict.message)]))
            if let variant = result.variant { heading += " (\(render(variant.message)))" }
            lines.append(heading)
            if let participation = result.monthlyParticipation, participation > 0 {
                lines.append("  " + render(Message("report.participation", ["amount": .money(participation)])))
            }
            for reason in result.reasons { lines.append("  - " + render(reason.message)) }
            if let form = result.form { lines.append("  " + render(Message("report.form", ["form": .text(form.rawValue)]))) }
            if !result.documents.isEmpty {
                lines.append("  " + render(Message("report.to_bring")))
                for document in result.documents { lines.append("    □ " + render(document.message)) }
            }
        }
        if !evaluation.orientations.isEmpty {
            lines.append("\n" + render(Message("report.orientations")))
            for orientation in evaluation.orientations { lines.append("  → " + render(orientation.message)) }
        }
        if !evaluation.warnings.isEmpty {
            lines.append("\n" + render(Message("report.warnings")))
            for warning in evaluation.warnings { lines.append("  ! " + render(warning.message)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The catalogue keys the report uses.
    public static let keys = ["report.rights_on", "report.right_heading", "report.participation", "report.form", "report.to_bring",
                              "report.orientations", "report.warnings"]
}
