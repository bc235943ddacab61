import ArgumentParser
import Documents
import Foundation
import Intake
import Printers
import Rights

/// `kiosk print`: documents of a visit.
struct PrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Render (and, in a later version, print) the documents of a visit.",
        subcommands: [Render.self, Send.self, Test.self, Ticket.self]
    )

    /// Loads what rendering needs and renders one document of a visit file (shared by render and send).
    static func renderDocument(_ document: String, visitPath: String, common: CommonOptions, printing: String?) throws -> (Data, DocumentKind) {
        guard let kind = DocumentKind(rawValue: document) else {
            Output.error("document: unknown '\(document)'; expected \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", "))")
            throw ExitCode(2)
        }
        guard let data = FileManager.default.contents(atPath: visitPath) else {
            Output.error("visit: cannot read the file \(visitPath)")
            throw ExitCode(2)
        }
        let printVisit: PrintVisit
        do { printVisit = try PrintVisit.decode(data) } catch let error as DocumentError {
            Output.error(error.message)
            throw ExitCode(2)
        }
        let engine = try common.loadEngine()
        guard let contentDirectory = common.locator.contentDirectory(), let content = ContentLoader.load(directory: contentDirectory).content else {
            Output.error("content: missing or broken; run kiosk content check")
            throw ExitCode(3)
        }
        let printingDirectory = printing.map { URL(fileURLWithPath: $0) } ?? PrintingLocator.directory(besides: contentDirectory)
        let questionIDs = Set(content.questionnaires.flatMap(\.questions).map(\.id))
        let loaded = PrintingContent.load(directory: printingDirectory, questionIDs: questionIDs)
        guard let printingContent = loaded.content else {
            for problem in loaded.problems { Output.standardError(problem) }
            Output.error("printing: \(loaded.problems.count) problem(s) in the layouts or letters")
            throw ExitCode(3)
        }
        let renderer = DocumentRenderer(printing: printingContent, content: content, engine: engine, placeName: "Couiza")
        do {
            let (pdf, replaced) = try renderer.render(kind, visit: printVisit)
            if !replaced.isEmpty {
                Output.standardError("note: \(replaced.count) character(s) outside the printer fonts were transliterated to Latin letters")
            }
            return (pdf, kind)
        } catch let error as DocumentError {
            Output.error(error.message)
            throw ExitCode(2)
        }
    }

    /// `kiosk print send DOCUMENT --visit FILE [--printer NAME|URI]`: exit 0 only when the printer completed the job.
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a document of a visit and wait until the printer completed it.",
            discussion: "Exit 0 when the printer completed the job; 4 with a message when it could not (not found, unreachable, stopped, no paper, busy too long)."
        )
        @OptionGroup var common: CommonOptions
        @Argument(help: "The document.") var document: String
        @Option(help: "The visit, as JSON.") var visit: String
        @Option(help: "A CUPS queue name or an ipp:// URI (default: the CUPS default printer).") var printer: String?
        @Option(help: "Seconds to wait for a busy or absent printer.") var wait: Double = 30
        @Option(help: "Directory of form layouts and letters.") var printing: String?

        func run() throws {
            let (pdf, kind) = try PrintCommand.renderDocument(document, visitPath: visit, common: common, printing: printing)
            do {
                let configured = try common.loadConfiguration()?.printer
                let target = PrinterTarget(printer ?? configured)
                let job = try CupsClient(busyWait: wait).print(pdf: pdf, title: kind.rawValue, to: target)
                print("Printed \(kind.rawValue) (job \(job)).")
            } catch let error as PrintError {
                Output.error(error.message)
                throw ExitCode(4)
            }
        }
    }

    /// `kiosk print test`: a one-page test print.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a test page (exit 0 when completed).")
        @Option(help: "A CUPS queue name or an ipp:// URI (default: the CUPS default printer).") var printer: String?

        @OptionGroup var common: CommonOptions

        func run() throws {
            // The same page as the mediator's printers screen prints: the box, the time, each visitor language in its letters.
            let texts = try? common.loadTexts()
            let languages = (texts?.languages.map(\.code) ?? ["fr"]).map { (code: $0, name: texts?.language($0)?.name ?? $0) }
            let place = (try? common.loadConfiguration())??.place ?? "Permanence"
            let formatter = DateFormatter()
            formatter.dateFormat = "dd/MM/yyyy HH:mm"
            let pdf = DocumentRenderer.testPage(place: place, dateTime: formatter.string(from: Date()), printer: PrinterTarget(printer).description,
                                                languages: languages)
            do {
                let job = try CupsClient().print(pdf: pdf, title: "test", to: PrinterTarget(printer))
                print("Test page printed (job \(job)).")
            } catch let error as PrintError {
                Output.error(error.message)
                throw ExitCode(4)
            }
        }
    }

    /// `kiosk print ticket --number N`: prints a queue ticket on the USB thermal printer (ESC/POS), or writes its bytes.
    struct Ticket: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a queue ticket on the USB ticket printer (ESC/POS), or write its bytes with --output.",
            discussion: "The printer is found by --usb VENDOR:PRODUCT (hex, as lsusb shows it) or the box's setting ticket_printer. Exit 4 when it cannot print."
        )
        @OptionGroup var common: CommonOptions
        @Option(help: "The ticket number.") var number: Int
        @Option(help: "Write the ESC/POS bytes to this file instead of printing.") var output: String?
        @Option(help: "The ticket printer's USB ids, VENDOR:PRODUCT in hex (e.g. 0416:5011).") var usb: String?
        @Option(help: "The place printed on the ticket.") var place = "Permanence santé"
        @Option(help: "The visitor's language (fr, en, es, ro, uk, ar, prs).") var lang = "fr"

        func run() throws {
            guard number > 0 else {
                Output.error("number: a ticket number starts at 1")
                throw ExitCode(2)
            }
            let texts = try common.loadTexts()
            try common.checkLanguage(lang, texts)
            let content = TicketContent(number: number, time: Date(), place: place, language: lang, texts: texts)
            let raster = TicketContent.lineRaster(content.line, language: lang, texts: texts)
            let bytes = EscPos.ticket(number: content.number, dateTime: content.dateTime, place: content.place, line: content.line,
                                      lineRaster: raster.map { ($0.width, $0.height, $0.bytes) }, french: raster == nil ? nil : texts.text("ticket.please_wait", "fr"))
            if let raster, let picture = output.map({ $0 + ".pbm" }) {
                // Beside the bytes, the picture of the line as printed, to look at.
                try raster.pbm.write(to: URL(fileURLWithPath: picture))
            }
            if let output {
                try Data(bytes).write(to: URL(fileURLWithPath: output))
                print("Ticket \(number): \(bytes.count) bytes written to \(output).")
                return
            }
            let fromFile = try common.loadConfiguration()?.ticketPrinter
            let configured = usb ?? fromFile ?? (try? common.openDatabase().setting("ticket_printer")) ?? nil
            guard let ids = configured, let (vendor, product) = Self.parseIDs(ids) else {
                Output.error("ticket printer: none configured; give --usb VENDOR:PRODUCT (hex), or --output FILE")
                throw ExitCode(configured == nil ? 4 : 2)
            }
            do {
                try USB.write(bytes, vendorID: vendor, productID: product)
                print("Ticket \(number) printed.")
            } catch let error as USBError {
                Output.error(error.message)
                throw ExitCode(4)
            }
        }

        /// `0416:5011` → (0x0416, 0x5011).
        static func parseIDs(_ text: String) -> (UInt16, UInt16)? {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let vendor = UInt16(parts[0], radix: 16), let product = UInt16(parts[1], radix: 16) else { return nil }
            return (vendor, product)
        }
    }

    /// `kiosk print render DOCUMENT --visit FILE --output FILE.pdf`
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a document of a visit to a PDF file.",
            discussion: """
            DOCUMENT: cerfa-12504, cerfa-11573, cerfa-12485, puma-request, referral-letter, checklist.
            FILE: a visit as JSON (samples: Kiosk/samples/*visit*.json). Exit 2 on a bad visit file, 3 on broken content.
            """
        )

        @OptionGroup var common: CommonOptions
        @Argument(help: "The document.") var document: String
        @Option(help: "The visit, as JSON.") var visit: String
        @Option(help: "Where to write the PDF.") var output: String
        @Option(help: "Directory of form layouts and letters (default: Printing/ beside the content).") var printing: String?

        func run() throws {
            let (pdf, _) = try PrintCommand.renderDocument(document, visitPath: visit, common: common, printing: printing)
            try pdf.write(to: URL(fileURLWithPath: output))
        }
    }
}

/// Finds `Printing/`: beside the content directory (source tree) or `printing/` inside an installed one.
enum PrintingLocator {
    static func directory(besides content: URL) -> URL {
        let installed = content.appendingPathComponent("printing")
        if FileManager.default.fileExists(atPath: installed.path) { return installed }
        return content.deletingLastPathComponent().appendingPathComponent("Printing")
    }
}
