import FollowUp
import Foundation
import KioskStore

/// Where the box's pack is, as the mediator's screens say it.
public enum PackStatus: Sendable, Equatable {
    case unknown
    /// No pack has come yet (the box is not enrolled, or the central store has none for it).
    case none
    /// Kept but past its last day: it does not open; the next sync brings a new one.
    case expired(String)
    /// Kept, sealed: the team passphrase opens it.
    case locked(count: Int, expires: String)
    case open
}

/// The box's side of follow-up, outside the pure app: the sealed pack on disk, the team key in memory only (from the
/// passphrase a mediator types, dropped at restart, at the end of the day, when the pack expires), the throttle on
/// wrong passphrases, and the changes: each queued sealed for the central store and kept in the sealed journal.
public final class FollowUpDesk: @unchecked Sendable {
    public let database: AppDatabase
    public let packFile: PackFile
    public let device: String
    private let lock = NSLock()
    private var teamKey: TeamKey?
    private var openedDay: String?

    static let failuresSetting = "followup.passphrase_failures"
    static let waitSetting = "followup.passphrase_wait_until"

    public init(database: AppDatabase, packFile: PackFile, device: String) {
        self.database = database
        self.packFile = packFile
        self.device = device
    }

    public var isOpen: Bool { lock.withLock { teamKey != nil } }

    public func status(today: String) -> PackStatus {
        guard let sealed = packFile.load(), sealed.device == device else { return .none }
        if sealed.expires < today { return .expired(sealed.expires) }
        if lock.withLock({ teamKey != nil && openedDay == today }) { return .open }
        return .locked(count: sealed.count, expires: sealed.expires)
    }

    /// Drops the key (the end of the day, the pack expired, or asked).
    public func close() { lock.withLock { teamKey = nil; openedDay = nil } }

    /// Wrong passphrases make the next try wait: none for the first two, then 30 s, 1 min, 2 min… up to 15 min. Kept in
    /// the database, so a restart does not reset it.
    public static func delay(afterFailures failures: Int) -> TimeInterval {
        failures < 3 ? 0 : min(900, 30 * pow(2, Double(failures - 3)))
    }

    public enum UnlockResult: Sendable, Equatable {
        case opened(PackIndex)
        /// Why not, in the mediator's words, and until when the next try waits.
        case refused(String, waitUntil: Date?)
    }

    /// Opens the pack with the passphrase (scrypt, then the pack), and replays the day's journal onto it.
    public func unlock(passphrase: String, now: Date, today: String) -> UnlockResult {
        let formatter = StampReader()
        if let text = try? database.setting(Self.waitSetting), let until = formatter.date(from: text), until > now {
            return .refused("wait", waitUntil: until)
        }
        guard let sealed = packFile.load(), sealed.device == device else { return .refused("none", waitUntil: nil) }
        if sealed.expires < today { return .refused("expired", waitUntil: nil) }
        let key: TeamKey
        let pack: PermanencePack
        do {
            key = try PackSeal.teamKey(for: sealed, passphrase: passphrase)
            pack = try PackSeal.open(sealed, teamKey: key)
        } catch PackProblem.wrongPassphrase {
            let failures = (Int((try? database.setting(Self.failuresSetting)) ?? nil ?? "0") ?? 0) + 1
            try? database.setSetting(Self.failuresSetting, String(failures))
            let delay = Self.delay(afterFailures: failures)
            let until = delay > 0 ? now.addingTimeInterval(delay) : nil
            try? database.setSetting(Self.waitSetting, until.map { formatter.string(from: $0) } ?? "")
            try? database.audit(actor: "mediator", action: "pack_unlock_failed", detail: "\(failures)")
            return .refused("wrong", waitUntil: until)
        } catch {
            return .refused("unreadable", waitUntil: nil)
        }
        try? database.setSetting(Self.failuresSetting, "0")
        try? database.setSetting(Self.waitSetting, "")
        try? database.audit(actor: "mediator", action: "pack_unlocked", detail: "version \(pack.version)")
        var index = PackIndex(pack: pack)
        // The day's changes made here before a restart: applied again (those the pack holds already are skipped).
        let journalKey = key.journalKey
        for sealedEntry in (try? database.followUpJournal(day: today)) ?? [] {
            guard let plaintext = try? JournalSeal.open(sealedEntry, key: journalKey),
                  let event = try? JSONDecoder().decode(FollowUpEvent.self, from: plaintext) else { continue }
            index.apply(event, device: device, now: event.at, today: today)
        }
        lock.withLock {
            teamKey = key
            openedDay = today
        }
        return .opened(index)
    }

    /// Records a change: queued sealed for the central store and journalled sealed here, in one transaction, then applied
    /// to the open pack. `opening` names the visit a new dossier is opened for (its consent is checked by the store).
    public func record(_ event: FollowUpEvent, opening visitID: String?, into index: PackIndex, today: String) throws -> (PackIndex, LedgerOutcome) {
        guard let key = lock.withLock({ teamKey }) else { throw FollowUpStoreError("the pack is locked: type the team passphrase first") }
        var copy = index
        let outcome = copy.apply(event, device: device, now: event.at, today: today)
        if case .refused(let why) = outcome { throw FollowUpStoreError(why) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(event)
        try database.queueFollowUp(OutboxRecord(kind: FollowUpEvent.kind, schemaVersion: FollowUpEvent.schemaVersion, payload: json),
                                   journal: try JournalSeal.seal(json, key: key.journalKey), day: today, opening: visitID)
        return (copy, outcome)
    }
}
