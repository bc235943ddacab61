import ArgumentParser
import Foundation
import Documents
import Intake
import KioskApp
import Printers
import KioskStore
import Rights
import RulesLoader
import BoxSync
import Terminal

/// `kiosk`: the box's command line. Thin front end over the libraries. What needs the network (sync, enrolment)
/// is `kiosk-sync`'s: the kiosk runs it (DECISIONS.md, the lean kiosk).
@main
struct Kiosk: AsyncParsableCommand {
    static func main() async {
        NetworkCommand.forwardIfNeeded(CommandLine.arguments)
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Permanence: the health-rights kiosk of a village permanence.",
        subcommands: [Run.self, RightsCommand.self, ContentCommand.self, AuditCommand.self, Purge.self, MediatorCommand.self, PrintCommand.self, DoctorCommand.self,
                      ProvisionForward.self, SyncForward.self, Export.self, DemoCommand.self, DebugCommand.self, SpeakCommand.self]
    )
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "The box's data directory (default: $PERMANENCE_HOME, /var/lib/permanence, ./.permanence).")
    var home: String?

    @Option(name: .long, help: "Directory of the dated rule files (default: the content in use, or Kiosk/rules).")
    var rules: String?

    var locator: ContentLocator { ContentLocator(home: home) }

    /// The box's configuration file, when there is one; a broken file prints every problem and exits 3.
    func loadConfiguration() throws -> BoxConfiguration? {
        let url = locator.configurationURL
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let loaded = BoxConfiguration.load(file: url.path, text: text)
        guard let configuration = loaded.configuration else {
            for problem in loaded.problems { Output.standardError(problem) }
            Output.error("configuration: \(loaded.problems.count) problem(s) in \(url.path); the kiosk keeps running only on a valid file")
            throw ExitCode(3)
        }
        return configuration
    }

    /// Loads and validates the rules; on a broken set, prints every problem and exits 3.
    /// The text catalogue: beside `--rules` when that directory has a `texts/` sibling, else the content in use.
    /// A broken catalogue is a box problem (exit 3), like broken rules.
    func loadTexts() throws -> TextCatalogue {
        var directory = locator.contentDirectory()?.appendingPathComponent("texts")
        if let rules {
            let sibling = URL(fileURLWithPath: rules).deletingLastPathComponent().appendingPathComponent("texts")
            if FileManager.default.fileExists(atPath: sibling.path) { directory = sibling }
        }
        guard let directory else {
            Output.error("texts: no text catalogue found (content directory's texts/)")
            throw ExitCode(3)
        }
        let loaded = TextCatalogueLoader.load(directory: directory)
        guard let catalogue = loaded.catalogue, loaded.problems.isEmpty else {
            for problem in loaded.problems { Output.standardError(problem.description) }
            Output.error("the text catalogue has \(loaded.problems.count) problem(s); nothing was evaluated")
            throw ExitCode(3)
        }
        return catalogue
    }

    /// Checks a `--lang` against the catalogue: one line naming the option and the languages there are, exit 2.
    func checkLanguage(_ lang: String, _ texts: TextCatalogue) throws {
        guard texts.language(lang) == nil else { return }
        Output.error("lang: '\(lang)' is not a language of the text catalogue (\(texts.languages.map(\.code).joined(separator: ", ")))")
        throw ExitCode(2)
    }

    func loadEngine() throws -> RightsEngine {
        let directory: URL
        if let rules {
            directory = URL(fileURLWithPath: rules)
        } else if let content = locator.contentDirectory() {
            directory = content.appendingPathComponent("rules")
        } else {
            Output.error("rules: no rules directory found; give one with --rules DIR")
            throw ExitCode(3)
        }
        switch RulesLoader.load(directory: directory) {
        case .success(let parameters):
            return RightsEngine(parameters: parameters)
        case .failure(let problems):
            for problem in problems.problems { Output.standardError(problem.description) }
            Output.error("the rule files have \(problems.problems.count) problem(s); nothing was evaluated")
            throw ExitCode(3)
        }
    }
}

enum Output {
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func error(_ line: String) { standardError("error: " + line) }
}


struct RightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rights",
        abstract: "Evaluate health rights.",
        subcommands: [Evaluate.self]
    )
}

/// `kiosk rights evaluate`: situation JSON in, evaluation JSON out (the contract of SPEC.md).
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a situation (JSON on stdin or --input) and print the evaluation as JSON.",
        discussion: """
        Exit codes: 0 evaluated; 2 bad input (one line on stderr naming the field, nothing on stdout); \
        3 the rule files are broken (every problem on stderr).
        A situation without a date is evaluated at today's date.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Read the situation from this file instead of standard input.")
    var input: String?

    @Option(name: .long, help: "Language of the reasons, from the text catalogue (fr, en, …).")
    var lang = "fr"

    @Flag(name: .long, help: "Print a readable report instead of JSON.")
    var text = false

    func run() throws {
        let data: Data
        if let input {
            guard let read = FileManager.default.contents(atPath: input) else {
                Output.error("input: cannot read the file \(input)")
                throw ExitCode(2)
            }
            data = read
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        let situation: Situation
        do {
            situation = try SituationInput.decode(data, today: SituationInput.today())
        } catch let error as SituationError {
            Output.error(error.description)
            throw ExitCode(2)
        }
        let engine = try common.loadEngine()
        let texts = try common.loadTexts()
        try common.checkLanguage(lang, texts)
        let evaluation: Evaluation
        do {
            evaluation = try engine.evaluate(situation)
        } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
        if text {
            print(EvaluationReport.text(evaluation) { texts.render($0, lang) }, terminator: "")
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let json = try encoder.encode(EvaluationDocument(evaluation, language: lang) { texts.render($0, lang) })
            FileHandle.standardOutput.write(json + Data("\n".utf8))
        }
    }
}

/// Reading a situation at the edge: JSON syntax, and today's date when none is given.
enum SituationInput {
    static func decode(_ data: Data, today: LocalDate) throws -> Situation {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw SituationError(field: "situation", message: data.isEmpty ? "no input; give a situation as JSON" : "malformed JSON (\(jsonErrorPosition(error)))")
        }
        guard var dictionary = object as? [String: Any] else {
            throw SituationError(field: "situation", message: "expected a JSON object")
        }
        var input = data
        if dictionary["date"] == nil {
            dictionary["date"] = today.description
            input = try JSONSerialization.data(withJSONObject: dictionary)
        }
        do {
            return try JSONDecoder().decode(Situation.self, from: input)
        } catch let error as SituationError {
            throw error
        } catch {
            throw SituationError(field: "situation", message: "cannot be read")
        }
    }

    /// Where the JSON parser stopped, without echoing the input (it may hold personal data).
    static func jsonErrorPosition(_ error: any Error) -> String {
        let text = "\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? "")"
        if let range = text.range(of: "line [0-9]+, column [0-9]+", options: .regularExpression) {
            return String(text[range])
        }
        if let range = text.range(of: "character [0-9]+", options: .regularExpression) {
            return String(text[range])
        }
        return "not valid JSON"
    }

    static func today() -> LocalDate {
        let components = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return LocalDate(year: components.year!, month: components.month!, day: components.day!)!
    }
}

/// `kiosk run`: the kiosk's terminal UI. `--demo` runs on a temporary database with the sample content.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the kiosk's terminal UI (visitor check-in, mediator mode).",
        discussion: """
        Mediator mode: Ctrl-E (or F12) asks for the PIN (demo: 1234). In visitor mode Ctrl-C, Ctrl-Z and Ctrl-\\ do nothing.
        --demo uses a temporary database (deleted at the end) and lets the mediator quit with Q on the queue.
        When standard input is not a terminal, the sample situations are evaluated and printed instead.
        """
    )

    @OptionGroup var common: CommonOptions

    @Flag(name: .long, help: "Demo mode: temporary database, sample content, PIN 1234, Q quits.")
    var demo = false

    @Option(name: .long, help: "Language of the report when not on a terminal (fr, en, …).")
    var lang = "fr"

    @Option(name: .long, help: "The place shown on screen (default: the box's setting, or the demo's).")
    var place: String?

    @Option(name: .long, help: "Printer for documents: a CUPS queue or an ipp:// URI (default: the box's setting, else the CUPS default).")
    var printer: String?

    @Option(name: .long, help: "Demo only: a central store to enrol the demo box with (with --token).")
    var central: String?

    @Option(name: .long, help: "Demo only: the one-time enrolment token for --central.")
    var token: String?

    @Option(name: .customLong("sync-interval"), help: "Seconds between two probes of the central store.")
    var syncInterval: Int = 60

    @Option(name: .long, help: "Demo only: the day and time the demo's clock starts at (ISO 8601, e.g. 2026-11-24T10:00:00+01:00), then runs on: the calendar as on that day.")
    var clock: String?

    /// The console font the kiosk unit loads (`setfont` in its ExecStartPre), or kbd's Uni2 Terminus the box ships.
    static let consoleFont = "/usr/share/consolefonts/Uni2-TerminusBold32x16.psf.gz"

    /// The languages the console font of the kiosk unit (or kbd's Uni2 Terminus) can show.
    static func consoleLanguages(_ languages: [String], _ content: KioskContent) -> [String] {
        let path = ScreenCharacters.installedKioskUnit().flatMap(ScreenCharacters.fontPath(inUnit:)) ?? consoleFont
        return ScreenCharacters.consoleLanguages(languages, font: try? ConsoleFont(contentsOf: path), content: content)
    }

    func run() throws {
        let engine = try common.loadEngine()
        guard let contentDirectory = common.locator.contentDirectory() else {
            Output.error("content: no content directory found")
            throw ExitCode(3)
        }
        guard TerminalSession.isTerminal else {
            Output.standardError("kiosk run: standard input is not a terminal; printing the sample evaluations instead.")
            try printSamples(engine: engine, content: contentDirectory)
            return
        }
        let loaded = ContentLoader.load(directory: contentDirectory)
        guard let content = loaded.content else {
            for problem in loaded.problems { Output.standardError(problem.description) }
            Output.error("the content has \(loaded.problems.count) problem(s); run kiosk content check")
            throw ExitCode(3)
        }
        var offset: TimeInterval = 0
        if let clock {
            guard demo else {
                Output.error("--clock: only with --demo (a box runs on its own clock)")
                throw ExitCode(2)
            }
            guard let start = ParisTime.parse(clock) else {
                Output.error("--clock: '\(clock)' is not a date and time like 2026-11-24T10:00:00+01:00")
                throw ExitCode(2)
            }
            offset = start.timeIntervalSinceNow
        }
        let shift = offset
        let now: @Sendable () -> Date = { Date().addingTimeInterval(shift) }
        let home = demo ? FileManager.default.temporaryDirectory.appendingPathComponent("permanence-demo-\(getpid())") : common.locator.home
        defer { if demo { try? FileManager.default.removeItem(at: home) } }
        let database = try AppDatabase.openOnDisk(at: home.appendingPathComponent("kiosk.sqlite"), clock: now)
        let box = demo ? nil : try common.loadConfiguration()
        var config = KioskConfig(placeName: place ?? box?.place ?? (try? database.setting("place")) ?? (demo ? "Couiza (démo)" : "Permanence santé"),
                                 territory: box?.territory ?? .metropole,
                                 languages: KioskConfig.offeredLanguages(configured: box?.languages ?? [], content: content))
        if ProcessInfo.processInfo.environment["TERM"] == "linux" {
            // The bare console (the fallback when the box has no graphical display): one 512-glyph font, no Arabic next
            // to Cyrillic, nothing joined or right to left. A language it cannot draw is not offered there.
            let kept = Self.consoleLanguages(config.languages, content)
            if kept.count < config.languages.count {
                Output.error("console: not offered on this screen (its font lacks their letters; the graphical display draws them): "
                             + config.languages.filter { !kept.contains($0) }.joined(separator: ", "))
                config.languages = kept
            }
        }
        if let retention = box?.retention { try database.setSetting("retention", retention) }
        // Only a supervised kiosk (systemd's notify socket) may leave its loop to pick up new content.
        config.restartsForNewContent = !demo && ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil
        config.organisation = box?.organisation
        config.communeCode = box?.commune
        // A clock before the binary was installed is wrong (boards lose the time): the calendar then says "date unknown".
        if let installed = (try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path))?[.modificationDate] as? Date {
            config.notBefore = ParisTime.day(of: installed.addingTimeInterval(-86_400))
        }
        // A demo set on another day shows that day's calendar (the binary's install day does not bound it).
        if clock != nil { config.notBefore = nil }
        if demo {
            config.allowQuit = true
            // The demo's mediator, named on its letters (PIN 1234), and its organisation.
            try database.setMediator(name: "Camille Roux (démo)", pinHash: try PINHasher.hash("1234"))
            config.organisation = Organisation(name: "Équipe mobile de médiation en santé (démo)")
            config.communeCode = config.communeCode ?? "11103"   // Couiza
        }
        // Reading aloud: a voice per language in the catalogue, espeak-ng and an audio device; otherwise hidden, and said
        // to the mediator on the printers screen.
        let speaker = Speaker(voices: Speaker.voices(content.texts), clips: contentDirectory.appendingPathComponent("audio"))
        config.speech = speaker.support(for: config.languages)
        let questionIDs = Set(content.questionnaires.flatMap(\.questions).map(\.id))
        let printing = PrintingContent.load(directory: PrintingLocator.directory(besides: contentDirectory), questionIDs: questionIDs).content
        let printerName = printer ?? box?.printer ?? (try? database.setting(KioskRuntime.printerSetting)) ?? nil
        let ticketIDs = (box?.ticketPrinter ?? (try? database.setting("ticket_printer")) ?? nil).flatMap(PrintCommand.Ticket.parseIDs)
        let runtime = KioskRuntime(database: database, content: content, engine: engine, config: config,
                                   printing: printing, printer: PrinterTarget(printerName),
                                   ticketPrinter: ticketIDs.map { (vendor: $0.0, product: $0.1) })
        let sync = try startSync(home: home, database: database, commune: config.communeCode)
        defer {
            // The child agent stops between two requests; the unit's agent goes on.
            if let child = sync?.child, child > 0 {
                kill(child, SIGTERM)
                var status: Int32 = 0
                waitpid(child, &status, 0)
            }
        }
        runtime.sync = sync?.control
        // Follow-up: the pack the sync agent brings, opened with the team passphrase (kept in memory only).
        runtime.followUp = sync.map { FollowUpDesk(database: database, packFile: PackFile(home: home), device: $0.control.device) }
        runtime.speaker = speaker
        defer { speaker.stop() }
        if let control = sync?.control {
            // New content is used from the next start; under systemd the kiosk restarts itself when idle.
            let startedOn = ContentStore(home: home).installedVersion
            Thread.detachNewThread { [runtime] in
                while true {
                    sleep(5)
                    if let version = control.status?.contentVersion, version != startedOn {
                        runtime.post(.contentInstalled(version: version))
                        return
                    }
                }
            }
        }
        let session = TerminalSession()
        if demo {
            let demoHome = home
            session.onSignalExit = { try? FileManager.default.removeItem(at: demoHome) }
        }
        try session.start()
        defer { session.restore() }
        try KioskLoop.run(session: session, runtime: runtime, clock: now)
    }

    func printSamples(engine: RightsEngine, content: URL) throws {
        let samples = content.appendingPathComponent("samples")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? [])
            .filter { $0.hasSuffix("situation.json") }.sorted()
        guard !names.isEmpty else {
            Output.error("samples: no *situation.json file in \(samples.path)")
            throw ExitCode(3)
        }
        let texts = try common.loadTexts()
        let rule = String(repeating: "═", count: 72)
        for name in names {
            let data = FileManager.default.contents(atPath: samples.appendingPathComponent(name).path) ?? Data()
            print(rule)
            print(name.replacingOccurrences(of: "-situation.json", with: "").replacingOccurrences(of: "-", with: " ").uppercased())
            print(rule)
            do {
                let situation = try SituationInput.decode(data, today: SituationInput.today())
                print(EvaluationReport.text(try engine.evaluate(situation)) { texts.render($0, lang) })
            } catch let error as SituationError {
                Output.error("\(name): \(error.description)")
            }
        }
    }
}

/// `kiosk mediator add NAME` (each mediator their own PIN, read on standard input), `list`, `remove`; `set-pin` (a PIN
/// shared by the team, unnamed in the audit log); `set-recovery`.
struct MediatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mediator", abstract: "Mediator access.",
                                                    subcommands: [Add.self, List.self, Remove.self, SetPIN.self, SetRecovery.self])

    /// The PIN on standard input: 4 to 12 digits.
    static func readPIN() throws -> String {
        let line = (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
        guard (4...12).contains(line.count), line.allSatisfy(\.isNumber) else {
            Output.error("pin: a PIN has 4 to 12 digits")
            throw ExitCode(2)
        }
        return line
    }

    static let shortPINAdvice = " (A PIN of 6 digits or more is much harder to guess: see README.)"

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a mediator with their own PIN (4 to 12 digits, read from standard input), or give them a new one.",
            discussion: """
            The name is printed on letters and forms and names the mediator in the audit log. Two mediators cannot share a PIN.
            Without NAME, the name is the first line of standard input and the PIN the second (for sudo rules without wildcards).
            """)
        @OptionGroup var common: CommonOptions
        @Argument(help: "The mediator's name as partners should read it (\"Marie Dupont\").") var name: String?
        @Option(name: .long, help: "A phone number where partners reach this mediator (default: the organisation's).") var phone: String?

        func run() throws {
            let trimmed = (name ?? readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
            guard (1...60).contains(trimmed.count), !trimmed.contains(where: \.isNewline) else {
                Output.error("name: a mediator's name has 1 to 60 characters")
                throw ExitCode(2)
            }
            if let phone, PhoneNumber.normalised(phone) == nil {
                Output.error("phone: '\(phone.prefix(30))' is not a phone number (10 digits, or + and the country code)")
                throw ExitCode(2)
            }
            let pin = try MediatorCommand.readPIN()
            let database = try common.openDatabase()
            let others = try database.mediators().filter { $0.name != trimmed }
            if KioskRuntime.whosePIN(pin, others.map(\.pinHash)) != nil {
                Output.error("pin: another mediator already has this PIN; choose another one")
                throw ExitCode(2)
            }
            let added = try database.setMediator(name: trimmed, pinHash: try PINHasher.hash(pin), phone: phone.flatMap(PhoneNumber.normalised))
            print((added ? "Mediator added: \(trimmed)." : "New PIN set for \(trimmed).") + (pin.count < 6 ? MediatorCommand.shortPINAdvice : ""))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The mediators of this box, one per line (name, phone).")
        @OptionGroup var common: CommonOptions
        func run() throws {
            let team = try common.openDatabase().mediators()
            if team.isEmpty { print("No named mediator (kiosk mediator add NAME).") }
            for mediator in team { print([mediator.name, mediator.phone].compactMap { $0 }.joined(separator: "\t")) }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a mediator: their PIN no longer opens mediator mode.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The mediator's name, as `kiosk mediator list` shows it (without it: the first line of standard input).") var name: String?
        func run() throws {
            let name = (self.name ?? readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
            guard try common.openDatabase().removeMediator(name: name) else {
                Output.error("name: no mediator of that name on this box (kiosk mediator list)")
                throw ExitCode(2)
            }
            print("Mediator removed: \(name).")
        }
    }

    struct SetPIN: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-pin",
                                                        abstract: "Set a PIN shared by the team (4 to 12 digits, read from standard input); prefer one PIN per mediator (add).")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let line = try MediatorCommand.readPIN()
            let database = try common.openDatabase()
            try database.setSetting(KioskRuntime.pinSetting, try PINHasher.hash(line))
            try database.audit(actor: "system", action: "pin_changed")
            print("Mediator PIN set." + (line.count < 6 ? MediatorCommand.shortPINAdvice : ""))
        }
    }

    /// `kiosk mediator set-recovery`: a new 20-digit recovery code, shown once, stored hashed.
    struct SetRecovery: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-recovery",
            abstract: "Make the mediator's recovery code (20 digits, shown once): typed at the PIN prompt, it opens mediator mode even while wrong PINs make the box wait.")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let digits = (0..<PINPolicy.recoveryDigits).map { _ in String(Int.random(in: 0...9)) }.joined()
            let database = try common.openDatabase()
            try database.setSetting(KioskRuntime.recoverySetting, try PINHasher.hash(digits))
            try database.audit(actor: "system", action: "recovery_code_changed")
            let grouped = stride(from: 0, to: digits.count, by: 4).map { start in
                String(digits.dropFirst(start).prefix(4))
            }.joined(separator: " ")
            print("Recovery code (write it down for the team, it is not shown again): \(grouped)")
        }
    }
}
