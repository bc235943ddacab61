@preconcurrency import Crypto
import FollowUp
import Foundation
import Rights
import SyncProtocol

/// The team key's file at the central store: `DATA/keys/team.key` (mode 0600), made by `central team set-passphrase`.
public enum TeamKeyFile {
    public static func url(in data: URL) -> URL { data.appendingPathComponent("keys/team.key") }

    public static func load(in data: URL) throws -> TeamKey? {
        let url = url(in: data)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let stored = try? JSONDecoder().decode(TeamKey.Stored.self, from: Data(contentsOf: url)), let key = TeamKey(stored: stored) else {
            throw Problem(.internalError, "\(url.path) is not a team key (set the passphrase again: central team set-passphrase)")
        }
        return key
    }

    /// Derives and stores the team key of a new passphrase (a new salt each time). Packs built from now on open with it.
    public static func set(passphrase: String, in data: URL, parameters: KDFParameters = .standard) throws {
        let words = passphrase.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard words.count >= TeamKey.minimumPassphraseLength else {
            throw Problem(.malformedJSON, "the team passphrase must have at least \(TeamKey.minimumPassphraseLength) characters (four words are best)")
        }
        var salt = Data(count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let key = try TeamKey.derive(passphrase: words, salt: salt, parameters: parameters)
        try KeyFile.writeFile(try WireJSON.encode(key.stored), to: url(in: data))
    }
}

/// `POST /v1/pack` body: the box's commune (its configuration's `commune:`), so the pack holds the people of its village.
public struct PackRequest: Codable, Sendable, Equatable {
    public static let fields: Set<String> = ["commune"]
    public var commune: String?
    public init(commune: String?) { self.commune = commune }
}

/// A dossier with what a list shows of it (for `central dossiers list` and the dashboard).
public struct DossierSummary: Codable, Sendable, Equatable {
    public var id: String
    public var code: String
    public var status: String
    public var nickname: String
    public var birthYear: Int?
    public var commune: String?
    public var lastActivity: String
    public var items: [FollowUpItem]
    public var conflicts: Int
    enum CodingKeys: String, CodingKey { case id, code, status, nickname, commune, items, conflicts, lastActivity = "last_activity", birthYear = "birth_year" }
}

extension CentralService {
    var today: String { String(now.prefix(10)) }

    /// How long a pack may be opened after it was built.
    static let packValidityDays = 14

    /// Applies a follow-up event (from a box's envelope, or a person's change on the dashboard) in its own transaction.
    @discardableResult
    public func applyFollowUp(_ event: FollowUpEvent, envelope: String?, device: String?, user: String? = nil) async throws -> DossierWrite {
        let now = self.now, today = self.today
        let source = user.map { "user:\($0)" } ?? device.map { "box:\($0)" } ?? "system"
        let body = (try? String(decoding: WireJSON.encode(event), as: UTF8.self)) ?? "{}"
        let row: @Sendable (String) -> DossierEventRow = { outcome in
            DossierEventRow(eventID: event.id, dossier: event.dossier, envelope: envelope, source: source, receivedAt: now,
                            boxAt: device == nil ? nil : event.at, action: event.action.rawValue, outcome: outcome, body: body)
        }
        let audit = user.map { (user: $0, action: "dossier_\(event.action.rawValue)") }
        let decide: @Sendable (Dossier?, DossierPresence) throws -> DossierWrite = { current, presence in
            switch presence {
            case .alreadyRecorded, .erased: return DossierWrite()
            case .unknown, .present: break
            }
            switch FollowUpLedger.apply(event, to: current, source: source, device: device, now: now, today: today) {
            case .applied(let dossier): return DossierWrite(dossier: dossier, event: row("applied"), audit: audit)
            case .conflict(let dossier, let conflict): return DossierWrite(dossier: dossier, event: row("conflict"), conflict: conflict, audit: audit)
            case .refused(let why): return DossierWrite(event: row("refused: \(why)"))
            }
        }
        let write: DossierWrite
        do {
            write = try await storage.applyDossierEvent(dossier: event.dossier, eventID: event.id, decide)
        } catch where event.action == .open {
            // The code is another dossier's (the only constraint an open can break): kept for a person, not applied.
            let conflict = FollowUpConflict(kind: .codeTaken, dossier: event.dossier, source: source, at: now)
            write = try await storage.applyDossierEvent(dossier: event.dossier, eventID: event.id) { _, _ in
                DossierWrite(event: row("conflict"), conflict: conflict)
            }
        }
        if write.event == nil, let envelope {
            // An event for an erased dossier: its content is not kept.
            if try await storage.dossier(id: event.dossier) == nil { try await storage.blankEnvelope(id: envelope) }
        }
        return write
    }

    /// Applies follow-up envelopes stored but not applied (the process stopped between the two), oldest first.
    @discardableResult
    public func applyPendingFollowUps() async throws -> Int {
        guard let recordsKey = keys.records, relay == nil else { return 0 }
        var applied = 0
        while true {
            let pending = try await storage.unappliedFollowUpEnvelopes(limit: 200)
            if pending.isEmpty { return applied }
            for stored in pending {
                guard let envelope = try? JSONDecoder().decode(Envelope.self, from: stored.body), let plaintext = try? Seal.open(envelope, with: recordsKey),
                      let event = try? JSONDecoder().decode(FollowUpEvent.self, from: plaintext) else {
                    logger.error("a follow-up envelope cannot be read", metadata: ["envelope": "\(stored.id)"])
                    try await storage.blankEnvelope(id: stored.id)
                    continue
                }
                try await applyFollowUp(event, envelope: stored.id, device: stored.device)
                applied += 1
            }
        }
    }

    // MARK: Changes made by a person (dashboard)

    func personEvent(_ dossier: String, _ action: FollowUpEvent.Action) -> FollowUpEvent {
        FollowUpEvent(id: UUID().uuidString.lowercased(), dossier: dossier, action: action, day: today, at: now)
    }

    /// An item changed on the dashboard from the version the person saw; a box's change meanwhile makes it a conflict.
    public func updateItem(dossier: String, item: String, baseVersion: Int, change: ItemChange, by user: String) async throws -> LedgerOutcomeSummary {
        var event = personEvent(dossier, .updateItem)
        event.itemID = item
        event.baseVersion = baseVersion
        event.change = change
        return LedgerOutcomeSummary(try await applyFollowUp(event, envelope: nil, device: nil, user: user))
    }

    public func closeDossier(_ dossier: String, reason: String, by user: String) async throws -> LedgerOutcomeSummary {
        var event = personEvent(dossier, .close)
        event.reason = reason
        return LedgerOutcomeSummary(try await applyFollowUp(event, envelope: nil, device: nil, user: user))
    }

    /// Erases a dossier on request: here, in the envelopes that carried it, and (not being in them) in the next packs.
    public func eraseDossier(_ dossier: String, by user: String) async throws -> Bool {
        let erased = try await storage.eraseDossier(id: dossier, by: user, at: now)
        if erased { logger.info("dossier erased on request", metadata: ["dossier": "\(dossier)"]) }
        return erased
    }

    /// Resolves a conflict: `take` applies the change that was kept aside (over the current version), otherwise the current
    /// value stays. Either way it is marked resolved, by whom, and the next pack has the result.
    public func resolveConflict(_ seq: Int64, take: Bool, by user: String) async throws -> Bool {
        guard let stored = try await storage.dossierConflicts(dossier: nil, unresolvedOnly: true).first(where: { $0.seq == seq }) else { return false }
        if take, let itemID = stored.conflict.item, let change = stored.conflict.change,
           let current = try await storage.dossier(id: stored.conflict.dossier)?.items.first(where: { $0.id == itemID }) {
            _ = try await updateItem(dossier: stored.conflict.dossier, item: itemID, baseVersion: current.version, change: change, by: user)
        }
        return try await storage.resolveConflict(seq: seq, resolution: take ? "taken" : "kept", by: user, at: now)
    }

    /// Closes open dossiers without activity for the configured months (12 by default; the system's own event, in their
    /// history).
    @discardableResult
    public func closeInactiveDossiers() async throws -> Int {
        var closed = 0
        let months = configuration.dossierInactivityMonths
        // Those last active on or before the same day `months` ago (month ends clamped), checked by the ledger's rule.
        let candidates = try await storage.openDossiers(lastActiveOnOrBefore: Self.day(monthsBefore: today, months: months))
        for dossier in candidates where FollowUpLedger.isInactive(dossier, today: today, months: months) {
            var event = personEvent(dossier.id, .close)
            event.reason = "inactive"
            try await applyFollowUp(event, envelope: nil, device: nil)
            closed += 1
        }
        return closed
    }

    // MARK: Lists and packs

    public func dossierSummaries(dueOnly: Bool) async throws -> [DossierSummary] {
        try await applyPendingFollowUps()
        try await closeInactiveDossiers()
        let conflicts = Dictionary(grouping: try await storage.dossierConflicts(dossier: nil, unresolvedOnly: true), by: \.conflict.dossier)
        let today = self.today
        return try await storage.dossiers(openOnly: dueOnly).compactMap { dossier in
            let items = dueOnly ? dossier.openItems.filter { item in item.nextPermanence || item.kind == .callBack || (item.due.map { $0 <= today } ?? false) } : dossier.items
            if dueOnly && items.isEmpty { return nil }
            return DossierSummary(id: dossier.id, code: dossier.code, status: dossier.status.rawValue, nickname: dossier.nickname, birthYear: dossier.birthYear,
                                  commune: dossier.commune,
                                  lastActivity: dossier.lastActivity, items: items, conflicts: conflicts[dossier.id]?.count ?? 0)
        }
    }

    /// Builds and seals the pack of a box: its village's open dossiers and those last seen there, with their open items
    /// and the items changed since each person's last visit. Opens only with the team passphrase.
    public func buildPack(device: String, commune: String?) async throws -> SealedPack {
        guard let teamKey = try TeamKeyFile.load(in: configuration.dataDirectory) else {
            throw Problem(.notFound, "no team passphrase is set at the central store (central team set-passphrase): no pack")
        }
        guard let signer = keys.content else { throw Problem(.storageUnavailable, "the content key is missing here: packs cannot be signed") }
        try await applyPendingFollowUps()
        try await closeInactiveDossiers()
        let commune = commune?.isEmpty == false ? commune : nil
        // Each dossier's pack form is kept with it (written with every change): the pack is put together, not re-encoded.
        let bodies = try await storage.packDossiers(device: device, commune: commune)
        let version = Int(try await storage.nextCounter("pack:\(device)"))
        let expires = Self.day(after: today, days: Self.packValidityDays)
        let removed = try await storage.removedDossiers(device: device, commune: commune, since: Self.day(after: today, days: -60)).sorted()
        let builtAt = now
        var plaintext = Data()
        plaintext.reserveCapacity(bodies.reduce(0) { $0 + $1.utf8.count + 1 } + 512)
        plaintext.append(contentsOf: #"{"built_at":"#.utf8)
        plaintext.append(try WireJSON.encode(builtAt))
        plaintext.append(contentsOf: #","device":"#.utf8)
        plaintext.append(try WireJSON.encode(device))
        plaintext.append(contentsOf: #","dossiers":["#.utf8)
        for (index, body) in bodies.enumerated() {
            if index > 0 { plaintext.append(UInt8(ascii: ",")) }
            plaintext.append(contentsOf: body.utf8)
        }
        plaintext.append(contentsOf: #"],"expires":"#.utf8)
        plaintext.append(try WireJSON.encode(expires))
        plaintext.append(contentsOf: #","removed":"#.utf8)
        plaintext.append(try WireJSON.encode(removed))
        plaintext.append(contentsOf: #","version":\#(version)}"#.utf8)
        return try PackSeal.seal(plaintext: plaintext, device: device, version: version, builtAt: builtAt, expires: expires, count: bodies.count,
                                 teamKey: teamKey, signer: signer)
    }

    /// The same day `months` earlier (the month's last day when it has fewer days), `YYYY-MM-DD`.
    static func day(monthsBefore day: String, months: Int) -> String {
        guard let start = LocalDate(iso: day) else { return day }
        let index = start.year * 12 + start.month - 1 - months
        let year = index / 12, month = index % 12 + 1
        return LocalDate(year: year, month: month, day: min(start.day, LocalDate.daysIn(month: month, year: year)))?.description ?? day
    }

    static func day(after day: String, days: Int) -> String {
        LocalDate(iso: day).map { LocalDate(dayNumber: $0.dayNumber + days).description } ?? day
    }
}

/// What a person's change did, for the dashboard's message.
public enum LedgerOutcomeSummary: Sendable, Equatable {
    case applied, conflict, refused(String), nothing
    init(_ write: DossierWrite) {
        guard let event = write.event else { self = .nothing; return }
        if event.outcome == "applied" { self = .applied } else if event.outcome == "conflict" { self = .conflict } else { self = .refused(String(event.outcome.dropFirst(9))) }
    }
}
