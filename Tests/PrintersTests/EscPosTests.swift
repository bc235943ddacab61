import Printers
import Testing

@Suite("ESC/POS")
struct EscPosTests {
    @Test("Each command is the bytes of the ESC/POS manual")
    func commands() {
        #expect(EscPos.initialize == [0x1B, 0x40])
        #expect(EscPos.align(.center) == [0x1B, 0x61, 0x01])
        #expect(EscPos.size(width: 2, height: 2) == [0x1D, 0x21, 0x11])
        #expect(EscPos.size(width: 1, height: 1) == [0x1D, 0x21, 0x00])
        #expect(EscPos.size(width: 9, height: 0) == [0x1D, 0x21, 0x70])
        #expect(EscPos.bold(true) == [0x1B, 0x45, 0x01])
        #expect(EscPos.cut == [0x1D, 0x56, 0x42, 0x00])
        #expect(EscPos.feed(lines: 3) == [0x1B, 0x64, 0x03])
    }

    @Test("Text is sent as ASCII: accents dropped, other scripts transliterated")
    func text() {
        #expect(EscPos.text("Café n°7") == Array("Cafe n?7".utf8))
        #expect(EscPos.text("Сідайте") == Array("Sidajte".utf8))
        #expect(EscPos.text("l’équipe") == Array("l'equipe".utf8))
    }

    @Test("A ticket is the exact byte sequence: initialise, centre, place, time, big number, line, feed, cut")
    func ticket() {
        let bytes = EscPos.ticket(number: 12, dateTime: "24/11/2026 10:05", place: "Couiza", line: "Asseyez-vous.")
        var expected: [UInt8] = [0x1B, 0x40, 0x1B, 0x61, 0x01]
        expected += Array("Couiza".utf8) + [0x0A]
        expected += Array("24/11/2026 10:05".utf8) + [0x0A, 0x0A]
        expected += [0x1D, 0x21, 0x33, 0x1B, 0x45, 0x01] + Array("12".utf8) + [0x0A]
        expected += [0x1D, 0x21, 0x00, 0x1B, 0x45, 0x00, 0x0A]
        expected += Array("Asseyez-vous.".utf8) + [0x0A]
        expected += [0x1B, 0x64, 0x03, 0x1D, 0x56, 0x42, 0x00]
        #expect(bytes == expected)
    }
}
