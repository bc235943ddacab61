import Documents
import Foundation
import Intake
import Rights
import Testing
import TestSupport

/// Text and word positions read back from a PDF with poppler's pdftotext; qpdf checks the structure.
enum PDFTools {
    static func write(_ data: Data) throws -> URL {
        let url = temporaryDirectory("pdf").appendingPathComponent("document.pdf")
        try data.write(to: url)
        return url
    }

    static func text(_ data: Data, layout: Bool = false) throws -> String {
        let url = try write(data)
        return try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), (layout ? ["-layout"] : []) + [url.path, "-"]).stdout
    }

    /// `pdffonts` of the document.
    /// Text with every run of white space made one space (lines of a paragraph joined).
    static func flat(_ text: String) -> String { text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }

    static func fonts(_ data: Data) throws -> String {
        try runProcess(URL(fileURLWithPath: "/usr/bin/pdffonts"), [try write(data).path]).stdout
    }

    static func check(_ data: Data) throws -> ProcessResult {
        try runProcess(URL(fileURLWithPath: "/usr/bin/qpdf"), ["--check", try write(data).path])
    }

    /// Each word with its box in points from the top-left (pdftotext -bbox).
    static func words(_ data: Data) throws -> [(word: String, page: Int, xMin: Double, yMax: Double)] {
        let html = try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-bbox", try write(data).path, "-"]).stdout
        var result: [(String, Int, Double, Double)] = []
        var page = 0
        for line in html.split(separator: "\n") {
            if line.contains("<page ") { page += 1; continue }
            guard line.contains("<word "), let open = line.firstIndex(of: ">"), let close = line.range(of: "</word>") else { continue }
            let word = String(line[line.index(after: open)..<close.lowerBound])
            func attribute(_ name: String) -> Double {
                guard let range = line.range(of: "\(name)=\"") else { return -1 }
                let rest = line[range.upperBound...]
                return Double(rest.prefix { $0 != "\"" }) ?? -1
            }
            result.append((word, page, attribute("xMin"), attribute("yMax")))
        }
        return result
    }
}

@Suite("PDF documents", .serialized)
struct PDFTests {
    static let mm = 72.0 / 25.4

    func render(_ kind: DocumentKind, _ sample: String = "family-visit.json") throws -> Data {
        try DocumentFixtures.renderer.render(kind, visit: try DocumentFixtures.visit(sample)).pdf
    }

    @Test("Every document of both sample visits is a valid PDF", arguments: DocumentKind.allCases)
    func validPDF(kind: DocumentKind) throws {
        for sample in ["family-visit.json", "newcomer-ame-visit.json"] where !(kind == .referralLetter && sample.hasPrefix("newcomer")) {
            let check = try PDFTools.check(try render(kind, sample))
            #expect(check.status == 0, "\(kind.rawValue) \(sample): \(check.stdout) \(check.stderr)")
        }
    }

    @Test("Every field of a filled form appears where its layout says")
    func fieldsWhereTheLayoutSays() throws {
        let pdf = try render(.c2sRequest)
        let words = try PDFTools.words(pdf)
        let layout = try #require(DocumentFixtures.printing.layouts["cerfa-12504"])
        let visit = try DocumentFixtures.visit("family-visit.json")
        let expectations: [(field: String, first: String)] = [
            ("last_name", "Ш"), ("first_names", "О"), ("birth_date", "1"), ("nir", "1"), ("postcode", "1"),
            ("address", "2"), ("city", "Couiza"), ("household_size", "4"), ("resources", "18"), ("housing", "Locataire"), ("c2s_free", "X"),
        ]
        #expect(visit.identity.lastName == "Шевченко")
        for (pageIndex, page) in layout.pages.enumerated() {
            for field in page.fields {
                guard let expectation = expectations.first(where: { $0.field == field.id }) else { continue }
                // Text baselines are at y; boxed characters sit 4.5 mm below the top of their boxes.
                let x = field.x * Self.mm, y = (field.y + (field.kind == .boxes ? 4.5 : 0)) * Self.mm
                let match = words.first { word in
                    word.page == pageIndex + 1 && word.word.hasPrefix(expectation.first)
                        && abs(word.yMax - y) < 4.5 && word.xMin >= x - 1 && word.xMin <= x + (field.kind == .text ? 2 : 5 * Self.mm)
                }
                #expect(match != nil, "\(field.id) at (\(field.x), \(field.y)) mm")
            }
        }
    }

    @Test("Names keep their letters: Cyrillic, Romanian and accents print as they are written")
    func namesKeepTheirLetters() throws {
        let form = try PDFTools.text(try render(.c2sRequest), layout: true)
        #expect(form.contains("Demande de Complémentaire santé solidaire"))
        #expect(form.contains("Ш Е В Ч Е Н К О"))
        #expect(form.contains("О Л Е К С А Н Д Р"))
        #expect(form.contains("Ș T E F A N"))
        #expect(form.contains("2 rue de l'Église"))
        #expect(form.contains("Élodie Martin"))
        let letter = try PDFTools.text(try render(.referralLetter))
        #expect(letter.contains("Олександр Ștefan Шевченко"))
        #expect(letter.contains("Équipe de médiation en santé"))
        #expect(!letter.contains("?"))
    }

    @Test("Without any font file, other scripts are transliterated and counted, never dropped")
    func transliterationWithoutFonts() throws {
        var renderer = DocumentFixtures.renderer
        renderer.fontDirectories = []
        let rendered = try renderer.render(.referralLetter, visit: try DocumentFixtures.visit("family-visit.json"))
        let letter = try PDFTools.text(rendered.pdf)
        #expect(letter.contains("Oleksandr Stefan Sevcenko"))
        #expect(rendered.replaced.contains("Ш"))
        #expect(try PDFTools.fonts(rendered.pdf).contains("Helvetica"))
    }

    @Test("Fonts are embedded subsets with a ToUnicode map; two renders are byte-identical", arguments: DocumentKind.allCases)
    func embeddedSubsetsAndDeterminism(kind: DocumentKind) throws {
        let first = try render(kind), second = try render(kind)
        #expect(first == second)
        let fonts = try PDFTools.fonts(first)
        let rows = fonts.split(separator: "\n").dropFirst(2)
        #expect(!rows.isEmpty)
        for row in rows {
            let columns = row.split(separator: " ", omittingEmptySubsequences: true)
            // name, "CID", "TrueType", encoding, emb, sub, uni, object, generation
            #expect(row.contains("CID TrueType") && row.contains("Identity-H"), "\(row)")
            #expect(columns.count >= 9 && columns[columns.count - 5] == "yes" && columns[columns.count - 4] == "yes" && columns[columns.count - 3] == "yes", "\(row)")
            #expect(String(columns[0]).range(of: "^[A-Z]{6}\\+", options: .regularExpression) != nil, "\(row)")
        }
        #expect(try PDFTools.check(first).status == 0)
    }

    /// A visit of the family sample in another language, with names in that language's letters.
    func visit(language: String, lastName: String, firstNames: String, firstName: String) throws -> PrintVisit {
        var visit = try DocumentFixtures.visit("family-visit.json")
        visit.language = language
        visit.identity.lastName = lastName
        visit.identity.firstNames = firstNames
        visit.answers["first_name"] = .text(firstName)
        return visit
    }

    static func flat(_ text: String) -> String { text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }

    @Test("Ukrainian, Romanian and Spanish visitors take home the checklist and the form in their own letters", arguments: [
        ("uk", "Шевченко", "Олександр Ștefan", "Олександр"), ("ro", "Țăranu", "Ștefan Ion", "Ștefan"), ("es", "Peña", "José Ángel", "José"),
    ])
    func checklistAndFormInTheirLanguage(language: String, lastName: String, firstNames: String, firstName: String) throws {
        let visit = try visit(language: language, lastName: lastName, firstNames: firstNames, firstName: firstName)
        let texts = ContentFixtures.content.texts
        let checklist = try DocumentFixtures.renderer.render(.checklist, visit: visit)
        #expect(checklist.replaced.isEmpty, "\(checklist.replaced)")
        let sheet = Self.flat(try PDFTools.text(checklist.pdf))
        #expect(sheet.contains(firstName))
        #expect(sheet.contains(texts.text("doc.checklist.title", language)))
        #expect(sheet.contains(texts.text("doc.checklist.title", "fr")))
        let evaluation = try #require(visit.evaluation(questionnaires: ContentFixtures.content.questionnaires, engine: Fixtures.engine))
        for right in evaluation.rights where right.verdict != .notEligible && right.form != nil {
            for document in right.documents {
                #expect(sheet.contains(Self.flat(texts.render(document.message, language))), "\(document.rawValue) in \(language)")
                #expect(sheet.contains(Self.flat(texts.render(document.message, "fr"))), "\(document.rawValue) in French")
            }
        }
        // The words of the sheet are explained in both languages.
        #expect(sheet.contains(Self.flat(texts.text("glossary.caf", language))))
        let form = try DocumentFixtures.renderer.render(.c2sRequest, visit: visit)
        #expect(form.replaced.isEmpty)
        let formText = try PDFTools.text(form.pdf, layout: true)
        #expect(formText.contains(lastName.uppercased().map(String.init).joined(separator: " ")))
        #expect(try PDFTools.check(checklist.pdf).status == 0)
    }

    @Test("A long form has numbered pages")
    func pageNumbers() throws {
        let text = try PDFTools.text(try render(.c2sRequest))
        #expect(text.contains("Page 1 sur 3"))
        #expect(text.contains("Page 3 sur 3"))
    }

    @Test("The checklist lists the papers of each right found, with the next permanence")
    func checklist() throws {
        let french = Self.flat(try PDFTools.text(try render(.checklist)))
        #expect(french.contains("Papiers à apporter"))
        #expect(french.contains("Complémentaire santé solidaire (C2S)"))
        #expect(french.contains("Les ressources des 12 derniers mois de chaque personne du foyer"))
        #expect(french.contains("Prochaine permanence"))
        #expect(french.contains("26/11/2026"))
        // The family speaks Ukrainian: each line is also in Ukrainian, in Cyrillic.
        #expect(french.contains("Документи, які треба принести"))
        let english = Self.flat(try PDFTools.text(try render(.checklist, "newcomer-ame-visit.json")))
        #expect(english.contains("Papers to bring"))
        #expect(english.contains("Aide médicale de l'État (AME)"))
        #expect(english.contains("Proof that you have lived in France for more than 3 months"))
    }

    @Test("The referral letter names the partner, the reason built from the visit, the consent and the mediator")
    func referralLetter() throws {
        let text = PDFTools.flat(try PDFTools.text(try render(.referralLetter)))
        #expect(text.contains("Centre Médecins Solidaires (exemple)"))
        #expect(text.contains("Motif de l'orientation : La personne est venue à la permanence pour ses droits à l'assurance maladie et trouver un médecin."))
        #expect(text.contains("elle peut avoir droit à la Complémentaire santé solidaire (C2S) sans participation"), "the reason names the right found")
        #expect(text.contains("nous avons préparé ensemble la demande de Complémentaire santé solidaire (C2S) et la liste des papiers à apporter"))
        #expect(text.contains("La personne a donné son accord"))
        #expect(text.contains("Pour nous joindre : Élodie Martin, Équipe de médiation en santé de la haute vallée de l'Aude, 06 00 00 00 00."))
        #expect(try PDFTools.text(try render(.referralLetter)).contains("06 00 00 00 00"))   // on one line: the number does not break
        #expect(text.contains("Signature du médiateur"))
        #expect(!text.contains("·"), "no point médian")
    }

    @Test("The letter's French: d'Amina, de Petro; a reason the mediator wrote is printed as written")
    func letterFrench() throws {
        #expect(FrenchElision.de("Amina") == "d'Amina")
        #expect(FrenchElision.de("Émile") == "d'Émile")
        #expect(FrenchElision.de("Hélène") == "d'Hélène")
        #expect(FrenchElision.de("Petro") == "de Petro")
        var visit = try DocumentFixtures.visit("family-visit.json")
        visit.identity = PrintVisit.Identity(firstNames: "Amina")
        visit.referral?.reason = "Douleur au dos depuis deux mois."
        let text = PDFTools.flat(try PDFTools.text(try DocumentFixtures.renderer.render(.referralLetter, visit: visit).pdf))
        #expect(text.contains("Objet : orientation d'Amina"))
        #expect(text.contains("Motif de l'orientation : Douleur au dos depuis deux mois."))
    }

    @Test("A 4-person household: each member's name and birth date, and each person's resources by kind, in their cells", arguments: ["cerfa-12504", "cerfa-11573"])
    func householdTables(form: String) throws {
        let kind = try #require(DocumentKind(rawValue: form))
        let words = try PDFTools.words(try render(kind))
        let layout = try #require(DocumentFixtures.printing.layouts[form])
        let tables = layout.pages.enumerated().flatMap { index, page in page.fields.filter { $0.kind == .table }.map { (page: index + 1, field: $0) } }
        #expect(tables.count == 2)
        /// The first word inside the cell of this row and column.
        func cell(_ table: (page: Int, field: FormLayout.Field), row: Int, column: Int) -> String? {
            let left = table.field.x + table.field.columns.prefix(column).map(\.width).reduce(0, +)
            let right = left + table.field.columns[column].width
            let top = table.field.y + Double(row) * table.field.rowHeight, bottom = top + table.field.rowHeight
            return words.filter { $0.page == table.page && $0.xMin >= left * Self.mm && $0.xMin < right * Self.mm
                && $0.yMax > top * Self.mm && $0.yMax <= bottom * Self.mm + 1 }.map(\.word).joined(separator: " ")
        }
        let members = tables[0], resources = tables[1]
        #expect(cell(members, row: 1, column: 0) == "ШЕВЧЕНКО Олександр Ștefan")
        #expect(cell(members, row: 1, column: 1) == "14/03/1988")
        #expect(cell(members, row: 1, column: 2) == "Demandeur")
        #expect(cell(members, row: 2, column: 0) == "Шевченко Марія")
        #expect(cell(members, row: 2, column: 1) == "02/07/1990")
        #expect(cell(members, row: 2, column: 2) == "Conjoint, concubin ou partenaire de PACS")
        #expect(cell(members, row: 3, column: 0) == "Шевченко Іван")
        #expect(cell(members, row: 3, column: 1) == "21/09/2015")
        #expect(cell(members, row: 4, column: 0) == "Шевченко Олена")
        #expect(cell(members, row: 4, column: 1) == "30/01/2019")
        #expect(cell(members, row: 4, column: 2) == "Enfant")
        #expect(cell(members, row: 5, column: 0) == "", "no fifth person: the row stays blank")
        // Resources: per person and by kind (wages, unemployment, pensions, allowances, other, total).
        #expect(cell(resources, row: 1, column: 1) == "12 000 €")
        #expect(cell(resources, row: 1, column: 2) == "2 500 €")
        #expect(cell(resources, row: 1, column: 6) == "14 500 €")
        #expect(cell(resources, row: 2, column: 1) == "3 200 €")
        #expect(cell(resources, row: 2, column: 4) == "800 €")
        #expect(cell(resources, row: 2, column: 6) == "4 000 €")
        #expect(cell(resources, row: 3, column: 1) == "")
        let text = try PDFTools.text(try render(kind))
        #expect(!text.contains("…"), "what the box cannot know is left blank, never …")
    }

    @Test("A visit without a referral cannot give a referral letter, and says why")
    func noReferral() throws {
        #expect(throws: DocumentError("referral: missing (service, reason, done, consent)")) {
            try DocumentFixtures.renderer.render(.referralLetter, visit: try DocumentFixtures.visit("newcomer-ame-visit.json"))
        }
    }

    @Test("The same visit gives the same bytes")
    func deterministic() throws {
        #expect(try render(.c2sRequest) == (try render(.c2sRequest)))
    }
}

@Suite("Form layouts and visit files")
struct LayoutAndVisitFileTests {
    let questionIDs = Set(ContentFixtures.content.questionnaires.flatMap(\.questions).map(\.id))

    @Test("A layout error names the file, the line and the field", arguments: [
        ("source: identity.last_name", "source: identity.surname", "last_name", "unknown source 'identity.surname'"),
        ("kind: boxes, x: 15, y: 47, boxes: 30", "kind: boxes, x: 15, y: 47, boxes: 60", "last_name", "go past the page"),
        ("kind: checkbox, x: 15, y: 173", "kind: tickbox, x: 15, y: 173", "c2s_free", "unknown kind 'tickbox'"),
        ("source: answers.housing_allowance", "source: answers.lodging", "housing_allowance", "unknown source 'answers.lodging'"),
        ("source: member.birth_date, width: 35", "source: member.birthday, width: 35", "household_members", "unknown column source 'member.birthday'"),
    ])
    func layoutErrors(original: String, replacement: String, field: String, message: String) throws {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("Printing/forms/cerfa-12504.yaml"), encoding: .utf8)
        #expect(text.contains(original))
        let broken = text.replacingOccurrences(of: original, with: replacement)
        let line = broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(replacement) }! + 1
        let problems = FormLayout.load(file: "cerfa-12504.yaml", text: broken, questionIDs: questionIDs).problems
        #expect(problems.contains { $0.hasPrefix("cerfa-12504.yaml:\(line): \(field): ") && $0.contains(message) }, "\(problems)")
    }

    @Test("A bad visit file names the field", arguments: [
        (#"{"date": "24/11/2026", "language": "fr", "identity": {}, "answers": {}}"#, "date:"),
        (#"{"date": "2026-11-24", "language": "fr", "identity": {"nir": "1234"}, "answers": {}}"#, "identity.nir:"),
        (#"{"date": "2026-11-24", "language": "fr", "identity": {"birth_date": "1988"}, "answers": {}}"#, "identity.birth_date:"),
        (#"{"date": "2026-11-24", "identity": {}, "answers": {}}"#, "language: missing"),
        (#"{"date": "2026-11-24", "language": "fr", "identity": {}, "answers": {"housing": {"colour": "red"}}}"#, "answers.housing"),
        ("not json", "visit"),
    ])
    func visitFileErrors(json: String, field: String) {
        do {
            _ = try PrintVisit.decode(Data(json.utf8))
            Issue.record("accepted")
        } catch {
            #expect("\(error)".hasPrefix(field), "\(error)")
        }
    }
}

/// Arabic and Dari on paper: shaped by HarfBuzz with Noto Sans Arabic, right to left, French beside it.
@Suite("Right-to-left paper", .serialized)
struct RightToLeftPaperTests {
    /// What pdftotext gives back, with Arabic presentation forms (a viewer's copy of joined glyphs) made letters again.
    static func normalised(_ text: String) -> String {
        // pdftotext marks each right-to-left line with embedding controls (RLE … PDF): not text.
        PDFTests.flat(String(String.UnicodeScalarView(text.precomposedStringWithCompatibilityMapping.unicodeScalars.filter { !(0x202A...0x202E).contains($0.value) })))
    }

    @Test("The checklist in Arabic and in Dari: pdftotext gives back the catalogue's strings, the French beside them", arguments: [
        ("ar", "أمينة"), ("prs", "زهره"),
    ])
    func checklist(language: String, firstName: String) throws {
        let visit = try PDFTests().visit(language: language, lastName: "Haidari", firstNames: firstName, firstName: firstName)
        let texts = ContentFixtures.content.texts
        let rendered = try DocumentFixtures.renderer.render(.checklist, visit: visit)
        #expect(rendered.replaced.isEmpty, "\(rendered.replaced)")
        let pdf = rendered.pdf
        try pdf.write(to: testArtefact("checklist-\(language).pdf"))
        #expect(try PDFTools.check(pdf).status == 0)
        #expect(try PDFTools.fonts(pdf).contains("NotoSansArabic"))
        let sheet = Self.normalised(try PDFTools.text(pdf))
        #expect(sheet.contains(Self.normalised(texts.text("doc.checklist.title", language))), "\(sheet)")
        #expect(sheet.contains(texts.text("doc.checklist.title", "fr")))
        #expect(sheet.contains(Self.normalised(firstName)))
        let evaluation = try #require(visit.evaluation(questionnaires: ContentFixtures.content.questionnaires, engine: Fixtures.engine))
        var documents = 0
        for right in evaluation.rights where right.verdict != .notEligible && right.form != nil {
            for document in right.documents {
                documents += 1
                let line = Self.normalised(texts.render(document.message, language))
                if !line.contains(where: { $0.isASCII && ($0.isLetter || $0.isNumber || "()".contains($0)) }) {
                    #expect(sheet.contains(line), "\(document.rawValue) in \(language)")
                } else {
                    // A line mixing Arabic with Latin words or numbers: pdftotext orders its runs by its own guess (poppler
                    // reads the drawn line, not the bidi runs); every word comes back whole, in its own reading order.
                    for word in line.split(whereSeparator: { $0.isWhitespace || "()،,".contains($0) }) where word.count > 1 {
                        #expect(sheet.contains(word), "\(document.rawValue) in \(language): \(word)")
                    }
                }
                #expect(sheet.contains(PDFTests.flat(texts.render(document.message, "fr"))), "\(document.rawValue) in French")
            }
        }
        #expect(documents > 3)
    }
}

/// The queue ticket's line in Arabic and Dari, drawn as dots for a thermal printer that has no such letters.
@Suite("Ticket raster")
struct TicketRasterTests {
    @Test("An Arabic and a Dari ticket line become a picture 384 dots wide, joined letters right to left; French stays text", arguments: ["ar", "prs"])
    func rightToLeftLine(language: String) throws {
        let texts = ContentFixtures.content.texts
        let line = texts.text("ticket.please_wait", language)
        let bitmap = try #require(TicketContent.lineRaster(line, language: language, texts: texts))
        try bitmap.pbm.write(to: testArtefact("ticket-line-\(language).pbm"))
        #expect(bitmap.width == 384 && bitmap.height >= 30)
        // Ink, and plenty of it: a line of text, not a blank strip.
        let ink = (0..<bitmap.height).reduce(0) { total, y in total + (0..<bitmap.width).filter { bitmap.isSet($0, y) }.count }
        #expect(ink > 800, "\(ink) dots")
        // Joined letters: the first row of text has long horizontal strokes (a joined word's baseline), which
        // isolated letters side by side would not make.
        var longest = 0
        for y in 0..<bitmap.height {
            var run = 0
            for x in 0..<bitmap.width { run = bitmap.isSet(x, y) ? run + 1 : 0; longest = max(longest, run) }
        }
        #expect(longest >= 20, "longest stroke \(longest) dots")
        // French and the other left-to-right languages are printed as text.
        #expect(TicketContent.lineRaster(texts.text("ticket.please_wait", "fr"), language: "fr", texts: texts) == nil)
        #expect(TicketContent.lineRaster(texts.text("ticket.please_wait", "uk"), language: "uk", texts: texts) == nil)
    }

    @Test("Right to left: a short Arabic word alone is centred; its dots are drawn where the glyphs are")
    func centred() throws {
        let texts = ContentFixtures.content.texts
        let bitmap = try #require(TicketContent.lineRaster("رقم", language: "ar", texts: texts))
        let columns = (0..<bitmap.width).filter { x in (0..<bitmap.height).contains { bitmap.isSet(x, $0) } }
        let first = try #require(columns.first), last = try #require(columns.last)
        #expect(abs((first + last) / 2 - bitmap.width / 2) < 12, "\(first)…\(last)")
    }
}
