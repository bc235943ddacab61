import CentralClient
import FollowUp
import Foundation
import KioskStore
import SyncProtocol

/// The box's background sync: it probes the central store (or relay) every `interval`, and when it answers,
/// sends what is due and looks for new content. "Sync now" runs a pass at once, ignoring the backoff.
/// Nothing here depends on the box's clock being right: only intervals are measured.
public final class SyncAgent: @unchecked Sendable {
    public typealias Status = AgentStatus

    public let drainer: Drainer
    public let content: ContentStore
    public let identity: BoxIdentity
    public let interval: Duration
    private let lock = NSLock()
    private var state: Status
    private var task: Task<Void, Never>?
    private var wakeRequested = false

    /// The box's commune (its configuration's `commune:`): the pack holds the people of this village.
    public let commune: String?
    public let packFile: PackFile

    public init(database: AppDatabase, identity: BoxIdentity, home: URL, central: URL, interval: Duration = .seconds(60), commune: String? = nil,
                timeoutSeconds: Int64 = 20) {
        drainer = Drainer(database: database, identity: identity, client: CentralClient(baseURL: central, timeout: .seconds(timeoutSeconds)))
        content = ContentStore(home: home)
        self.identity = identity
        self.interval = interval
        self.commune = commune
        packFile = PackFile(home: home)
        state = Status(central: central.absoluteString, contentVersion: content.installedVersion)
        if let kept = packFile.load() { state.pack = PackInfo(version: kept.version, count: kept.count, expires: kept.expires) }
    }

    /// Fetches the box's pack and keeps it when newer (checked first: signed by the central store, for this box).
    /// Returns the version kept, nil when none is newer or the central store has none.
    @discardableResult
    public func updatePack() async throws -> Int? {
        guard let data = try await drainer.client.pack(commune: commune, signer: identity.signer(database: drainer.database)) else { return nil }
        let sealed: SealedPack
        do {
            sealed = try JSONDecoder().decode(SealedPack.self, from: data)
        } catch {
            throw PackProblem.unreadable
        }
        try PackSeal.verify(sealed, contentKey: identity.contentKey, device: identity.enrolment.device)
        guard try packFile.save(sealed) else { return nil }
        lock.withLock { state.pack = PackInfo(version: sealed.version, count: sealed.count, expires: sealed.expires) }
        return sealed.version
    }

    public var status: Status { lock.withLock { state } }

    /// Keeps the status in the box's database for the kiosk's screens, when it says something new.
    private var published: Status?
    private func publish() {
        let now = status
        guard now.differs(from: lock.withLock({ published })) else { return }
        if (try? now.save(to: drainer.database)) != nil { lock.withLock { published = now } }
    }

    /// Starts the background loop. `onPass` is called after each pass (from a background task).
    public func start(onPass: @escaping @Sendable (DrainReport?) -> Void = { _ in }) {
        let interval = self.interval
        task = Task.detached { [self] in
            _ = try? drainer.database.requeueInterruptedSends()
            var manual = false
            while !Task.isCancelled {
                let report = await pass(manual: manual)
                onPass(report)
                // Sleep until the next probe, or until "sync now" asks (checked every quarter second).
                let start = ContinuousClock.now
                manual = false
                while !Task.isCancelled, ContinuousClock.now - start < interval {
                    if takeWakeRequest() { manual = true; break }
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
        }
    }

    private func takeWakeRequest() -> Bool {
        lock.withLock {
            defer { wakeRequested = false }
            return wakeRequested
        }
    }

    /// Asks for a pass now (the mediator's "sync now").
    public func syncNow() { lock.withLock { wakeRequested = true } }

    public func stop() { task?.cancel() }

    /// One pass: probe, send, fetch content. Returns nil when the central store did not answer.
    @discardableResult
    public func pass(manual: Bool) async -> DrainReport? {
        lock.withLock { state.running = true }
        // A pass someone asked for shows as running on the mediator's screen; a timed probe is not written down.
        if manual { publish() }
        defer {
            lock.withLock { state.running = false }
            publish()
        }
        let reachable = await drainer.client.isReachable()
        lock.withLock {
            state.reachable = reachable
            state.lastPass = Date()
        }
        guard reachable else { return nil }
        let report = await drainer.drain(ignoringBackoff: manual)
        lock.withLock { state.lastReport = report }
        publish()
        if let answer = try? await AuditAnchoring.send(database: drainer.database, client: drainer.client, signer: identity.signer(database: drainer.database)) {
            lock.withLock { state.auditAlarm = answer.alarm }
        }
        do {
            if let version = try await content.update(client: drainer.client, contentKey: ContentVerificationKey(identity.contentKey)) {
                try? drainer.database.audit(actor: "system", action: "content_installed", detail: "version \(version)")
                lock.withLock {
                    state.contentVersion = version
                    state.contentProblem = nil
                }
            }
        } catch {
            lock.withLock { state.contentProblem = String(describing: error).prefix(200).description }
        }
        do {
            if let version = try await updatePack() { try? drainer.database.audit(actor: "system", action: "pack_received", detail: "version \(version)") }
            lock.withLock { state.packProblem = nil }
        } catch {
            lock.withLock { state.packProblem = String(describing: error).prefix(200).description }
        }
        return report
    }
}
