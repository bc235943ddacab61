import Foundation

/// A PDF made of A4 pages: text in the standard Helvetica fonts (WinAnsi), lines, rectangles,
/// check boxes, boxed character fields, wrapped paragraphs, page numbers. Pure: data in, bytes out.
///
/// Coordinates are millimetres from the top-left corner of the page.
/// ```swift
/// var pdf = PDFWriter(title: "Liste des papiers")
/// pdf.newPage()
/// pdf.text("Bonjour Ștefan", x: 20, y: 30, size: 12)      // printed "Bonjour Stefan"
/// let bytes = pdf.render()
/// ```
public struct PDFWriter: Sendable {
    public static let pageWidth = 210.0
    public static let pageHeight = 297.0
    static let pointsPerMillimetre = 72.0 / 25.4

    public enum Font: Sendable { case regular, bold }

    var pages: [[String]] = []
    public let title: String
    /// Characters that had to be transliterated or replaced (the caller may tell the mediator).
    public private(set) var replacedCharacters: [Character] = []
    /// Draw "page N / M" at the bottom of each page.
    public var pageNumbers = true

    public init(title: String) { self.title = title }

    public var pageCount: Int { pages.count }

    public mutating func newPage() { pages.append([]) }

    mutating func emit(_ operation: String) {
        if pages.isEmpty { newPage() }
        pages[pages.count - 1].append(operation)
    }

    static func pt(_ millimetres: Double) -> String { format(millimetres * pointsPerMillimetre) }
    static func ptY(_ millimetres: Double) -> String { format((pageHeight - millimetres) * pointsPerMillimetre) }
    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }

    /// A PDF string literal of WinAnsi bytes: ( ) \ escaped, bytes above 126 in octal.
    static func literal(_ bytes: [UInt8]) -> String {
        var text = "("
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"): text += "\\" + String(UnicodeScalar(byte))
            case 0x20...0x7E: text.append(Character(UnicodeScalar(byte)))
            default: text += "\\" + String(byte, radix: 8).leftPadded(to: 3)
            }
        }
        return text + ")"
    }

    /// Makes text printable, remembering what was replaced.
    mutating func printable(_ text: String) -> String {
        let result = WinAnsi.printable(text)
        replacedCharacters += result.replaced
        return result.text
    }

    /// Text with its baseline at `y`.
    public mutating func text(_ text: String, x: Double, y: Double, size: Double = 11, font: Font = .regular) {
        let shown = printable(text)
        let name = font == .bold ? "F2" : "F1"
        emit("BT /\(name) \(Self.format(size)) Tf \(Self.pt(x)) \(Self.ptY(y)) Td \(Self.literal(WinAnsi.encode(shown))) Tj ET")
    }

    /// Text centred on `x`.
    public mutating func centredText(_ text: String, x: Double, y: Double, size: Double = 11, font: Font = .regular) {
        let shown = WinAnsi.printable(text).text
        let width = WinAnsi.width(shown, size: size, bold: font == .bold) / Self.pointsPerMillimetre
        self.text(text, x: x - width / 2, y: y, size: size, font: font)
    }

    public mutating func line(from start: (x: Double, y: Double), to end: (x: Double, y: Double), width: Double = 0.3) {
        emit("\(Self.pt(width)) w \(Self.pt(start.x)) \(Self.ptY(start.y)) m \(Self.pt(end.x)) \(Self.ptY(end.y)) l S")
    }

    public mutating func rectangle(x: Double, y: Double, width: Double, height: Double, lineWidth: Double = 0.3, fillGrey: Double? = nil) {
        let path = "\(Self.pt(x)) \(Self.ptY(y + height)) \(Self.pt(width)) \(Self.pt(height)) re"
        if let grey = fillGrey {
            emit("q \(Self.format(grey)) g \(path) f Q")
        }
        emit("\(Self.pt(lineWidth)) w \(path) S")
    }

    /// A square check box, crossed when `checked`.
    public mutating func checkBox(x: Double, y: Double, size: Double = 4, checked: Bool) {
        rectangle(x: x, y: y, width: size, height: size)
        if checked {
            // A bold X, as one ticks a Cerfa box (and readable by text extraction).
            let width = WinAnsi.width("X", size: size * 2.6, bold: true) / Self.pointsPerMillimetre
            emit("BT /F2 \(Self.format(size * 2.6)) Tf \(Self.pt(x + (size - width) / 2)) \(Self.ptY(y + size - 0.55)) Td (X) Tj ET")
        }
    }

    /// One character per box, as Cerfa forms ask for names, dates and numbers. Text longer than the boxes is cut
    /// (the caller checks `fits` first when that matters).
    public mutating func boxedField(_ value: String, x: Double, y: Double, boxes: Int, boxWidth: Double = 5, height: Double = 6, size: Double = 11) {
        let shown = Array(printable(value.uppercased()))
        for index in 0..<boxes {
            let left = x + Double(index) * boxWidth
            rectangle(x: left, y: y, width: boxWidth, height: height, lineWidth: 0.2)
            if index < shown.count, shown[index] != " " {
                let character = String(shown[index])
                let width = WinAnsi.width(character, size: size) / Self.pointsPerMillimetre
                emit("BT /F1 \(Self.format(size)) Tf \(Self.pt(left + (boxWidth - width) / 2)) \(Self.ptY(y + height - 1.5)) Td \(Self.literal(WinAnsi.encode(character))) Tj ET")
            }
        }
    }

    /// Wraps text to `width` mm from (x, y) (y is the first baseline); returns the y after the last line.
    @discardableResult
    public mutating func paragraph(_ text: String, x: Double, y: Double, width: Double, size: Double = 11, font: Font = .regular, leading: Double? = nil) -> Double {
        let lineHeight = leading ?? size * 0.45
        var baseline = y
        for line in Self.wrap(printable(text), width: width, size: size, bold: font == .bold) {
            emit("BT /\(font == .bold ? "F2" : "F1") \(Self.format(size)) Tf \(Self.pt(x)) \(Self.ptY(baseline)) Td \(Self.literal(WinAnsi.encode(line))) Tj ET")
            baseline += lineHeight
        }
        return baseline
    }

    /// Splits printable text into lines no wider than `width` mm.
    public static func wrap(_ text: String, width: Double, size: Double, bold: Bool = false) -> [String] {
        let limit = width * pointsPerMillimetre
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if WinAnsi.width(candidate, size: size, bold: bold) <= limit || line.isEmpty {
                    line = candidate
                } else {
                    lines.append(line)
                    line = String(word)
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// The PDF file. Deterministic: the same document gives the same bytes.
    public func render() -> Data {
        var pages = self.pages
        if pages.isEmpty { pages = [[]] }
        var objects: [Data] = []
        func add(_ text: String) -> Int {
            objects.append(Data(text.utf8))
            return objects.count
        }
        // 1 catalog, 2 pages, 3–4 fonts, 5 info; then page and content pairs.
        _ = add("<< /Type /Catalog /Pages 2 0 R >>")
        let firstPage = 6
        let kids = (0..<pages.count).map { "\(firstPage + $0 * 2) 0 R" }.joined(separator: " ")
        _ = add("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
        _ = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        _ = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        _ = add("<< /Title \(Self.literal(WinAnsi.encode(WinAnsi.printable(title).text))) /Producer (Permanence) >>")
        let mediaBox = "[0 0 \(Self.format(Self.pageWidth * Self.pointsPerMillimetre)) \(Self.format(Self.pageHeight * Self.pointsPerMillimetre))]"
        for (index, operations) in pages.enumerated() {
            var content = operations
            if pageNumbers && pages.count > 1 {
                let label = "Page \(index + 1) sur \(pages.count)"
                let width = WinAnsi.width(label, size: 9) / Self.pointsPerMillimetre
                content.append("BT /F1 9 Tf \(Self.pt(Self.pageWidth / 2 - width / 2)) \(Self.ptY(Self.pageHeight - 10)) Td \(Self.literal(WinAnsi.encode(label))) Tj ET")
            }
            let stream = content.joined(separator: "\n")
            _ = add("<< /Type /Page /Parent 2 0 R /MediaBox \(mediaBox) /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(firstPage + index * 2 + 1) 0 R >>")
            _ = add("<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream")
        }
        var output = Data("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.count)
            output += Data("\(index + 1) 0 obj\n".utf8) + object + Data("\nendobj\n".utf8)
        }
        let xref = output.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(offset).leftPadded(to: 10) + " 00000 n \n" }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info 5 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        output += Data(table.utf8)
        return output
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
