import Foundation
import Printers
import Testing
import TestSupport

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

@Suite("CUPS client on a real IPP printer")
struct CupsClientTests {
    @Test("A job sent and then cancelled ends cancelled at the printer")
    func cancel() throws {
        let printer = try IPPPrinterSimulator()
        try printer.start()
        let pdf = PDFBytes.minimal
        let client = CupsClient(busyWait: 10)
        let job = try client.send(pdf: Data(pdf), title: "to-cancel", to: .uri(printer.uri), waitForCompletion: false)
        try client.cancel(jobID: job, on: .uri(printer.uri))
        // ippeveprinter ends a cancelled job when its simulated processing stops: allow for a loaded machine.
        let deadline = Date().addingTimeInterval(60)
        var state = 0
        while Date() < deadline {
            state = try client.jobState(jobID: job, on: .uri(printer.uri))
            if state == 7 { break }
            usleep(100_000)
        }
        #expect(state == 7)
    }
}

/// The smallest valid one-page PDF, so this test does not depend on the Documents target.
enum PDFBytes {
    static var minimal: [UInt8] {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
        var text = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(text.utf8.count)
            text += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = text.utf8.count
        text += "xref\n0 4\n0000000000 65535 f \n" + offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        text += "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(text.utf8)
    }
}

@Suite("ESC/POS raster")
struct EscPosRasterTests {
    @Test("GS v 0 carries the width in bytes and the height in dots, then the rows; a ticket prints the picture and the French line")
    func raster() {
        let rows = [UInt8](repeating: 0xAA, count: 48 * 2)
        #expect(EscPos.raster(width: 384, height: 2, rows: rows) == [0x1D, 0x76, 0x30, 0x00, 48, 0, 2, 0] + rows)
        #expect(EscPos.raster(width: 384, height: 2, rows: [1, 2, 3]).isEmpty)
        let ticket = EscPos.ticket(number: 7, dateTime: "24/11/2026 10:05", place: "Couiza", line: "تفضّل", lineRaster: (384, 2, rows), french: "Asseyez-vous.")
        #expect(ticket.starts(with: EscPos.initialize))
        let picture = EscPos.raster(width: 384, height: 2, rows: rows)
        #expect(ticket.firstRange(of: picture) != nil)
        #expect(ticket.firstRange(of: EscPos.text("Asseyez-vous.")) != nil)
        #expect(ticket.firstRange(of: Array("???".utf8)) == nil, "no transliterated question marks")
    }
}
