import Terminal
import Testing

@Suite("Buffer, widgets and renderer")
struct RenderingTests {
    @Test("Display width: wide characters take two columns, combining marks none")
    func displayWidth() {
        #expect("Couiza".displayWidth == 6)
        #expect("日本".displayWidth == 4)
        #expect("e\u{301}".displayWidth == 1)
        #expect("Українська".displayWidth == 10)
        #expect("🙂".displayWidth == 2)
    }

    @Test("Writing a wide character fills two cells; one that does not fit is not drawn")
    func wideCharacters() {
        var buffer = Buffer(width: 5, height: 1)
        buffer.write("a日本", x: 0, y: 0)
        #expect(buffer.lines == ["a日本"])
        #expect(buffer[2, 0].isContinuation)
        var narrow = Buffer(width: 2, height: 1)
        narrow.write("a日", x: 0, y: 0)
        #expect(narrow.lines == ["a "])
    }

    @Test("Combining characters join their base cell")
    func combining() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.write("e\u{301}t", x: 0, y: 0)
        #expect(buffer[0, 0].symbol == "e\u{301}")
        #expect(buffer[1, 0].symbol == "t")
    }

    @Test("Every widget survives a zero-size and a 1×1 area")
    func tinyAreas() {
        let widgets: [any Widget] = [
            Text("hello"), Paragraph("a long paragraph that wraps"), Button("OK"), ChoiceList(["Oui", "Non"], selected: 0),
            TextField("texte", cursor: 2), ProgressBar(fraction: 0.5, label: "3/6"), Table(headers: ["a", "b"], rows: [["1", "2"]], widths: [1, 1], selected: 0),
            CountdownBanner("Are you still there?", seconds: 12),
        ]
        for size in [(0, 0), (1, 1), (0, 5), (5, 0), (2, 1)] {
            for widget in widgets {
                var buffer = Buffer(width: size.0, height: size.1)
                widget.render(buffer.area, &buffer)
                widget.render(Rect(x: 3, y: 3, width: 10, height: 10), &buffer)
            }
        }
    }

    @Test("A paragraph wraps at spaces and ends cut text with an ellipsis")
    func paragraph() {
        var buffer = Buffer(width: 10, height: 2)
        Paragraph("Vos réponses sont confidentielles et restent ici").render(buffer.area, &buffer)
        #expect(buffer.lines == ["Vos       ", "réponses… "])
        #expect(wrap("un deux trois", width: 7) == ["un deux", "trois"])
    }

    @Test("A three-row button draws a frame with its label in the middle")
    func button() {
        var buffer = Buffer(width: 10, height: 3)
        Button("OK").render(buffer.area, &buffer)
        #expect(buffer.lines == ["┌────────┐", "│   OK   │", "└────────┘"])
    }

    @Test("A choice list numbers its items and marks checked ones")
    func choiceList() {
        var buffer = Buffer(width: 16, height: 2)
        ChoiceList(["Argent", "Papiers"], checked: [1]).render(buffer.area, &buffer)
        #expect(buffer.lines == [" 1  [ ] Argent  ", " 2  [x] Papiers "])
    }

    @Test("The first frame is written whole; the next one writes only the changed cells")
    func diffRenderer() {
        var renderer = DiffRenderer()
        var first = Buffer(width: 20, height: 3)
        first.write("Question 1", x: 0, y: 0)
        let full = renderer.render(first)
        #expect(full.contains("\u{1B}[2J"))
        var second = first
        second.write("2", x: 9, y: 0)
        let diff = renderer.render(second)
        #expect(diff == "\u{1B}[1;10H\u{1B}[0m2\u{1B}[0m")
        #expect(renderer.render(second) == "")
    }

    @Test("A resize makes the next frame a full redraw")
    func resizeRedraws() {
        var renderer = DiffRenderer()
        _ = renderer.render(Buffer(width: 10, height: 2))
        #expect(renderer.render(Buffer(width: 12, height: 2)).contains("\u{1B}[2J"))
    }

    @Test("Terminal modes switch on and off what they switched on")
    func modes() {
        let modes = TerminalModes()
        #expect(modes.enable.contains("\u{1B}[?1006h"))
        #expect(modes.enable.contains("\u{1B}[?1049h"))
        #expect(modes.disable.contains("\u{1B}[?1006l"))
        #expect(modes.disable.hasSuffix("\u{1B}[?1049l"))
    }
}
