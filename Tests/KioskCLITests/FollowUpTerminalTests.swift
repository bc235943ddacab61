import Foundation
import Testing
import TestSupport

@Suite("Follow-up in a real terminal", .serialized)
struct FollowUpTerminalTests {
    static let kiosk = Repository.builtProduct("kiosk")
    static let passphrase = "quatre mots bien choisis"

    func kiosk(_ arguments: [String], home: URL, stdin: String? = nil) throws -> ProcessResult {
        try runProcess(Self.kiosk, arguments + ["--home", home.path], stdin: stdin.map { Data($0.utf8) }, currentDirectory: Repository.root, timeout: 180)
    }

    @Test("The mediator's start screen lists the expected visitors of a seeded pack after the passphrase; a returning visitor is found by code and by nickname and birth year")
    func startScreenAndSearch() throws {
        let central = try CentralProcess()
        let set = try runProcess(Repository.builtProduct("central"), ["team", "set-passphrase", "--data", central.data.path], stdin: Data("\(Self.passphrase)\n".utf8))
        #expect(set.status == 0, "\(set.stderr)")
        let home = temporaryDirectory("followup-box")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try kiosk(["provision", "--central", central.url.absoluteString, "--token", try central.enrollToken()], home: home).status == 0)
        let seeded = try kiosk(["demo", "seed", "--visits", "40"], home: home)
        #expect(seeded.stdout.contains("follow-up event(s)"), "\(seeded.stdout)")
        let sync = try kiosk(["sync", "--once", "--no-content"], home: home)
        #expect(sync.stdout.contains("follow-up pack version 1 kept"), "\(sync.stdout) \(sync.stderr)")
        #expect(try kiosk(["mediator", "add", "Camille"], home: home, stdin: "2468\n").status == 0)

        // What the central store holds: the first dossier's code, nickname and birth year.
        let listed = try central.command(["dossiers", "list", "--json"])
        let lines = listed.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        let first = try #require(lines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        let code = try #require(first["code"] as? String)
        let nickname = try #require(first["nickname"] as? String)
        let year = try #require(first["birth_year"] as? Int)
        #expect(Set(["id", "code", "status", "items"]).isSubset(of: first.keys))

        let terminal = try TmuxKiosk(width: 100, height: 30, command: "\(Self.kiosk.path) run --home \(home.path) --sync-interval 3600")
        try terminal.waitFor("Choisissez votre langue")
        try terminal.key("C-e")
        try terminal.waitFor("Code du médiateur")
        try terminal.type("2468"); try terminal.key("Enter")
        try terminal.waitFor("Phrase de passe de l'équipe", seconds: 15)
        try terminal.type("une mauvaise phrase"); try terminal.key("Enter")
        try terminal.waitFor("Phrase de passe incorrecte", seconds: 15)
        try terminal.type(Self.passphrase); try terminal.key("Enter")
        let start = try terminal.waitFor("Attendus aujourd'hui", seconds: 15)
        #expect(!start.contains(Self.passphrase), "the passphrase is never shown")
        #expect(lines.contains { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).flatMap { $0["code"] as? String }.map { start.contains($0) } ?? false
        }, "expected visitors listed with their codes:\n\(start)")

        // By the code on the slip, typed as a person reads it (lower case, no dash).
        try terminal.type(code.lowercased().replacingOccurrences(of: "-", with: "")); try terminal.key("Enter")
        let found = try terminal.waitFor("dernière visite", seconds: 10)
        #expect(found.contains(code) && found.contains(nickname))
        try terminal.key("Escape")
        try terminal.waitFor("Attendus aujourd'hui")
        // By nickname and birth year (mediator mode only).
        try terminal.type("\(nickname.prefix(3).lowercased()) \(year)"); try terminal.key("Enter")
        let byName = try terminal.waitUntil(code, seconds: 10, reading: terminal.screen)
        #expect(byName.contains(nickname))
        try? Data(byName.utf8).write(to: testArtefact("followup-search.txt"))
    }
}
