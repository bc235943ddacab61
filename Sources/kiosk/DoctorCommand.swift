import ArgumentParser
import Foundation
import Terminal
import BoxSync
import SyncProtocol
import Intake
import KioskApp
import KioskStore
import Printers
import Rights
import RulesLoader

/// `kiosk doctor`: checks the box end to end and says what is wrong in plain words.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the box: each line OK, WARNING or PROBLEM with what to do (exit 1 when there is a problem).",
        subcommands: [USBInventory.self]
    )

    @OptionGroup var common: CommonOptions
    @Flag(help: "One JSON object per check, for machines.") var json = false

    /// One line of `kiosk-sync check`.
    struct NetworkCheck: Decodable {
        var check: String
        var status: String
        var message: String
    }

    struct Check: Encodable {
        enum Status: String, Encodable { case ok = "OK", warning = "WARNING", problem = "PROBLEM" }
        var check: String
        var status: Status
        var message: String
    }

    /// The visitor languages (complete ones offered, unfinished ones named) and the console font: on the installed box,
    /// the font the kiosk unit loads must draw every character of every offered language.
    func checkLanguages(_ content: KioskContent, _ configuration: BoxConfiguration?, _ add: (String, Check.Status, String) -> Void) {
        let offered = KioskConfig.offeredLanguages(configured: configuration?.languages ?? [], content: content)
        let unfinished = content.texts.languages.filter { !offered.contains($0.code) }.map { language in
            let counted = content.texts.completeness(language.code, questionnaires: content.questionnaires)
            return "\(language.code) \(counted.percent) %"
        }
        add("languages", .ok, "Langues proposées aux visiteurs : \(offered.joined(separator: ", "))"
            + (unfinished.isEmpty ? "." : " ; pas encore proposées : \(unfinished.joined(separator: ", ")) (kiosk content check)."))
        guard let unit = ScreenCharacters.installedKioskUnit() else { return }
        if unit.contains("kiosk-display"), let display = Self.graphicalDisplay(configuration) {
            checkDisplayFonts(content, offered, footConfig: display, add)
            return
        }
        guard let path = ScreenCharacters.fontPath(inUnit: unit) else {
            add("console font", .warning, "L'unité du kiosque ne charge aucune police de console — réinstallez (Provisioning/install.sh).")
            return
        }
        do {
            let font = try ConsoleFont(contentsOf: path)
            let console = ScreenCharacters.consoleLanguages(offered, font: font, content: content)
            let missing = ScreenCharacters.missing(font, content, languages: console)
            let leftOut = offered.filter { !console.contains($0) }
            if !missing.isEmpty {
                let detail = missing.sorted { $0.key < $1.key }.map { "\($0.key) : \($0.value.prefix(8).map { String($0) }.joined(separator: " "))" }
                add("console font", .problem, "La police de la console (\(path)) n'a pas ces caractères : \(detail.joined(separator: " ; ")) — ces langues seront illisibles à l'écran ; installez console-setup-linux ou changez la police de l'unité.")
            } else if !leftOut.isEmpty {
                add("console font", .warning, "Écran en console (sans affichage graphique) : \(leftOut.joined(separator: ", ")) ne sont pas proposées aux visiteurs, la console ne peut pas les écrire ; installez cage et foot (Provisioning/install.sh) sur une box qui a une carte graphique.")
            } else {
                add("console font", .ok, "La police de la console (\(path)) a tous les caractères des langues proposées.")
            }
        } catch {
            add("console font", .problem, "La police de la console \(path) est absente ou illisible (\(error)) — installez console-setup-linux.")
        }
    }

    /// foot's configuration when the box shows the graphical display (cage and foot installed, a DRM card, `display:`
    /// not console), else nil: the console path.
    static func graphicalDisplay(_ configuration: BoxConfiguration?) -> String? {
        let footConfig = "/usr/share/permanence/display/foot.ini"
        let manager = FileManager.default
        guard manager.isExecutableFile(atPath: "/usr/bin/cage"), manager.isExecutableFile(atPath: "/usr/bin/foot"), manager.fileExists(atPath: footConfig),
              ((try? manager.contentsOfDirectory(atPath: "/dev/dri")) ?? []).contains(where: { $0.hasPrefix("card") }) else { return nil }
        return configuration?.display == "console" ? nil : footConfig
    }

    /// The graphical display: every character of every offered language in one of the fonts foot is configured with
    /// (its `font=` list, found by fontconfig), so that nothing is drawn as a box.
    func checkDisplayFonts(_ content: KioskContent, _ offered: [String], footConfig: String, _ add: (String, Check.Status, String) -> Void) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/fc-match"), FileManager.default.isExecutableFile(atPath: "/usr/bin/fc-query") else {
            add("display", .warning, "Affichage graphique : fc-match et fc-query manquent pour vérifier les polices de foot — installez fontconfig.")
            return
        }
        let configuration = (try? String(contentsOfFile: footConfig, encoding: .utf8)) ?? ""
        guard let coverage = ScreenCharacters.missingInFonts(footConfiguration: configuration, content, languages: offered) else {
            add("display", .problem, "Affichage graphique : fontconfig ne trouve aucune des polices de foot (\(ScreenCharacters.fontFamilies(footConfiguration: configuration).joined(separator: ", "))) — installez fonts-dejavu-core.")
            return
        }
        if coverage.missing.isEmpty {
            add("display", .ok, "Affichage graphique (cage et foot) : les polices (\(coverage.files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))) ont tous les caractères des langues proposées (\(offered.joined(separator: ", "))).")
        } else {
            let detail = coverage.missing.sorted { $0.key < $1.key }.map { "\($0.key) : \($0.value.prefix(8).map { String($0) }.joined(separator: " "))" }
            add("display", .problem, "Affichage graphique : aucune police de foot n'a ces caractères : \(detail.joined(separator: " ; ")) — installez fonts-dejavu-core, et fonts-noto-core avant Provisioning/install.sh.")
        }
    }

    /// Reading aloud: a voice installed for each offered language, espeak-ng and aplay, a sound card. A warning when
    /// something is missing (the box works without: the Listen target is hidden where it cannot speak).
    func checkSpeech(_ content: KioskContent, _ configuration: BoxConfiguration?, _ directory: URL, _ add: (String, Check.Status, String) -> Void) {
        let offered = KioskConfig.offeredLanguages(configured: configuration?.languages ?? [], content: content)
        let support = Speaker(voices: Speaker.voices(content.texts), clips: directory.appendingPathComponent("audio")).support(for: offered)
        let spoken = offered.filter(support.languages.contains)
        if support.problems.isEmpty {
            add("speech", .ok, "Lecture à voix haute dans toutes les langues proposées (\(spoken.joined(separator: ", "))) ; kiosk speak --text … pour l'essayer.")
        } else {
            add("speech", .warning, (spoken.isEmpty ? "" : "Lecture à voix haute en \(spoken.joined(separator: ", ")). ") + support.problems.joined(separator: " "))
        }
    }

    func run() throws {
        let checks = collect()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(checks) + Data("\n".utf8))
        } else {
            for line in Self.lines(checks) { print(line) }
        }
        if checks.contains(where: { $0.status == .problem }) { throw ExitCode(1) }
    }

    /// One line per check: status, check, message.
    static func lines(_ checks: [Check]) -> [String] {
        checks.map { "\($0.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \($0.check.padding(toLength: 15, withPad: " ", startingAt: 0)) \($0.message)" }
    }

    /// The audit log: its chain here, and what the central store said of it at the last sync (a log that went back —
    /// a database restored from an older copy — or was rewritten).
    func checkAudit(_ database: AppDatabase, _ add: (String, Check.Status, String) -> Void) {
        switch try? database.verifyAudit() {
        case .intact(let entries)?:
            if let alarm = try? database.auditAlarm() {
                let what = alarm.kind == .backwards ? "est revenu en arrière (base restaurée depuis une copie plus ancienne ?)" : "a été réécrit"
                add("audit", .problem, "Le central signale que le journal d'audit de ce kiosque \(what) le \(alarm.at.prefix(10)) : \(alarm.detail) — appelez la coordination ; elle lève l'alerte (central devices clear-alarm) après avoir vérifié.")
            } else if let anchor = try? database.auditAnchor() {
                add("audit", .ok, "Le journal d'audit est intact (\(entries) entrées) ; le central l'a ancré à l'entrée \(anchor).")
            } else {
                add("audit", .ok, "Le journal d'audit est intact (\(entries) entrées) ; pas encore ancré au central (à la prochaine synchronisation).")
            }
        case .broken(let seq, let reason)?:
            add("audit", .problem, "Le journal d'audit est rompu à l'entrée \(seq) (\(reason)) — appelez le technicien ; ne touchez pas à la base.")
        case nil:
            add("audit", .problem, "Le journal d'audit ne se lit pas — appelez le technicien.")
        }
    }

    /// Every check, in order (also what the first boot shows at its end).
    func collect() -> [Check] {
        var checks: [Check] = []
        func add(_ check: String, _ status: Check.Status, _ message: String) { checks.append(Check(check: check, status: status, message: message)) }
        let locator = common.locator
        let home = locator.home

        // Configuration.
        var configuration: BoxConfiguration?
        let configurationURL = locator.configurationURL
        if let text = try? String(contentsOf: configurationURL, encoding: .utf8) {
            let loaded = BoxConfiguration.load(file: configurationURL.path, text: text)
            configuration = loaded.configuration
            if let configuration {
                add("configuration", .ok, "\(configurationURL.path) est valide (lieu : \(configuration.place)).")
            } else {
                add("configuration", .problem, "\(loaded.problems.first ?? "invalide") — corrigez le fichier (modèle commenté : Provisioning/kiosk.yaml).")
            }
        } else {
            add("configuration", .problem, "\(configurationURL.path) est absent ou illisible — installez-le (Provisioning/install.sh) ou copiez Provisioning/kiosk.yaml.")
        }

        // Data directory and keys: readable by the kiosk only.
        if let attributes = try? FileManager.default.attributesOfItem(atPath: home.path), let mode = attributes[.posixPermissions] as? Int {
            if mode & 0o077 != 0 {
                add("permissions", .problem, String(format: "%@ est ouvert aux autres utilisateurs (mode %o) — lancez : chmod 700 %@", home.path, mode, home.path))
            } else {
                add("permissions", .ok, "Le dossier des données n'est lisible que par le kiosque.")
            }
        }
        let keys = home.appendingPathComponent("keys")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: keys.path)) ?? []).sorted() {
            let path = keys.appendingPathComponent(name).path
            if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                add("permissions", .problem, String(format: "La clé %@ est lisible par d'autres utilisateurs (mode %o) — lancez : chmod 600 %@", path, mode, path))
            }
        }

        // Database: integrity and free disk.
        let databaseURL = home.appendingPathComponent("kiosk.sqlite")
        var database: AppDatabase?
        if FileManager.default.fileExists(atPath: databaseURL.path) {
            do {
                let opened = try AppDatabase.openOnDisk(at: databaseURL)
                if try opened.integrityCheck() {
                    database = opened
                    add("database", .ok, "La base de données est intacte.")
                    checkAudit(opened, add)
                } else {
                    add("database", .problem, "La base de données est abîmée — appelez le technicien ; gardez le fichier \(databaseURL.path) pour la récupérer.")
                }
            } catch {
                add("database", .problem, "La base de données ne s'ouvre pas (abîmée ou remplacée) — appelez le technicien ; gardez \(databaseURL.path).")
            }
        } else {
            add("database", .warning, "Pas encore de base de données (\(databaseURL.path)) : elle est créée au premier accueil.")
        }
        // Who can open mediator mode (no database yet: no one).
        if database != nil || !FileManager.default.fileExists(atPath: databaseURL.path) {
            let team = (try? database?.mediators().map(\.name)) ?? []
            let shared = ((try? database?.setting(KioskRuntime.pinSetting)) ?? nil).map { !$0.isEmpty } ?? false
            let recovery = ((try? database?.setting(KioskRuntime.recoverySetting)) ?? nil) != nil
            if team.isEmpty && !shared {
                add("mediators", .problem, "Aucun code médiateur — lancez : kiosk mediator add NOM.")
            } else {
                let who = team.isEmpty ? "un code d'équipe, sans nom" : "\(team.count) médiateur(s) : \(team.joined(separator: ", "))"
                add("mediators", recovery ? .ok : .warning,
                    "Mode médiateur : \(who)." + (recovery ? " Code de secours défini." : " Pas de code de secours : kiosk mediator set-recovery."))
            }
        }
        if let space = (try? FileManager.default.attributesOfFileSystem(forPath: home.deletingLastPathComponent().path))?[.systemFreeSize] as? Int64 {
            let megabytes = space / 1_000_000
            add("disk", megabytes < 200 ? .problem : megabytes < 1_000 ? .warning : .ok,
                megabytes < 1_000 ? "Plus que \(megabytes) Mo libres sur le disque — libérez de la place ou appelez le technicien." : "\(megabytes / 1000) Go libres sur le disque.")
        }

        // Content and its figures.
        if let content = locator.contentDirectory() {
            let rules = RulesLoader.load(directory: content.appendingPathComponent("rules"))
            let loaded = ContentLoader.load(directory: content)
            switch rules {
            case .failure(let problems):
                add("content", .problem, "Les règles ont \(problems.problems.count) problème(s) : \(problems.problems.first!.description) — lancez kiosk content check.")
            case .success(let parameters):
                if loaded.content == nil {
                    add("content", .problem, "Le contenu a \(loaded.problems.count) problème(s) : \(loaded.problems.first!.description) — lancez kiosk content check.")
                } else {
                    add("content", .ok, "Questionnaires, règles et annuaire sont valides (\(content.path)).")
                }
                if let kioskContent = loaded.content {
                    checkLanguages(kioskContent, configuration, add)
                    checkSpeech(kioskContent, configuration, content, add)
                }
                let today = SituationInput.today()
                let stale = ParameterKey.allCases.filter { parameters.revaluedYearly.contains($0) && today >= parameters.newestDate(of: $0).addingYears(1) }
                if !stale.isEmpty {
                    // Named in words when the catalogue has them (the key otherwise).
                    let name = { (key: ParameterKey) in loaded.content.map { $0.texts.render(key.message, "fr") } ?? key.rawValue }
                    add("figures", .warning, "Chiffres peut-être périmés : \(stale.map { "\(name($0)) (du \(parameters.newestDate(of: $0).frenchDate))" }.joined(separator: ", ")) — demandez un nouveau contenu au coordinateur.")
                } else {
                    add("figures", .ok, "Les chiffres légaux ont moins d'un an.")
                }
            }
        } else {
            add("content", .problem, "Aucun contenu trouvé (règles, questionnaires) — réinstallez le kiosque.")
        }

        // Printers.
        let printer = PrinterTarget(configuration?.printer)
        do {
            let status = try CupsClient().status(of: printer)
            switch status.state {
            case .stopped: add("printer", .problem, "L'imprimante \(printer) est arrêtée — relancez-la (cupsenable) ou éteignez-la et rallumez-la.")
            default:
                if status.hasNoPaper {
                    add("printer", .problem, "L'imprimante \(printer) n'a plus de papier — remettez du papier.")
                } else {
                    add("printer", .ok, "L'imprimante \(printer) est prête.")
                }
            }
        } catch let error as PrintError {
            add("printer", configuration?.printer == nil && error.code == .notFound ? .warning : .problem, error.message)
        } catch {
            add("printer", .problem, "L'état de l'imprimante \(printer) n'a pas pu être lu (\(error)).")
        }
        if let ticket = configuration?.ticketPrinter {
            let present = (try? USB.devices())?.contains { $0.id == ticket.lowercased() } ?? false
            add("ticket printer", present ? .ok : .problem,
                present ? "L'imprimante de tickets \(ticket) est branchée." : "L'imprimante de tickets \(ticket) n'est pas sur l'USB — vérifiez son câble et qu'elle est allumée.")
        } else {
            add("ticket printer", .warning, "Pas d'imprimante de tickets : les numéros s'affichent à l'écran.")
        }

        // Clock: not before the kiosk was installed (boards often have no battery-backed clock).
        if let installed = (try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path))?[.modificationDate] as? Date {
            if Date() < installed.addingTimeInterval(-86_400) {
                add("clock", .problem, "L'horloge est avant la date d'installation du kiosque — réglez la date (timedatectl) ou connectez le kiosque au réseau une fois.")
            } else {
                add("clock", .ok, "L'horloge est plausible.")
            }
        }

        // Central store and enrolment.
        var identity: BoxIdentity?
        do {
            identity = try BoxIdentity.load(home: home)
        } catch BoxIdentity.LoadError.notEnrolled {
            identity = nil
        } catch {
            add("enrolment", .problem, "Les fichiers d'enrôlement sont illisibles (\(error)) — réenrôlez le kiosque avec un nouveau jeton (kiosk provision).")
        }
        // The central store and what it says of this box: asked of kiosk-sync (this process has no network stack).
        if configuration?.centralURL != nil || identity != nil {
            let binary = SiblingBinary.url("kiosk-sync").path
            let answer = Spawn.run(binary, ["check", "--home", home.path])
            let lines = (try? JSONDecoder().decode([NetworkCheck].self, from: Data(answer.output.utf8))) ?? []
            if lines.isEmpty {
                add("central", .problem, "Le programme de synchronisation \(binary) ne répond pas (code \(answer.status)) — réinstallez le kiosque (Provisioning/install.sh).")
            }
            for line in lines {
                add(line.check, Check.Status(rawValue: line.status) ?? .warning, line.message)
            }
        } else {
            add("central", .warning, "Pas de serveur central configuré : les dossiers attendent dans la boîte d'envoi.")
        }
        if identity == nil, !checks.contains(where: { $0.check == "enrolment" }) {
            add("enrolment", .warning, "Le kiosque n'est pas encore enrôlé — lancez kiosk provision --central URL --token JETON.")
        }

        // Outbox.
        if let database, let summary = try? database.outboxSummary() {
            let waiting = (summary.counts[.queued] ?? 0) + (summary.counts[.sending] ?? 0)
            var status: Check.Status = .ok
            if let oldest = summary.oldestUnsent, let date = ISO8601DateFormatter.withFractions.date(from: oldest), Date().timeIntervalSince(date) > 30 * 86_400 {
                status = .warning
            }
            add("outbox", status, waiting == 0 ? "Rien n'attend d'être envoyé." : "\(waiting) dossier(s) attendent d'être envoyés, le plus ancien depuis le \(summary.oldestUnsent?.prefix(10) ?? "?").")
            // Records the central store refused for a reason retrying cannot fix: someone must look.
            let final = Set(ProblemCode.allCases.filter { !$0.retryable }.map(\.rawValue))
            let refused = ((try? database.outboxUnacknowledged()) ?? []).filter { item in
                guard let error = item.lastError, let code = error.split(separator: ":").first else { return false }
                return final.contains(String(code))
            }
            if let first = refused.first {
                add("outbox", .problem, "\(refused.count) dossier(s) refusés par le central (\(first.lastError?.split(separator: ":").first ?? "")) : ils restent sur le kiosque — appelez la coordination (kiosk sync --once montre le détail).")
            }
        }

        return checks
    }

    /// `kiosk doctor usb`: every USB device with its class, vendor and product.
    struct USBInventory: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "usb", abstract: "List the USB devices (class, vendor:product), to find the ticket printer.")

        func run() throws {
            do {
                let devices = try USB.devices()
                if devices.isEmpty {
                    print("Aucun périphérique USB. L'imprimante de tickets doit être branchée et allumée.")
                    return
                }
                for device in devices {
                    print(String(format: "bus %03d device %03d  %@  %@", device.bus, device.address, device.id, device.className))
                }
            } catch let error as USBError {
                Output.error(error.message)
                throw ExitCode(4)
            }
        }
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withFractions: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
