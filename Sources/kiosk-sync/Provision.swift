import ArgumentParser
import CentralClient
import Foundation
import KioskApp
import KioskStore
import Sync
import Terminal
import SyncProtocol

/// `kiosk provision`: first-boot enrolment. With `--central` and `--token` (or both in the configuration and no
/// console), it enrols and says so in one line. On a console (tty1 at first boot), it guides the technician in
/// plain French through what is missing, checks that the central store answers before asking for the token, keeps
/// every problem on screen until a key is pressed, and ends with `kiosk doctor`'s summary.
struct Provision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enrol this box with the central store (first boot): make its key, enrol with a one-time token, keep the keys (0600).",
        discussion: """
        Without --central/--token, uses central_url and enrolment_token from the configuration (then erases the token). \
        On a console, asks for what is missing, step by step, and shows the box's check (kiosk doctor) at the end.
        """
    )
    @OptionGroup var common: CommonOptions
    @Option(help: "The central store (or relay) URL.") var central: String?
    @Option(help: "The one-time enrolment token from `central enroll-token`.") var token: String?
    @Option(help: "A name for this box in the central store's device list (e.g. the village).") var name: String?
    @Option(name: .customLong("wait-at-end"), help: "On a console: seconds the final summary stays when nothing was typed (default 10).")
    var waitAtEnd: Int = 10
    @Option(name: .customLong("unattended-wait"), help: "On a console, when nothing was typed: seconds a problem stays before the kiosk starts unenrolled (default 600).")
    var unattendedWait: Int = 600

    func run() async throws {
        let onConsole = isatty(0) == 1 && isatty(1) == 1
        if onConsole, central == nil || token == nil {
            var screen = FirstBootScreen(command: self)
            try await screen.run()
            return
        }
        let configuration = try common.loadConfiguration()
        guard let url = Self.centralURL(central ?? configuration?.centralURL) else {
            Output.error("provision: give the central store's address with --central http://HOST:PORT (or central_url in the configuration)")
            throw ExitCode(2)
        }
        guard let enrolmentToken = (token ?? configuration?.enrolmentToken), !enrolmentToken.isEmpty else {
            Output.error("provision: give the one-time token with --token (from `central enroll-token`)")
            throw ExitCode(2)
        }
        if let existing = try? BoxIdentity.load(home: common.locator.home) {
            Output.error("provision: this box is already enrolled as \(existing.enrolment.device) with \(existing.enrolment.central); remove \(common.locator.home.path)/keys to enrol again")
            throw ExitCode(2)
        }
        do {
            let outcome = try await enrol(url: url, token: enrolmentToken, tokenFromConfiguration: token == nil, typedURL: false,
                                          configuration: configuration)
            print(outcome)
        } catch let error as ClientError {
            Output.error("provision: \(error)")
            throw ExitCode(error.retryable ? 4 : 2)
        }
    }

    /// An http(s) URL naming a host, or nil.
    static func centralURL(_ text: String?) -> URL? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty, let url = URL(string: text),
              url.scheme == "http" || url.scheme == "https", let host = url.host, !host.isEmpty else { return nil }
        return url
    }

    /// Enrols, then updates the configuration (the token erased when it came from there, the address written when it
    /// was typed) and seals what waited. Returns the line that says so.
    func enrol(url: URL, token: String, tokenFromConfiguration: Bool, typedURL: Bool, configuration: BoxConfiguration?) async throws -> String {
        let identity = try await BoxIdentity.provision(home: common.locator.home, central: url, token: token,
                                                       name: name ?? configuration?.place)
        let configurationURL = common.locator.configurationURL
        if tokenFromConfiguration || typedURL, var text = try? String(contentsOf: configurationURL, encoding: .utf8) {
            if tokenFromConfiguration { text = BoxConfiguration.erasingToken(in: text) }
            if typedURL { text = BoxConfiguration.settingCentralURL(url.absoluteString, in: text) }
            // In place (not by rename): on a box only the file, not /etc/permanence, is writable by the kiosk user.
            try text.write(to: configurationURL, atomically: false, encoding: .utf8)
        }
        // Records queued before enrolment are sealed now.
        let database = try common.openDatabase()
        let sealed = try database.sealUnsealed(with: identity.sealer)
        return "enrolled as \(identity.enrolment.device) with \(identity.enrolment.central); keys in \(common.locator.home.path)/keys (0600)"
            + (sealed > 0 ? "; \(sealed) waiting record(s) sealed" : "")
    }
}

/// What the technician sees on tty1 at first boot. Line-based on purpose (the kernel may still print on that console,
/// and a technician may type slowly): each step clears the screen, says where things come from, and waits.
struct FirstBootScreen {
    let command: Provision
    /// Set when the technician typed something: the summary then waits for Enter instead of a few seconds.
    private var attended = false

    init(command: Provision) { self.command = command }

    func say(_ text: String = "") { FileHandle.standardOutput.write(Data((Self.wrap(text, width: width).joined(separator: "\n") + "\n").utf8)) }

    /// The console's width in columns (a 16×32 font on a 1024-pixel screen gives 64).
    var width: Int {
        var size = winsize()
        return ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col >= 20 ? Int(size.ws_col) : 80
    }

    /// `text` cut between words to lines of at most `width` columns; continuation lines keep the first line's indent.
    static func wrap(_ text: String, width: Int) -> [String] {
        let indent = String(text.prefix { $0 == " " })
        var lines: [String] = []
        var line = indent
        for word in text.split(separator: " ") {
            let candidate = line.count == indent.count ? line + word : line + " " + word
            if candidate.count > width - 1, line.count > indent.count {
                lines.append(line)
                line = indent + word
            } else {
                line = candidate
            }
        }
        lines.append(line)
        return lines
    }

    func clear() {
        FileHandle.standardOutput.write(Data("\u{1B}[0m\u{1B}[2J\u{1B}[H".utf8))
        say("Permanence : mise en service du boîtier")
        say("=======================================")
        say()
    }

    enum Reply { case line(String), timedOut, closed }

    /// Shows `prompt` (wrapped, the cursor after it) and reads the technician's line, trimmed: `closed` when the
    /// console is gone (end of input), `timedOut` when `seconds` pass without input.
    mutating func reply(to prompt: String, within seconds: Int? = nil) -> Reply {
        FileHandle.standardOutput.write(Data((Self.wrap(prompt, width: width).joined(separator: "\n") + " ").utf8))
        guard inputArrives(within: seconds) else { return .timedOut }
        guard let line = readLine(strippingNewline: true) else { return .closed }
        attended = true
        return .line(line.trimmingCharacters(in: .whitespaces))
    }

    /// A line from the technician, trimmed; nil when the console is gone (end of input).
    mutating func ask(_ prompt: String) -> String? {
        if case .line(let line) = reply(to: prompt) { return line }
        return nil
    }

    /// Whether input comes within `seconds` (at once true without a limit: reading then waits).
    func inputArrives(within seconds: Int?) -> Bool {
        guard let seconds else { return true }
        var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, Int32(seconds) * 1000) > 0
    }

    /// A problem stays on screen until the technician answers; returns the (lowercased) answer. On a box that started
    /// by itself from a complete configuration, with nobody typing yet, the problem stays `unattendedWait` seconds and
    /// then the kiosk starts (answer "p"): visitors are not kept out because nobody came to read it.
    mutating func problem(_ lines: [String], choices: String) throws -> String {
        clear()
        say("PROBLÈME : " + lines[0])
        for line in lines.dropFirst() { say("  " + line) }
        say()
        var limit: Int?
        if !attended {
            let wait = command.unattendedWait
            say("Sans réponse, le kiosque démarre dans \(wait >= 120 ? "\(wait / 60) minutes" : "\(wait) secondes") sans enrôlement.")
            limit = wait
        }
        switch reply(to: choices, within: limit) {
        case .line(let answer): return answer.lowercased()
        case .timedOut: say(); return "p"
        case .closed: throw ExitCode(2)
        }
    }

    /// Waits for Enter (at most `seconds`, or without limit when nil).
    func waitForEnter(seconds: Int?) {
        if inputArrives(within: seconds) { _ = readLine() }
    }

    mutating func run() async throws {
        let common = command.common
        clear()
        let configuration: BoxConfiguration?
        do {
            configuration = try common.loadConfiguration()
        } catch {
            _ = try problem(["la configuration \(common.locator.configurationURL.path) n'est pas valable (détail ci-dessus).",
                             "Corrigez-la (modèle commenté : /usr/share/doc/permanence, ou Provisioning/kiosk.yaml), puis redémarrez."],
                            choices: "Appuyez sur Entrée pour continuer.")
            throw ExitCode(3)
        }
        if let existing = try? BoxIdentity.load(home: common.locator.home) {
            say("Ce boîtier est déjà enrôlé (\(existing.enrolment.device.prefix(8))) auprès de \(existing.enrolment.central).")
            return
        }
        say("Ce boîtier doit être relié une fois au serveur central de l'équipe. La coordination vous donne "
            + "son adresse et un jeton d'enrôlement (à usage unique, valable 7 jours, créé sur le serveur par « central enroll-token »).")

        var addressText = command.central ?? configuration?.centralURL
        var typedURL = false
        var token = command.token ?? configuration?.enrolmentToken
        var tokenFromConfiguration = command.token == nil && token != nil
        if let text = addressText, Provision.centralURL(text) == nil {
            say()
            say("L'adresse du serveur central dans la configuration n'est pas valable : « \(text) ».")
            addressText = nil
        }
        while true {
            // Step 1: the central store's address, and whether it answers.
            var url: URL
            if let known = Provision.centralURL(addressText) {
                url = known
            } else {
                say()
                say("Étape 1 sur 2 : l'adresse du serveur central, par exemple https://permanence.exemple.org "
                    + "ou, au bureau, http://192.168.1.10:8080")
                guard let typed = ask("Adresse :") else { throw ExitCode(2) }
                guard let parsed = Provision.centralURL(typed) else {
                    let answer = try problem(["« \(typed) » n'est pas une adresse de serveur.",
                                              "Elle doit commencer par http:// ou https:// puis nommer le serveur."],
                                             choices: "Entrée : retaper l'adresse · P : passer (démarrer sans enrôlement) :")
                    if answer == "p" { return skip() }
                    continue
                }
                url = parsed
                addressText = typed
                typedURL = true
            }
            say()
            say("Le boîtier contacte le serveur central \(url.absoluteString)…")
            let client = CentralClient(baseURL: url, timeout: .seconds(10))
            guard await client.isReachable(timeout: .seconds(8)) else {
                let answer = try problem(["le serveur central \(url.absoluteString) ne répond pas.",
                                          "Vérifiez que le câble réseau est branché (ou le routeur 4G allumé), "
                                          + "puis que l'adresse est la bonne (la coordination la connaît)."],
                                         choices: "Entrée : réessayer · A : changer l'adresse · P : passer (démarrer sans enrôlement) :")
                switch answer {
                case "a": addressText = nil
                case "p": return skip()
                default: break
                }
                continue
            }
            say("OK : le serveur central répond.")

            // Step 2: the token.
            if token == nil || token?.isEmpty == true {
                say()
                say("Étape 2 sur 2 : le jeton d'enrôlement donné par la coordination (4 groupes de 4 lettres ou chiffres).")
                guard let typed = ask("Jeton :") else { throw ExitCode(2) }
                if typed.isEmpty { continue }
                token = typed
                tokenFromConfiguration = false
            }
            do {
                say()
                say("Enrôlement en cours…")
                _ = try await command.enrol(url: url, token: token ?? "", tokenFromConfiguration: tokenFromConfiguration,
                                            typedURL: typedURL, configuration: configuration)
                break
            } catch let error as ClientError {
                let why: [String]
                switch error {
                case .refused(_, let problem) where problem.code == .invalidToken:
                    why = ["le serveur central a refusé ce jeton.",
                           "Il est peut-être mal recopié, déjà utilisé ou périmé (7 jours) : demandez-en un nouveau à la coordination."]
                case .refused(let status, let problem):
                    why = ["le serveur central a refusé l'enrôlement (\(status), \(problem.code.rawValue)).", problem.detail]
                case .unreachable:
                    why = ["le serveur central ne répond plus (réseau coupé ?)."]
                }
                let again = error.retryable ? "Entrée : réessayer" : "Entrée : taper un autre jeton"
                let answer = try problem(why, choices: again + " · A : changer l'adresse · P : passer (démarrer sans enrôlement) :")
                switch answer {
                case "a": addressText = nil
                case "p": return skip()
                default: break
                }
                if case .refused = error { token = nil }
                continue
            } catch {
                let answer = try problem(["l'enrôlement n'a pas pu être enregistré sur ce boîtier : \(error)."],
                                         choices: "Entrée : réessayer · P : passer (démarrer sans enrôlement) :")
                if answer == "p" { return skip() }
                continue
            }
        }
        showSummary()
    }

    /// The technician chose to start the kiosk without enrolment: records wait, this screen comes back next boot.
    func skip() {
        say()
        say("Le kiosque démarre sans enrôlement : les dossiers attendront sur le boîtier.")
        say("Cet écran reviendra au prochain démarrage (ou : sudo -u permanence kiosk provision).")
        waitForEnter(seconds: 5)
    }

    /// Enrolled: the box's check, then the kiosk.
    func showSummary() {
        clear()
        let identity = try? BoxIdentity.load(home: command.common.locator.home)
        say("Le boîtier est enrôlé (\(identity?.enrolment.device.prefix(8) ?? "?")) auprès de \(identity?.enrolment.central ?? "?").")
        say()
        say("Vérification du boîtier (kiosk doctor) :")
        let common = command.common
        let arguments = ["doctor", "--json"] + (common.home.map { ["--home", $0] } ?? []) + (common.rules.map { ["--rules", $0] } ?? [])
        let checks = DoctorLine.collect(arguments)
        // Fits one screen: what is fine in one line, each problem with what to do, the warnings by name in one line
        // (kiosk doctor gives them in full: they do not stop the box).
        let fine = checks.filter { $0.status == .ok }.map(\.check)
        if !fine.isEmpty { say("  OK : " + fine.joined(separator: ", ") + ".") }
        for check in checks where check.status == .problem {
            say("  PROBLÈME (\(check.check)) : \(check.message)")
        }
        let warned = checks.filter { $0.status == .warning }.map(\.check)
        if !warned.isEmpty { say("  ATTENTION : " + warned.joined(separator: ", ") + " (détails : sudo -u permanence kiosk doctor).") }
        let problems = checks.filter { $0.status == .problem }.count
        say()
        let warnings = checks.filter { $0.status == .warning }.count
        say(problems > 0 ? "\(problems) problème(s) ci-dessus : le kiosque démarre quand même ; corrigez-les ensuite."
            : warnings > 0 ? "Aucun problème bloquant ; les points ATTENTION peuvent être réglés plus tard." : "Tout est en ordre.")
        if attended {
            say("Appuyez sur Entrée pour démarrer le kiosque.")
            waitForEnter(seconds: nil)
        } else {
            say("Le kiosque démarre dans \(command.waitAtEnd) secondes (Entrée : tout de suite).")
            waitForEnter(seconds: command.waitAtEnd)
        }
    }
}

/// One line of `kiosk doctor --json` (the kiosk beside this program checks the box).
struct DoctorLine: Decodable {
    enum Status: String, Decodable { case ok = "OK", warning = "WARNING", problem = "PROBLEM" }
    var check: String
    var status: Status
    var message: String

    static func collect(_ arguments: [String]) -> [DoctorLine] {
        let answer = Spawn.run(SiblingBinary.url("kiosk").path, arguments)
        return (try? JSONDecoder().decode([DoctorLine].self, from: Data(answer.output.utf8))) ?? []
    }
}
