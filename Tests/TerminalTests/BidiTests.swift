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

/// A touch panel's events (as the kernel's evdev gives them) become the SGR mouse reports the UI handles.
@Suite("Touch panel")
struct TouchDecoderTests {
    /// A 1280×800 screen, foot's grid of 10×20-pixel cells (128×40), a panel reporting 0…4095 on each axis.
    let grid = TouchDecoder.Grid(columns: 128, rows: 40, screenWidth: 1280, screenHeight: 800, cellWidth: 10, cellHeight: 20)

    func tap(_ decoder: inout TouchDecoder, x: Int32, y: Int32, releaseAt: (Int32, Int32)? = nil) -> [MouseEvent] {
        typealias C = TouchDecoder.Code
        var events: [MouseEvent] = []
        events += decoder.feed(type: C.abs, code: C.absMTTrackingID, value: 7, grid: grid)
        events += decoder.feed(type: C.abs, code: C.absMTX, value: x, grid: grid)
        events += decoder.feed(type: C.abs, code: C.absMTY, value: y, grid: grid)
        events += decoder.feed(type: C.key, code: C.btnTouch, value: 1, grid: grid)
        events += decoder.feed(type: C.abs, code: C.absX, value: x, grid: grid)
        events += decoder.feed(type: C.abs, code: C.absY, value: y, grid: grid)
        events += decoder.feed(type: C.syn, code: C.synReport, value: 0, grid: grid)
        if let (rx, ry) = releaseAt {
            events += decoder.feed(type: C.abs, code: C.absX, value: rx, grid: grid)
            events += decoder.feed(type: C.abs, code: C.absY, value: ry, grid: grid)
            events += decoder.feed(type: C.syn, code: C.synReport, value: 0, grid: grid)
        }
        events += decoder.feed(type: C.abs, code: C.absMTTrackingID, value: -1, grid: grid)
        events += decoder.feed(type: C.key, code: C.btnTouch, value: 0, grid: grid)
        events += decoder.feed(type: C.syn, code: C.synReport, value: 0, grid: grid)
        return events
    }

    @Test("A tap is a press and a release on the cell under the finger")
    func tapOnCell() {
        var decoder = TouchDecoder(x: .init(minimum: 0, maximum: 4095), y: .init(minimum: 0, maximum: 4095))
        // x = 2048/4095 of 1280 px = 640 px → column 64; y = 1024/4095 of 800 px = 200 px → row 10.
        let events = tap(&decoder, x: 2048, y: 1024)
        #expect(events == [MouseEvent(button: .left, kind: .press, x: 64, y: 10), MouseEvent(button: .left, kind: .release, x: 64, y: 10)])
        #expect(TouchDecoder.report(events[0]) == Array("\u{1B}[<0;65;11M".utf8))
        #expect(TouchDecoder.report(events[1]) == Array("\u{1B}[<0;65;11m".utf8))
    }

    @Test("A shaky tap stays on its cell; a finger dragged away releases where it left; edges are clamped")
    func shakyAndEdges() {
        var decoder = TouchDecoder(x: .init(minimum: 0, maximum: 4095), y: .init(minimum: 0, maximum: 4095))
        let shaky = tap(&decoder, x: 2048, y: 1024, releaseAt: (2060, 1030))
        #expect(shaky.last == MouseEvent(button: .left, kind: .release, x: 64, y: 10))
        let dragged = tap(&decoder, x: 100, y: 100, releaseAt: (4000, 4000))
        #expect(dragged.last?.x == 125 && dragged.last?.y == 39)
        let corner = tap(&decoder, x: 5000, y: -20)
        #expect(corner.first == MouseEvent(button: .left, kind: .press, x: 127, y: 0))
        // The console gives no pixel size: the cells share the screen.
        let console = TouchDecoder.Grid(columns: 80, rows: 25, screenWidth: 0, screenHeight: 0, cellWidth: 0, cellHeight: 0)
        var plain = TouchDecoder(x: .init(minimum: 0, maximum: 1000), y: .init(minimum: 0, maximum: 1000))
        _ = plain.feed(type: TouchDecoder.Code.abs, code: TouchDecoder.Code.absX, value: 500, grid: console)
        _ = plain.feed(type: TouchDecoder.Code.abs, code: TouchDecoder.Code.absY, value: 999, grid: console)
        _ = plain.feed(type: TouchDecoder.Code.key, code: TouchDecoder.Code.btnTouch, value: 1, grid: console)
        #expect(plain.feed(type: TouchDecoder.Code.syn, code: TouchDecoder.Code.synReport, value: 0, grid: console) == [MouseEvent(button: .left, kind: .press, x: 40, y: 24)])
    }
}
