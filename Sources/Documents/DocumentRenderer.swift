import Foundation
import Intake
import Mustache
import Rights
import Yams

/// The documents the box prints for a visit.
public enum DocumentKind: String, CaseIterable, Sendable {
    case c2sRequest = "cerfa-12504"
    case ameRequest = "cerfa-11573"
    case medecinTraitantDeclaration = "cerfa-12485"
    case pumaRequest = "puma-request"
    case referralLetter = "referral-letter"
    case checklist
}

/// The checklist's words in every kiosk language (`Printing/checklist.yaml`).
public struct ChecklistText: Sendable {
    public var title: LocalizedText
    public var nextPermanence: LocalizedText
    public var rights: [String: LocalizedText]
    public var documents: [String: LocalizedText]

    /// Reads the file; every document code and right of the engine must be there, in French at least.
    public static func load(file: String, text: String) -> (text: ChecklistText?, problems: [String]) {
        var problems: [String] = []
        guard let root = try? Yams.compose(yaml: text), let top = root.mapping else { return (nil, ["\(file):1: checklist: not a YAML mapping"]) }
        func texts(_ node: Node?, _ key: String) -> LocalizedText {
            var values: [String: String] = [:]
            for (language, value) in node?.mapping ?? [:] { values[language.scalar?.string ?? ""] = value.scalar?.string ?? "" }
            if values["fr"] == nil { problems.append("\(file):\(node?.mark?.line ?? 1): \(key): missing in French") }
            return LocalizedText(values)
        }
        func table(_ name: String, _ keys: [String]) -> [String: LocalizedText] {
            var result: [String: LocalizedText] = [:]
            let mapping = top[name]?.mapping
            for key in keys {
                guard let node = mapping?[key] else {
                    problems.append("\(file):\(top[name]?.mark?.line ?? 1): \(key): missing from \(name)")
                    continue
                }
                result[key] = texts(node, key)
            }
            return result
        }
        let checklist = ChecklistText(title: texts(top["title"], "title"), nextPermanence: texts(top["next_permanence"], "next_permanence"),
                                      rights: table("rights", RightKind.allCases.map(\.rawValue)),
                                      documents: table("documents", DocumentToBring.allCases.map(\.rawValue)))
        return (problems.isEmpty ? checklist : nil, problems)
    }
}

/// Layouts, letter templates and the checklist's words, loaded from `Printing/`.
public struct PrintingContent: Sendable {
    public var layouts: [String: FormLayout]
    public var letters: [String: MustacheTemplate]
    public var checklist: ChecklistText

    /// Loads `forms/*.yaml` and `letters/*.mustache`; every problem names the file, line and field.
    public static func load(directory: URL, questionIDs: Set<String>) -> (content: PrintingContent?, problems: [String]) {
        var problems: [String] = []
        var layouts: [String: FormLayout] = [:]
        let forms = directory.appendingPathComponent("forms")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: forms.path)) ?? []).filter({ $0.hasSuffix(".yaml") }).sorted() {
            let path = forms.appendingPathComponent(name).path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { problems.append("\(path):0: file: cannot be read"); continue }
            let loaded = FormLayout.load(file: path, text: text, questionIDs: questionIDs)
            problems += loaded.problems
            if let layout = loaded.layout { layouts[layout.form] = layout }
        }
        var letters: [String: MustacheTemplate] = [:]
        let letterDirectory = directory.appendingPathComponent("letters")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: letterDirectory.path)) ?? []).filter({ $0.hasSuffix(".mustache") }).sorted() {
            let path = letterDirectory.appendingPathComponent(name).path
            do {
                letters[String(name.dropLast(".mustache".count))] = try MustacheTemplate(string: try String(contentsOfFile: path, encoding: .utf8))
            } catch {
                problems.append("\(path):0: template: \(error)")
            }
        }
        for form in ["cerfa-12504", "cerfa-11573", "cerfa-12485", "puma-request"] where layouts[form] == nil {
            problems.append("\(forms.path):0: \(form): no layout for this form")
        }
        let checklistPath = directory.appendingPathComponent("checklist.yaml").path
        var checklist: ChecklistText?
        if let text = try? String(contentsOfFile: checklistPath, encoding: .utf8) {
            let loaded = ChecklistText.load(file: checklistPath, text: text)
            checklist = loaded.text
            problems += loaded.problems
        } else {
            problems.append("\(checklistPath):0: checklist: missing")
        }
        guard problems.isEmpty, let checklist else { return (nil, problems) }
        return (PrintingContent(layouts: layouts, letters: letters, checklist: checklist), [])
    }
}

/// Renders a visit's documents to PDF (pure: everything comes in as values).
public struct DocumentRenderer: Sendable {
    public var printing: PrintingContent
    public var content: KioskContent
    public var engine: RightsEngine
    public var placeName: String

    public init(printing: PrintingContent, content: KioskContent, engine: RightsEngine, placeName: String) {
        self.printing = printing
        self.content = content
        self.engine = engine
        self.placeName = placeName
    }

    /// The PDF, and the characters that had to be transliterated.
    public func render(_ kind: DocumentKind, visit: PrintVisit) throws -> (pdf: Data, replaced: [Character]) {
        let evaluation = visit.evaluation(questionnaires: content.questionnaires, engine: engine)
        var pdf: PDFWriter
        switch kind {
        case .checklist: pdf = checklist(visit, evaluation)
        case .referralLetter: pdf = try referralLetter(visit)
        default:
            guard let layout = printing.layouts[kind.rawValue] else { throw DocumentError("\(kind.rawValue): no layout in Printing/forms") }
            pdf = form(layout, visit, evaluation)
        }
        return (pdf.render(), pdf.replacedCharacters)
    }

    static func frenchDate(_ iso: String) -> String {
        guard let date = LocalDate(iso: iso) else { return iso }
        return String(format: "%02d/%02d/%04d", date.day, date.month, date.year)
    }

    func question(_ id: String) -> Question? { content.questionnaires.lazy.compactMap { $0.question(id) }.first }

    /// The value of a layout source for this visit.
    func value(_ source: String, _ visit: PrintVisit, _ evaluation: Evaluation?) -> (text: String, checked: Bool) {
        let parts = source.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return ("", false) }
        let identity = visit.identity
        switch (parts[0], parts[1]) {
        case ("identity", "last_name"): return (identity.lastName ?? "", false)
        case ("identity", "first_names"): return (identity.firstNames ?? "", false)
        case ("identity", "birth_date"):
            guard let birth = identity.birthDate.flatMap(LocalDate.init(iso:)) else { return ("", false) }
            return (String(format: "%02d%02d%04d", birth.day, birth.month, birth.year), false)
        case ("identity", "address"): return (identity.address ?? "", false)
        case ("identity", "postcode"): return (identity.postcode ?? "", false)
        case ("identity", "city"): return (identity.city ?? "", false)
        case ("identity", "nir"): return ((identity.nir ?? "").filter { !$0.isWhitespace }, false)
        case ("mediator", "name"): return (visit.mediator?.name ?? "", false)
        case ("mediator", "organisation"): return (visit.mediator?.organisation ?? "", false)
        case ("mediator", "phone"): return (visit.mediator?.phone ?? "", false)
        case ("answers", let id):
            guard let answer = visit.answers[id], let question = question(id) else { return ("", false) }
            let text = answer.displayText(for: question, language: "fr", communes: content.communes, dontKnow: "ne sait pas")
            return (text, answer == .choice("yes"))
        case ("computed", let name):
            let c2s = evaluation?[.c2s]
            switch name {
            case "date": return (Self.frenchDate(visit.date), false)
            case "household_size": return (evaluation.map { _ in householdSize(visit) } ?? "", false)
            case "resources":
                guard case .number(let number)? = visit.answers["resources_12_months"] else { return ("", false) }
                return (MoneyFormat.euros(number.raw / 100, .fr), false)
            case "c2s_free": return ("", c2s?.verdict == .eligible && c2s?.variant == .free)
            case "c2s_participation": return ("", c2s?.variant == .participation && c2s?.verdict != .notEligible)
            case "monthly_participation": return (c2s?.monthlyParticipation.map { MoneyFormat.euros($0, .fr) } ?? "", false)
            case "ame_eligible": return ("", evaluation?[.ame].verdict == .eligible)
            case "puma_eligible": return ("", evaluation?[.puma].verdict == .eligible)
            case "has_medecin_traitant": return ("", visit.answers["has_medecin_traitant"] == .choice("yes"))
            case "applicant_age":
                guard case .number(let year)? = visit.answers["birth_year"], let day = LocalDate(iso: visit.date), let birth = year.integerValue else { return ("", false) }
                return ("\(day.year - birth)", false)
            default: return ("", false)
            }
        default:
            return ("", false)
        }
    }

    func householdSize(_ visit: PrintVisit) -> String {
        let situation = SituationBuilder.build(answers: visit.answers, questionnaires: content.questionnaires,
                                               date: LocalDate(iso: visit.date) ?? Situation.earliestDate, territory: .metropole)
        return situation.household.map { "\($0.count)" } ?? ""
    }

    /// A prefilled form: the layout's fixed texts, each field's label and value.
    func form(_ layout: FormLayout, _ visit: PrintVisit, _ evaluation: Evaluation?) -> PDFWriter {
        var pdf = PDFWriter(title: layout.title)
        for page in layout.pages {
            pdf.newPage()
            pdf.text(layout.title, x: 15, y: 18, size: 14, font: .bold)
            pdf.text(layout.reference, x: 15, y: 24, size: 9)
            pdf.text("Pré-rempli au kiosque Permanence le \(Self.frenchDate(visit.date)) — à vérifier avec la personne et à signer.", x: 15, y: 29, size: 8)
            pdf.line(from: (15, 31), to: (195, 31))
            for text in page.texts { pdf.text(text.text, x: text.x, y: text.y, size: text.size, font: text.bold ? .bold : .regular) }
            for field in page.fields {
                let filled = value(field.source, visit, evaluation)
                switch field.kind {
                case .boxes:
                    pdf.text(field.label, x: field.x, y: field.y - 1.5, size: 8)
                    pdf.boxedField(filled.text, x: field.x, y: field.y, boxes: field.boxes)
                case .checkbox:
                    pdf.checkBox(x: field.x, y: field.y - 3.5, checked: filled.checked)
                    pdf.text(field.label, x: field.x + 6, y: field.y, size: 9)
                case .text:
                    pdf.text(field.label, x: field.x, y: field.y - 5, size: 8)
                    pdf.paragraph(filled.text.isEmpty ? "…" : filled.text, x: field.x, y: field.y, width: field.width, size: 11)
                }
            }
            pdf.text("Signature :", x: 120, y: 265, size: 10)
            pdf.rectangle(x: 120, y: 267, width: 75, height: 18)
        }
        return pdf
    }

    /// The visitor's list of papers to bring, in French and, below each line, in the visitor's language.
    func checklist(_ visit: PrintVisit, _ evaluation: Evaluation?) -> PDFWriter {
        let words = printing.checklist
        let language = visit.language
        let bilingual = language != "fr"
        func both(_ text: LocalizedText) -> (String, String?) {
            let french = text["fr"]
            let other = text.text(language)
            return (french, bilingual && !other.isFallback && other.text != french ? other.text : nil)
        }
        var pdf = PDFWriter(title: words.title["fr"])
        pdf.newPage()
        let title = both(words.title)
        pdf.text(title.0 + (title.1.map { " / " + $0 } ?? ""), x: 20, y: 25, size: 16, font: .bold)
        var y = 34.0
        var name = ""
        if case .text(let first)? = visit.answers["first_name"] { name = first }
        pdf.text("\(name.isEmpty ? "" : name + " — ")\(placeName), le \(Self.frenchDate(visit.date))", x: 20, y: y, size: 11)
        y += 10
        let rights = evaluation?.rights.filter { $0.verdict != .notEligible && $0.form != nil && !$0.documents.isEmpty } ?? []
        if rights.isEmpty {
            y = pdf.paragraph("Le médiateur vous dira quels papiers apporter.", x: 20, y: y, width: 170) + 4
        }
        for right in rights {
            let heading = words.rights[right.right.rawValue].map(both) ?? (right.right.name(.fr), nil)
            y = pdf.paragraph(heading.0 + (heading.1.map { " — " + $0 } ?? ""), x: 20, y: y, width: 170, size: 12, font: .bold) + 1
            for document in right.documents {
                let line = words.documents[document.rawValue].map(both) ?? (document.text(.fr), nil)
                pdf.checkBox(x: 22, y: y - 3.5, checked: false)
                y = pdf.paragraph(line.0, x: 29, y: y, width: 160, size: 10.5)
                if let translated = line.1 { y = pdf.paragraph(translated, x: 29, y: y, width: 160, size: 9.5) }
                y += 2
                if y > 270 {
                    pdf.newPage()
                    y = 25
                }
            }
            y += 3
        }
        if let today = LocalDate(iso: visit.date), let next = content.calendar.nextPermanence(onOrAfter: LocalDate(dayNumber: today.dayNumber + 1)) {
            let label = both(words.nextPermanence)
            y = pdf.paragraph("\(label.0)\(label.1.map { " / " + $0 } ?? "") : \(Self.frenchDate(next.date.description)), \(next.start)–\(next.end), \(next.place), \(next.commune).",
                              x: 20, y: y + 4, width: 170, size: 11, font: .bold)
        }
        return pdf
    }

    /// The referral letter to a partner of the directory, from `Printing/letters/referral-letter.mustache`.
    func referralLetter(_ visit: PrintVisit) throws -> PDFWriter {
        guard let referral = visit.referral else { throw DocumentError("referral: missing (service, reason, done, consent)") }
        guard let service = content.services.first(where: { $0.id == referral.service }) else {
            throw DocumentError("referral.service: '\(referral.service)' is not in the partner directory")
        }
        guard let template = printing.letters["referral-letter"] else { throw DocumentError("referral-letter: no template in Printing/letters") }
        var visitorName = [visit.identity.firstNames, visit.identity.lastName].compactMap { $0 }.joined(separator: " ")
        if visitorName.isEmpty, case .text(let first)? = visit.answers["first_name"] { visitorName = first }
        let values: [String: Any] = [
            "place": placeName, "date": Self.frenchDate(visit.date), "service_name": service.name, "service_address": service.address,
            "service_commune": service.commune, "visitor_name": visitorName.isEmpty ? "la personne" : visitorName,
            "reason": referral.reason, "done": referral.done, "consent": referral.consent,
            "mediator_name": visit.mediator?.name ?? "", "mediator_organisation": visit.mediator?.organisation ?? "",
            // A phone number never breaks across lines.
            "mediator_phone": (visit.mediator?.phone ?? "").replacingOccurrences(of: " ", with: "\u{00A0}"),
        ]
        let text = template.render(values)
        var pdf = PDFWriter(title: "Lettre d'orientation")
        pdf.newPage()
        var y = 25.0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("# ") {
                y = pdf.paragraph(String(trimmed.dropFirst(2)), x: 20, y: y, width: 170, size: 12, font: .bold) + 1
            } else if trimmed.isEmpty {
                y += 3
            } else {
                y = pdf.paragraph(trimmed, x: 20, y: y, width: 170, size: 11)
            }
        }
        pdf.text("Signature du médiateur :", x: 120, y: y + 6, size: 10)
        pdf.rectangle(x: 120, y: y + 8, width: 70, height: 22)
        return pdf
    }
}
