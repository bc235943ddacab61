import Foundation
import Terminal
import Testing
import TestSupport

/// The built kiosk in a real terminal (tmux), driven as a person would: keys and taps (SGR mouse sequences).
final class TmuxKiosk {
    let socket = "permanence-test-\(UUID().uuidString.prefix(8))"
    let tmux = URL(fileURLWithPath: "/usr/bin/tmux")

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let result = Spawn.run(tmux.path, ["-L", socket, "-f", "/dev/null"] + arguments)
        if result.status == -1 { throw NSError(domain: "tmux", code: 2, userInfo: [NSLocalizedDescriptionKey: "cannot start tmux (is it installed?)"]) }
        return result.output
    }

    init(width: Int = 80, height: Int = 24, command: String? = nil) throws {
        let kiosk = Repository.builtProduct("kiosk").path
        try run(["new-session", "-d", "-s", "kiosk", "-x", "\(width)", "-y", "\(height)", "-c", Repository.root.path, command ?? "\(kiosk) run --demo"])
        try run(["set-option", "-t", "kiosk", "remain-on-exit", "on"])
    }

    deinit { _ = try? run(["kill-server"]) }

    func screen() throws -> String { try run(["capture-pane", "-p", "-t", "kiosk"]) }

    var isRunning: Bool { (try? run(["display-message", "-p", "-t", "kiosk", "#{pane_dead}"]).trimmingCharacters(in: .whitespacesAndNewlines)) == "0" }

    /// Waits (at most `seconds`) until the screen shows `text`; returns the screen.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 10) throws -> String {
        try waitUntil(text, seconds: seconds, reading: screen)
    }

    /// Waits (at most `seconds`) until what `reading` returns holds `text`; returns it.
    func waitUntil(_ text: String, seconds: Double, reading: () throws -> String) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try reading()
            if last.contains(text) { return last }
            usleep(100_000)
        }
        throw NSError(domain: "tmux", code: 1, userInfo: [NSLocalizedDescriptionKey: "'\(text)' never appeared. Screen:\n\(try screen())"])
    }

    func type(_ text: String) throws { try run(["send-keys", "-t", "kiosk", "-l", text]) }
    func key(_ name: String) throws { try run(["send-keys", "-t", "kiosk", name]) }

    /// Taps (press, release) on the first place the screen shows `text`.
    func tap(_ text: String) throws {
        let lines = try waitFor(text).split(separator: "\n", omittingEmptySubsequences: false)
        guard let row = lines.firstIndex(where: { $0.contains(text) }), let range = lines[row].range(of: text) else { return }
        let column = lines[row][..<range.lowerBound].displayWidth + 1
        try type("\u{1B}[<0;\(column + 1);\(row + 1)M")
        try type("\u{1B}[<0;\(column + 1);\(row + 1)m")
    }
}

@Suite("The kiosk in a real terminal", .serialized)
struct TerminalUITests {
    @Test("A visitor checks in by taps and keys, gets a ticket; the mediator then finds the visit in the queue")
    func checkInThenMediator() throws {
        // On a permanence day (the demo's clock set to it): the ticket says to wait, and its papers fit the screen.
        let kiosk = try TmuxKiosk(command: "\(Repository.builtProduct("kiosk").path) run --demo --clock 2026-11-24T10:00:00+01:00")
        try kiosk.waitFor("Choisissez votre langue")
        try kiosk.tap("English")
        try kiosk.waitFor("What would you like to do?")
        try kiosk.type("1")
        try kiosk.tap("Yes. The team can keep my file")
        try kiosk.waitFor("Your first name")
        try kiosk.type("Ana"); try kiosk.key("Enter")
        try kiosk.waitFor("What year were you born?")
        try kiosk.type("1990"); try kiosk.key("Enter")
        try kiosk.waitFor("Which village")
        try kiosk.type("rennes")
        try kiosk.tap("Rennes-les-Bains")
        try kiosk.waitFor("Why are you here today?")
        try kiosk.tap("Find a doctor")
        try kiosk.tap("Continue")
        try kiosk.waitFor("Do you need an interpreter?")
        try kiosk.tap("2  No")
        try kiosk.waitFor("Check your answers")
        try kiosk.tap("That's right, confirm")
        try kiosk.waitFor("Do you have health coverage today?")
        for keys in ["3", "3", "2"] { try kiosk.type(keys) }
        try kiosk.waitFor("How many children")
        try kiosk.type("0"); try kiosk.key("Enter")
        try kiosk.waitFor("How much did the household receive")
        try kiosk.type("9000"); try kiosk.key("Enter")
        try kiosk.waitFor("Do you receive one of these benefits?")
        try kiosk.type("5"); try kiosk.key("Enter")
        try kiosk.waitFor("Where do you live?")
        for keys in ["1", "2", "1", "2", "2", "2"] { try kiosk.type(keys); usleep(50_000) }
        try kiosk.waitFor("Would you like to talk about this today?")
        try kiosk.type("4"); try kiosk.key("Enter")
        try kiosk.waitFor("Check your answers")
        try kiosk.key("Enter")
        let ticket = try kiosk.waitFor("Your number")
        #expect(ticket.contains("Papers to bring"))
        #expect(ticket.contains("Income of the last 12 months"))
        try kiosk.tap("Finish")
        try kiosk.waitFor("Choisissez votre langue")
        try kiosk.key("C-e")
        try kiosk.waitFor("Code du médiateur")
        try kiosk.type("1234"); try kiosk.key("Enter")
        let queue = try kiosk.waitFor("file du jour")
        #expect(queue.contains("Ana"))
        #expect(queue.contains("Trouver un médecin"))
        #expect(queue.contains("attend"))
    }

    @Test("Ctrl-C, Ctrl-Z and Ctrl-\\ in visitor mode leave the kiosk running")
    func cannotBeInterrupted() throws {
        let kiosk = try TmuxKiosk()
        try kiosk.waitFor("Choisissez votre langue")
        try kiosk.type("1")
        try kiosk.waitFor("Que voulez-vous faire ?")
        try kiosk.type("1")
        try kiosk.waitFor("Vos réponses sont confidentielles")
        for key in ["C-c", "C-z", "C-\\"] { try kiosk.key(key) }
        usleep(500_000)
        #expect(kiosk.isRunning)
        let screen = try kiosk.screen()
        #expect(screen.contains("Vos réponses sont confidentielles"))
        try kiosk.type("1")
        try kiosk.waitFor("Votre prénom")
    }

    @Test("A crash in the terminal UI gives the terminal back in its normal mode")
    func crashRestoresTerminal() throws {
        let kiosk = Repository.builtProduct("kiosk").path
        let script = "SWIFT_BACKTRACE=interactive=no \(kiosk) debug crash-in-terminal >/dev/null 2>&1; stty -a | tr ' ' '\\n' | grep -E '^-?icanon$' | sed 's/^/mode: /'; sleep 30"
        let session = try TmuxKiosk(command: "bash -c \"\(script)\"")
        let screen = try session.waitFor("mode: ", seconds: 20)
        #expect(screen.contains("mode: icanon"))
        #expect(!screen.contains("mode: -icanon"))
    }
}
