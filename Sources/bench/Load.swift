import BoxSync
import Central
import CentralClient
import Crypto
import Foundation
import KioskStore
import Logging
import RulesLoader
import SyncProtocol
import TestSupport

/// The load test (`tools/bench load`): two `central serve` processes on one PostgreSQL (as behind a load balancer),
/// 200 simulated boxes on loopback, each sending its outbox of 50–500 sealed visits in the box's batches of 500,
/// its requests alternating between the two processes; one box in ten sends everything twice, one in ten has a
/// request cut in the middle of its body first. At most `concurrency` boxes send at once (a permanence day's boxes do
/// not all connect in the same second; `LOAD_CONCURRENCY` sets it). Bounded: every request has 60 s, the whole run 10 minutes. It prints the
/// envelopes per second through the two processes, the request latency (p50, p99), and checks that no envelope is
/// lost or stored twice and that the statistics are the sums of what was sent.
struct LoadTest {
    /// The content directory (its seed makes the visit records).
    let content: URL
    let boxes = 200
    /// Boxes sending at once (`LOAD_CONCURRENCY`, default 4): on this 2-core machine, more requests in flight only wait
    /// for each other (8 at once: 5,258 envelopes/s, p99 1.4 s; 4: 7,299 envelopes/s, p99 0.32 s).
    let concurrency = Int(ProcessInfo.processInfo.environment["LOAD_CONCURRENCY"] ?? "") ?? 4
    let batch = 500

    /// A simulated box: its key, its device id, its request counter, its sealed outbox.
    final class Box: @unchecked Sendable {
        let index: Int
        let key = Curve25519.Signing.PrivateKey()
        var device = ""
        var bodies: [Data] = []
        var ids: [String] = []
        var payloads: [Data] = []
        private let lock = NSLock()
        private var counter: Int64 = 0
        init(index: Int) { self.index = index }
        var signer: RequestSigner {
            RequestSigner(device: device, key: key, nextCounter: { [self] in lock.withLock { counter += 1; return counter } },
                          adoptCounter: { [self] value in lock.withLock { counter = max(counter, value) } })
        }
        var sendsTwice: Bool { index % 10 == 3 }
        var cutFirst: Bool { index % 10 == 7 }
    }

    struct Outcome: Sendable {
        var latencies: [Double] = []
        var accepted = 0
        var duplicates = 0
        var refused = 0
        var cuts = 0
    }

    func run() throws {
        guard PostgresServer.isAvailable else {
            FileHandle.standardError.write(Data("bench: PostgreSQL not installed; no load figures\n".utf8))
            return
        }
        let postgres = try PostgresServer(fsync: true)
        let databaseURL = try postgres.makeDatabase()
        let data = temporaryDirectory("load-central")
        defer { try? FileManager.default.removeItem(at: data) }
        // Two processes, the same database and the same keys (the first makes them).
        let first = try CentralProcess(data: data, arguments: ["--database", databaseURL])
        let second = try CentralProcess(data: data, arguments: ["--database", databaseURL])
        defer { first.kill(SIGTERM); second.kill(SIGTERM) }
        let centrals = [first.url, second.url]

        // Visit records as the box writes them (the demo's seed, unsealed), sealed below for each box.
        let check = ContentCheck.run(directory: content)
        let seedHome = temporaryDirectory("load-seed")
        defer { try? FileManager.default.removeItem(at: seedHome) }
        _ = try DemoSeed.seed(databaseAt: seedHome.appendingPathComponent("kiosk.sqlite"), count: 400, content: check.content!,
                              parameters: check.parameters!, until: Date(), seed: 18, sealer: nil, followUp: false)
        let templates = try AppDatabase.openOnDisk(at: seedHome.appendingPathComponent("kiosk.sqlite")).writer.read {
            try Data.fetchAll($0, sql: "SELECT payload FROM outbox WHERE kind = 'permanence.visit-record' ORDER BY sequence")
        }
        guard templates.count >= 100 else { throw Problem(.internalError, "load: the seed made \(templates.count) visit records") }

        // Enrolment tokens from the store itself, then each box enrols over HTTP and seals its outbox.
        let logger = { var logger = Logger(label: "load"); logger.logLevel = .critical; return logger }()
        let configuration = CentralConfiguration(dataDirectory: data, databaseURL: databaseURL)
        let boxes = (0..<self.boxes).map(Box.init)
        let batch = self.batch
        var random = SplitMix(seed: 2026)
        let sizes = boxes.map { _ in 50 + Int(random.next() % 451) }
        let recordsKeyData = try blockingRun { () async throws -> Data in
            let (storage, services) = try await openStorage(configuration, logger: logger)
            return try await withPostgresRunning(services) {
                let service = try await makeService(configuration, storage: storage, logger: logger, createKeys: false)
                var key = Data()
                for box in boxes {
                    let token = try await service.makeEnrollToken()
                    let client = CentralClient(baseURL: centrals[box.index % 2], timeout: .seconds(60))
                    let answer = try await client.enroll(EnrollRequest(token: token, publicKey: box.key.publicKey.rawRepresentation.base64EncodedString(),
                                                                       name: "load \(box.index)"))
                    box.device = answer.device
                    key = Data(base64Encoded: answer.recordsKey) ?? Data()
                }
                return key
            }
        }
        let recordsKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recordsKeyData)
        for (box, size) in zip(boxes, sizes) {
            var sealed: [Data] = []
            for sequence in 1...size {
                let id = UUID().uuidString.lowercased()
                let payload = templates[(box.index * 31 + sequence) % templates.count]
                let envelope = try Seal.seal(payload, id: id, device: box.device, kind: "permanence.visit-record", schema: 1, sequence: Int64(sequence),
                                             createdAt: "2026-11-24T10:00:00.000Z", to: recordsKey, signingWith: box.key)
                sealed.append(envelope.jsonData())
                box.ids.append(id)
                box.payloads.append(payload)
            }
            box.bodies = stride(from: 0, to: sealed.count, by: batch).map { UploadBatch.encode(encodedEnvelopes: Array(sealed[$0..<min($0 + batch, sealed.count)])) }
        }
        let total = sizes.reduce(0, +)
        let sentTwice = zip(boxes, sizes).filter { $0.0.sendsTwice }.map(\.1).reduce(0, +)

        // The run.
        FileHandle.standardError.write(Data("load: \(boxes.count) boxes enrolled and sealed; sending\n".utf8))
        let start = now()
        let concurrency = self.concurrency
        let outcome = try blockingRun { () async throws -> Outcome in
            try await withThrowingTaskGroup(of: Outcome.self) { group in
                var next = 0
                var outcome = Outcome()
                func add() {
                    guard next < boxes.count else { return }
                    let box = boxes[next]
                    next += 1
                    group.addTask { try await Self.send(box, centrals: centrals) }
                }
                for _ in 0..<concurrency { add() }
                for try await one in group {
                    outcome.latencies += one.latencies
                    outcome.accepted += one.accepted
                    outcome.duplicates += one.duplicates
                    outcome.refused += one.refused
                    outcome.cuts += one.cuts
                    if now() - start > 600 { throw Problem(.internalError, "load: over 10 minutes") }
                    add()
                }
                return outcome
            }
        }
        let seconds = now() - start
        FileHandle.standardError.write(Data("load: sent in \(String(format: "%.1f", seconds)) s; checking\n".utf8))

        // What the store holds: every envelope once, each box's own, and the statistics summed.
        let (stored, perDevice, rows) = try blockingRun { () async throws -> (Int, [String: Int], [StatRow]) in
            let (storage, services) = try await openStorage(configuration, logger: logger)
            return try await withPostgresRunning(services) {
                var perDevice: [String: Int] = [:]
                for box in boxes { perDevice[box.device] = try await storage.countEnvelopes(device: box.device) }
                return (try await storage.countEnvelopes(device: nil), perDevice, try await storage.statCounts(from: "2000-01-01", to: "2099-12-31", commune: nil))
            }
        }
        var expected: [String: Int] = [:]
        for box in boxes {
            for payload in box.payloads {
                for key in StatExtraction.keys(kind: "permanence.visit-record", payload: payload) {
                    expected["\(key.day)|\(key.commune)|\(key.metric)|\(key.value)", default: 0] += 1
                }
            }
        }
        var counted: [String: Int] = [:]
        for row in rows { counted["\(row.day)|\(row.commune)|\(row.metric)|\(row.value)", default: 0] += row.count }
        let lost = boxes.map { max(0, $0.ids.count - (perDevice[$0.device] ?? 0)) }.reduce(0, +)
        let doubled = max(0, stored - total) + boxes.map { max(0, (perDevice[$0.device] ?? 0) - $0.ids.count) }.reduce(0, +)
        report("load_boxes", Double(boxes.count), "boxes")
        report("load_central_processes_on_one_postgresql", 2, "processes")
        report("load_envelopes_sent", Double(total + sentTwice), "envelopes")
        report("load_envelopes_per_second", Double(total + sentTwice) / seconds, "envelopes/s")
        report("load_new_envelopes_per_second", Double(total) / seconds, "envelopes/s")
        report("load_requests", Double(outcome.latencies.count), "requests")
        report("load_requests_cut_mid_body", Double(outcome.cuts), "requests")
        report("load_request_latency_p50", percentile(outcome.latencies, 0.5) * 1000, "ms")
        report("load_request_latency_p99", percentile(outcome.latencies, 0.99) * 1000, "ms")
        report("load_lost", Double(lost), "envelopes")
        report("load_duplicated", Double(doubled), "envelopes")
        report("load_refused", Double(outcome.refused), "envelopes")
        report("load_acknowledged_as_duplicates", Double(outcome.duplicates), "envelopes")
        report("load_statistics_equal_to_sums_sent", counted == expected ? 1 : 0, "bool")
        if lost > 0 || doubled > 0 || outcome.refused > 0 || stored != total || counted != expected || outcome.accepted != total || outcome.duplicates != sentTwice {
            throw Problem(.internalError, "load: stored \(stored) of \(total), accepted \(outcome.accepted), duplicates \(outcome.duplicates) of \(sentTwice), refused \(outcome.refused), statistics \(counted == expected ? "equal" : "different")")
        }
    }

    /// One box's outbox: each batch to one of the two processes in turn; a cut request first for some, a second
    /// sending of everything for others.
    static func send(_ box: Box, centrals: [URL]) async throws -> Outcome {
        var outcome = Outcome()
        let clients = centrals.map { CentralClient(baseURL: $0, timeout: .seconds(60)) }
        let rounds = box.sendsTwice ? 2 : 1
        for round in 0..<rounds {
            for (number, body) in box.bodies.enumerated() {
                let target = (box.index + number + round) % clients.count
                if box.cutFirst, round == 0, number == 0 {
                    try cut(body, port: centrals[target].port ?? 0)
                    outcome.cuts += 1
                }
                let begin = now()
                let answer = try await clients[target].upload(encodedBatch: body, signer: box.signer)
                outcome.latencies.append(now() - begin)
                for result in answer.results {
                    switch result.status {
                    case .accepted: outcome.accepted += 1
                    case .duplicate: outcome.duplicates += 1
                    case .refused: outcome.refused += 1
                    }
                }
            }
        }
        return outcome
    }

    /// A request whose connection drops halfway through its body (a mobile link going away).
    static func cut(_ body: Data, port: Int) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Problem(.internalError, "load: no socket") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Problem(.internalError, "load: cannot connect to port \(port)") }
        let head = "POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let half = Data(head.utf8) + body.prefix(body.count / 2)
        _ = half.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
    }
}

/// A small deterministic generator (the load's outbox sizes are the same from run to run).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
