import Foundation
import Testing
import TestSupport

/// `kiosk doctor` against prepared broken setups: each gives its PROBLEM line and a non-zero exit.
@Suite("kiosk doctor")
struct DoctorTests {
    /// A box home with a valid configuration (plus `extra` lines) and a database with one check-in.
    func home(_ extra: String = "", withMediator: Bool = true) throws -> URL {
        let home = temporaryDirectory("doctor")
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: home.path)
        var configuration = try String(contentsOf: Repository.root.appendingPathComponent("Provisioning/kiosk.yaml"), encoding: .utf8)
        configuration += extra
        try configuration.write(to: home.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        _ = try runProcess(Repository.builtProduct("kiosk"), ["debug", "checkin-loop", "--home", home.path, "--count", "1"])
        if withMediator {
            _ = try runProcess(Repository.builtProduct("kiosk"), ["mediator", "add", "Marie Dupont", "--home", home.path], stdin: Data("482915\n".utf8))
            _ = try runProcess(Repository.builtProduct("kiosk"), ["mediator", "set-recovery", "--home", home.path])
        }
        return home
    }

    func doctor(_ home: URL, environment extra: [String: String] = [:]) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        return try runProcess(Repository.builtProduct("kiosk"), ["doctor", "--home", home.path], environment: environment, currentDirectory: Repository.root)
    }

    func line(_ result: ProcessResult, _ check: String) -> String? {
        result.stdout.split(separator: "\n").map(String.init).first { $0.dropFirst(9).hasPrefix(check) }
    }

    @Test("A healthy box has no PROBLEM line and exits 0")
    func healthy() throws {
        let home = try home()
        let result = try doctor(home)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(line(result, "configuration")?.hasPrefix("OK") == true)
        #expect(line(result, "database")?.hasPrefix("OK") == true)
    }

    @Test("No one able to open mediator mode is a PROBLEM; the team named, with its recovery code, OK")
    func mediators() throws {
        let none = try doctor(try home(withMediator: false))
        #expect(none.status == 1)
        #expect(line(none, "mediators")?.hasPrefix("PROBLEM") == true, "\(none.stdout)")
        #expect(line(none, "mediators")?.contains("kiosk mediator add") == true)
        let named = try doctor(try home())
        #expect(line(named, "mediators")?.hasPrefix("OK") == true, "\(named.stdout)")
        #expect(line(named, "mediators")?.contains("Marie Dupont") == true)
    }

    @Test("A commune that is not an INSEE code, an organisation phone that is not a number, a display that is not one: each named with its line; the data stays",
          arguments: [("commune: \"11103\"", "commune: \"Couiza\"", "commune: 'Couiza' is not an INSEE code"),
                      ("organisation_phone:", "organisation_phone: \"12\"", "organisation_phone: '12' is not a phone number"),
                      ("display: auto", "display: graphique", "display: 'graphique' is not auto, graphical or console"),
                      ("central_ca:", "central_ca: certs/central.pem", "central_ca: 'certs/central.pem' is not an absolute path to a PEM file")])
    func badCommuneOrPhone(original: String, replacement: String, message: String) throws {
        let home = try home()
        let url = home.appendingPathComponent("kiosk.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(original))
        try text.replacingOccurrences(of: original, with: replacement).write(to: url, atomically: true, encoding: .utf8)
        let result = try doctor(home)
        #expect(result.status == 1)
        #expect(line(result, "configuration")?.contains("kiosk.yaml:") == true)
        #expect(line(result, "configuration")?.contains(message) == true, "\(result.stdout)")
        #expect(line(result, "database")?.hasPrefix("OK") == true, "the box's data is untouched")
    }

    @Test("A missing configuration is a PROBLEM")
    func missingConfiguration() throws {
        let home = try home()
        try FileManager.default.removeItem(at: home.appendingPathComponent("kiosk.yaml"))
        let result = try doctor(home)
        #expect(result.status == 1)
        #expect(line(result, "configuration")?.hasPrefix("PROBLEM") == true)
    }

    @Test("An invalid configuration names the file, line and key")
    func invalidConfiguration() throws {
        let home = try home("\nticket_printer_: 0416:5011\n")
        let result = try doctor(home)
        #expect(result.status == 1)
        #expect(line(result, "configuration")?.contains("kiosk.yaml:") == true)
        #expect(line(result, "configuration")?.contains("unknown field `ticket_printer_`") == true)
    }

    @Test("A corrupt database is a PROBLEM")
    func corruptDatabase() throws {
        let home = try home()
        try Data(repeating: 0x42, count: 8192).write(to: home.appendingPathComponent("kiosk.sqlite"))
        try? FileManager.default.removeItem(at: home.appendingPathComponent("kiosk.sqlite-wal"))
        let result = try doctor(home)
        #expect(result.status == 1)
        #expect(line(result, "database")?.hasPrefix("PROBLEM") == true)
    }

    @Test("A stopped printer is a PROBLEM")
    func stoppedPrinter() throws {
        let printer = try IPPPrinterSimulator()
        try printer.start()
        let cups = try PrivateCUPS()
        #expect(cups.tool("lpadmin", ["-p", "Accueil", "-E", "-v", printer.uri]) == 0)
        #expect(cups.tool("cupsdisable", ["Accueil"]) == 0)
        let home = try home()
        let configuration = home.appendingPathComponent("kiosk.yaml")
        let text = try String(contentsOf: configuration, encoding: .utf8).replacingOccurrences(of: "\nprinter:\n", with: "\nprinter: Accueil\n")
        try text.write(to: configuration, atomically: true, encoding: .utf8)
        let result = try doctor(home, environment: ["CUPS_SERVER": cups.server])
        #expect(result.status == 1)
        #expect(line(result, "printer")?.hasPrefix("PROBLEM") == true, "\(result.stdout)")
        #expect(line(result, "printer")?.contains("arrêtée") == true)
    }

    @Test("A printer that is ready is OK")
    func readyPrinter() throws {
        let printer = try IPPPrinterSimulator()
        try printer.start()
        let home = try home()
        let configuration = home.appendingPathComponent("kiosk.yaml")
        let text = try String(contentsOf: configuration, encoding: .utf8).replacingOccurrences(of: "\nprinter:\n", with: "\nprinter: \(printer.uri)\n")
        try text.write(to: configuration, atomically: true, encoding: .utf8)
        let result = try doctor(home)
        #expect(line(result, "printer")?.hasPrefix("OK") == true, "\(result.stdout)")
    }

    @Test("An unreachable central store is a PROBLEM")
    func unreachableCentral() throws {
        let home = try home()
        let configuration = home.appendingPathComponent("kiosk.yaml")
        let text = try String(contentsOf: configuration, encoding: .utf8).replacingOccurrences(of: "\ncentral_url:\n", with: "\ncentral_url: http://127.0.0.1:9\n")
        try text.write(to: configuration, atomically: true, encoding: .utf8)
        let result = try doctor(home)
        #expect(result.status == 1)
        #expect(line(result, "central")?.hasPrefix("PROBLEM") == true, "\(result.stdout)")
    }

    @Test("An enrolment the central store recognises is OK; a revoked one is a PROBLEM")
    func enrolmentChecked() throws {
        let central = try CentralProcess()
        let home = try home()
        let provision = try runProcess(Repository.builtProduct("kiosk"), ["provision", "--home", home.path, "--central", central.url.absoluteString,
                                                                           "--token", try central.enrollToken()])
        #expect(provision.status == 0, "\(provision.stderr)")
        let device = try #require(provision.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        let healthy = try doctor(home)
        #expect(line(healthy, "central")?.hasPrefix("OK") == true, "\(healthy.stdout)")
        #expect(line(healthy, "enrolment")?.hasPrefix("OK") == true, "\(healthy.stdout)")
        _ = try central.command(["devices", "revoke", device])
        let revoked = try doctor(home)
        #expect(revoked.status == 1)
        #expect(line(revoked, "enrolment")?.hasPrefix("PROBLEM") == true, "\(revoked.stdout)")
        #expect(line(revoked, "enrolment")?.contains("révoqué") == true)
        // Records refused for good stay on the box and are a PROBLEM too.
        _ = try runProcess(Repository.builtProduct("kiosk"), ["demo", "seed", "--home", home.path, "--visits", "2", "--no-follow-up"], currentDirectory: Repository.root)
        _ = try runProcess(Repository.builtProduct("kiosk"), ["sync", "--once", "--no-content", "--home", home.path], currentDirectory: Repository.root)
        let refused = try doctor(home)
        #expect(refused.stdout.contains("refusés par le central (revoked-device)"), "\(refused.stdout)")
    }

    @Test("Keys readable by other users are a PROBLEM")
    func openKeys() throws {
        let home = try home()
        let keys = home.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: keys.appendingPathComponent("device.key"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keys.appendingPathComponent("device.key").path)
        let result = try doctor(home)
        #expect(result.status == 1)
        #expect(result.stdout.contains("PROBLEM  permissions"))
        #expect(result.stdout.contains("chmod 600"))
    }

    @Test("--json gives one object per check")
    func jsonOutput() throws {
        let home = try home()
        let result = try runProcess(Repository.builtProduct("kiosk"), ["doctor", "--home", home.path, "--json"], currentDirectory: Repository.root)
        let checks = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: String]])
        #expect(checks.contains { $0["check"] == "database" && $0["status"] == "OK" })
    }
}
