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

/// Layouts and letter templates, loaded from `Printing/` (the checklist's words are in the text catalogue).
public struct PrintingContent: Sendable {
    public var layouts: [String: FormLayout]
    public var letters: [String: MustacheTemplate]

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
        guard problems.isEmpty else { return (nil, problems) }
        return (PrintingContent(layouts: layouts, letters: letters), [])
    }
}

/// Renders a visit's documents to PDF (pure: everything comes in as values).
public struct DocumentRenderer: Sendable {
    public var printing: PrintingContent
    public var content: KioskContent
    public var engine: RightsEngine
    public var placeName: String
    /// Where the TrueType fonts are (read for each document, dropped after; none found: Helvetica and transliteration).
    public var fontDirectories: [String]

    public init(printing: PrintingContent, content: KioskContent, engine: RightsEngine, placeName: String,
                fontDirectories: [String] = FontSet.defaultDirectories) {
        self.printing = printing
        self.content = content
        self.engine = engine
        self.placeName = placeName
        self.fontDirectories = fontDirectories
    }

    /// The fonts of one document.
    var fonts: FontSet? { FontSet.read(directories: fontDirectories) }

    /// The PDF, and the characters that had to be transliterated.
    public func render(_ kind: DocumentKind, visit: PrintVisit) throws -> (pdf: Data, replaced: [Character]) {
        let evaluation = visit.evaluation(questionnaires: content.questionnaires, engine: engine)
        let fonts = self.fonts
        var pdf: PDFWriter
        switch kind {
        case .checklist: pdf = checklist(visit, evaluation, fonts: fonts)
        case .referralLetter: pdf = try referralLetter(visit, evaluation, fonts: fonts)
        default:
            guard let layout = printing.layouts[kind.rawValue] else { throw DocumentError("\(kind.rawValue): no layout in Printing/forms") }
            pdf = form(layout, visit, evaluation, fonts: fonts)
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
                // The mediator's detail by person and kind when entered, else what the visitor declared.
                if let detailed = HouseholdTable.detailedTotal(visit.answers) { return (MoneyFormat.frenchEuros(detailed.raw / 100), false) }
                guard case .number(let number)? = visit.answers["resources_12_months"] else { return ("", false) }
                return (MoneyFormat.frenchEuros(number.raw / 100), false)
            case "housing_status":
                // In administrative terms, not the visitor's own words.
                guard case .choice(let housing)? = visit.answers["housing"], content.texts.has("form.housing.\(housing)", "fr") else { return ("", false) }
                return (content.texts.text("form.housing.\(housing)", "fr"), false)
            case "c2s_free": return ("", c2s?.verdict == .eligible && c2s?.variant == .free)
            case "c2s_participation": return ("", c2s?.variant == .participation && c2s?.verdict != .notEligible)
            case "monthly_participation": return (c2s?.monthlyParticipation.map { MoneyFormat.frenchEuros($0) } ?? "", false)
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

    /// A table of the household: a heading row, then one row per person (the applicant first); empty cells stay boxed.
    func table(_ field: FormLayout.Field, _ visit: PrintVisit, _ pdf: inout PDFWriter) {
        if !field.label.isEmpty { pdf.text(field.label, x: field.x, y: field.y - 1.5, size: 8) }
        var x = field.x
        for column in field.columns {
            pdf.rectangle(x: x, y: field.y, width: column.width, height: field.rowHeight, fillGrey: 0.92)
            pdf.paragraph(column.label, x: x + 1, y: field.y + 3, width: column.width - 2, size: 7, font: .bold)
            x += column.width
        }
        for row in 1...field.rows {
            let top = field.y + Double(row) * field.rowHeight
            x = field.x
            for column in field.columns {
                pdf.rectangle(x: x, y: top, width: column.width, height: field.rowHeight)
                let text = memberValue(String(column.source.dropFirst("member.".count)), person: row, visit)
                if !text.isEmpty { cell(text, x: x, top: top, width: column.width, height: field.rowHeight, &pdf) }
                x += column.width
            }
        }
    }

    /// A cell's text, always inside its cell: one line at 9 pt when it fits, else at 7 pt on one or two lines.
    func cell(_ text: String, x: Double, top: Double, width: Double, height: Double, _ pdf: inout PDFWriter) {
        if pdf.wrap(text, width: width - 2, size: 9).count == 1 {
            pdf.text(text, x: x + 1, y: top + height - 2.2, size: 9)
            return
        }
        let lines = pdf.wrap(text, width: width - 2, size: 7)
        if lines.count == 1 {
            pdf.text(text, x: x + 1, y: top + height - 2.5, size: 7)
            return
        }
        pdf.text(lines[0], x: x + 1, y: top + 3.2, size: 7)
        pdf.text(lines.dropFirst().joined(separator: " "), x: x + 1, y: top + 6.5, size: lines.count > 2 ? 6 : 7)
    }

    /// One person's value for a table column: row 1 is the applicant (identity fields), rows 2… the members the mediator entered.
    func memberValue(_ source: String, person: Int, _ visit: PrintVisit) -> String {
        let answers = visit.answers
        func text(_ id: String) -> String? {
            if case .text(let value)? = answers[id], !value.isEmpty { return value }
            return nil
        }
        let named = person == 1 || text(HouseholdTable.memberName(person)) != nil
        guard named else { return "" }
        switch source {
        case "name":
            if person == 1 {
                return [visit.identity.lastName?.uppercased(), visit.identity.firstNames].compactMap { $0 }.joined(separator: " ")
            }
            return text(HouseholdTable.memberName(person)) ?? ""
        case "birth_date":
            if person == 1 { return visit.identity.birthDate.map(Self.frenchDate) ?? "" }
            if case .date(let date)? = answers["member_\(person)_birth_date"] { return Self.frenchDate(date.description) }
            return ""
        case "link":
            if person == 1 { return "Demandeur" }
            guard case .choice(let link)? = answers["member_\(person)_link"] else { return "" }
            return HouseholdTable.links.first { $0.value == link }?.label ?? ""
        case "resources.total":
            let values = HouseholdTable.resourceKinds.compactMap { HouseholdTable.resource(answers, person: person, kind: $0.id) }
            guard !values.isEmpty else { return "" }
            return MoneyFormat.frenchEuros(values.map(\.raw).reduce(0, +) / 100)
        default:
            let kind = String(source.dropFirst("resources.".count))
            return HouseholdTable.resource(answers, person: person, kind: kind).map { MoneyFormat.frenchEuros($0.raw / 100) } ?? ""
        }
    }

    func householdSize(_ visit: PrintVisit) -> String {
        let situation = SituationBuilder.build(answers: visit.answers, questionnaires: content.questionnaires,
                                               date: LocalDate(iso: visit.date) ?? Situation.earliestDate, territory: .metropole)
        return situation.household.map { "\($0.count)" } ?? ""
    }

    /// A prefilled form: the layout's fixed texts, each field's label and value.
    func form(_ layout: FormLayout, _ visit: PrintVisit, _ evaluation: Evaluation?, fonts: FontSet?) -> PDFWriter {
        var pdf = PDFWriter(title: layout.title, fonts: fonts)
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
                    if filled.text.isEmpty {
                        // Not known to the box: left blank, boxed, to fill in by hand.
                        pdf.rectangle(x: field.x, y: field.y - 4, width: field.width, height: 6)
                    } else {
                        pdf.paragraph(filled.text, x: field.x, y: field.y, width: field.width, size: 11)
                    }
                case .table:
                    table(field, visit, &pdf)
                }
            }
            pdf.text("Signature :", x: 120, y: 265, size: 10)
            pdf.rectangle(x: 120, y: 267, width: 75, height: 18)
        }
        return pdf
    }

    /// The visitor's list of papers to bring: each line in French and, beside it, in the visitor's language (both from
    /// the text catalogue), then the plain words of the terms it uses, and the next permanence.
    func checklist(_ visit: PrintVisit, _ evaluation: Evaluation?, fonts: FontSet?) -> PDFWriter {
        let texts = content.texts
        let language = visit.language
        let bilingual = language != "fr" && texts.language(language) != nil
        func both(_ message: Message) -> (fr: String, other: String?) {
            let french = texts.render(message, "fr")
            guard bilingual, texts.has(message.key, language) else { return (french, nil) }
            let other = texts.render(message, language)
            return (french, other == french ? nil : other)
        }
        let rightToLeft = texts.language(language)?.rightToLeft ?? false
        var pdf = PDFWriter(title: texts.text("doc.checklist.title", "fr"), fonts: fonts)
        pdf.newPage()
        let title = both(Message("doc.checklist.title"))
        pdf.text(title.fr, x: 20, y: 22, size: 16, font: .bold)
        var y = 22.0
        if let other = title.other { y = pdf.paragraph(other, x: 20, y: y + 7, width: 170, size: 14, font: .bold, rightToLeft: rightToLeft) - 6.3 }
        y += 9
        var name = ""
        if case .text(let first)? = visit.answers["first_name"] { name = first }
        let placeAndDate = texts.text("doc.checklist.place_and_date", "fr", ["place": .text(placeName), "date": .text(Self.frenchDate(visit.date))])
        pdf.text("\(name.isEmpty ? "" : name + " — ")\(placeAndDate)", x: 20, y: y, size: 11)
        y += 9
        let rights = evaluation?.rights.filter { $0.verdict != .notEligible && $0.form != nil && !$0.documents.isEmpty } ?? []
        var shown: [String] = []
        if rights.isEmpty {
            let line = both(Message("doc.checklist.mediator_will_tell"))
            y = pdf.paragraph(line.fr, x: 20, y: y, width: 170) + 1
            if let other = line.other { y = pdf.paragraph(other, x: 20, y: y, width: 170, rightToLeft: rightToLeft) }
            y += 3
        }
        // Two columns when there is a second language: French on the left, the visitor's on the right.
        let columnWidth = bilingual ? 80.0 : 160.0
        for right in rights {
            let heading = both(right.right.message)
            shown += [heading.fr, heading.other ?? ""]
            let headingEnd = pdf.paragraph(heading.fr, x: 20, y: y, width: bilingual ? 85 : 170, size: 12, font: .bold)
            let otherEnd = heading.other.map { pdf.paragraph($0, x: 110, y: y, width: 85, size: 12, font: .bold, rightToLeft: rightToLeft) } ?? headingEnd
            y = max(headingEnd, otherEnd) + 1
            for document in right.documents {
                let line = both(document.message)
                shown += [line.fr, line.other ?? ""]
                if y > 262 {
                    pdf.newPage()
                    y = 25
                }
                pdf.checkBox(x: 20, y: y - 3.5, checked: false)
                let left = pdf.paragraph(line.fr, x: 26, y: y, width: columnWidth - 4, size: 10)
                let rightEnd = line.other.map { pdf.paragraph($0, x: 110, y: y, width: 85, size: 10, rightToLeft: rightToLeft) } ?? left
                y = max(left, rightEnd) + 2
            }
            y += 3
        }
        if let today = LocalDate(iso: visit.date), let next = content.calendar.nextPermanence(onOrAfter: LocalDate(dayNumber: today.dayNumber + 1)) {
            let label = both(Message("doc.checklist.next_permanence"))
            if y > 250 { pdf.newPage(); y = 25 }
            y = pdf.paragraph("\(label.fr) : \(Self.frenchDate(next.date.description)), \(next.start)–\(next.end), \(next.place), \(next.commune).",
                              x: 20, y: y + 3, width: 170, size: 11, font: .bold)
            if let other = label.other { y = pdf.paragraph(other, x: 20, y: y, width: 170, size: 10, rightToLeft: rightToLeft) }
        }
        // The words of this sheet that a visitor may not know, explained in French and in their language.
        let words = Array(Set(texts.glossaryIDs(for: shown, "fr") + (bilingual ? texts.glossaryIDs(for: shown, language) : []))).sorted()
        if !words.isEmpty {
            let heading = both(Message("doc.checklist.words"))
            if y > 235 { pdf.newPage(); y = 25 }
            y = pdf.paragraph(heading.fr + (heading.other.map { " — " + $0 } ?? ""), x: 20, y: y + 6, width: 170, size: 11, font: .bold) + 1
            for id in words {
                let word = both(Message("glossary.\(id)"))
                if y > 275 { pdf.newPage(); y = 25 }
                let left = pdf.paragraph(word.fr, x: 20, y: y, width: bilingual ? 85 : 170, size: 8.5)
                let rightEnd = word.other.map { pdf.paragraph($0, x: 110, y: y, width: 85, size: 8.5, rightToLeft: rightToLeft) } ?? left
                y = max(left, rightEnd) + 1
            }
        }
        return pdf
    }

    /// The referral letter to a partner of the directory, from `Printing/letters/referral-letter.mustache`.
    func referralLetter(_ visit: PrintVisit, _ evaluation: Evaluation?, fonts: FontSet?) throws -> PDFWriter {
        guard let referral = visit.referral else { throw DocumentError("referral: missing (service, reason, done, consent)") }
        guard let service = content.services.first(where: { $0.id == referral.service }) else {
            throw DocumentError("referral.service: '\(referral.service)' is not in the partner directory")
        }
        guard let template = printing.letters["referral-letter"] else { throw DocumentError("referral-letter: no template in Printing/letters") }
        var visitorName = [visit.identity.firstNames, visit.identity.lastName].compactMap { $0 }.joined(separator: " ")
        if visitorName.isEmpty, case .text(let first)? = visit.answers["first_name"] { visitorName = first }
        let reason = referral.reason.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            ?? ReferralText.reason(answers: visit.answers, evaluation: evaluation, serviceKind: service.kind, texts: content.texts)
        let done = referral.done.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            ?? ReferralText.done(printed: visit.printed ?? [], texts: content.texts)
        let mediator = visit.mediator
        // A phone number never breaks across lines.
        let phone = mediator?.phone.map { $0.replacingOccurrences(of: " ", with: "\u{00A0}") }
        let contact = [mediator?.name, mediator?.organisation, mediator?.address, phone].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        let values: [String: Any] = [
            "place": placeName, "date": Self.frenchDate(visit.date), "service_name": service.name, "service_address": service.address,
            "service_commune": service.commune, "visitor_name": visitorName.isEmpty ? "la personne" : visitorName,
            "of_visitor": visitorName.isEmpty ? "de la personne" : FrenchElision.de(visitorName),
            "reason": reason, "done": done, "consent": referral.consent, "contact": contact,
            "mediator_name": mediator?.name ?? "", "mediator_organisation": mediator?.organisation ?? "",
        ]
        let text = template.render(values)
        var pdf = PDFWriter(title: "Lettre d'orientation", fonts: fonts)
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

extension DocumentRenderer {
    /// A test page for the printers screen: the box, the time and the printer; every visitor language's name in its own
    /// letters (the fonts work); a row of boxes and a check box as forms draw them (the alignment is right).
    public static func testPage(place: String, dateTime: String, printer: String, languages: [(code: String, name: String)],
                                fontDirectories: [String] = FontSet.defaultDirectories) -> Data {
        var pdf = PDFWriter(title: "Page de test", fonts: FontSet.read(directories: fontDirectories))
        pdf.newPage()
        pdf.text("Page de test — kiosque Permanence", x: 20, y: 25, size: 16, font: .bold)
        var y = pdf.paragraph("\(place) — \(dateTime)", x: 20, y: 35, width: 170, size: 11)
        y = pdf.paragraph("Imprimante : \(printer)", x: 20, y: y + 1, width: 170, size: 9)
        y = pdf.paragraph("Si cette page est lisible, l'imprimante et les polices du kiosque fonctionnent.", x: 20, y: y + 6, width: 170, size: 11)
        y += 6
        pdf.text("Langues proposées aux visiteurs :", x: 20, y: y, size: 11, font: .bold)
        y += 7
        for language in languages {
            pdf.text("\(language.code)", x: 24, y: y, size: 10)
            pdf.text(language.name, x: 40, y: y, size: 12)
            y += 7
        }
        y += 4
        pdf.text("Cases (comme sur les formulaires) :", x: 20, y: y, size: 10)
        pdf.boxedField("PERMANENCE", x: 20, y: y + 6, boxes: 13)
        pdf.checkBox(x: 20, y: y + 12, checked: true)
        pdf.text("case cochée", x: 26, y: y + 15.5, size: 9)
        pdf.rectangle(x: 15, y: 15, width: 180, height: 267)
        return pdf.render()
    }
}
