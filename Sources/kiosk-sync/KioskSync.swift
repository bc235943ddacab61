import ArgumentParser
import BoxSync
import CentralClient
import Foundation
import KioskApp
import KioskStore
import RulesLoader

/// `kiosk-sync`: the box's side of the network, in its own process so that the kiosk links no network stack
/// (DECISIONS.md, the lean kiosk). `kiosk sync` and `kiosk provision` run it; the sync agent's unit runs `agent`.
@main
struct KioskSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-sync",
        abstract: "Permanence's sync agent: sends the box's sealed records to the central store, fetches content and the follow-up pack.",
        subcommands: [Agent.self, SyncCommand.self, Provision.self, Check.self]
    )
}

/// The options the box's commands share (the same as the kiosk's).
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "The box's data directory (default: $PERMANENCE_HOME, /var/lib/permanence, ./.permanence).")
    var home: String?

    @Option(name: .long, help: "Directory of the dated rule files (for the first boot's check).")
    var rules: String?

    var locator: ContentLocator { ContentLocator(home: home) }
    var databaseURL: URL { locator.home.appendingPathComponent("kiosk.sqlite") }

    /// The box's configuration, when there is one; a broken file exits 3. A `central_ca:` is trusted by every
    /// client this process makes.
    func loadConfiguration() throws -> BoxConfiguration? {
        let url = locator.configurationURL
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let loaded = BoxConfiguration.load(file: url.path, text: text)
        guard let configuration = loaded.configuration else {
            for problem in loaded.problems { Output.standardError(problem) }
            Output.error("configuration: \(loaded.problems.count) problem(s) in \(url.path); the kiosk keeps running only on a valid file")
            throw ExitCode(3)
        }
        if let authority = configuration.centralCA {
            do {
                try CentralClient.trust(caFile: authority)
            } catch {
                Output.error("configuration: central_ca: \(error)")
                throw ExitCode(3)
            }
        }
        return configuration
    }

    func openDatabase() throws -> AppDatabase {
        do {
            return try AppDatabase.openOnDisk(at: databaseURL)
        } catch {
            Output.error("database: cannot open \(databaseURL.path) (\(error))")
            throw ExitCode(3)
        }
    }

    /// The enrolled identity, or exit 3 with what to do.
    func loadIdentity() throws -> BoxIdentity {
        do {
            return try BoxIdentity.load(home: locator.home)
        } catch {
            Output.error("sync: \(error)")
            throw ExitCode(3)
        }
    }

    /// The URL to sync with: the configuration's central_url (e.g. a relay), else where the box enrolled.
    func centralURL(_ identity: BoxIdentity, _ configuration: BoxConfiguration?) throws -> URL {
        guard let url = URL(string: configuration?.centralURL ?? identity.enrolment.central) else {
            Output.error("sync: the central store address is not a URL")
            throw ExitCode(3)
        }
        return url
    }
}

enum Output {
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func error(_ line: String) { standardError("error: " + line) }
}
