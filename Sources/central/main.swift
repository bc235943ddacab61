import ArgumentParser
import Central
import Foundation
import Hummingbird
import Logging
import SyncProtocol

/// Where the central store keeps its data unless told: `$PERMANENCE_CENTRAL_DATA`, else `./.central`.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Data directory (keys, SQLite database, published content).")
    var data: String?

    @Option(name: .customLong("database"), help: "postgres://USER@HOST:PORT/DATABASE to use PostgreSQL instead of SQLite.")
    var database: String?

    @Option(name: .customLong("records-key"), help: "The records private key's file (mode 0600), when not DATA/keys/records.key.")
    var recordsKey: String?

    @Option(name: .customLong("close-dossiers-after"), help: "Months without activity after which an open follow-up dossier closes by itself.")
    var closeDossiersAfter = 12

    var dataDirectory: URL {
        if let data { return URL(fileURLWithPath: data) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["PERMANENCE_CENTRAL_DATA"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".central")
    }

    var configuration: CentralConfiguration {
        var configuration = CentralConfiguration(dataDirectory: dataDirectory, databaseURL: database)
        configuration.recordsKeyPath = recordsKey.map { URL(fileURLWithPath: $0) }
        configuration.dossierInactivityMonths = max(1, closeDossiersAfter)
        return configuration
    }

    /// Runs `body` with the central service over this storage (PostgreSQL's pool running meanwhile).
    func withService<T: Sendable>(createKeys: Bool = false, _ body: @escaping @Sendable (CentralService) async throws -> T) async throws -> T {
        let logger = { var logger = Logger(label: "central"); logger.logLevel = .warning; return logger }()
        let configuration = self.configuration
        do {
            let (storage, services) = try await openStorage(configuration, logger: logger)
            return try await withPostgresRunning(services) {
                try await body(try await makeService(configuration, storage: storage, logger: logger, createKeys: createKeys))
            }
        } catch let problem as Problem {
            // Every refusal as one line naming what is wrong, exit 2.
            throw fail(problem.detail, code: 2)
        }
    }
}

func fail(_ message: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data("central: \(message)\n".utf8))
    return ExitCode(code)
}

@main
struct CentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "The Permanence central store: receives sealed records from the boxes, publishes content.",
        subcommands: [Serve.self, EnrollToken.self, Devices.self, Records.self, Content.self, Import.self, Stats.self, Users.self, Team.self,
                      Dossiers.self, Pack.self]
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the HTTP server (or a relay with --relay-to).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port (0 picks a free one; the chosen port is printed).") var port = 8080
        @Option(name: .customLong("relay-to"), help: "Run as a relay forwarding to this central store URL.") var relayTo: String?
        @Option(name: .customLong("relay-token"), help: "Enrolment token from the upstream (first start of a relay).") var relayToken: String?
        @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted.") var maxBodyBytes = 8 << 20
        @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (with --tls-key).") var tlsCert: String?
        @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.") var tlsKey: String?

        func run() async throws {
            var configuration = store.configuration
            configuration.host = host
            configuration.port = port
            configuration.maxBodyBytes = maxBodyBytes
            guard (tlsCert == nil) == (tlsKey == nil) else { throw fail("--tls-cert and --tls-key go together", code: 2) }
            configuration.tlsCertificate = tlsCert.map { URL(fileURLWithPath: $0) }
            configuration.tlsKey = tlsKey.map { URL(fileURLWithPath: $0) }
            if let warning = CentralConfiguration.plainHTTPWarning(host: host, tls: configuration.servesTLS) {
                FileHandle.standardError.write(Data("central: warning: \(warning)\n".utf8))
            }
            if let relayTo {
                guard let url = URL(string: relayTo), url.scheme == "http" || url.scheme == "https" else {
                    throw fail("--relay-to must be an http(s) URL, got '\(relayTo)'", code: 2)
                }
                configuration.relayTo = url
                configuration.relayToken = relayToken
            }
            var logger = Logger(label: "central")
            logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
            let role = relayTo == nil ? "central store" : "relay to \(relayTo!)"
            let host = configuration.host
            let data = configuration.dataDirectory.path
            let scheme = configuration.servesTLS ? "https" : "http"
            do {
                let app = try await buildApplication(configuration, logger: logger) { port in
                    FileHandle.standardOutput.write(Data("central: \(role) listening on \(scheme)://\(host):\(port) (data: \(data))\n".utf8))
                }
                try await app.runService()
            } catch let problem as Problem {
                throw fail(problem.detail)
            }
        }
    }

    struct EnrollToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enroll-token", abstract: "Make a one-time enrolment token (printed alone on the last line).")
        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("valid-hours"), help: "How long the token stays valid.") var validHours = 168.0

        func run() async throws {
            let hours = validHours
            let token = try await store.withService { try await $0.makeEnrollToken(validity: hours * 3600) }
            print("One-time enrolment token, valid \(Int(hours)) hours (use with `kiosk provision --central URL --token T`):")
            print(token)
        }
    }

    struct Devices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List or revoke enrolled devices, lift an audit alarm.", subcommands: [List.self, Revoke.self, ClearAlarm.self])

        struct List: AsyncParsableCommand {
            @OptionGroup var store: StoreOptions
            func run() async throws {
                let (devices, alarms) = try await store.withService { (try await $0.storage.devices(), try await $0.storage.auditAlarms()) }
                for device in devices {
                    // The last column: an alarm on the box's audit log (it went back or forked), else its anchored entry.
                    let audit = alarms[device.id].map { "AUDIT \($0.kind.rawValue) \($0.at): \($0.detail)" } ?? ""
                    print("\(device.id)\t\(device.kind)\t\(device.enrolledAt)\t\(device.revokedAt.map { "revoked \($0)" } ?? "active")\t\(device.name ?? "")\t\(audit)")
                }
                print("\(devices.count) device(s)" + (alarms.isEmpty ? "" : ", \(alarms.count) with an audit alarm (central devices clear-alarm ID once looked at)"))
            }
        }

        struct ClearAlarm: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "clear-alarm",
                                                            abstract: "Lift the alarm on a box's audit log once someone has looked (audited); its log is anchored from its new head.")
            @OptionGroup var store: StoreOptions
            @Argument(help: "Device id.") var device: String
            @Option(help: "Who looked (named in the audit).") var by: String = "coordinator"
            func run() async throws {
                let (id, user) = (device, by)
                let cleared = try await store.withService { try await $0.clearAuditAlarm(device: id, by: user) }
                guard cleared else { throw fail("no audit alarm stands for device \(id)", code: 2) }
                print("audit alarm lifted for \(id)")
            }
        }

        struct Revoke: AsyncParsableCommand {
            @OptionGroup var store: StoreOptions
            @Argument(help: "Device id.") var device: String
            func run() async throws {
                let id = device
                let found = try await store.withService { service in try await service.storage.revoke(id, at: Timestamp.string(Date())) }
                guard found else { throw fail("no device \(id)", code: 2) }
                print("revoked \(id): its requests are refused from now on")
            }
        }
    }

    struct Records: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stored envelopes.", subcommands: [Count.self])
        struct Count: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Number of envelopes stored (one number on the last line).")
            @OptionGroup var store: StoreOptions
            @Option(help: "Only this device's envelopes.") var device: String?
            func run() async throws {
                let device = self.device
                print(try await store.withService { try await $0.storage.countEnvelopes(device: device) })
            }
        }
    }

    struct Content: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Content bundles for the boxes.", subcommands: [Publish.self])
        struct Publish: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Check, sign and publish a content directory (like Kiosk/) as the next version.")
            @OptionGroup var store: StoreOptions
            @Argument(help: "Content directory holding rules/, questionnaires/, directory/, territory/.") var directory: String
            func run() async throws {
                let source = URL(fileURLWithPath: directory)
                do {
                    let manifest = try await store.withService(createKeys: true) { try await $0.publishContent(from: source) }
                    print("published content version \(manifest.version): \(manifest.files.count) files, signed")
                } catch let problem as Problem {
                    throw fail(problem.detail, code: 2)
                }
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Anonymised statistics (JSON, or CSV for spreadsheets); counts under the threshold are masked.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "CSV instead of JSON.") var csv = false
        @Option(help: "First visit day, YYYY-MM-DD (default: a year before --to).") var from: String?
        @Option(help: "Last visit day, YYYY-MM-DD (default: today).") var to: String?
        @Option(help: "Only this commune (INSEE code).") var commune: String?

        func run() async throws {
            let query: StatsQuery
            do {
                query = try StatsQuery.parse(from: from, to: to, commune: commune, today: Date())
            } catch let problem as Problem {
                throw fail(problem.detail, code: 2)
            }
            let report = try await store.withService { try await $0.statistics(from: query.from, to: query.to, commune: query.commune) }
            if csv {
                FileHandle.standardOutput.write(Data(Dashboard.csv(report).utf8))
            } else {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
            }
        }
    }

    struct Users: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Coordinators' accounts for the dashboard.", subcommands: [Add.self])
        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a coordinator; the password (10 characters or more) is read from standard input.")
            @OptionGroup var store: StoreOptions
            @Argument(help: "User name (3–40 letters, digits, '.', '-', '_').") var name: String
            @Option(help: "coordinator or mediator (see the follow-up dossiers), statistics (the sums only).") var role = "coordinator"
            func run() async throws {
                guard let role = UserRole(rawValue: role) else { throw fail("--role is coordinator, mediator or statistics, not \(self.role)", code: 2) }
                if isatty(0) == 1 { FileHandle.standardError.write(Data("Mot de passe (password): ".utf8)) }
                guard let password = readLine(strippingNewline: true), !password.isEmpty else { throw fail("no password on standard input", code: 2) }
                let name = self.name
                let added: Bool
                do {
                    added = try await store.withService { try await $0.addUser(name: name, password: password, role: role) }
                } catch let problem as Problem {
                    throw fail(problem.detail, code: 2)
                }
                guard added else { throw fail("a user named \(name) already exists", code: 2) }
                print("user \(name) added: sign in at /login on the central store")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import a USB export written by `kiosk export` (idempotent, verified).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The export directory (the stick's mount point or its permanence-export folder).") var directory: String
        func run() async throws {
            let root = URL(fileURLWithPath: directory)
            let summary: ImportSummary
            do {
                summary = try await store.withService { try await $0.importExport(from: root) }
            } catch let problem as Problem {
                throw fail(problem.detail, code: 2)
            }
            for line in summary.refused { print("refused: \(line)") }
            print("imported \(summary.files) file(s): \(summary.accepted) new, \(summary.duplicates) already stored, \(summary.refused.count) refused")
            if !summary.refused.isEmpty { throw ExitCode(1) }
        }
    }

    struct Team: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The team passphrase that opens the boxes' permanence packs.", subcommands: [SetPassphrase.self])
        struct SetPassphrase: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set-passphrase",
                                                            abstract: "Set the team passphrase (read from standard input, 12 characters or more; four words are best).")
            @OptionGroup var store: StoreOptions
            func run() async throws {
                if isatty(0) == 1 { FileHandle.standardError.write(Data("Phrase de passe de l'équipe (team passphrase): ".utf8)) }
                guard let passphrase = readLine(strippingNewline: true), !passphrase.isEmpty else { throw fail("no passphrase on standard input", code: 2) }
                do {
                    try TeamKeyFile.set(passphrase: passphrase, in: store.dataDirectory)
                } catch let problem as Problem {
                    throw fail(problem.detail, code: 2)
                }
                print("team passphrase set: the next packs open with it (tell the mediators; boxes keep their pack until the next sync)")
            }
        }
    }

    struct Dossiers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Follow-up dossiers.", subcommands: [List.self, Erase.self])
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The dossiers (open and closed), or with --due the open ones with items due.")
            @OptionGroup var store: StoreOptions
            @Flag(help: "Only open dossiers with items due (the next permanence, a day passed, a call-back).") var due = false
            @Flag(help: "One JSON object per line: id, code, status, items.") var json = false
            func run() async throws {
                let due = self.due
                let summaries = try await store.withService { try await $0.dossierSummaries(dueOnly: due) }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    for summary in summaries { print(String(decoding: try encoder.encode(summary), as: UTF8.self)) }
                    return
                }
                for summary in summaries {
                    let open = summary.items.filter(\.status.isOpen).count
                    print("\(summary.code)\t\(summary.status)\t\(summary.commune ?? "-")\t\(summary.lastActivity)\t\(open) open item(s)\(summary.conflicts > 0 ? "\t\(summary.conflicts) conflict(s)" : "")\t\(summary.id)")
                }
                print("\(summaries.count) dossier(s)")
            }
        }
        struct Erase: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Erase a dossier on the person's request (audited; the erasure reaches the next packs).")
            @OptionGroup var store: StoreOptions
            @Argument(help: "The dossier's id or follow-up code.") var dossier: String
            @Option(help: "Who asks (for the audit).") var by = "cli"
            func run() async throws {
                let wanted = dossier, by = self.by
                let erased = try await store.withService { service -> Bool in
                    let all = try await service.storage.dossiers(openOnly: false)
                    guard let found = all.first(where: { $0.id == wanted || $0.code == wanted.uppercased() }) else { return false }
                    return try await service.eraseDossier(found.id, by: "cli:\(by)")
                }
                guard erased else { throw fail("no dossier \(wanted)", code: 2) }
                print("dossier erased here and from the next packs")
            }
        }
    }

    struct Pack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Permanence packs.", subcommands: [Build.self])
        struct Build: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Build a box's pack as it would get it; prints its size and how many dossiers.")
            @OptionGroup var store: StoreOptions
            @Option(help: "The box's device id.") var device: String
            @Option(help: "The box's commune (INSEE code).") var commune: String?
            @Option(help: "Write the sealed pack there.") var output: String?
            func run() async throws {
                let device = self.device, commune = self.commune
                let sealed = try await store.withService { try await $0.buildPack(device: device, commune: commune) }
                let bytes = try WireJSON.encode(sealed)
                if let output { try bytes.write(to: URL(fileURLWithPath: output)) }
                print("pack v\(sealed.version) for \(device): \(sealed.count) dossier(s), \(bytes.count) bytes, opens until \(sealed.expires)")
            }
        }
    }
}
