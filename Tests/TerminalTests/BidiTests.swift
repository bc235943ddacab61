import Bidi
import Foundation
import Terminal
import Testing

/// Right to left on the cell buffer: FriBidi's order, Arabic joined into presentation forms, mirrored widgets.
@Suite("Bidi on buffers")
struct BidiTests {
    /// Back from what a terminal shows to what was written: presentation forms to letters (NFKC), reversed.
    func logical(_ visual: String) -> String {
        String(visual.precomposedStringWithCompatibilityMapping.reversed())
    }

    func rtlBuffer(width: Int, height: Int) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        buffer.direction = .rightToLeft
        return buffer
    }

    @Test("An Arabic word is reversed and joined: isolated, initial, medial and final forms")
    func joinedWord() {
        // رقم: ر does not join to the left, so ق starts a new join (initial) and م ends it (final).
        #expect(Bidi.visual("رقم", base: .rightToLeft) == "\u{FEE2}\u{FED7}\u{FEAD}")
        // سلام: lam-alef becomes one ligature cell.
        let salam = Bidi.visual("سلام", base: .rightToLeft)
        #expect(salam.unicodeScalars.count == 3)
        #expect(salam.unicodeScalars.contains { $0.value == 0xFEFC || $0.value == 0xFEFB })
    }

    @Test("Digits and Latin words inside Arabic keep their own order, the line reads from the right")
    func mixedLine() {
        let line = "رقم 12 CPAM"
        #expect(Bidi.visual(line, base: .rightToLeft) == "CPAM 12 \u{FEE2}\u{FED7}\u{FEAD}")
        // A phone number inside Persian text stays in its order, on the left of the words before it.
        let phone = "تلفن 04 68 20 00 00 بگیرید"
        let shown = Bidi.visual(phone, base: .rightToLeft)
        #expect(shown.contains("04 68 20 00 00"))
        let words = shown.split(separator: " ")
        #expect(String(words.last!).precomposedStringWithCompatibilityMapping == String("تلفن".reversed()))
        #expect(String(words.first!).precomposedStringWithCompatibilityMapping == String("بگیرید".reversed()))
        // An Arabic name inside a left-to-right line is reversed in place; the Latin around it does not move.
        #expect(Bidi.visual("Langue : العربية (ar)", base: .leftToRight).hasPrefix("Langue : "))
        #expect(Bidi.visual("Langue : العربية (ar)", base: .leftToRight).hasSuffix(" (ar)"))
        // Brackets are mirrored in a right-to-left run: "(CPAM)" after Arabic still opens on the right side of it.
        let bracketed = Bidi.visual("اتصل (CPAM)", base: .rightToLeft)
        #expect(bracketed.hasPrefix("(CPAM) "))
    }

    @Test("Runs for a page: visual order, each in reading order, digits as their own left-to-right run")
    func pageRuns() {
        let runs = Bidi.visualRuns("رقم 12 CPAM", base: .rightToLeft)
        #expect(runs.map(\.rightToLeft) == [false, true, false, true])
        #expect(runs.first?.text == "CPAM")
        #expect(runs.last?.text == "رقم ")
        #expect(Bidi.visualRuns("Bonjour", base: .leftToRight) == [Bidi.Run(text: "Bonjour", rightToLeft: false, range: 0..<7)])
    }

    @Test("A right-to-left paragraph wraps in reading order and each line stands at the right")
    func wrappedParagraph() {
        var buffer = rtlBuffer(width: 12, height: 4)
        let text = "مرحبا بكم في المكتب اليوم"
        Paragraph(text).render(buffer.area, &buffer)
        let lines = buffer.lines.map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
        // The first words read first: they are on the first line, at its right end.
        #expect(logical(buffer.lines[0].trimmingCharacters(in: .whitespaces)).hasPrefix("مرحبا"))
        #expect(buffer.lines[0].hasSuffix(String(buffer.lines[0].trimmingCharacters(in: .whitespaces))))
        #expect(buffer[11, 0].symbol != " ")
        // Everything is there, in order, once the lines are read right to left, top to bottom.
        let read = buffer.lines.map { logical($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }.joined(separator: " ")
        #expect(read == text)
        #expect(lines.count == 4)
    }

    @Test("Numbered choices: the number on the right, the text aligned to it")
    func choices() {
        var buffer = rtlBuffer(width: 20, height: 2)
        ChoiceList(["نعم", "لا"]).render(buffer.area, &buffer)
        #expect(buffer.lines[0].hasSuffix("1 "))
        #expect(buffer.lines[1].hasSuffix("2 "))
        #expect(logical(buffer.lines[0].trimmingCharacters(in: .whitespaces)).hasPrefix("1"))
    }

    @Test("Progress fills from the right; a left-to-right buffer is unchanged")
    func progress() {
        var rtl = rtlBuffer(width: 10, height: 1)
        ProgressBar(fraction: 0.3).render(rtl.area, &rtl)
        #expect(rtl[9, 0].style.background == .green)
        #expect(rtl[0, 0].style.background == .brightBlack)
        var ltr = Buffer(width: 10, height: 1)
        ProgressBar(fraction: 0.3).render(ltr.area, &ltr)
        #expect(ltr[0, 0].style.background == .green)
        #expect(ltr[9, 0].style.background == .brightBlack)
    }

    @Test("A 1×1 area and a 0-width area: clipped, never a crash")
    func tinyAreas() {
        var one = rtlBuffer(width: 1, height: 1)
        Text("مرحبا 12").render(one.area, &one)
        Paragraph("مرحبا بكم 12 CPAM").render(one.area, &one)
        ChoiceList(["نعم"]).render(one.area, &one)
        ProgressBar(fraction: 0.5).render(one.area, &one)
        TextField("أحمد", cursor: 2).render(one.area, &one)
        #expect(one.lines.count == 1 && one.lines[0].count == 1)
        var empty = rtlBuffer(width: 0, height: 3)
        Text("مرحبا").render(empty.area, &empty)
        Paragraph("مرحبا بكم").render(Rect(x: 0, y: 0, width: 0, height: 3), &empty)
        #expect(empty.lines == ["", "", ""])
        #expect(Bidi.visual("", base: .rightToLeft) == "")
        #expect(Bidi.visualRuns("", base: .rightToLeft).isEmpty)
    }

    @Test("Typed Arabic in a field reads right to left with the cursor where the next letter goes")
    func field() {
        var buffer = rtlBuffer(width: 12, height: 1)
        TextField("علي").render(buffer.area, &buffer)
        let row = buffer.lines[0]
        #expect(row.contains(Bidi.visual("علي", base: .rightToLeft)))
        // The cursor stands left of the last letter typed (the word's left end), on the leading space.
        #expect(buffer[0, 0].symbol == "█")
    }
}
