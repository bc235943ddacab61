import ArgumentParser
import Documents
import Foundation
import Intake
import Rights

/// `kiosk print`: documents of a visit.
struct PrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Render (and, in a later version, print) the documents of a visit.",
        subcommands: [Render.self]
    )

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
            guard let kind = DocumentKind(rawValue: document) else {
                Output.error("document: unknown '\(document)'; expected \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", "))")
                throw ExitCode(2)
            }
            guard let data = FileManager.default.contents(atPath: visit) else {
                Output.error("visit: cannot read the file \(visit)")
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
                try pdf.write(to: URL(fileURLWithPath: output))
                if !replaced.isEmpty {
                    Output.standardError("note: \(replaced.count) character(s) outside the printer fonts were transliterated to Latin letters")
                }
            } catch let error as DocumentError {
                Output.error(error.message)
                throw ExitCode(2)
            }
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
