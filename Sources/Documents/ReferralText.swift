import Intake
import Rights

/// The referral letter's "why" and "what was done", built from the visit (pure): what the person came for, the care
/// given up and why, the rights found and what was prepared, what the partner's service is asked for. Every sentence
/// is in the text catalogue (`letter.…`, French: the letter goes to a French desk); "la personne" throughout, so the
/// French agrees without guessing anyone's gender.
public enum ReferralText {
    /// The reason for the referral: need, care given up, rights, the service's part.
    public static func reason(answers: [String: AnswerValue], evaluation: Evaluation?, serviceKind: PartnerService.Kind?,
                              texts: TextCatalogue) -> String {
        var sentences: [String] = []
        if case .choices(let reasons)? = answers["reasons"], !reasons.isEmpty {
            let needs = reasons.compactMap { key(texts, "letter.need.\($0)") }
            if !needs.isEmpty { sentences.append(texts.text("letter.need", "fr", ["needs": .text(list(needs))])) }
        }
        if answers["gave_up_care"] == .choice("yes") {
            var why: [String] = []
            if case .choices(let reasons)? = answers["gave_up_reasons"] { why = reasons.compactMap { key(texts, "letter.gave_up.\($0)") } }
            sentences.append(why.isEmpty ? texts.text("letter.gave_up", "fr") : texts.text("letter.gave_up_because", "fr", ["reasons": .text(list(why))]))
        }
        let found = rights(evaluation, verdict: .eligible, texts)
        if !found.isEmpty { sentences.append(texts.text("letter.rights_found", "fr", ["rights": .text(list(found))])) }
        let review = rights(evaluation, verdict: .needsReview, texts)
        if !review.isEmpty { sentences.append(texts.text("letter.rights_to_check", "fr", ["rights": .text(list(review))])) }
        if let serviceKind, let asked = key(texts, "letter.service.\(serviceKind.rawValue)") { sentences.append(asked) }
        return sentences.isEmpty ? texts.text("letter.no_reason", "fr") : sentences.joined(separator: " ")
    }

    /// What was already done: the rights checked at the permanence and the documents prepared (their names as people say them).
    public static func done(printed: [String], texts: TextCatalogue) -> String {
        var names: [String] = []
        for document in printed where document != DocumentKind.referralLetter.rawValue {
            if let name = TextKeys.documentNames[document].flatMap({ key(texts, $0) }), !names.contains(name) { names.append(name) }
        }
        return names.isEmpty ? texts.text("letter.done", "fr") : texts.text("letter.done_prepared", "fr", ["documents": .text(list(names))])
    }

    /// "a, b et c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " et " + items.last!
    }

    static func key(_ texts: TextCatalogue, _ key: String) -> String? { texts.has(key, "fr") ? texts.text(key, "fr") : nil }

    /// The rights of one verdict the person can act on (not a coverage already held, not a doctor already declared).
    static func rights(_ evaluation: Evaluation?, verdict: Verdict, _ texts: TextCatalogue) -> [String] {
        (evaluation?.rights ?? []).filter { $0.verdict == verdict && ![.alreadyCovered, .declared, .optional].contains($0.variant) }.compactMap { right in
            guard var name = key(texts, "letter.right.\(right.right.rawValue)") else { return nil }
            if right.right == .c2s, let variant = right.variant {
                if variant == .participation, let amount = right.monthlyParticipation, amount > 0 {
                    name += " " + texts.text("letter.c2s_participation", "fr", ["amount": .text(MoneyFormat.frenchEuros(amount))])
                } else if variant == .free {
                    name += " " + texts.text("letter.c2s_free", "fr")
                }
            }
            return name
        }
    }
}

/// The French of a name in a sentence: "de Amina" → "d'Amina", "de Hélène" → "d'Hélène" (mute h taken as the rule).
public enum FrenchElision {
    /// `de` + the name, elided before a vowel or h.
    public static func de(_ name: String) -> String {
        guard let first = name.first else { return "de" }
        let folded = String(first).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        return "aeiouyh".contains(folded) ? "d'\(name)" : "de \(name)"
    }
}
