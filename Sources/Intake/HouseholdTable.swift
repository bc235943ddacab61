import Rights

/// The household as the C2S (Cerfa 12504) and AME (Cerfa 11573) forms ask it: the applicant and up to five other members,
/// each with a name, a birth date, a link to the applicant, and resources of the last 12 months by kind. The mediator enters
/// them (the questions' ids are here, shared by the desk and the forms). Pure.
public enum HouseholdTable {
    /// The applicant and five other members: the forms' table rows.
    public static let rows = 6

    public struct ResourceKind: Sendable {
        public var id: String
        /// As the form's column names it, in French.
        public var label: String
    }

    /// The kinds of resources the forms ask, in their order.
    public static let resourceKinds = [
        ResourceKind(id: "wages", label: "salaires et revenus d'activité"),
        ResourceKind(id: "unemployment", label: "allocations chômage"),
        ResourceKind(id: "pensions", label: "retraites et pensions"),
        ResourceKind(id: "allowances", label: "prestations et allocations"),
        ResourceKind(id: "other", label: "autres ressources"),
    ]

    /// A member's link to the applicant, as the forms write it.
    public static let links: [(value: String, label: String)] = [
        ("spouse", "Conjoint, concubin ou partenaire de PACS"), ("child", "Enfant"), ("other_dependant", "Autre personne à charge"),
    ]

    public static func memberName(_ person: Int) -> String { "member_\(person)_name" }
    public static func resourceID(_ person: Int, _ kind: String) -> String { "resources_\(person)_\(kind)" }

    /// One person's resources of a kind, when entered.
    public static func resource(_ answers: [String: AnswerValue], person: Int, kind: String) -> Fixed4? {
        if case .number(let value)? = answers[resourceID(person, kind)] { return value }
        return nil
    }

    /// The sum of the resources entered by person and kind; nil when none was entered.
    public static func detailedTotal(_ answers: [String: AnswerValue]) -> Fixed4? {
        var total: Fixed4?
        for person in 1...rows {
            for kind in resourceKinds {
                if let value = resource(answers, person: person, kind: kind.id) { total = Fixed4(raw: (total?.raw ?? 0) + value.raw) }
            }
        }
        return total
    }

    /// How many rows of the table are filled: the applicant, then each member named.
    public static func members(_ answers: [String: AnswerValue]) -> Int {
        var count = 1
        while count < rows, case .text(let name)? = answers[memberName(count + 1)], !name.isEmpty { count += 1 }
        return count
    }
}
