import Foundation
import KioskStore
import Terminal
import Testing
import TestSupport

/// The sync agent in its own process: the kiosk maps no network code, and the agent, killed in the middle of a
/// request and started again (as its unit restarts it), sends every visit once; the mediator's screen shows its state.
@Suite("The sync agent in its own process", .serialized)
struct SyncAgentProcessTests {
    static let kiosk = Repository.builtProduct("kiosk")
    static let agent = Repository.builtProduct("kiosk-sync")
    /// Names a network stack leaves in a binary's metadata and symbols, stripped or not.
    static let networkMarks = ["NIOCore", "NIOPosix", "AsyncHTTPClient", "CNIOBoringSSL", "NIOSSL"]

    func startAgent(home: URL) throws -> Process {
        let process = Process()
        process.executableURL = Self.agent
        process.arguments = ["agent", "--home", home.path, "--interval", "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func counts(_ database: AppDatabase) throws -> (sending: Int, acknowledged: Int, waiting: Int) {
        let summary = try database.outboxSummary()
        return (summary.counts[.sending] ?? 0, summary.counts[.acknowledged] ?? 0, (summary.counts[.queued] ?? 0) + (summary.counts[.sending] ?? 0))
    }

    @Test("The kiosk maps no network code; the agent killed mid-request and restarted: every visit once; the mediator sees it live")
    func agentKilledMidRequest() throws {
        let central = try CentralProcess()
        let home = temporaryDirectory("agent-box")
        defer { try? FileManager.default.removeItem(at: home) }
        let visits = 6000
        func kiosk(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
            try runProcess(Self.kiosk, arguments + ["--home", home.path], stdin: stdin, currentDirectory: Repository.root, timeout: 180)
        }
        #expect(try kiosk(["provision", "--central", central.url.absoluteString, "--token", try central.enrollToken()]).status == 0)
        #expect(try kiosk(["demo", "seed", "--visits", String(visits), "--no-follow-up"]).status == 0)
        #expect(try kiosk(["mediator", "add", "Camille"], stdin: Data("4321\n".utf8)).status == 0)

        // The kiosk, its agent left to "the unit" (this test).
        let screen = try TmuxKiosk(command: "env PERMANENCE_SYNC_AGENT=unit \(Self.kiosk.path) run --home \(home.path)")
        try screen.waitFor("Choisissez votre langue", seconds: 20)
        let pid = try screen.run(["display-message", "-p", "-t", "kiosk", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)
        let mapped = Set(maps.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1].contains("x"), fields[5].hasPrefix("/") else { return nil }
            return String(fields[5])
        })
        #expect(mapped.contains { $0.hasSuffix("/kiosk") }, "the kiosk's own code is mapped: \(mapped.sorted())")
        for file in mapped {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped)
            for mark in Self.networkMarks {
                #expect(bytes.range(of: Data(mark.utf8)) == nil, "\(file) has \(mark) in it: the kiosk process maps network code")
            }
        }
        #expect(!mapped.contains { $0.contains("libssl") || $0.contains("libnghttp") }, "\(mapped.sorted())")
        // Nor the printing libraries until something is printed or a printer asked (libcups is opened then).
        #expect(!mapped.contains { $0.contains("libcups") || $0.contains("libgnutls") || $0.contains("libkrb5") }, "\(mapped.sorted())")

        // The agent: stopped (SIGSTOP) until it is caught with rows in a request, then killed there.
        let database = try AppDatabase.openOnDisk(at: home.appendingPathComponent("kiosk.sqlite"))
        let first = try startAgent(home: home)
        var cut = false
        let deadline = Date().addingTimeInterval(120)
        while !cut, first.isRunning, Date() < deadline {
            usleep(5_000)
            let now = try counts(database)
            guard now.acknowledged > 0, now.sending > 0 else { continue }
            kill(first.processIdentifier, SIGSTOP)
            if try counts(database).sending > 0 {
                kill(first.processIdentifier, SIGKILL)
                cut = true
            } else {
                kill(first.processIdentifier, SIGCONT)
            }
        }
        first.waitUntilExit()
        #expect(cut, "the agent was caught in the middle of a request")
        let atKill = try counts(database)
        #expect(atKill.acknowledged < visits, "killed before the end: \(atKill)")
        #expect(atKill.sending > 0, "rows left in the cut request: \(atKill)")

        // Started again (the unit's Restart=): the cut rows go again, the server says they are there.
        let second = try startAgent(home: home)
        let end = Date().addingTimeInterval(180)
        while try counts(database).waiting > 0, Date() < end { usleep(100_000) }
        #expect(try counts(database).waiting == 0)
        #expect(try central.recordCount() == visits, "every visit once at the central store")
        // The agent's word reaches the database (the screen reads it there).
        let told = Date().addingTimeInterval(60)
        while (try database.setting("sync.agent_status")).map({ !$0.contains("\"sent\"") }) ?? true, Date() < told { usleep(100_000) }

        // The mediator's screen shows the agent's state; "sync now" reaches it.
        try screen.key("C-e")
        try screen.waitFor("Code du médiateur")
        try screen.type("4321"); try screen.key("Enter")
        try screen.waitFor("file du jour")
        try screen.type("s")
        // Live: the screen asks again every few seconds.
        let status = try screen.waitFor("Dernier envoi", seconds: 30)
        #expect(status.contains("Dossiers en attente d'envoi : 0"), "\(status)")
        #expect(status.contains("Joignable"), "\(status)")
        try screen.type("n")
        try screen.waitFor("Synchronisation demandée")
        second.terminate()
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, "SIGTERM stops the agent cleanly")
        #expect(try counts(database).waiting == 0)
    }
}
