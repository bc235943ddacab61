import ArgumentParser
import Foundation
import Intake
import Rights
import RulesLoader
import BoxSync

struct ContentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "content",
        abstract: "Check the content the box runs on, or go back to the previous synced version.",
        subcommands: [Check.self, Rollback.self]
    )

    /// `kiosk content rollback`: `HOME/content/current` back to the version kept before the last update.
    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Switch back to the content version kept before the last update (the kiosk uses it from its next start)."
        )
        @OptionGroup var common: CommonOptions

        func run() throws {
            let store = ContentStore(home: common.locator.home)
            guard let previous = try store.rollback() else {
                Output.error("content: no earlier synced version is kept on this box; nothing changed")
                throw ExitCode(2)
            }
            print("content version \(previous) is in use again (restart the kiosk to use it)")
        }
    }

    /// `kiosk content check [DIR]`: every problem as `file:line: id: message` (exit 2), or a one-line summary (exit 0).
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate every questionnaire, rule, directory and territory file of a content directory.",
            discussion: "DIR is a content directory like Kiosk/ (default: the content in use). Exit 0 when all is valid, 2 when there are problems."
        )

        @OptionGroup var common: CommonOptions

        @Argument(help: "The content directory (holding rules/, questionnaires/, directory/, territory/).")
        var directory: String?

        func run() throws {
            let root: URL
            if let directory {
                root = URL(fileURLWithPath: directory)
            } else if let found = common.locator.contentDirectory() {
                root = found
            } else {
                Output.error("content: no content directory found; give one as DIR")
                throw ExitCode(2)
            }
            var problems: [ContentProblem] = []
            var parameterCount = 0
            switch RulesLoader.load(directory: root.appendingPathComponent("rules")) {
            case .success: parameterCount = ParameterKey.allCases.count
            case .failure(let found): problems += found.problems
            }
            let loaded = ContentLoader.load(directory: root)
            problems += loaded.problems
            guard problems.isEmpty, let content = loaded.content else {
                let here = FileManager.default.currentDirectoryPath + "/"
                for var problem in problems.sorted(by: { ($0.file, $0.line) < ($1.file, $1.line) }) {
                    if problem.file.hasPrefix(here) { problem.file.removeFirst(here.count) }
                    print(problem.description)
                }
                Output.standardError("\(problems.count) problem(s) in \(root.path)")
                throw ExitCode(2)
            }
            let questions = content.questionnaires.reduce(0) { $0 + $1.questions.count }
            let languages = content.texts.languages.map(\.code)
            // Each language's completeness (what a visitor reads: catalogue and questionnaires); unfinished ones say what they lack.
            let here = FileManager.default.currentDirectoryPath + "/"
            for var note in content.notes.sorted(by: { ($0.file, $0.line, $0.key) < ($1.file, $1.line, $1.key) }) {
                if note.file.hasPrefix(here) { note.file.removeFirst(here.count) }
                print("note: " + note.description)
            }
            for language in content.texts.languages {
                let counted = content.texts.completeness(language.code, questionnaires: content.questionnaires)
                let offered = content.visitorLanguages.contains(language.code)
                print("\(language.code) (\(language.name)): \(counted.percent) % (\(counted.present)/\(counted.total) visitor texts)"
                    + (offered ? ", offered to visitors" : language.visitor ? "" : ", not offered to visitors (visitor: false)"))
            }
            print("Content OK: \(content.questionnaires.count) questionnaires (\(questions) questions; \(languages.joined(separator: ", "))), "
                + "\(parameterCount) dated parameters, \(content.services.count) partner services, "
                + "\(content.calendar.permanences.count) permanences, \(content.communes.communes.count) communes.")
        }
    }
}
