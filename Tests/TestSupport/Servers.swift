import Foundation
import Terminal

/// Free loopback port and "does something listen there".
public enum Loopback {
    public static func freePort() -> Int { IPPPrinterSimulator.freePort() }
    public static func accepts(port: Int) -> Bool { IPPPrinterSimulator.accepts(port: port) }

    /// Waits (bounded) until a port accepts connections.
    public static func waitUntilAccepting(_ port: Int, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if accepts(port: port) { return true }
            usleep(30_000)
        }
        return false
    }
}

/// `central serve` as a separate process on a fixed loopback port, so a test can kill it (SIGKILL) and
/// start it again on the same address and data.
public final class CentralProcess: @unchecked Sendable {
    public let data: URL
    public let port: Int
    public let arguments: [String]
    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    public var log: URL { data.appendingPathComponent("central.log") }
    private var pid: pid_t = 0
    private let lock = NSLock()

    public init(data: URL = temporaryDirectory("central"), port: Int = Loopback.freePort(), arguments: [String] = []) throws {
        self.data = data
        self.port = port
        self.arguments = arguments
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try start()
    }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        lock.lock()
        defer { lock.unlock() }
        pid = Spawn.start(Repository.builtProduct("central").path,
                          ["serve", "--data", data.path, "--port", String(port)] + arguments,
                          environment: ProcessInfo.processInfo.environment, log: log.path)
        guard pid > 0, Loopback.waitUntilAccepting(port) else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw NSError(domain: "central", code: 1, userInfo: [NSLocalizedDescriptionKey: "central did not start on \(port): \(text.suffix(500))"])
        }
    }

    /// Kills the server (SIGKILL by default) and reaps it.
    public func kill(_ signal: Int32 = SIGKILL) {
        lock.lock()
        defer { lock.unlock() }
        guard pid > 0 else { return }
        Glibc.kill(pid, signal)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    /// Runs a `central` subcommand on this server's data directory (and its PostgreSQL database, if it has one).
    public func command(_ arguments: [String]) throws -> ProcessResult {
        var storage = ["--data", data.path]
        if let index = self.arguments.firstIndex(of: "--database"), index + 1 < self.arguments.count {
            storage += ["--database", self.arguments[index + 1]]
        }
        return try runProcess(Repository.builtProduct("central"), arguments + storage, timeout: 120)
    }

    /// `central enroll-token`: the token alone on the last line.
    public func enrollToken() throws -> String {
        let result = try command(["enroll-token"])
        return result.stdout.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// `central records count`.
    public func recordCount() throws -> Int {
        Int(try command(["records", "count"]).stdout.split(separator: "\n").last ?? "") ?? -1
    }

    deinit {
        kill(SIGTERM)
        try? FileManager.default.removeItem(at: data)
    }
}

/// A PostgreSQL server for one test run: `initdb` in a temporary directory and `pg_ctl start` on a free
/// loopback port, as the `postgres` user when the tests run as root (PostgreSQL refuses root).
public final class PostgresServer: @unchecked Sendable {
    public let directory: URL
    public let port: Int
    public var url: String { "postgres://permanence@127.0.0.1:\(port)/permanence" }
    let binaries: URL
    let asUser: String?

    /// The PostgreSQL binaries Debian installed (newest version), or nil.
    public static var binaries: URL? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        guard let newest = versions.last else { return nil }
        let url = URL(fileURLWithPath: "\(base)/\(newest)/bin")
        return FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("initdb").path) ? url : nil
    }

    public static var isAvailable: Bool { binaries != nil }

    /// `fsync: false` for tests (speed); benchmarks keep PostgreSQL's durable default.
    public init(fsync: Bool = false) throws {
        guard let binaries = Self.binaries else {
            throw NSError(domain: "postgres", code: 1, userInfo: [NSLocalizedDescriptionKey: "PostgreSQL is not installed (apt-get install postgresql)"])
        }
        self.binaries = binaries
        directory = URL(fileURLWithPath: "/tmp/permanence-pg-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        port = Loopback.freePort()
        asUser = getuid() == 0 ? "postgres" : nil
        if asUser != nil {
            _ = Spawn.run("/bin/chown", ["postgres:postgres", directory.path])
        }
        let data = directory.appendingPathComponent("data").path
        let initdb = run("initdb", ["-D", data, "-U", "permanence", "--auth=trust", "-E", "UTF8", "--no-sync"])
        guard initdb.status == 0 else { throw failure("initdb", initdb.output) }
        let start = run("pg_ctl", ["-D", data, "-l", directory.appendingPathComponent("log").path, "-w", "-t", "30",
                                   "-o", "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=\(fsync ? "on" : "off")", "start"])
        guard start.status == 0 else { throw failure("pg_ctl start", start.output + ((try? String(contentsOfFile: directory.appendingPathComponent("log").path, encoding: .utf8)) ?? "")) }
        let create = run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "permanence", "permanence"])
        guard create.status == 0 else { throw failure("createdb", create.output) }
    }

    /// Stops and removes servers left by test processes that died (their pid is in the directory name).
    public static func removeStale() {
        guard let binaries else { return }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [] where name.hasPrefix("permanence-pg-") {
            let parts = name.split(separator: "-")
            guard parts.count >= 4, let owner = Int32(parts[2]), owner != getpid(), Glibc.kill(owner, 0) != 0 else { continue }
            let data = "/tmp/\(name)/data"
            let tool = binaries.appendingPathComponent("pg_ctl").path
            if getuid() == 0 {
                _ = Spawn.run("/usr/sbin/runuser", ["-u", "postgres", "--", tool, "-D", data, "-m", "immediate", "-w", "stop"])
            } else {
                _ = Spawn.run(tool, ["-D", data, "-m", "immediate", "-w", "stop"])
            }
            try? FileManager.default.removeItem(atPath: "/tmp/\(name)")
        }
    }

    /// A fresh database on this server (one per test, so tests do not see each other's rows).
    public func makeDatabase() throws -> String {
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let create = run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "permanence", name])
        guard create.status == 0 else { throw failure("createdb", create.output) }
        return "postgres://permanence@127.0.0.1:\(port)/\(name)"
    }

    func run(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let path = binaries.appendingPathComponent(tool).path
        if let asUser { return Spawn.run("/usr/sbin/runuser", ["-u", asUser, "--", path] + arguments) }
        return Spawn.run(path, arguments)
    }

    func failure(_ step: String, _ output: String) -> NSError {
        NSError(domain: "postgres", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(step) failed: \(output.suffix(800))"])
    }

    deinit {
        _ = run("pg_ctl", ["-D", directory.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A TCP proxy on loopback that cuts the first `cuts` connections after the request went through and
/// before the answer comes back: the server did the work, the client never heard of it.
public final class CuttingProxy: @unchecked Sendable {
    public let port: Int
    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    let upstreamPort: Int
    let lock = NSLock()
    var remainingCuts: Int
    public private(set) var cutCount = 0
    let listener: Int32
    var running = true

    public init(upstreamPort: Int, cuts: Int) throws {
        self.upstreamPort = upstreamPort
        remainingCuts = cuts
        port = Loopback.freePort()
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.address(port)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(listener, 16) == 0 else { throw NSError(domain: "proxy", code: 1) }
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    static func address(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let thread = Thread { [self] in handle(client) }
            thread.start()
        }
    }

    func takeCut() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard remainingCuts > 0 else { return false }
        remainingCuts -= 1
        cutCount += 1
        return true
    }

    func handle(_ client: Int32) {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.address(upstreamPort)
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        defer {
            close(server)
            close(client)
        }
        guard connected == 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var sawRecords = false
        var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: server, events: Int16(POLLIN), revents: 0)]
        // Bounded: a connection idle for 30 s is dropped.
        while poll(&fds, 2, 30_000) > 0 {
            if fds[0].revents != 0 {
                let count = read(client, &buffer, buffer.count)
                if count <= 0 { return }
                if !sawRecords, String(decoding: buffer[0..<min(count, 64)], as: UTF8.self).hasPrefix("POST /v1/records") { sawRecords = true }
                guard write(server, buffer, count) == count else { return }
            }
            if fds[1].revents != 0 {
                let count = read(server, &buffer, buffer.count)
                if count <= 0 { return }
                // The server answered: the request was handled. Cut here, before the client hears it.
                if sawRecords, takeCut() { return }
                guard write(client, buffer, count) == count else { return }
            }
            fds[0].revents = 0
            fds[1].revents = 0
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
