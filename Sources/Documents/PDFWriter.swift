import Bidi
import Foundation

/// A PDF made of A4 pages: text, lines, rectangles, check boxes, boxed character fields, wrapped
/// paragraphs, page numbers. Pure: data in, bytes out; the same input gives the same bytes.
///
/// With a `FontSet`, text is shaped with HarfBuzz and drawn with subsets of those TrueType fonts, embedded as
/// Type0/CIDFontType2 (Identity-H, CIDs are the face's glyph ids) with a ToUnicode map, streams compressed: any script the fonts
/// hold prints in its own letters and extracts back as text. Without fonts (or for a character no font has),
/// the standard Helvetica (WinAnsi) is used and the character transliterated, and counted in `replacedCharacters`.
///
/// Coordinates are millimetres from the top-left corner of the page.
/// ```swift
/// var pdf = PDFWriter(title: "Liste des papiers", fonts: FontSet.read())
/// pdf.newPage()
/// pdf.text("Bonjour Ștefan, Шевченко", x: 20, y: 30, size: 12)
/// let bytes = pdf.render()
/// ```
public struct PDFWriter: Sendable {
    public static let pageWidth = 210.0
    public static let pageHeight = 297.0
    static let pointsPerMillimetre = 72.0 / 25.4

    public enum Font: Sendable { case regular, bold }

    /// Each page's content stream, built as bytes (operators joined by newlines).
    var pages: [[UInt8]] = []
    public let title: String
    /// Characters that had to be transliterated or replaced (the caller may tell the mediator).
    public private(set) var replacedCharacters: [Character] = []
    /// Draw "page N / M" at the bottom of each page.
    public var pageNumbers = true
    /// The embedded faces of each style, in fallback order (empty: Helvetica only).
    let faces: [Font: [ShapingFace]]
    /// The faces of each style, as the key of their shaped words.
    let regularFaces: Int
    let boldFaces: Int
    /// The glyphs this document uses (shared by copies of the writer, like the faces).
    let cache = ShapeCache()

    public init(title: String, fonts: FontSet? = nil) {
        self.title = title
        var faces: [Font: [ShapingFace]] = [:]
        if let fonts {
            faces[.regular] = fonts.regular.compactMap(ShapingFace.shared)
            faces[.bold] = fonts.bold.compactMap(ShapingFace.shared)
            if faces[.bold]!.isEmpty { faces[.bold] = faces[.regular] }
        }
        self.faces = faces
        regularFaces = ShapedWords.shared.number(of: faces[.regular] ?? [])
        boldFaces = ShapedWords.shared.number(of: faces[.bold] ?? [])
    }

    /// Whether text is drawn with embedded fonts.
    public var embedsFonts: Bool { !(faces[.regular] ?? []).isEmpty }

    public var pageCount: Int { pages.count }

    public mutating func newPage() { pages.append([]) }

    /// Appends one line of operators to page `index` (the current page when nil), written straight as bytes (no String
    /// for each number). The page is taken out while it is written, so that `write` may use the writer (drawing text
    /// records its glyphs) and appending does not copy the page.
    mutating func emit(onPage index: Int? = nil, _ write: (inout PDFWriter, inout [UInt8]) -> Void) {
        if pages.isEmpty { newPage() }
        let target = index ?? pages.count - 1
        var page = pages[target]
        pages[target] = []
        if !page.isEmpty { page.append(10) }
        write(&self, &page)
        pages[target] = page
    }

    static func format(_ value: Double) -> String {
        var bytes: [UInt8] = []
        appendNumber(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A number rounded to two decimals, written as an integer when it is one (else with both decimals), appended as
    /// ASCII without a String (called for every coordinate).
    static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        let hundredths = Int((abs(value) * 100).rounded())
        if hundredths != 0 && value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendInteger(hundredths / 100, to: &bytes)
        let fraction = hundredths % 100
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        bytes.append(48 + UInt8(fraction / 10))
        bytes.append(48 + UInt8(fraction % 10))
    }

    static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = 48 + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// ` x y` in points for a position in millimetres from the top left.
    static func appendPosition(_ x: Double, _ y: Double, to bytes: inout [UInt8]) {
        bytes.append(32); appendNumber(x * pointsPerMillimetre, to: &bytes)
        bytes.append(32); appendNumber((pageHeight - y) * pointsPerMillimetre, to: &bytes)
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

    /// Makes text printable in WinAnsi, remembering what was replaced.
    mutating func printable(_ text: String) -> String {
        let result = WinAnsi.printable(text)
        replacedCharacters += result.replaced
        return result.text
    }

    /// A run of text in one face: the face's index in its style and its glyphs.
    struct Run {
        var face: Int
        var glyphs: [ShapingFace.Glyph]
        var width: Double { glyphs.reduce(0) { $0 + $1.advance } }
    }

    /// Splits text into runs of the first face that has each character, shaped. A character no face has is
    /// transliterated (and counted) into what the first face can show.
    mutating func runs(_ text: String, _ font: Font, rightToLeft: Bool = false) -> [Run] {
        // The line's direction runs (the bidi algorithm: an amount or "CPAM" inside Arabic reads left to right), from
        // left to right; each drawn as its words (shaped once each, as measuring already did) and spaces: nothing
        // joins or kerns across a space. A right-to-left run puts its words from the right, each shaped right to left.
        let directionRuns = Bidi.visualRuns(text, base: rightToLeft ? .rightToLeft : .leftToRight)
        if directionRuns.count == 1, !text.utf8.contains(UInt8(ascii: " ")) { return wordRuns(directionRuns[0].text, font, rightToLeft: directionRuns[0].rightToLeft) }
        var merged: [Run] = []
        for directionRun in directionRuns {
            var words = directionRun.text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if directionRun.rightToLeft { words.reverse() }
            let space = wordRuns(" ", font, rightToLeft: directionRun.rightToLeft)
            for (index, word) in words.enumerated() {
                var pieces = index == 0 ? [] : space
                pieces += word.isEmpty ? [] : wordRuns(word, font, rightToLeft: directionRun.rightToLeft)
                for piece in pieces {
                    if let last = merged.last, last.face == piece.face { merged[merged.count - 1].glyphs += piece.glyphs } else { merged.append(piece) }
                }
            }
        }
        return merged
    }

    /// The runs of a text without spaces, shaped once per process and faces (`ShapedWords`).
    mutating func wordRuns(_ text: String, _ font: Font, rightToLeft: Bool) -> [Run] {
        let key = ShapedWords.Key(text: text, faces: font == .bold ? boldFaces : regularFaces, rightToLeft: rightToLeft)
        if let cached = ShapedWords.shared.lookup(key) {
            replacedCharacters += cached.replaced
            return cached.runs
        }
        let before = replacedCharacters.count
        let shaped = shapeRuns(text, font, rightToLeft: rightToLeft)
        ShapedWords.shared.store(key, (shaped, Array(replacedCharacters[before...])))
        return shaped
    }

    mutating func shapeRuns(_ text: String, _ font: Font, rightToLeft: Bool) -> [Run] {
        guard let styleFaces = faces[font], !styleFaces.isEmpty else { return [] }
        var pieces: [(Int, String)] = []
        for character in text {
            var chosen: Int? = nil
            if let base = character.unicodeScalars.first {
                if character.isWhitespace, let last = pieces.last { chosen = last.0 } else {
                    chosen = styleFaces.indices.first { styleFaces[$0].has(base) }
                }
            }
            var shown = String(character)
            if chosen == nil {
                replacedCharacters.append(character)
                let latin = shown.applyingTransform(.toLatin, reverse: false) ?? shown
                shown = (latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin)
                if !shown.unicodeScalars.allSatisfy(styleFaces[0].has) { shown = "?" }
                chosen = 0
            }
            if let last = pieces.last, last.0 == chosen! { pieces[pieces.count - 1].1 += shown } else { pieces.append((chosen!, shown)) }
        }
        if rightToLeft { pieces.reverse() }
        return pieces.map { Run(face: $0.0, glyphs: styleFaces[$0.0].shape($0.1, rightToLeft: rightToLeft)) }
    }

    /// Width of text in millimetres at `size` points.
    public mutating func width(_ text: String, size: Double, font: Font = .regular) -> Double {
        if embedsFonts {
            // Measuring is not drawing: what it would replace is counted when the text is drawn.
            let replaced = replacedCharacters
            defer { replacedCharacters = replaced }
            return runs(text, font).reduce(0) { $0 + $1.width } * size / 1000 / Self.pointsPerMillimetre
        }
        return WinAnsi.width(WinAnsi.printable(text).text, size: size, bold: font == .bold) / Self.pointsPerMillimetre
    }

    /// Appends the PDF operators that draw text with its baseline at (x, y) mm, and records the glyphs used.
    mutating func show(_ text: String, x: Double, y: Double, size: Double, font: Font, rightToLeft: Bool = false, into operations: inout [UInt8]) {
        guard embedsFonts, faces[font] != nil else {
            let shown = printable(text)
            operations.append(contentsOf: "BT /\(font == .bold ? "F2" : "F1") ".utf8)
            Self.appendNumber(size, to: &operations)
            operations.append(contentsOf: " Tf".utf8)
            Self.appendPosition(x, y, to: &operations)
            operations.append(contentsOf: " Td \(Self.literal(WinAnsi.encode(shown))) Tj ET".utf8)
            return
        }
        operations.append(contentsOf: "BT".utf8)
        Self.appendPosition(x, y, to: &operations)
        operations.append(contentsOf: " Td".utf8)
        var advanced = 0.0
        for run in runs(text, font, rightToLeft: rightToLeft) where !run.glyphs.isEmpty {
            if advanced != 0 {
                operations.append(32)
                Self.appendNumber(advanced * size / 1000, to: &operations)
                operations.append(contentsOf: " 0 Td".utf8)
            }
            operations.append(contentsOf: " /".utf8)
            operations.append(font == .bold ? UInt8(ascii: "B") : UInt8(ascii: "R"))
            Self.appendInteger(run.face + 1, to: &operations)
            operations.append(32)
            Self.appendNumber(size, to: &operations)
            operations.append(contentsOf: " Tf [".utf8)
            var pending = 0.0
            var inHex = false
            // Taken out of the cache while it is filled, so that adding a glyph does not copy the whole table.
            let slot = Self.slot(font, run.face)
            var used = cache.used.removeValue(forKey: slot) ?? [:]
            defer { cache.used[slot] = used }
            for glyph in run.glyphs {
                // The first text a glyph stands for is its ToUnicode entry (a later empty one, a ligature's tail, is not).
                if let known = used[glyph.id] {
                    if known.isEmpty && !glyph.text.isEmpty { used[glyph.id] = glyph.text }
                } else {
                    used[glyph.id] = glyph.text
                }
                pending -= glyph.xOffset
                let adjustment = Int(pending.rounded())
                if adjustment != 0 {
                    if inHex { operations.append(UInt8(ascii: ">")); inHex = false }
                    operations.append(32)
                    Self.appendInteger(adjustment, to: &operations)
                    operations.append(32)
                }
                pending = 0
                if !inHex { operations.append(UInt8(ascii: "<")); inHex = true }
                Self.appendHex4(glyph.id, to: &operations)
                pending += Double(glyph.nominalAdvance) - glyph.advance + glyph.xOffset
            }
            if inHex { operations.append(UInt8(ascii: ">")) }
            operations.append(contentsOf: "] TJ".utf8)
            advanced = run.width
        }
        operations.append(contentsOf: " ET".utf8)
    }

    /// The operators `show` appends, as text (for tests and callers outside a page).
    mutating func show(_ text: String, x: Double, y: Double, size: Double, font: Font, rightToLeft: Bool = false) -> String {
        var operations: [UInt8] = []
        show(text, x: x, y: y, size: size, font: font, rightToLeft: rightToLeft, into: &operations)
        return String(decoding: operations, as: UTF8.self)
    }

    /// Four upper-case hexadecimal digits (a glyph id, a UTF-16 unit), without Foundation's formatter.
    static func hex4(_ value: UInt32) -> String {
        var bytes: [UInt8] = []
        appendHex4(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendHex4(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in [12, 8, 4, 0] {
            let digit = UInt8(value >> UInt32(shift) & 0xF)
            bytes.append(digit < 10 ? 48 + digit : 55 + digit)
        }
    }

    static func resourceName(_ font: Font, _ face: Int) -> String { (font == .bold ? "B" : "R") + String(face + 1) }
    /// The key of a font resource in `ShapeCache.used`.
    static func slot(_ font: Font, _ face: Int) -> Int { (font == .bold ? 1 << 16 : 0) + face }

    /// Text with its baseline at `y`.
    public mutating func text(_ text: String, x: Double, y: Double, size: Double = 11, font: Font = .regular, rightToLeft: Bool = false) {
        emit { writer, bytes in writer.show(text, x: x, y: y, size: size, font: font, rightToLeft: rightToLeft, into: &bytes) }
    }

    /// Text centred on `x`.
    public mutating func centredText(_ text: String, x: Double, y: Double, size: Double = 11, font: Font = .regular) {
        let textWidth = width(text, size: size, font: font)
        self.text(text, x: x - textWidth / 2, y: y, size: size, font: font)
    }

    public mutating func line(from start: (x: Double, y: Double), to end: (x: Double, y: Double), width: Double = 0.3) {
        emit { _, bytes in
            Self.appendNumber(width * Self.pointsPerMillimetre, to: &bytes)
            bytes.append(contentsOf: " w".utf8)
            Self.appendPosition(start.x, start.y, to: &bytes)
            bytes.append(contentsOf: " m".utf8)
            Self.appendPosition(end.x, end.y, to: &bytes)
            bytes.append(contentsOf: " l S".utf8)
        }
    }

    public mutating func rectangle(x: Double, y: Double, width: Double, height: Double, lineWidth: Double = 0.3, fillGrey: Double? = nil) {
        func path(_ bytes: inout [UInt8]) {
            Self.appendPosition(x, y + height, to: &bytes)
            bytes.append(32); Self.appendNumber(width * Self.pointsPerMillimetre, to: &bytes)
            bytes.append(32); Self.appendNumber(height * Self.pointsPerMillimetre, to: &bytes)
            bytes.append(contentsOf: " re".utf8)
        }
        if let grey = fillGrey {
            emit { _, bytes in
                bytes.append(contentsOf: "q ".utf8)
                Self.appendNumber(grey, to: &bytes)
                bytes.append(contentsOf: " g".utf8)
                path(&bytes)
                bytes.append(contentsOf: " f Q".utf8)
            }
        }
        emit { _, bytes in
            Self.appendNumber(lineWidth * Self.pointsPerMillimetre, to: &bytes)
            bytes.append(contentsOf: " w".utf8)
            path(&bytes)
            bytes.append(contentsOf: " S".utf8)
        }
    }

    /// A square check box, crossed when `checked`.
    public mutating func checkBox(x: Double, y: Double, size: Double = 4, checked: Bool) {
        rectangle(x: x, y: y, width: size, height: size)
        if checked {
            // A bold X, as one ticks a Cerfa box (and readable by text extraction).
            let markWidth = width("X", size: size * 2.6, font: .bold)
            text("X", x: x + (size - markWidth) / 2, y: y + size - 0.55, size: size * 2.6, font: .bold)
        }
    }

    /// One character per box, as Cerfa forms ask for names, dates and numbers. Text longer than the boxes is cut
    /// (the caller checks `fits` first when that matters).
    public mutating func boxedField(_ value: String, x: Double, y: Double, boxes: Int, boxWidth: Double = 5, height: Double = 6, size: Double = 11) {
        let shown = Array(embedsFonts ? value.uppercased() : printable(value.uppercased()))
        for index in 0..<boxes {
            let left = x + Double(index) * boxWidth
            rectangle(x: left, y: y, width: boxWidth, height: height, lineWidth: 0.2)
            if index < shown.count, shown[index] != " " {
                let character = String(shown[index])
                let characterWidth = width(character, size: size)
                text(character, x: left + (boxWidth - characterWidth) / 2, y: y + height - 1.5, size: size)
            }
        }
    }

    /// Wraps text to `width` mm from (x, y) (y is the first baseline); returns the y after the last line.
    /// Right-to-left text is aligned on the right edge.
    @discardableResult
    public mutating func paragraph(_ text: String, x: Double, y: Double, width: Double, size: Double = 11, font: Font = .regular,
                                   leading: Double? = nil, rightToLeft: Bool = false) -> Double {
        let lineHeight = leading ?? size * 0.45
        var baseline = y
        for line in wrap(embedsFonts ? text : printable(text), width: width, size: size, font: font) {
            let left = rightToLeft ? x + width - self.width(line, size: size, font: font) : x
            self.text(line, x: left, y: baseline, size: size, font: font, rightToLeft: rightToLeft)
            baseline += lineHeight
        }
        return baseline
    }

    /// Splits text into lines no wider than `width` mm, at spaces (a word longer than a line stays whole).
    /// Each word is measured once (kerning across a space is ignored, which errs by far less than a margin).
    public mutating func wrap(_ text: String, width: Double, size: Double, font: Font = .regular) -> [String] {
        var lines: [String] = []
        let space = self.width(" ", size: size, font: font)
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0.0
            for word in paragraph.split(separator: " ") {
                let wordWidth = self.width(String(word), size: size, font: font)
                if line.isEmpty {
                    line = String(word)
                    lineWidth = wordWidth
                } else if lineWidth + space + wordWidth <= width {
                    line += " " + word
                    lineWidth += space + wordWidth
                } else {
                    lines.append(line)
                    line = String(word)
                    lineWidth = wordWidth
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// The PDF file. Deterministic: the same document gives the same bytes.
    public func render() -> Data {
        var writer = self
        if writer.pages.isEmpty { writer.pages = [[]] }
        // Page numbers are drawn first, so that their glyphs are in the subsets.
        if writer.pageNumbers && writer.pages.count > 1 {
            for index in writer.pages.indices {
                let label = "Page \(index + 1) sur \(writer.pages.count)"
                let labelWidth = writer.width(label, size: 9)
                writer.emit(onPage: index) { writer, bytes in
                    writer.show(label, x: Self.pageWidth / 2 - labelWidth / 2, y: Self.pageHeight - 10, size: 9, font: .regular, into: &bytes)
                }
            }
        }
        return writer.assemble()
    }

    func assemble() -> Data {
        var objects: [Data] = []
        func add(_ text: String) -> Int {
            objects.append(Data(text.utf8))
            return objects.count
        }
        func reserve() -> Int {
            objects.append(Data())
            return objects.count
        }
        let deflater = Deflater()
        func stream(_ data: Data, _ extra: String = "") -> Data {
            if let compressed = deflater.compress(data) {
                return Data("<< /Length \(compressed.count) /Filter /FlateDecode\(extra) >>\nstream\n".utf8) + compressed + Data("\nendstream".utf8)
            }
            return Data("<< /Length \(data.count)\(extra) >>\nstream\n".utf8) + data + Data("\nendstream".utf8)
        }
        // 1 catalog, 2 pages, 3 info; then fonts; then page and content pairs.
        _ = add("<< /Type /Catalog /Pages 2 0 R >>")
        let pagesObject = reserve()
        _ = add("<< /Title \(Self.textString(title)) /Producer (Permanence) >>")
        var fontResources: [String] = []
        if embedsFonts {
            for style in [Font.regular, Font.bold] {
                for (index, face) in (faces[style] ?? []).enumerated() {
                    // The same face may serve both styles (no bold file): embed it once per style, each with its own glyphs.
                    let name = Self.resourceName(style, index)
                    guard let used = cache.used[Self.slot(style, index)], !used.isEmpty else { continue }
                    let object = embed(face, used, &objects, stream)
                    fontResources.append("/\(name) \(object) 0 R")
                }
            }
        } else {
            let regular = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
            let bold = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
            fontResources = ["/F1 \(regular) 0 R", "/F2 \(bold) 0 R"]
        }
        let mediaBox = "[0 0 \(Self.format(Self.pageWidth * Self.pointsPerMillimetre)) \(Self.format(Self.pageHeight * Self.pointsPerMillimetre))]"
        var kids: [Int] = []
        for operations in pages {
            let content = Data(operations)
            let page = objects.count + 1
            kids.append(page)
            _ = add("<< /Type /Page /Parent \(pagesObject) 0 R /MediaBox \(mediaBox) /Resources << /Font << \(fontResources.joined(separator: " ")) >> >> /Contents \(page + 1) 0 R >>")
            objects.append(stream(content))
        }
        objects[pagesObject - 1] = Data("<< /Type /Pages /Kids [\(kids.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>".utf8)
        var output = Data("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.count)
            output += Data("\(index + 1) 0 obj\n".utf8) + object + Data("\nendobj\n".utf8)
        }
        let xref = output.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(offset).leftPadded(to: 10) + " 00000 n \n" }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info 3 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        output += Data(table.utf8)
        return output
    }

    /// Adds the objects of one embedded face (Type0 → CIDFontType2 → descriptor → subset file, ToUnicode); returns the Type0's number.
    func embed(_ face: ShapingFace, _ used: [UInt32: String], _ objects: inout [Data], _ stream: (Data, String) -> Data) -> Int {
        let glyphs = used.keys.sorted()
        // A subset tag from the glyphs used: deterministic, and different subsets get different names.
        var hash: UInt64 = 0xcbf29ce484222325
        for glyph in glyphs { hash = (hash ^ UInt64(glyph)) &* 0x100000001b3 }
        for byte in face.name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        let tag = String((0..<6).map { Character(UnicodeScalar(UInt8(65 + (hash >> (UInt64($0) * 5)) % 26))) })
        let baseFont = "\(tag)+\(face.name.filter { $0.isLetter || $0.isNumber || $0 == "-" })"
        // The subset renumbers its glyphs; the content keeps the original ids as CIDs, mapped by CIDToGIDMap
        // (two bytes per CID up to the highest used, mostly zeros: it compresses to little). Without a subset
        // (hb-subset failed), the whole face is embedded and CIDs are its glyph ids.
        let subset = face.subset(Set(glyphs))
        let fontFile = subset?.font ?? face.original
        objects.append(stream(fontFile, " /Length1 \(fontFile.count)"))
        let file = objects.count
        var cidToGID = "/Identity"
        if let newGlyph = subset?.newGlyph {
            var map = [UInt8](repeating: 0, count: 2 * (Int(glyphs.last ?? 0) + 1))
            for (old, new) in newGlyph {
                map[2 * Int(old)] = UInt8(new >> 8 & 0xFF)
                map[2 * Int(old) + 1] = UInt8(new & 0xFF)
            }
            objects.append(stream(Data(map), ""))
            cidToGID = "\(objects.count) 0 R"
        }
        let metrics = face.metrics
        objects.append(Data(("<< /Type /FontDescriptor /FontName /\(baseFont) /Flags 32 /FontBBox [\(metrics.bbox.map(String.init).joined(separator: " "))] "
            + "/ItalicAngle 0 /Ascent \(metrics.ascent) /Descent \(metrics.descent) /CapHeight \(metrics.capHeight) /StemV 80 /FontFile2 \(file) 0 R >>").utf8))
        let descriptor = objects.count
        let widths = glyphs.map { "\($0) [\(face.advance($0))]" }.joined(separator: " ")
        objects.append(Data(("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /\(baseFont) /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            + "/FontDescriptor \(descriptor) 0 R /DW 1000 /W [\(widths)] /CIDToGIDMap \(cidToGID) >>").utf8))
        let cidFont = objects.count
        objects.append(stream(Data(Self.toUnicode(used).utf8), ""))
        let toUnicode = objects.count
        objects.append(Data("<< /Type /Font /Subtype /Type0 /BaseFont /\(baseFont) /Encoding /Identity-H /DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R >>".utf8))
        return objects.count
    }

    /// The CMap that gives each glyph back its text (so that copying or `pdftotext` reads the real letters).
    static func toUnicode(_ used: [UInt32: String]) -> String {
        var lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
                     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def", "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
                     "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
        let entries = used.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: entries.count, by: 100) {
            let chunk = entries[start..<min(start + 100, entries.count)]
            lines.append("\(chunk.count) beginbfchar")
            for (glyph, text) in chunk {
                let utf16 = text.utf16.map { Self.hex4(UInt32($0)) }.joined()
                lines.append("<\(Self.hex4(glyph))> <\(utf16)>")
            }
            lines.append("endbfchar")
        }
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return lines.joined(separator: "\n")
    }

    /// A PDF text string: WinAnsi when it fits, else UTF-16BE with a byte-order mark (for the document title).
    static func textString(_ text: String) -> String {
        if text.allSatisfy({ WinAnsi.byte($0) != nil }) { return literal(WinAnsi.encode(text)) }
        return "<FEFF" + text.utf16.map { Self.hex4(UInt32($0)) }.joined() + ">"
    }
}

/// The glyphs one document uses, by font resource: glyph → the text it stands for (for the subsets and the
/// ToUnicode maps).
final class ShapeCache: @unchecked Sendable {
    var used: [Int: [UInt32: String]] = [:]
}

/// Words shaped by this process, by faces and text: the labels of forms and checklists come back in every
/// document, and shaping a word costs more than drawing it. Shaping is pure (same faces and text, same glyphs),
/// so what the cache holds never changes a document's bytes. Bounded: emptied when it reaches `limit` words
/// (a few hundred bytes each: a word's glyphs and text).
final class ShapedWords: @unchecked Sendable {
    struct Key: Hashable {
        var text: String
        /// The faces, in fallback order, by their number (`number(of:)`).
        var faces: Int
        var rightToLeft: Bool
    }
    typealias Entry = (runs: [PDFWriter.Run], replaced: [Character])

    static let shared = ShapedWords()
    static let limit = 8_192
    private var entries: [Key: Entry] = [:]
    private var faceNumbers: [[ObjectIdentifier]: Int] = [:]
    private let lock = NSLock()

    /// A number for a list of faces (faces live as long as the process: `ShapingFace.shared`).
    func number(of faces: [ShapingFace]) -> Int {
        let identities = faces.map(ObjectIdentifier.init)
        lock.lock()
        defer { lock.unlock() }
        if let number = faceNumbers[identities] { return number }
        faceNumbers[identities] = faceNumbers.count
        return faceNumbers.count - 1
    }

    func lookup(_ key: Key) -> Entry? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func store(_ key: Key, _ entry: Entry) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= Self.limit { entries.removeAll(keepingCapacity: true) }
        entries[key] = entry
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
