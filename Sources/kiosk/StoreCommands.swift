import ArgumentParser
import Foundation
import KioskStore
import Terminal

extension CommonOptions {
    /// The box's database file: HOME/kiosk.sqlite.
    var databaseURL: URL { locator.home.appendingPathComponent("kiosk.sqlite") }

    func openDatabase() throws -> AppDatabase {
        do {
            return try AppDatabase.openOnDisk(at: databaseURL)
        } catch {
            Output.error("database: cannot open \(databaseURL.path) (\(error))")
            throw ExitCode(3)
        }
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The box's audit log.", subcommands: [Verify.self])

    /// `kiosk audit verify`: says whether the hash chain holds. Exit 0 intact, 1 broken.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check that the audit log's hash chain holds (exit 0 intact, 1 broken).")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let database = try common.openDatabase()
            switch try database.verifyAudit() {
            case .intact(let entries):
                print("Audit log intact: \(entries) entries.")
            case let .broken(seq, reason):
                print("Audit log BROKEN at entry \(seq): \(reason).")
                throw ExitCode(1)
            }
        }
    }
}

/// `kiosk purge`: deletes now the plaintext of closed visits whose retention window has ended.
struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete now the answers and names of closed visits past their retention window.")
    @OptionGroup var common: CommonOptions

    @Option(help: "Retention to apply: end_of_day or hours:N (default: the box's setting).")
    var retention: String?

    func run() throws {
        let database = try common.openDatabase()
        var policy: RetentionPolicy?
        if let retention {
            guard let parsed = RetentionPolicy(setting: retention) else {
                Output.error("retention: '\(retention)' is not end_of_day or hours:N")
                throw ExitCode(2)
            }
            policy = parsed
        }
        let result = try database.purge(policy: policy)
        print("Purged \(result.visits) closed visit(s) (\(result.answers) answers deleted).")
    }
}

/// Hidden tools for tests and diagnosis.
struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "debug", abstract: "Tools for tests.", shouldDisplay: false,
                                                    subcommands: [CheckInLoop.self, CrashInTerminal.self])

    /// Writes check-ins as fast as it can and prints `committed <ticket> <visit id>` after each commit,
    /// until killed or `--count` is reached (used by the crash-safety test).
    struct CheckInLoop: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "checkin-loop")
        @OptionGroup var common: CommonOptions
        @Option var count: Int = 1_000_000

        func run() throws {
            let database = try common.openDatabase()
            for index in 0..<count {
                let answers = (0..<5).map { StoredAnswer(questionnaire: "checkin", questionID: "q\($0)", valueJSON: "{\"number\":\"\(index)\"}") }
                let visit = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Visitor \(index)", answers: answers))
                // Written straight to the file descriptor, unbuffered: what is printed was committed.
                FileHandle.standardOutput.write(Data("committed \(visit.day) \(visit.ticketNumber) \(visit.id)\n".utf8))
            }
        }
    }
}

extension DebugCommand {
    /// Enters the UI's terminal modes, then crashes (a Swift trap): the test checks that the terminal came back.
    struct CrashInTerminal: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "crash-in-terminal")

        func run() throws {
            let session = TerminalSession()
            try session.start()
            session.write("raw mode on\r\n")
            usleep(300_000)
            let trap: Int? = nil
            _ = trap!   // deliberate crash
        }
    }
}
