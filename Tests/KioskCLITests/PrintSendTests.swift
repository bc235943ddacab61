import Foundation
import Testing
import TestSupport

/// `kiosk print send` against a real IPP printer (ippeveprinter) on loopback; what arrived is read back.
@Suite("Printing to a real IPP printer")
struct PrintSendTests {
    static let kiosk = Repository.builtProduct("kiosk")
    static let familyVisit = Repository.samplesDirectory.appendingPathComponent("family-visit.json").path

    func send(_ document: String, printer: String, wait: Double = 30, visit: String = familyVisit) throws -> ProcessResult {
        try runProcess(Self.kiosk, ["print", "send", document, "--visit", visit, "--printer", printer, "--wait", "\(wait)"],
                       currentDirectory: Repository.root, timeout: 120)
    }

    func pdftotext(_ url: URL) throws -> String {
        try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), [url.path, "-"]).stdout
    }

    @Test("Each document prints through libcups and the printer keeps the same text", arguments: [
        ("cerfa-12504", "Demande de Complémentaire santé solidaire"), ("cerfa-11573", "Demande d'Aide médicale de l'État"),
        ("cerfa-12485", "Déclaration de choix du médecin traitant"), ("puma-request", "Demande d'ouverture des droits"),
        ("referral-letter", "Objet : orientation de Олександр Ștefan Шевченко"), ("checklist", "Papiers à apporter"),
    ])
    func printsEachDocument(document: String, expected: String) throws {
        let printer = try IPPPrinterSimulator()
        try printer.start()
        let result = try send(document, printer: printer.uri)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Printed \(document)"))
        let kept = try #require(printer.jobs().first)
        #expect(try pdftotext(kept).contains(expected))
    }

    @Test("An absent printer gives a clear message and a non-zero exit after the wait")
    func absentPrinter() throws {
        let printer = try IPPPrinterSimulator()   // never started
        let result = try send("checklist", printer: printer.uri, wait: 1)
        #expect(result.status == 4)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("L'imprimante ne répond pas"))
    }

    @Test("A print sent while the printer is down completes when it comes back")
    func printerComesBack() throws {
        let printer = try IPPPrinterSimulator()
        let process = Process()
        process.executableURL = Self.kiosk
        process.arguments = ["print", "send", "checklist", "--visit", Self.familyVisit, "--printer", printer.uri, "--wait", "30"]
        process.currentDirectoryURL = Repository.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(1_500_000)
        #expect(process.isRunning)
        try printer.start()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(100_000) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        #expect(printer.jobs().count == 1)
    }

    @Test("Two prints at once: the busy printer takes the second when it is free")
    func busyPrinter() throws {
        let printer = try IPPPrinterSimulator()
        try printer.start()
        let first = Process()
        first.executableURL = Self.kiosk
        first.arguments = ["print", "send", "checklist", "--visit", Self.familyVisit, "--printer", printer.uri]
        first.currentDirectoryURL = Repository.root
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        usleep(300_000)
        let second = try send("referral-letter", printer: printer.uri)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(printer.jobs().count == 2)
    }

    @Test("A queue that does not exist is named in the error")
    func unknownQueue() throws {
        let result = try send("checklist", printer: "NoSuchQueue", wait: 1)
        #expect(result.status == 4)
        #expect(result.stderr.contains("Imprimante introuvable (NoSuchQueue)"))
    }

    @Test("A visit file with a wrong social security number key: one line naming identity.nir, exit 2, no PDF", arguments: ["render", "send"])
    func wrongNIR(command: String) throws {
        let directory = temporaryDirectory("nir")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let visit = try String(contentsOfFile: Self.familyVisit, encoding: .utf8).replacingOccurrences(of: "188031175012323", with: "188031175012345")
        let file = directory.appendingPathComponent("visit.json")
        try visit.write(to: file, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.pdf")
        let arguments = command == "render" ? ["print", "render", "cerfa-12504", "--visit", file.path, "--output", output.path]
            : ["print", "send", "cerfa-12504", "--visit", file.path, "--printer", "NoSuchQueue", "--wait", "1"]
        let result = try runProcess(Self.kiosk, arguments, currentDirectory: Repository.root)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("identity.nir: the key (last 2 digits) does not match the first 13"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("An unknown document is bad input, exit 2")
    func unknownDocument() throws {
        let result = try runProcess(Self.kiosk, ["print", "render", "cerfa-99999", "--visit", Self.familyVisit, "--output", "/tmp/x.pdf"],
                                    currentDirectory: Repository.root)
        #expect(result.status == 2)
        #expect(result.stderr.contains("document: unknown 'cerfa-99999'"))
    }
}

@Suite("Ticket printer and USB inventory")
struct TicketCommandTests {
    @Test("A ticket for an absent USB printer says so and exits 4")
    func absentTicketPrinter() throws {
        let home = temporaryDirectory("ticket")
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try runProcess(Repository.builtProduct("kiosk"), ["print", "ticket", "--number", "7", "--usb", "fffe:fffe", "--home", home.path])
        #expect(result.status == 4)
        #expect(result.stderr.contains("Imprimante de tickets introuvable (fffe:fffe)"))
    }

    @Test("The ticket's ESC/POS bytes can be written to a file")
    func ticketBytes() throws {
        let file = temporaryDirectory("ticket").appendingPathComponent("ticket.bin")
        let result = try runProcess(Repository.builtProduct("kiosk"), ["print", "ticket", "--number", "7", "--output", file.path, "--place", "Couiza"])
        #expect(result.status == 0)
        let bytes = try [UInt8](Data(contentsOf: file))
        #expect(Array(bytes.prefix(2)) == [0x1B, 0x40])
        #expect(Array(bytes.suffix(4)) == [0x1D, 0x56, 0x42, 0x00])
    }

    @Test("kiosk doctor usb lists the bus (here: nothing plugged in) and exits 0")
    func usbInventory() throws {
        let result = try runProcess(Repository.builtProduct("kiosk"), ["doctor", "usb"])
        #expect(result.status == 0)
        #expect(!result.stdout.isEmpty)
    }
}

@Suite("Printing through a CUPS queue")
struct CUPSQueueTests {
    func send(through cups: PrivateCUPS, queue: String, wait: Double = 30) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["CUPS_SERVER"] = cups.server
        return try runProcess(Repository.builtProduct("kiosk"),
                              ["print", "send", "checklist", "--visit", PrintSendTests.familyVisit, "--printer", queue, "--wait", "\(wait)"],
                              environment: environment, currentDirectory: Repository.root, timeout: 120)
    }

    @Test("A document printed to a queue by name goes through CUPS to the printer")
    func printsThroughQueue() throws {
        let printer = try IPPPrinterSimulator()
        try printer.start()
        let cups = try PrivateCUPS()
        #expect(cups.tool("lpadmin", ["-p", "Accueil", "-E", "-v", printer.uri]) == 0)
        let result = try send(through: cups, queue: "Accueil")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(printer.jobs().count == 1)
    }

    @Test("A stopped queue gives the clear error and a non-zero exit")
    func stoppedQueue() throws {
        let cups = try PrivateCUPS()
        #expect(cups.tool("lpadmin", ["-p", "Accueil", "-E", "-v", "ipp://localhost:9/ipp/print"]) == 0)
        #expect(cups.tool("cupsdisable", ["Accueil"]) == 0)
        let result = try send(through: cups, queue: "Accueil", wait: 1)
        #expect(result.status == 4)
        #expect(result.stderr.contains("L'imprimante est arrêtée (Accueil)"))
    }
}

@Suite("Printer from the configuration")
struct ConfiguredPrinterTests {
    @Test("print send uses the printer named in the box's configuration")
    func configuredPrinter() throws {
        let printer = try IPPPrinterSimulator()
        try printer.start()
        let home = temporaryDirectory("configured")
        defer { try? FileManager.default.removeItem(at: home) }
        let text = try String(contentsOf: Repository.root.appendingPathComponent("Provisioning/kiosk.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "\nprinter:\n", with: "\nprinter: \(printer.uri)\n")
        try text.write(to: home.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        let result = try runProcess(Repository.builtProduct("kiosk"), ["print", "send", "checklist", "--visit", PrintSendTests.familyVisit, "--home", home.path],
                                    currentDirectory: Repository.root, timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(printer.jobs().count == 1)
    }

    @Test("A broken configuration stops the command with every problem and exit 3")
    func brokenConfiguration() throws {
        let home = temporaryDirectory("configured")
        defer { try? FileManager.default.removeItem(at: home) }
        try "place: Couiza\nterritory: paris\nretention: forever\n".write(to: home.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        let result = try runProcess(Repository.builtProduct("kiosk"), ["print", "send", "checklist", "--visit", PrintSendTests.familyVisit, "--home", home.path],
                                    currentDirectory: Repository.root)
        #expect(result.status == 3)
        #expect(result.stderr.contains("kiosk.yaml:2: territory: unknown 'paris'"))
        #expect(result.stderr.contains("kiosk.yaml:3: retention: 'forever' is not end_of_day or hours:N"))
    }
}
