@preconcurrency import Crypto
import FollowUp
import Foundation
import Intake
import KioskApp
import KioskStore
import Rights
import RulesLoader
import Terminal
import Documents
import Printers
import TestSupport
import CentralClient
import GRDB
import Sync
import Central
import Logging
import SyncProtocol

// `bench`: the project's speed and memory figures, one line each: `name value unit`.
// Build in release (tools/bench does it): numbers from a debug build mean nothing.

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func report(_ name: String, _ value: Double, _ unit: String) {
    print("\(name) \(value >= 100 ? String(Int(value.rounded())) : String(format: "%.2f", value)) \(unit)")
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// The sections to run: the arguments (`bench documents kiosk`), or all of them when there are none.
let sections = Set(CommandLine.arguments.dropFirst())
func wants(_ section: String) -> Bool { sections.isEmpty || sections.contains(section) }

guard let content = ContentLocator().contentDirectory() else {
    FileHandle.standardError.write(Data("bench: no content directory (Kiosk/rules) found\n".utf8))
    exit(1)
}
let rulesDirectory = content.appendingPathComponent("rules")

// Parameter loading: read, parse and validate every rule file.
var loadTimes: [Double] = []
var parameters: Parameters?
for _ in 0..<30 {
    let start = now()
    parameters = try? RulesLoader.load(directory: rulesDirectory).get()
    loadTimes.append(now() - start)
}
guard let parameters else {
    FileHandle.standardError.write(Data("bench: the rule files are broken; run kiosk rights evaluate for the problems\n".utf8))
    exit(1)
}
report("parameters_load_time", median(loadTimes) * 1000, "ms")

// Full evaluations of a 4-person household (every right), on one core.
let engine = RightsEngine(parameters: parameters)
let household = Situation(
    date: LocalDate(iso: "2025-06-15")!, territory: .metropole,
    household: [Member(age: 41), Member(age: 38), Member(age: 12), Member(age: 67)],
    resourcesLast12Months: 2_400_000, housing: .owner, housingAllowance: false,
    residence: Residence(status: .regular, monthsInFrance: 30), coverage: Coverage(base: BaseCoverage.none, complementary: ComplementaryCoverage.none),
    benefits: [], hasMedecinTraitant: false)

func evaluationsPerSecond(seconds: Double, _ body: () -> Int) -> Double {
    var count = 0
    var checksum = 0
    let start = now()
    var elapsed = 0.0
    while elapsed < seconds {
        for _ in 0..<1000 { checksum &+= body() }
        count += 1000
        elapsed = now() - start
    }
    if checksum == 42 { print("") } // keeps the work observable
    return Double(count) / elapsed
}

if wants("rules") {
    _ = evaluationsPerSecond(seconds: 0.3) { (try? engine.evaluate(household))?.rights.count ?? 0 } // warm-up
    let evaluations = evaluationsPerSecond(seconds: 2) {
        guard let evaluation = try? engine.evaluate(household) else { return 0 }
        return evaluation.rights.count + Int(evaluation[.c2s].monthlyParticipation ?? 0)
    }
    report("rights_evaluations_per_second_4_persons", evaluations, "evaluations/s")

    let benchTexts = TextCatalogueLoader.load(directory: content.appendingPathComponent("texts")).catalogue ?? TextCatalogue()
    let rendered = evaluationsPerSecond(seconds: 2) {
        guard let evaluation = try? engine.evaluate(household) else { return 0 }
        return EvaluationDocument(evaluation, language: "fr") { benchTexts.render($0, "fr") }.rights.reduce(0) { $0 + $1.reasons.count }
    }
    report("rights_evaluations_with_french_reasons_per_second_4_persons", rendered, "evaluations/s")
}

// `kiosk rights evaluate` as a whole process, with the kiosk built beside this bench.
let kiosk = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("kiosk")
if wants("process") {
    if FileManager.default.isExecutableFile(atPath: kiosk.path) {
        let situation = Data(#"{"date": "2025-06-15", "territory": "metropole", "household": [{"age": 41}, {"age": 38}, {"age": 12}, {"age": 67}], "resources_last_12_months": 24000, "housing": "owner", "housing_allowance": false, "residence": {"status": "regular", "months_in_france": 30}, "coverage": {"base": "none", "complementary": "none"}, "benefits": [], "has_medecin_traitant": false}"#.utf8)
        // posix_spawn and waitpid directly: Foundation's Process waits in a run loop that adds tens of ms.
        let situationFile = FileManager.default.temporaryDirectory.appendingPathComponent("bench-situation-\(getpid()).json")
        try situation.write(to: situationFile)
        defer { try? FileManager.default.removeItem(at: situationFile) }
        let arguments = [kiosk.path, "rights", "evaluate", "--rules", rulesDirectory.path, "--input", situationFile.path]
        var times: [Double] = []
        for _ in 0..<25 {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            let argv = arguments.map { strdup($0) } + [nil]
            var pid: pid_t = 0
            let start = now()
            let spawned = posix_spawn(&pid, kiosk.path, &actions, nil, argv, environ)
            var status: Int32 = 0
            if spawned == 0 { waitpid(pid, &status, 0) }
            times.append(now() - start)
            argv.forEach { free($0) }
            posix_spawn_file_actions_destroy(&actions)
            if spawned != 0 || status != 0 {
                FileHandle.standardError.write(Data("bench: kiosk rights evaluate failed (spawn \(spawned), status \(status))\n".utf8))
                exit(1)
            }
        }
        report("kiosk_rights_evaluate_process_time_median", median(times) * 1000, "ms")
        report("kiosk_rights_evaluate_process_time_max", times.max()! * 1000, "ms")
    } else {
        FileHandle.standardError.write(Data("bench: no kiosk beside bench (\(kiosk.path)); build it in the same configuration to time the process\n".utf8))
    }
}

// All content (rules, questionnaires, directory, calendar, communes): read, parse, validate.
if wants("content") {
    var contentTimes: [Double] = []
    for _ in 0..<20 {
        let start = now()
        _ = try? RulesLoader.load(directory: rulesDirectory).get()
        let loaded = ContentLoader.load(directory: content)
        contentTimes.append(now() - start)
        if loaded.content == nil {
            FileHandle.standardError.write(Data("bench: the content is broken; run kiosk content check\n".utf8))
            exit(1)
        }
    }
    report("content_load_and_validate_time_median", median(contentTimes) * 1000, "ms")
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}

// Durable check-ins on disk (WAL, synchronous=FULL: one fsync each), then the day's list.
if wants("checkin") {
    let benchHome = FileManager.default.temporaryDirectory.appendingPathComponent("permanence-bench-\(getpid())")
    defer { try? FileManager.default.removeItem(at: benchHome) }
    let database = try AppDatabase.openOnDisk(at: benchHome.appendingPathComponent("kiosk.sqlite"))
    let answers = (0..<12).map { StoredAnswer(questionnaire: "checkin", questionID: "q\($0)", valueJSON: "{\"choice\":\"yes\"}") }
    var checkInTimes: [Double] = []
    for index in 0..<1_000 {
        let start = now()
        try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Visitor \(index)", answers: answers))
        checkInTimes.append(now() - start)
    }
    report("checkin_durable_p50", percentile(checkInTimes, 0.50) * 1000, "ms")
    report("checkin_durable_p99", percentile(checkInTimes, 0.99) * 1000, "ms")

    var listTimes: [Double] = []
    let today = database.today()
    for _ in 0..<50 {
        let start = now()
        let queue = try database.queue(day: today)
        listTimes.append(now() - start)
        if queue.count != 1_000 { FileHandle.standardError.write(Data("bench: expected 1000 visits, found \(queue.count)\n".utf8)); exit(1) }
    }
    report("visits_of_a_day_list_1000_median", median(listTimes) * 1000, "ms")
    report("visits_of_a_day_list_1000_p99", percentile(listTimes, 0.99) * 1000, "ms")
}

// Terminal UI: from a key event to the frame's bytes (update, view, diff), and the bytes of a one-choice move.
if wants("terminal") {
    if let kioskContent = ContentLoader.load(directory: content).content {
        var state = AppState(config: KioskConfig(placeName: "Couiza"), content: kioskContent, engine: engine, now: Date(), width: 80, height: 24)
        var renderer = DiffRenderer()
        _ = KioskApp.update(&state, .input(.key(.character("1"))))      // French
        _ = KioskApp.update(&state, .input(.key(.character("1"))))      // consent → first name
        _ = KioskApp.update(&state, .input(.key(.escape)))              // back to the consent, a choice screen
        _ = renderer.render(KioskApp.view(state).buffer)
        var frameTimes: [Double] = []
        var moveBytes: [Int] = []
        for index in 0..<2_000 {
            let key: Key = index % 2 == 0 ? .down : .up
            let start = now()
            _ = KioskApp.update(&state, .input(.key(key)))
            let output = renderer.render(KioskApp.view(state).buffer)
            frameTimes.append(now() - start)
            moveBytes.append(output.utf8.count)
        }
        report("key_to_frame_p50", percentile(frameTimes, 0.50) * 1000, "ms")
        report("key_to_frame_p99", percentile(frameTimes, 0.99) * 1000, "ms")
        report("bytes_for_one_choice_move_80x24", Double(moveBytes.max() ?? 0), "bytes")
    } else {
        FileHandle.standardError.write(Data("bench: content broken, no terminal figures\n".utf8))
    }
}

// The kiosk process in a real terminal (tmux): start to first frame, resident memory during a check-in.
if wants("kiosk") {
    let tmuxPath = "/usr/bin/tmux"
    if FileManager.default.isExecutableFile(atPath: tmuxPath), FileManager.default.isExecutableFile(atPath: kiosk.path) {
        let socket = "permanence-bench-\(getpid())"
        @discardableResult func tmux(_ arguments: [String]) -> String { Spawn.run(tmuxPath, ["-L", socket, "-f", "/dev/null"] + arguments).output }
        var firstFrames: [Double] = []
        var residentKilobytes = 0
        // The kiosk's resident text depends on how much of its file the page cache holds (the kernel maps cached
        // neighbours of each page it faults in): a binary just built is all cached, a box's after boot is not.
        // Its pages are dropped from the cache first, so that two binaries compare as a box starts them.
        let binary = open(kiosk.path, O_RDONLY)
        if binary >= 0 {
            _ = posix_fadvise(binary, 0, 0, Int32(POSIX_FADV_DONTNEED))
            close(binary)
        }
        for round in 0..<5 {
            let start = now()
            tmux(["new-session", "-d", "-s", "kiosk", "-x", "80", "-y", "24", "\(kiosk.path) run --demo --rules \(rulesDirectory.path)"])
            while now() - start < 10, !tmux(["capture-pane", "-p", "-t", "kiosk"]).contains("Choisissez votre langue") { usleep(2_000) }
            firstFrames.append(now() - start)
            if round == 0 {
                // A check-in, then the peak resident memory of the kiosk process.
                for keys in ["2", "1", "1", "Ana\r", "1990\r", "cou", "1", "1\r", "2", "\r", "3", "3", "2", "0\r", "9000\r", "5\r", "1", "2", "1", "2", "2", "2", "4\r"] {
                    tmux(["send-keys", "-t", "kiosk", "-l", keys])
                    usleep(30_000)
                }
                usleep(300_000)
                let pid = tmux(["display-message", "-p", "-t", "kiosk", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
                if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                   let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) {
                    residentKilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
                }
            }
            tmux(["kill-server"])
            usleep(100_000)
        }
        report("kiosk_start_to_first_frame_median", median(firstFrames) * 1000, "ms")
        report("kiosk_peak_resident_memory_during_checkin", Double(residentKilobytes) / 1024, "MiB")
    } else {
        FileHandle.standardError.write(Data("bench: tmux or the kiosk binary is missing; no start-up and memory figures\n".utf8))
    }
}

// Documents: a two-page form rendered (time and size), and a print accepted by a real IPP printer on loopback.
if wants("documents") {
    let printingDirectory = content.deletingLastPathComponent().appendingPathComponent("Printing")
    if let kioskContent = ContentLoader.load(directory: content).content,
       let printing = PrintingContent.load(directory: printingDirectory, questionIDs: Set(kioskContent.questionnaires.flatMap(\.questions).map(\.id))).content,
       let visitData = FileManager.default.contents(atPath: content.appendingPathComponent("samples/family-visit.json").path),
       let visit = try? PrintVisit.decode(visitData) {
        let renderer = DocumentRenderer(printing: printing, content: kioskContent, engine: engine, placeName: "Couiza")
        /// Renders a document `runs` times, each for a visitor of another name (fonts read, the words never drawn
        /// before shaped, subset and embedded each time): the first render (faces opened and prepared), p50, p99,
        /// the fastest, size, pages.
        func timeRender(_ kind: DocumentKind, runs: Int, as name: String) throws {
            var times: [Double] = []
            var pdf = Data()
            for index in 0..<runs {
                var visitor = visit
                visitor.identity.lastName = "Шевченко-Popescu\(index)"
                visitor.answers["first_name"] = .text("Олександр\(index)")
                let start = now()
                pdf = try renderer.render(kind, visit: visitor).pdf
                times.append(now() - start)
            }
            report("\(name)_first_render", times[0] * 1000, "ms")
            report("\(name)_render_p50", percentile(times, 0.5) * 1000, "ms")
            report("\(name)_render_p99", percentile(times, 0.99) * 1000, "ms")
            report("\(name)_render_min", (times.min() ?? 0) * 1000, "ms")
            report("\(name)_size", Double(pdf.count) / 1024, "KiB")
            report("\(name)_pages", Double(String(decoding: pdf, as: UTF8.self).components(separatedBy: "/Type /Page ").count - 1), "pages")
        }
        try timeRender(.c2sRequest, runs: 200, as: "two_page_form")
        // The sample visitor is Ukrainian: the checklist has French and Ukrainian side by side.
        try timeRender(.checklist, runs: 100, as: "checklist_fr_uk")
        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/ippeveprinter"), let printer = try? IPPPrinterSimulator(), (try? printer.start()) != nil {
            let pdf = try renderer.render(.checklist, visit: visit).pdf
            var acceptTimes: [Double] = []
            for _ in 0..<5 {
                // The simulator prints one job at a time for seconds: wait (bounded) until it is idle, then time the acceptance.
                for _ in 0..<300 where (try? CupsClient().status(of: .uri(printer.uri)).state) != .idle { usleep(100_000) }
                let start = now()
                _ = try? CupsClient(busyWait: 30).send(pdf: pdf, title: "bench", to: .uri(printer.uri), waitForCompletion: false)
                acceptTimes.append(now() - start)
            }
            report("print_send_to_job_accepted_median", median(acceptTimes) * 1000, "ms")
        } else {
            FileHandle.standardError.write(Data("bench: ippeveprinter not available; no print figure\n".utf8))
        }
    }
}

// Sync: 10,000 queued visits from a box to a central store on loopback (a separate `central` process),
// beside a bare SQLite insert of the same rows; then the same into a central store on PostgreSQL.
func syncBench(label: String, centralArguments: [String]) throws
    -> (seconds: Double, envelopes: [Data], recordsKey: Curve25519.KeyAgreement.PrivateKey, boxKey: Curve25519.Signing.PublicKey)? {
    let central = try CentralProcess(arguments: centralArguments)
    let home = temporaryDirectory("bench-box")
    defer { try? FileManager.default.removeItem(at: home) }
    let identity = try blockingRun { try await BoxIdentity.provision(home: home, central: central.url, token: try central.enrollToken(), name: "bench") }
    let check = ContentCheck.run(directory: content)
    _ = try DemoSeed.seed(databaseAt: home.appendingPathComponent("kiosk.sqlite"), count: 10_000, content: check.content!,
                          parameters: check.parameters!, until: Date(), sealer: identity.sealer, followUp: false)
    let database = try AppDatabase.openOnDisk(at: home.appendingPathComponent("kiosk.sqlite"))
    let drainer = Drainer(database: database, identity: identity, client: CentralClient(baseURL: central.url))
    let start = now()
    let result = try blockingRun { await drainer.drain(ignoringBackoff: true) }
    let seconds = now() - start
    guard result.sent == 10_000, try central.recordCount() == 10_000 else {
        FileHandle.standardError.write(Data("bench: \(label) sync sent \(result.sent) (\(result.stoppedBecause ?? "")); no figure\n".utf8))
        return nil
    }
    return (seconds, try database.writer.read { try Data.fetchAll($0, sql: "SELECT payload FROM outbox") },
            try KeyFile.agreementKey(central.data.appendingPathComponent("keys/records.key")), identity.key.publicKey)
}

/// What the central store cannot avoid doing for each envelope, on the same rows: read its JSON, check the box's
/// Ed25519 signature, open the HPKE seal; and one request signature per batch of 500. Spread over the machine's cores
/// as the central store spreads a batch. Returns the seconds.
func cryptographyFloor(_ envelopes: [Data], recordsKey: Curve25519.KeyAgreement.PrivateKey, boxKey: Curve25519.Signing.PublicKey,
                       cores: Int) throws -> Double {
    let requestKey = Curve25519.Signing.PrivateKey()
    let batches = stride(from: 0, to: envelopes.count, by: 500).map { UploadBatch.encode(encodedEnvelopes: Array(envelopes[$0..<min($0 + 500, envelopes.count)])) }
    let signatures = try batches.enumerated().map { try RequestSignature.sign(method: "POST", path: "/v1/records", counter: Int64($0.offset + 1), body: $0.element, key: requestKey) }
    let failures = LockedCounter()
    let start = now()
    let chunk = (envelopes.count + cores - 1) / cores
    DispatchQueue.concurrentPerform(iterations: cores) { worker in
        for index in stride(from: worker * chunk, to: min(envelopes.count, (worker + 1) * chunk), by: 1) {
            guard let envelope = try? JSONDecoder().decode(Envelope.self, from: envelopes[index]),
                  Seal.verify(envelope, signedBy: boxKey), (try? Seal.open(envelope, with: recordsKey)) != nil else { failures.add(); continue }
        }
        for batch in stride(from: worker, to: batches.count, by: cores) where !RequestSignature.verify(
            method: "POST", path: "/v1/records", counter: Int64(batch + 1), body: batches[batch], signature: signatures[batch], key: requestKey.publicKey) {
            failures.add()
        }
    }
    let seconds = now() - start
    if failures.value > 0 { throw Problem(.internalError, "floor: \(failures.value) envelope(s) did not check") }
    return seconds
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// The central store's ingest alone: 10,000 envelopes sealed by a box, uploaded as stored in batches of
/// 1,000, two requests at a time (the server verifies and opens on every core), timed from first to last answer.
func ingestBench(centralArguments: [String]) throws -> (seconds: Double, envelopes: Int) {
    let central = try CentralProcess(arguments: centralArguments)
    let check = ContentCheck.run(directory: content)
    // Two boxes of 5,000 visits each, one request lane per box (a box's requests carry a growing counter, in order).
    var lanes: [(bodies: [Data], signer: RequestSigner)] = []
    var homes: [URL] = []
    defer { for home in homes { try? FileManager.default.removeItem(at: home) } }
    for lane in 0..<2 {
        let home = temporaryDirectory("bench-box")
        homes.append(home)
        let identity = try blockingRun { try await BoxIdentity.provision(home: home, central: central.url, token: try central.enrollToken(), name: "bench \(lane)") }
        _ = try DemoSeed.seed(databaseAt: home.appendingPathComponent("kiosk.sqlite"), count: 5_000, content: check.content!,
                              parameters: check.parameters!, until: Date(), seed: UInt64(lane + 1), sealer: identity.sealer, followUp: false)
        let database = try AppDatabase.openOnDisk(at: home.appendingPathComponent("kiosk.sqlite"))
        let payloads = try database.writer.read { try Data.fetchAll($0, sql: "SELECT payload FROM outbox ORDER BY sequence") }
        let bodies = stride(from: 0, to: payloads.count, by: 1000).map { UploadBatch.encode(encodedEnvelopes: Array(payloads[$0..<min($0 + 1000, payloads.count)])) }
        lanes.append((bodies, identity.signer(database: database)))
    }
    let client = CentralClient(baseURL: central.url)
    let work = lanes
    let start = now()
    let accepted = try blockingRun { () async throws -> Int in
        try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in work {
                group.addTask {
                    var accepted = 0
                    for body in lane.bodies {
                        accepted += try await client.upload(encodedBatch: body, signer: lane.signer).results.filter { $0.status == .accepted }.count
                    }
                    return accepted
                }
            }
            return try await group.reduce(0, +)
        }
    }
    let seconds = now() - start
    guard accepted == 10_000, try central.recordCount() == 10_000 else { throw Problem(.internalError, "ingest bench: \(accepted) accepted") }
    return (seconds, accepted)
}

if wants("sync") {
    do {
        if let sqlite = try syncBench(label: "SQLite", centralArguments: []) {
            report("sync_10000_visits_box_to_central_sqlite", sqlite.seconds, "s")
            // The same rows inserted bare into SQLite (one transaction, synchronous FULL), for the ratio.
            let bare = temporaryDirectory("bench-bare")
            defer { try? FileManager.default.removeItem(at: bare) }
            let pool = try DatabasePool(path: bare.appendingPathComponent("bare.sqlite").path)
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL; CREATE TABLE envelope (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
            let start = now()
            try pool.write { db in
                let statement = try db.makeStatement(sql: "INSERT INTO envelope (body) VALUES (?)")
                for body in sqlite.envelopes { try statement.execute(arguments: [body]) }
            }
            let bareSeconds = now() - start
            report("bare_sqlite_insert_of_the_same_10000_rows", bareSeconds * 1000, "ms")
            report("sync_to_bare_insert_ratio", sqlite.seconds / bareSeconds, "x")
            // The floor: that insert plus the cryptography the central store must do on the same rows, on every core.
            let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
            let crypto = try cryptographyFloor(sqlite.envelopes, recordsKey: sqlite.recordsKey, boxKey: sqlite.boxKey, cores: cores)
            let oneCore = try cryptographyFloor(sqlite.envelopes, recordsKey: sqlite.recordsKey, boxKey: sqlite.boxKey, cores: 1)
            report("sync_floor_cryptography_10000_envelopes_\(cores)_cores", crypto * 1000, "ms")
            report("sync_floor_cryptography_10000_envelopes_1_core", oneCore * 1000, "ms")
            report("sync_floor_10000_visits", (bareSeconds + crypto) * 1000, "ms")
            report("sync_to_floor_ratio", sqlite.seconds / (bareSeconds + crypto), "x")
        }
        let (sqliteSeconds, sqliteCount) = try ingestBench(centralArguments: [])
        report("central_ingest_sqlite_envelopes_per_second", Double(sqliteCount) / sqliteSeconds, "envelopes/s")
        if PostgresServer.isAvailable {
            let postgres = try PostgresServer(fsync: true)
            let (seconds, count) = try ingestBench(centralArguments: ["--database", try postgres.makeDatabase()])
            report("central_ingest_postgres_envelopes_per_second", Double(count) / seconds, "envelopes/s")
        } else {
            FileHandle.standardError.write(Data("bench: PostgreSQL not installed; no PostgreSQL figure\n".utf8))
        }
    } catch {
        FileHandle.standardError.write(Data("bench: sync figures failed: \(error)\n".utf8))
    }
}

// Statistics for a year of 100,000 visits, from SQLite and from PostgreSQL (the sums the central store keeps).
func statisticsBench(label: String, databaseURL: String?) throws {
    let data = temporaryDirectory("bench-central")
    defer { try? FileManager.default.removeItem(at: data) }
    let logger = { var logger = Logger(label: "bench"); logger.logLevel = .critical; return logger }()
    var configuration = CentralConfiguration(dataDirectory: data, databaseURL: databaseURL)
    configuration.clock = { ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")! }
    let frozen = configuration
    let timings = try blockingRun { () async throws -> [Double] in
        let (storage, services) = try await openStorage(frozen, logger: logger)
        return try await withPostgresRunning(services) {
            let service = try await makeService(frozen, storage: storage, logger: logger)
            var generator = SystemRandomNumberGenerator()
            let communes = (0..<34).map { String(11000 + $0 * 7) }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let start = calendar.date(from: DateComponents(year: 2025, month: 11, day: 24))!
            let days = (0..<365).compactMap { offset -> String? in
                let date = start.addingTimeInterval(Double(offset) * 86_400)
                let weekday = calendar.component(.weekday, from: date)
                guard weekday == 3 || weekday == 5 else { return nil }
                let parts = calendar.dateComponents([.year, .month, .day], from: date)
                return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            }
            var batch: [IncomingEnvelope] = []
            for index in 0..<100_000 {
                let day = days[index % days.count]
                let commune = Int.random(in: 0..<10, using: &generator) < 8 ? communes[Int.random(in: 0..<communes.count, using: &generator)] : ""
                var keys = [StatKey(day: day, commune: commune, metric: "visits", value: "all"),
                            StatKey(day: day, commune: commune, metric: "language", value: ["fr", "fr", "fr", "en", "uk", "ro", "es"].randomElement(using: &generator)!),
                            StatKey(day: day, commune: commune, metric: "waiting", value: StatExtraction.waitingBuckets.randomElement(using: &generator)!),
                            StatKey(day: day, commune: commune, metric: "gave_up_care", value: Bool.random(using: &generator) ? "yes" : "no"),
                            StatKey(day: day, commune: commune, metric: "reason", value: ["coverage", "doctor", "paperwork", "care_now"].randomElement(using: &generator)!)]
                let right = StatExtraction.rights.randomElement(using: &generator)!
                keys.append(StatKey(day: day, commune: commune, metric: "right", value: right))
                if Bool.random(using: &generator) { keys.append(StatKey(day: day, commune: commune, metric: "right_printed", value: right)) }
                if Bool.random(using: &generator) {
                    keys.append(StatKey(day: day, commune: commune, metric: "gave_up_reason", value: ["money", "transport", "paperwork", "distance"].randomElement(using: &generator)!))
                }
                let envelope = Envelope(id: UUID().uuidString.lowercased(), device: "bench", kind: "permanence.visit-record", schema: 1, sequence: Int64(index + 1),
                                        createdAt: day, encapsulatedKey: "", ciphertext: "", signature: "")
                batch.append(try IncomingEnvelope(envelope: envelope, via: "bench", stats: keys))
                if batch.count == 2000 {
                    _ = try await storage.store(batch, receivedAt: "2026-11-23T12:00:00.000Z")
                    batch.removeAll(keepingCapacity: true)
                }
            }
            var times: [Double] = []
            for _ in 0..<7 {
                let begin = now()
                let report = try await service.statistics(from: "2025-11-24", to: "2026-11-23", commune: nil)
                times.append(now() - begin)
                if report.visits.count != 100_000 { throw Problem(.internalError, "\(label): \(report.visits.display) visits counted") }
            }
            return times
        }
    }
    report("statistics_year_100000_visits_\(label)_median", median(timings) * 1000, "ms")
    report("statistics_year_100000_visits_\(label)_max", timings.max()! * 1000, "ms")
}

// Speech: from the Listen key to the first audio bytes out of espeak-ng, for a question of about 20 words (the
// synthesiser started, the text written to it, its first WAV bytes read), in French, Ukrainian and Arabic.
if wants("speech") {
    if let espeak = ["/usr/bin/espeak-ng", "/bin/espeak-ng"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
       let kioskContent = ContentLoader.load(directory: content).content, let consent = kioskContent.questionnaires.lazy.compactMap({ $0.question("consent") }).first {
        // Arabic has no visitor content yet: a sentence of the same length, for the voice's timing only.
        let arabic = "إجاباتك سرية. فريق الوساطة الصحية وحده يرى إجاباتك. تستخدم لمساعدتك اليوم. هل توافق على المتابعة من فضلك الآن؟"
        let samples: [(String, String, String)] = [
            ("fr", "fr-fr", [consent.label["fr"], consent.help?["fr"] ?? ""].joined(separator: " ")),
            ("uk", "uk", [consent.label["uk"], consent.help?["uk"] ?? ""].joined(separator: " ")),
            ("ar", "ar", arabic),
        ]
        for (code, voice, text) in samples {
            var times: [Double] = []
            for _ in 0..<9 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: espeak)
                process.arguments = ["-v", voice, "--stdout"]
                let input = Pipe(), output = Pipe()
                process.standardInput = input
                process.standardOutput = output
                process.standardError = FileHandle.nullDevice
                let start = now()
                guard (try? process.run()) != nil else { break }
                input.fileHandleForWriting.write(Data(text.utf8))
                try? input.fileHandleForWriting.close()
                // The WAV header (44 bytes) and the first samples.
                var received = 0
                while received < 4096 {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    received += chunk.count
                }
                times.append(now() - start)
                process.terminate()
                process.waitUntilExit()
            }
            if !times.isEmpty { report("speech_first_audio_bytes_median_\(code)", median(times) * 1000, "ms") }
        }
        report("speech_question_words_fr", Double(samples[0].2.split(separator: " ").count), "words")
    } else {
        FileHandle.standardError.write(Data("bench: espeak-ng is missing; no speech figures\n".utf8))
    }
}

if wants("statistics") {
    do {
        try statisticsBench(label: "sqlite", databaseURL: nil)
        if PostgresServer.isAvailable {
            let postgres = try PostgresServer(fsync: true)
            try statisticsBench(label: "postgres", databaseURL: try postgres.makeDatabase())
        }
    } catch {
        FileHandle.standardError.write(Data("bench: statistics figures failed: \(error)\n".utf8))
    }
}

// Follow-up: the central store builds the pack of a box whose village has 2,000 open dossiers (SQLite and PostgreSQL);
// the box opens it after the passphrase (scrypt at the pack's cost, included) and finds a visitor by code.
func followUpBench(label: String, databaseURL: String?) throws -> SealedPack {
    let data = temporaryDirectory("bench-followup")
    defer { try? FileManager.default.removeItem(at: data) }
    let logger = { var logger = Logger(label: "bench"); logger.logLevel = .critical; return logger }()
    let configuration = CentralConfiguration(dataDirectory: data, databaseURL: databaseURL)
    try TeamKeyFile.set(passphrase: "quatre mots bien choisis", in: data)
    let (timings, sealed) = try blockingRun { () async throws -> ([Double], SealedPack) in
        let (storage, services) = try await openStorage(configuration, logger: logger)
        return try await withPostgresRunning(services) {
            let service = try await makeService(configuration, storage: storage, logger: logger)
            var generator = SystemRandomNumberGenerator()
            let papers = ["proof_of_address", "identity", "resources_12_months", "bank_details"]
            for index in 0..<2000 {
                var event = FollowUpEvent(id: UUID().uuidString.lowercased(), dossier: UUID().uuidString.lowercased(), action: .open, day: "2026-11-24",
                                          at: "2026-11-24T10:00:00.000Z")
                event.code = FollowUpCode.make(using: &generator)
                event.nickname = "Personne \(index)"
                event.birthYear = 1940 + index % 60
                event.commune = "11103"
                event.language = ["fr", "ro", "uk", "ar"][index % 4]
                event.answers = ["household_size": .number(Fixed4(integer: 1 + index % 5)), "housing": .choice("tenant"), "base_coverage": .choice("puma")]
                event.item = FollowUpItem(id: UUID().uuidString.lowercased(), kind: .paperMissing, subject: papers[index % papers.count], nextPermanence: true)
                try await service.applyFollowUp(event, envelope: nil, device: "bench-other-box")
                var add = FollowUpEvent(id: UUID().uuidString.lowercased(), dossier: event.dossier, action: .addItem, day: "2026-11-24", at: "2026-11-24T10:00:00.000Z")
                add.item = FollowUpItem(id: UUID().uuidString.lowercased(), kind: .rightRequested, subject: "c2s", status: .awaiting, since: "2026-11-24")
                try await service.applyFollowUp(add, envelope: nil, device: "bench-other-box")
            }
            var times: [Double] = []
            var last: SealedPack?
            for _ in 0..<7 {
                let begin = now()
                last = try await service.buildPack(device: "bench-box", commune: "11103")
                times.append(now() - begin)
            }
            guard let last, last.count == 2000 else { throw Problem(.internalError, "\(label): the pack does not hold the 2,000 dossiers") }
            return (times, last)
        }
    }
    report("followup_pack_build_2000_dossiers_\(label)_median", median(timings) * 1000, "ms")
    return sealed
}

if wants("followup") {
    do {
        let sealed = try followUpBench(label: "sqlite", databaseURL: nil)
        if PostgresServer.isAvailable {
            let postgres = try PostgresServer(fsync: true)
            _ = try followUpBench(label: "postgres", databaseURL: try postgres.makeDatabase())
        }
        report("followup_pack_size_2000_dossiers", Double((try WireJSON.encode(sealed)).count) / 1024, "KiB")
        var kdf: [Double] = [], opening: [Double] = []
        var index: PackIndex?
        for _ in 0..<5 {
            let begin = now()
            let key = try PackSeal.teamKey(for: sealed, passphrase: "quatre mots bien choisis")
            let derived = now()
            index = PackIndex(pack: try PackSeal.open(sealed, teamKey: key))
            kdf.append(derived - begin)
            opening.append(now() - begin)
        }
        report("followup_pack_open_2000_dossiers_with_passphrase_median", median(opening) * 1000, "ms")
        report("followup_passphrase_scrypt_median", median(kdf) * 1000, "ms")
        if let index {
            let codes = index.pack.dossiers.map { $0.code.lowercased().replacingOccurrences(of: "-", with: "") }
            var found = 0
            let begin = now()
            for round in 0..<10 { for code in codes where index.dossier(code: code) != nil { found += round >= 0 ? 1 : 0 } }
            let perLookup = (now() - begin) / Double(codes.count * 10)
            if found != codes.count * 10 { FileHandle.standardError.write(Data("bench: \(codes.count * 10 - found) codes not found\n".utf8)) }
            report("followup_find_by_code", perLookup * 1_000_000, "µs")
        }
    } catch {
        FileHandle.standardError.write(Data("bench: follow-up figures failed: \(error)\n".utf8))
    }
}

// Many boxes at once: two central processes on one PostgreSQL, 200 simulated boxes (Load.swift).
if wants("load") {
    do {
        try LoadTest(content: content).run()
    } catch {
        FileHandle.standardError.write(Data("bench: load test failed: \(error)\n".utf8))
    }
}

// Peak memory of this process (VmHWM), for the record.
if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
   let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
   let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") {
    report("bench_peak_memory", kilobytes / 1024, "MiB")
}
