import Terminal
import Testing

@Suite("Input decoder")
struct InputDecoderTests {
    func decode(_ bytes: [UInt8]) -> [InputEvent] {
        var decoder = InputDecoder()
        return decoder.feed(bytes) + decoder.flush()
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("Keys and their byte sequences", arguments: [
        ("a", InputEvent.key(.character("a"))), ("\r", .key(.enter)), ("\n", .key(.enter)), ("\u{7F}", .key(.backspace)),
        ("\u{08}", .key(.backspace)), ("\t", .key(.tab)), ("\u{1B}[Z", .key(.backTab)), ("\u{1B}[A", .key(.up)), ("\u{1B}[B", .key(.down)),
        ("\u{1B}[C", .key(.right)), ("\u{1B}[D", .key(.left)), ("\u{1B}OA", .key(.up)), ("\u{1B}[H", .key(.home)), ("\u{1B}[F", .key(.end)),
        ("\u{1B}[3~", .key(.delete)), ("\u{1B}[5~", .key(.pageUp)), ("\u{1B}[6~", .key(.pageDown)), ("\u{1B}OP", .key(.function(1))),
        ("\u{1B}[15~", .key(.function(5))), ("\u{1B}[24~", .key(.function(12))), ("\u{03}", .key(.ctrl("c"))), ("\u{1A}", .key(.ctrl("z"))),
        ("\u{1C}", .key(.ctrl("\\"))), ("\u{05}", .key(.ctrl("e"))), ("é", .key(.character("é"))), ("Ї", .key(.character("Ї"))),
        ("\u{1B}", .key(.escape)), ("\u{1B}[1;5A", .key(.up)),
    ])
    func key(sequence: String, expected: InputEvent) {
        #expect(decode(bytes(sequence)) == [expected])
    }

    @Test("SGR mouse press and release carry 0-based coordinates")
    func mouse() {
        #expect(decode(bytes("\u{1B}[<0;10;5M\u{1B}[<0;10;5m")) == [
            .mouse(MouseEvent(button: .left, kind: .press, x: 9, y: 4)),
            .mouse(MouseEvent(button: .left, kind: .release, x: 9, y: 4)),
        ])
        #expect(decode(bytes("\u{1B}[<64;1;1M")) == [.mouse(MouseEvent(button: .wheelUp, kind: .press, x: 0, y: 0))])
        #expect(decode(bytes("\u{1B}[<32;3;4M")) == [.mouse(MouseEvent(button: .left, kind: .drag, x: 2, y: 3))])
    }

    @Test("A sequence split across reads is decoded once complete")
    func splitSequences() {
        var decoder = InputDecoder()
        #expect(decoder.feed(bytes("\u{1B}[<0;1")) == [])
        #expect(decoder.feed(bytes("2;7")) == [])
        #expect(decoder.feed(bytes("M")) == [.mouse(MouseEvent(button: .left, kind: .press, x: 11, y: 6))])
        #expect(decoder.feed([0x1B]) == [])
        #expect(decoder.feed(bytes("[")) == [])
        #expect(decoder.feed(bytes("A")) == [.key(.up)])
        // A UTF-8 character split between reads.
        let e = Array("é".utf8)
        #expect(decoder.feed([e[0]]) == [])
        #expect(decoder.feed([e[1]]) == [.key(.character("é"))])
    }

    @Test("A lone Escape waits for the flush; Escape then a key gives both")
    func escapeTiming() {
        var decoder = InputDecoder()
        #expect(decoder.feed([0x1B]) == [])
        #expect(decoder.flush() == [.key(.escape)])
        #expect(decode(bytes("\u{1B}x")) == [.key(.escape), .key(.character("x"))])
    }

    @Test("Bracketed paste arrives as one event, even split")
    func paste() {
        var decoder = InputDecoder()
        #expect(decoder.feed(bytes("\u{1B}[200~Rennes-")) == [])
        #expect(decoder.feed(bytes("les-Bains\u{1B}[20")) == [])
        #expect(decoder.feed(bytes("1~x")) == [.paste("Rennes-les-Bains"), .key(.character("x"))])
    }

    @Test("Several keys in one read come out in order")
    func severalKeys() {
        #expect(decode(bytes("12\r")) == [.key(.character("1")), .key(.character("2")), .key(.enter)])
    }
}
