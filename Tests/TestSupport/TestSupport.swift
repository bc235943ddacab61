import Foundation
import Rights
import RulesLoader
import Intake
import KioskStore
import Terminal

/// Where the repository and the built products are, for every test target.
public enum Repository {
    /// The checkout's root (Tests/TestSupport/TestSupport.swift → ../../..).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Kiosk/rules` of the checkout.
    public static let rulesDirectory = root.appendingPathComponent("Kiosk/rules")

    /// `Kiosk/samples` of the checkout.
    public static let samplesDirectory = root.appendingPathComponent("Kiosk/samples")

    /// A product built beside the test bundle (`kiosk`, `bench`).
    public static func builtProduct(_ name: String) -> URL {
        let testBinary = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // xctest bundles on Linux are a file; on macOS a directory whose binary sits deeper.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/\(name)")
    }

    /// The text of every shipped rule file, by file name.
    public static func ruleFiles() -> [(name: String, text: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: rulesDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            (name, (try? String(contentsOf: rulesDirectory.appendingPathComponent(name), encoding: .utf8)) ?? "")
        }
    }
}

/// The shipped rules, loaded once.
public enum Fixtures {
    public static let parameters: Parameters = {
        switch RulesLoader.load(directory: Repository.rulesDirectory) {
        case .success(let parameters): return parameters
        case .failure(let problems): fatalError("The shipped rules are broken:\n\(problems)")
        }
    }()

    public static let engine = RightsEngine(parameters: parameters)

    /// A complete situation: one French adult tenant without allowance, covered by PUMa,
    /// no benefits, a médecin traitant; change what the test is about.
    public static func situation(
        _ date: String = "2024-06-15",
        territory: Territory? = .metropole,
        ages: [Int?] = [40],
        resources: Cents? = 500_000,
        housing: Housing? = .tenant,
        allowance: Bool? = false,
        status: ResidenceStatus? = .french,
        months: Int? = 120,
        base: BaseCoverage? = .puma,
        complementary: ComplementaryCoverage? = ComplementaryCoverage.none,
        benefits: Set<Benefit>? = [],
        hasMedecinTraitant: Bool? = true
    ) -> Situation {
        Situation(date: LocalDate(iso: date)!, territory: territory, household: ages.map { Member(age: $0) },
                  resourcesLast12Months: resources, housing: housing, housingAllowance: allowance,
                  residence: Residence(status: status, monthsInFrance: months),
                  coverage: Coverage(base: base, complementary: complementary),
                  benefits: benefits, hasMedecinTraitant: hasMedecinTraitant)
    }

    /// Evaluates with the shipped rules; a situation the test meant to be valid must not throw.
    public static func evaluate(_ situation: Situation) -> Evaluation {
        do { return try engine.evaluate(situation) } catch { fatalError("unexpected invalid situation: \(error)") }
    }
}

/// What a finished process printed and returned.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutData: Data
}

/// Runs a program to completion with optional standard input; bounded by `timeout` seconds.
public func runProcess(_ executable: URL, _ arguments: [String], stdin: Data? = nil,
                       environment: [String: String]? = nil, currentDirectory: URL? = nil,
                       timeout: TimeInterval = 60) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let output = Pipe(), errors = Pipe(), input = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so neither fills up and blocks the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async { outData = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = errors.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        throw NSError(domain: "runProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(executable.lastPathComponent) did not finish within \(timeout) s"])
    }
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
}

/// A clock the test moves by hand.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// Starts at a given ISO 8601 instant, e.g. `2026-11-24T09:30:00+01:00`.
    public init(_ iso: String = "2026-11-24T09:30:00+01:00") {
        current = ISO8601DateFormatter().date(from: iso)!
    }

    public var now: Date { lock.withLock { current } }

    public func advance(hours: Double = 0, minutes: Double = 0, seconds: Double = 0) {
        lock.withLock { current = current.addingTimeInterval(hours * 3600 + minutes * 60 + seconds) }
    }

    public func set(_ iso: String) {
        lock.withLock { current = ISO8601DateFormatter().date(from: iso)! }
    }

    /// The closure `AppDatabase` takes.
    public var function: @Sendable () -> Date { { [self] in self.now } }
}

/// A fresh temporary directory. The caller may remove it; whatever is left is removed when the process exits
/// (boxes of the sync tests keep their home open to the end), so runs do not fill `/tmp`.
/// Where tests keep what a person should look at afterwards (screenshots of the display, printed pages):
/// `.build/test-artefacts/NAME`, kept after the run (CI can archive it).
public func testArtefact(_ name: String) -> URL {
    let directory = Repository.root.appendingPathComponent(".build/test-artefacts")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name)
}

public func temporaryDirectory(_ prefix: String = "permanence-test") -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    TemporaryDirectories.remember(url)
    return url
}

/// The temporary directories this process made, removed at its exit.
enum TemporaryDirectories {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: [String] = []

    static func remember(_ url: URL) {
        lock.withLock {
            if paths.isEmpty { atexit { TemporaryDirectories.removeAll() } }
            paths.append(url.path)
        }
    }

    static func removeAll() {
        lock.withLock {
            for path in paths { try? FileManager.default.removeItem(atPath: path) }
            paths.removeAll()
        }
    }
}

/// The shipped content (questionnaires, directory, communes), loaded once.
public enum ContentFixtures {
    public static let content: KioskContent = {
        let loaded = ContentLoader.load(directory: Repository.root.appendingPathComponent("Kiosk"))
        guard let content = loaded.content else {
            fatalError("The shipped content is broken:\n" + loaded.problems.map(\.description).joined(separator: "\n"))
        }
        return content
    }()

    public static var checkin: Questionnaire { content.questionnaire("checkin")! }
    public static var rights: Questionnaire { content.questionnaire("health_rights")! }
}

/// A real IPP printer for tests: `ippeveprinter` (cups-ipp-utils) on a free loopback port, with a
/// private D-Bus (it needs one even with DNS-SD off) and a spool directory that keeps every job.
public final class IPPPrinterSimulator: @unchecked Sendable {
    public let directory: URL
    public let spool: URL
    public let port: Int
    public var uri: String { "ipp://localhost:\(port)/ipp/print" }
    private var dbusPID: pid_t = 0
    private var printerPID: pid_t = 0

    /// Prepares the directories and a port; `start()` launches the printer.
    public init() throws {
        directory = temporaryDirectory("ipp")
        spool = directory.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        port = IPPPrinterSimulator.freePort()
        let dbus = Spawn.run("/usr/bin/dbus-daemon", ["--session", "--address=unix:path=\(directory.path)/dbus.sock", "--fork", "--print-pid"])
        dbusPID = pid_t(dbus.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Starts ippeveprinter and waits (at most 10 s) until it accepts connections.
    public func start() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=\(directory.path)/dbus.sock"
        printerPID = Spawn.start("/usr/sbin/ippeveprinter",
                                 ["-p", "\(port)", "-n", "localhost", "-d", spool.path, "-k", "-r", "off", "-f", "application/pdf", "Permanence-Test"],
                                 environment: environment, log: directory.appendingPathComponent("ippeveprinter.log").path)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if IPPPrinterSimulator.accepts(port: port) { return }
            usleep(50_000)
        }
        throw NSError(domain: "ippeveprinter", code: 1, userInfo: [NSLocalizedDescriptionKey: "ippeveprinter did not start on port \(port)"])
    }

    public func stopPrinter() {
        if printerPID > 0 {
            kill(printerPID, SIGTERM)
            var status: Int32 = 0
            waitpid(printerPID, &status, 0)
            printerPID = 0
        }
    }

    deinit {
        stopPrinter()
        if dbusPID > 0 { kill(dbusPID, SIGTERM) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The documents the printer kept, oldest first.
    public func jobs() -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: spool, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "pdf" }.sorted { $0.lastPathComponent.localizedStandardCompare($1.lastPathComponent) == .orderedAscending }
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }
}

/// A private CUPS scheduler for tests: `cupsd` with every directory in a temporary folder,
/// listening on a free loopback port; clients reach it with `CUPS_SERVER=localhost:PORT`.
public final class PrivateCUPS: @unchecked Sendable {
    public let directory: URL
    public let port: Int
    private var pid: pid_t = 0
    public var server: String { "localhost:\(port)" }

    public init() throws {
        directory = temporaryDirectory("cupsd")
        port = IPPPrinterSimulator.freePort()
        for sub in ["spool", "cache", "state", "log", "tmp", "ppd"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let root = directory.path
        try """
        Listen 127.0.0.1:\(port)
        LogLevel warn
        WebInterface no
        Browsing off
        DefaultAuthType None
        <Location />
          Order allow,deny
          Allow all
        </Location>
        <Location /admin>
          Order allow,deny
          Allow all
        </Location>
        <Policy default>
          <Limit All>
            Order deny,allow
          </Limit>
        </Policy>
        """.write(to: directory.appendingPathComponent("cupsd.conf"), atomically: true, encoding: .utf8)
        try """
        ServerRoot \(root)
        RequestRoot \(root)/spool
        TempDir \(root)/tmp
        CacheDir \(root)/cache
        StateDir \(root)/state
        AccessLog \(root)/log/access_log
        ErrorLog \(root)/log/error_log
        PageLog \(root)/log/page_log
        User lp
        Group lp
        """.write(to: directory.appendingPathComponent("cups-files.conf"), atomically: true, encoding: .utf8)
        pid = Spawn.start("/usr/sbin/cupsd", ["-f", "-c", "\(root)/cupsd.conf", "-s", "\(root)/cups-files.conf"],
                          environment: ProcessInfo.processInfo.environment, log: "\(root)/cupsd.out")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !IPPPrinterSimulator.accepts(port: port) { usleep(50_000) }
        guard IPPPrinterSimulator.accepts(port: port) else {
            throw NSError(domain: "cupsd", code: 1, userInfo: [NSLocalizedDescriptionKey: "cupsd did not start on port \(port)"])
        }
    }

    /// Runs a CUPS command-line tool (lpadmin, cupsdisable, …) against this scheduler.
    @discardableResult
    public func tool(_ name: String, _ arguments: [String]) -> Int32 {
        var environment = ProcessInfo.processInfo.environment
        environment["CUPS_SERVER"] = server
        let pid = Spawn.start("/usr/sbin/\(name)", arguments, environment: environment, log: directory.appendingPathComponent("tools.log").path)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status >> 8) & 0xFF
    }

    deinit {
        if pid > 0 {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
