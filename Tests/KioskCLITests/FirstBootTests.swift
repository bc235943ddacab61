import Foundation
import Testing
import TestSupport

/// `kiosk provision` on a console, as the technician meets it on tty1 at first boot (tmux at the 64×24 that a
/// 16×32 font gives on a 1024×768 screen).
extension TmuxKiosk {
    /// The screen's words as one line: the console wraps long sentences between words.
    func words() throws -> String { try screen().split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ") }

    /// Waits (at most `seconds`) until the screen's words hold `text`; returns them.
    @discardableResult
    func waitForWords(_ text: String, seconds: Double = 10) throws -> String {
        try waitUntil(text, seconds: seconds, reading: words)
    }
}

@Suite("First boot on the console", .serialized)
struct FirstBootTests {
    func home(_ configuration: String) throws -> URL {
        let home = temporaryDirectory("first-boot")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try configuration.write(to: home.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        return home
    }

    /// `kiosk provision --home HOME ARGUMENTS` on the console (then `after`, when it succeeds), and the exit code.
    func provisionConsole(_ home: URL, _ arguments: String = "", then after: String? = nil) throws -> TmuxKiosk {
        let kiosk = Repository.builtProduct("kiosk").path
        let next = after.map { " && \(kiosk) \($0)" } ?? ""
        return try TmuxKiosk(width: 64, height: 24, command: "\(kiosk) provision --home \(home.path) \(arguments)\(next); echo EXIT=$?")
    }

    @Test("Missing address asked, an unreachable central store stays said, a wrong token refused, then enrolled, the check shown, the kiosk started")
    func guidedEnrolment() throws {
        let central = try CentralProcess()
        let home = try home("place: \"Mairie de Couiza\"\ncentral_url:\nenrolment_token:\n")
        let console = try provisionConsole(home, then: "run --home \(home.path)")
        var screen = try console.waitForWords("Adresse :")
        #expect(screen.contains("jeton d'enrôlement"))
        #expect(screen.contains("central enroll-token"))

        // Nothing listens there: the problem is said, and stays until a key.
        let nobody = Loopback.freePort()
        try console.type("http://127.0.0.1:\(nobody)"); try console.key("Enter")
        screen = try console.waitForWords("ne répond pas", seconds: 20)
        #expect(screen.contains("câble réseau"))
        sleep(3)
        #expect(try console.words().contains("ne répond pas"))

        // Not an address at all.
        try console.type("a"); try console.key("Enter")
        try console.waitForWords("Adresse :")
        try console.type("permanence exemple"); try console.key("Enter")
        try console.waitForWords("n'est pas une adresse de serveur")
        try console.key("Enter")
        try console.waitForWords("Adresse :")

        try console.type(central.url.absoluteString); try console.key("Enter")
        screen = try console.waitForWords("Jeton :", seconds: 20)
        #expect(screen.contains("le serveur central répond"))
        try console.type("AAAA-BBBB-CCCC-DDDD"); try console.key("Enter")
        screen = try console.waitForWords("a refusé ce jeton", seconds: 20)
        #expect(screen.contains("demandez-en un nouveau"))
        try console.key("Enter")
        try console.waitForWords("Jeton :")
        try console.type(try central.enrollToken()); try console.key("Enter")

        screen = try console.waitForWords("Appuyez sur Entrée pour démarrer le kiosque", seconds: 30)
        #expect(screen.contains("Le boîtier est enrôlé"))
        #expect(screen.contains("kiosk doctor"))
        #expect(screen.contains("enrolment"))
        for line in try console.screen().split(separator: "\n") { #expect(line.count <= 64) }
        // The address typed is kept for sync; the keys are there.
        let configuration = try String(contentsOf: home.appendingPathComponent("kiosk.yaml"), encoding: .utf8)
        #expect(configuration.contains("central_url: \"\(central.url.absoluteString)\""))
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("keys/enrolment.json").path))
        #expect(try central.command(["devices", "list"]).stdout.contains("Mairie de Couiza"))

        try console.key("Enter")
        try console.waitForWords("Choisissez votre langue", seconds: 20)
    }

    @Test("Address and token in the configuration: enrolled without a question, the summary stays a few seconds, then the kiosk")
    func preconfigured() throws {
        let central = try CentralProcess()
        let home = try home("place: \"Mairie de Quillan\"\ncentral_url: \(central.url.absoluteString)\nenrolment_token: \(try central.enrollToken())\n")
        let console = try provisionConsole(home, "--wait-at-end 2")
        let screen = try console.waitForWords("Le kiosque démarre dans 2 secondes", seconds: 30)
        #expect(screen.contains("Le boîtier est enrôlé"))
        try console.waitForWords("EXIT=0", seconds: 10)
        let configuration = try String(contentsOf: home.appendingPathComponent("kiosk.yaml"), encoding: .utf8)
        #expect(configuration.contains("enrolment_token:\n"))
    }

    @Test("A preconfigured central store that does not answer: the problem stays on screen, nothing starts under it")
    func preconfiguredUnreachable() throws {
        let home = try home("place: \"Mairie de Quillan\"\ncentral_url: http://127.0.0.1:\(Loopback.freePort())\nenrolment_token: AAAA-BBBB-CCCC-DDDD\n")
        let console = try provisionConsole(home)
        try console.waitForWords("ne répond pas", seconds: 20)
        sleep(2)
        let screen = try console.words()
        #expect(screen.contains("ne répond pas"))
        #expect(!screen.contains("EXIT="))
        // The technician skips: the kiosk may start, without enrolment, and says so.
        try console.type("p"); try console.key("Enter")
        try console.waitForWords("sans enrôlement")
        try console.waitForWords("EXIT=0", seconds: 10)
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("keys/enrolment.json").path))
    }

    @Test("Nobody at the box: a preconfigured enrolment that fails stays on screen for the unattended wait, then the kiosk starts")
    func unattendedProblem() throws {
        let home = try home("place: \"Mairie de Quillan\"\ncentral_url: http://127.0.0.1:\(Loopback.freePort())\nenrolment_token: AAAA-BBBB-CCCC-DDDD\n")
        let console = try provisionConsole(home, "--unattended-wait 4")
        let screen = try console.waitForWords("Sans réponse, le kiosque démarre dans 4 secondes", seconds: 20)
        #expect(screen.contains("ne répond pas"))
        try console.waitForWords("EXIT=0", seconds: 15)
        #expect(try console.words().contains("sans enrôlement"))
    }
}
