import Foundation
import Intake
import Rights
import Yams

/// A form laid out by data (`Printing/forms/*.yaml`): its reference, pages, fixed texts and fields.
public struct FormLayout: Sendable {
    public enum Kind: String, Sendable { case text, boxes, checkbox, table }

    /// A column of a table: its heading and where each row's value comes from (`member.*`, row 1 being the applicant).
    public struct Column: Sendable {
        public var label: String
        public var source: String
        public var width: Double
    }

    public struct Field: Sendable {
        public var id: String
        public var label: String
        public var source: String
        public var kind: Kind
        public var x: Double
        public var y: Double
        public var boxes: Int
        public var width: Double
        public var line: Int
        /// For a table: its columns, rows and row height (mm).
        public var columns: [Column] = []
        public var rows: Int = 0
        public var rowHeight: Double = 7
    }

    public struct FixedText: Sendable {
        public var text: String
        public var x: Double
        public var y: Double
        public var size: Double
        public var bold: Bool
    }

    public struct Page: Sendable {
        public var texts: [FixedText]
        public var fields: [Field]
    }

    public var form: String
    public var title: String
    /// The official reference and version this layout follows, as configured.
    public var reference: String
    public var referenceNote: String
    public var pages: [Page]

    /// Where a field's value comes from.
    public static let identitySources: Set<String> = ["last_name", "first_names", "birth_date", "address", "postcode", "city", "nir"]
    public static let computedSources: Set<String> = [
        "date", "household_size", "resources", "c2s_free", "c2s_participation", "monthly_participation", "ame_eligible",
        "puma_eligible", "applicant_age", "has_medecin_traitant", "housing_status",
    ]
    public static let mediatorSources: Set<String> = ["name", "organisation", "phone"]
    /// A table row's values: the household member of that row (row 1 the applicant).
    public static let memberSources: Set<String> = Set(["name", "birth_date", "link", "resources.total"]
                                                         + HouseholdTable.resourceKinds.map { "resources.\($0.id)" })

    /// Whether a field's source is one the renderer knows.
    static func known(_ source: String, _ questionIDs: Set<String>) -> Bool {
        if source == "blank" { return true }
        let parts = source.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        switch parts[0] {
        case "identity": return identitySources.contains(parts[1])
        case "computed": return computedSources.contains(parts[1])
        case "mediator": return mediatorSources.contains(parts[1])
        case "answers": return questionIDs.contains(parts[1])
        default: return false
        }
    }

    /// Reads and checks a layout; problems name the file, the line and the field.
    public static func load(file: String, text: String, questionIDs: Set<String>) -> (layout: FormLayout?, problems: [String]) {
        var problems: [String] = []
        func problem(_ line: Int, _ id: String, _ message: String) { problems.append("\(file):\(line): \(id): \(message)") }
        let root: Node
        switch YAMLSupport.compose(file: file, text: text) {
        case .success(let node): root = node
        case .failure(let problem): return (nil, [problem.description])
        }
        guard let top = root.mapping else { return (nil, ["\(file):1: form: expected form, title, reference, pages"]) }
        func string(_ node: Node?) -> String { node?.scalar?.string ?? "" }
        let form = string(top["form"]), title = string(top["title"]), reference = string(top["reference"])
        if form.isEmpty { problem(1, "form", "`form` missing") }
        if reference.isEmpty { problem(1, form, "`reference` missing: say which official version the layout follows") }
        var pages: [Page] = []
        var ids = Set<String>()
        for pageNode in top["pages"]?.sequence ?? [] {
            var page = Page(texts: [], fields: [])
            for textNode in pageNode.mapping?["texts"]?.sequence ?? [] {
                let line = textNode.mark?.line ?? 1
                guard let x = Double(string(textNode.mapping?["x"])), let y = Double(string(textNode.mapping?["y"])) else {
                    problem(line, form, "a text needs numbers x and y (mm)")
                    continue
                }
                page.texts.append(FixedText(text: string(textNode.mapping?["text"]), x: x, y: y,
                                            size: Double(string(textNode.mapping?["size"])) ?? 10, bold: string(textNode.mapping?["bold"]) == "true"))
            }
            for fieldNode in pageNode.mapping?["fields"]?.sequence ?? [] {
                let line = fieldNode.mark?.line ?? 1
                let fields = fieldNode.mapping
                let id = string(fields?["id"])
                let key = id.isEmpty ? form : id
                if id.isEmpty { problem(line, form, "a field has no `id`") }
                if !ids.insert(id).inserted { problem(line, key, "duplicate field id") }
                let source = string(fields?["source"])
                let kindText = string(fields?["kind"]).isEmpty ? "text" : string(fields?["kind"])
                let kind = Kind(rawValue: kindText)
                if kind == nil { problem(line, key, "unknown kind '\(kindText)' (text, boxes, checkbox, table)") }
                if kind != .table, !known(source, questionIDs) {
                    problem(line, key, "unknown source '\(source)' (identity.*, answers.<question id>, computed.*, mediator.*, or blank: asked by the form, not known to the box)")
                }
                var columns: [Column] = []
                if kind == .table {
                    for columnNode in fields?["columns"]?.sequence ?? [] {
                        let column = columnNode.mapping
                        let columnSource = string(column?["source"])
                        if !columnSource.hasPrefix("member.") || !memberSources.contains(String(columnSource.dropFirst("member.".count))) {
                            problem(columnNode.mark?.line ?? line, key, "unknown column source '\(columnSource)' (member.\(memberSources.sorted().joined(separator: ", member.")))")
                        }
                        columns.append(Column(label: string(column?["label"]), source: columnSource, width: Double(string(column?["width"])) ?? 30))
                    }
                    if columns.isEmpty { problem(line, key, "a table needs `columns` (label, source, width)") }
                }
                guard let x = Double(string(fields?["x"])), let y = Double(string(fields?["y"])),
                      (0...PDFWriter.pageWidth).contains(x), (0...PDFWriter.pageHeight).contains(y) else {
                    problem(line, key, "x and y must be numbers within the A4 page (0–210, 0–297 mm)")
                    continue
                }
                let boxes = Int(string(fields?["boxes"])) ?? 0
                if kind == .boxes, boxes < 1 { problem(line, key, "a boxes field needs `boxes` (how many characters)") }
                if kind == .boxes, x + Double(boxes) * 5 > PDFWriter.pageWidth { problem(line, key, "\(boxes) boxes from x \(x) go past the page") }
                let rows = Int(string(fields?["rows"])) ?? 0
                let rowHeight = Double(string(fields?["row_height"])) ?? 7
                if kind == .table {
                    if !(1...HouseholdTable.rows).contains(rows) { problem(line, key, "a table needs `rows` from 1 to \(HouseholdTable.rows)") }
                    if x + columns.map(\.width).reduce(0, +) > PDFWriter.pageWidth { problem(line, key, "the columns from x \(x) go past the page") }
                    if y + Double(rows + 1) * rowHeight > PDFWriter.pageHeight { problem(line, key, "the rows from y \(y) go past the page") }
                }
                page.fields.append(Field(id: id, label: string(fields?["label"]), source: source, kind: kind ?? .text, x: x, y: y,
                                         boxes: boxes, width: Double(string(fields?["width"])) ?? 80, line: line,
                                         columns: columns, rows: rows, rowHeight: rowHeight))
            }
            pages.append(page)
        }
        if pages.isEmpty { problem(1, form, "`pages` missing") }
        guard problems.isEmpty else { return (nil, problems) }
        return (FormLayout(form: form, title: title, reference: reference, referenceNote: string(top["reference_note"]), pages: pages), [])
    }
}
