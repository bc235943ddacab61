import Foundation
import Intake
import Rights

/// What a follow-up item is about.
public enum ItemKind: String, Codable, CaseIterable, Sendable {
    /// A right requested (C2S, AME, PUMa…): the answer is awaited.
    case rightRequested = "right_requested"
    /// A paper still missing (which one: the `subject`).
    case paperMissing = "paper_missing"
    /// An appointment to obtain (with a partner of the directory: PASS, GP, CeGIDD…).
    case appointment
    /// A physical accompaniment to a partner.
    case accompaniment
    /// The team promised to call back.
    case callBack = "call_back"
}

/// Where an item is.
public enum ItemStatus: String, Codable, CaseIterable, Sendable {
    /// To do (a paper to bring, an appointment to obtain, a call to make).
    case todo
    /// Done on our side, waiting for someone else (CPAM's answer, the partner's date).
    case awaiting
    case done
    case cancelled

    public var isOpen: Bool { self == .todo || self == .awaiting }
}

/// One thing a person still needs, with its version: every change makes a new version, and a change made from an
/// older version than the current one is a parallel update (kept and flagged, never applied over the other).
public struct FollowUpItem: Codable, Sendable, Equatable {
    public var id: String
    public var kind: ItemKind
    /// The right (`c2s`, `ame`, `puma`), the paper (`tax_notice`) or what the appointment is for.
    public var subject: String?
    /// A partner service of the directory (its id).
    public var partner: String?
    /// A few words for the team (at most `FollowUpLimits.note` characters): never a medical narrative.
    public var note: String?
    public var status: ItemStatus
    /// A day (`2026-12-15`), or nil.
    public var due: String?
    /// Due at the next permanence (of the place the person comes to).
    public var nextPermanence: Bool
    /// The day the item was opened or the request sent (answers awaited "for N weeks" count from it).
    public var since: String?
    /// What came of it (`granted`, `refused`, `appointment_given`…).
    public var outcome: String?
    public var version: Int
    /// When it last changed (the box's time or the central store's), and who changed it (`box:ID`, `user:NAME`, `system`).
    public var updatedAt: String
    public var updatedBy: String

    public init(id: String, kind: ItemKind, subject: String? = nil, partner: String? = nil, note: String? = nil, status: ItemStatus = .todo,
                due: String? = nil, nextPermanence: Bool = false, since: String? = nil, outcome: String? = nil, version: Int = 1,
                updatedAt: String = "", updatedBy: String = "") {
        self.id = id
        self.kind = kind
        self.subject = subject
        self.partner = partner
        self.note = note
        self.status = status
        self.due = due
        self.nextPermanence = nextPermanence
        self.since = since
        self.outcome = outcome
        self.version = version
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, subject, partner, note, status, due, since, outcome, version
        case nextPermanence = "next_permanence", updatedAt = "updated_at", updatedBy = "updated_by"
    }
}

extension FollowUpItem {
    /// The item's subject in `language` as the catalogue names it (`document.ID` for a paper, `right.ID` for a right),
    /// or nil when it has no subject or the catalogue no such text.
    public func catalogueName(_ texts: TextCatalogue, _ language: String) -> String? {
        guard let subject else { return nil }
        let key = kind == .paperMissing ? "document.\(subject)" : "right.\(subject)"
        return texts.has(key, language) ? texts.text(key, language) : nil
    }
}

/// A change to an item; absent fields stay as they are (an empty string clears a text).
public struct ItemChange: Codable, Sendable, Equatable {
    public var status: ItemStatus?
    public var due: String?
    public var nextPermanence: Bool?
    public var note: String?
    public var outcome: String?
    public var partner: String?
    public init(status: ItemStatus? = nil, due: String? = nil, nextPermanence: Bool? = nil, note: String? = nil, outcome: String? = nil,
                partner: String? = nil) {
        self.status = status
        self.due = due
        self.nextPermanence = nextPermanence
        self.note = note
        self.outcome = outcome
        self.partner = partner
    }
    enum CodingKeys: String, CodingKey { case status, due, note, outcome, partner, nextPermanence = "next_permanence" }

    func applied(to item: FollowUpItem) -> FollowUpItem {
        var item = item
        if let status { item.status = status }
        if let due { item.due = due.isEmpty ? nil : due }
        if let nextPermanence { item.nextPermanence = nextPermanence }
        if let note { item.note = note.isEmpty ? nil : note }
        if let outcome { item.outcome = outcome.isEmpty ? nil : outcome }
        if let partner { item.partner = partner.isEmpty ? nil : partner }
        return item
    }
}

/// A pseudonymous follow-up file, only for a visitor who chose "share": a random id, the code on their slip, a first
/// name or nickname, a birth year, a commune, a language. No surname, no social security number, no narrative.
public struct Dossier: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case open, closed }
    public var id: String
    public var code: String
    public var nickname: String
    public var birthYear: Int?
    /// INSEE code of the person's commune.
    public var commune: String?
    public var language: String
    public var status: Status
    public var openedOn: String
    /// The day of the last visit or change (what "closed after 12 months without activity" counts from).
    public var lastActivity: String
    /// The day of the last visit, and the box (device id) and commune where it was.
    public var lastVisit: String?
    public var lastSeenDevice: String?
    public var closedOn: String?
    public var closeReason: String?
    public var items: [FollowUpItem]
    /// Last visit's answers that are not personal (household, resources, coverage…): offered to confirm next time.
    public var answers: [String: AnswerValue]
    public var version: Int

    public init(id: String, code: String, nickname: String, birthYear: Int?, commune: String?, language: String, openedOn: String,
                items: [FollowUpItem] = [], answers: [String: AnswerValue] = [:]) {
        self.id = id
        self.code = code
        self.nickname = nickname
        self.birthYear = birthYear
        self.commune = commune
        self.language = language
        self.status = .open
        self.openedOn = openedOn
        self.lastActivity = openedOn
        self.items = items
        self.answers = answers
        self.version = 1
    }

    enum CodingKeys: String, CodingKey {
        case id, code, nickname, commune, language, status, items, answers, version
        case birthYear = "birth_year", openedOn = "opened_on", lastActivity = "last_activity", lastVisit = "last_visit"
        case lastSeenDevice = "last_seen_device", closedOn = "closed_on", closeReason = "close_reason"
    }

    public var openItems: [FollowUpItem] { items.filter { $0.status.isOpen } }

    /// The dossier as a pack carries it: its open items, and those changed since the person's last visit (what is new
    /// for them); older finished items stay at the central store.
    public var packView: Dossier {
        var view = self
        let since = lastVisit ?? openedOn
        view.items = items.filter { $0.status.isOpen || String($0.updatedAt.prefix(10)) > since }
        return view
    }
}

/// The limits a dossier's fields keep (checked by the ledger on every event).
public enum FollowUpLimits {
    public static let nickname = 40
    public static let note = 120
    public static let subject = 40
    public static let items = 40
}

/// A change made at a box (or on the dashboard) to a dossier: sealed into the outbox like a visit record, applied by
/// the central store in order.
public struct FollowUpEvent: Codable, Sendable, Equatable {
    public static let kind = "permanence.followup-event"
    public static let schemaVersion = 1

    public enum Action: String, Codable, Sendable {
        /// A new dossier (code, nickname, birth year, commune, language, first items, answers).
        case open
        /// A visit linked to the dossier: last seen here, the confirmed answers.
        case visit
        case addItem = "add_item"
        case updateItem = "update_item"
        case close
    }

    public var id: String
    public var dossier: String
    public var action: Action
    /// The box's day and time (for information: nothing depends on the box's clock).
    public var day: String
    public var at: String
    public var code: String?
    public var nickname: String?
    public var birthYear: Int?
    public var commune: String?
    public var language: String?
    public var visitID: String?
    public var answers: [String: AnswerValue]?
    public var item: FollowUpItem?
    public var itemID: String?
    /// The item's version the change was made from.
    public var baseVersion: Int?
    public var change: ItemChange?
    public var reason: String?

    public init(id: String, dossier: String, action: Action, day: String, at: String) {
        self.id = id
        self.dossier = dossier
        self.action = action
        self.day = day
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case id, dossier, action, day, at, code, nickname, commune, language, answers, item, change, reason
        case birthYear = "birth_year", visitID = "visit_id", itemID = "item_id", baseVersion = "base_version"
    }
}

/// A parallel update, an update to a closed dossier, or an event that could not apply: kept for a person to resolve.
public struct FollowUpConflict: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Two changes made from the same version of an item: the current one stays, the other is kept here.
        case parallelUpdate = "parallel_update"
        /// A change to a dossier that was closed meanwhile: not reopened.
        case closedDossier = "closed_dossier"
        /// The follow-up code another dossier already has (a new code is needed).
        case codeTaken = "code_taken"
    }
    public var kind: Kind
    public var dossier: String
    public var item: String?
    /// The item as it is (current) and the change that was not applied (theirs), with the versions.
    public var current: FollowUpItem?
    public var change: ItemChange?
    public var baseVersion: Int?
    public var source: String
    public var at: String
    public init(kind: Kind, dossier: String, item: String? = nil, current: FollowUpItem? = nil, change: ItemChange? = nil, baseVersion: Int? = nil,
                source: String, at: String) {
        self.kind = kind
        self.dossier = dossier
        self.item = item
        self.current = current
        self.change = change
        self.baseVersion = baseVersion
        self.source = source
        self.at = at
    }
    enum CodingKeys: String, CodingKey { case kind, dossier, item, current, change, source, at, baseVersion = "base_version" }
}

/// What applying an event did.
public enum LedgerOutcome: Sendable, Equatable {
    case applied(Dossier)
    /// Not applied (or applied in part); the conflict is kept for a person.
    case conflict(Dossier?, FollowUpConflict)
    /// Refused: the event cannot be right (an unknown dossier, a missing field); why, in words.
    case refused(String)
}

/// The rules for applying events to dossiers: pure, the same at the central store and (for the day's changes) on the box.
public enum FollowUpLedger {
    /// Applies `event` to `dossier` (nil: not known yet). `source` says who (`box:ID`, `user:NAME`), `now` the time
    /// it is applied (the central store's clock), `today` its day.
    public static func apply(_ event: FollowUpEvent, to dossier: Dossier?, source: String, device: String?, now: String, today: String) -> LedgerOutcome {
        if let problem = validate(event) { return .refused(problem) }
        switch event.action {
        case .open:
            if let dossier {
                // The same dossier opened twice (an event sent again under a new id): nothing new.
                return dossier.code == event.code ? .applied(dossier) : .refused("dossier \(event.dossier) exists already")
            }
            var opened = Dossier(id: event.dossier, code: event.code!, nickname: event.nickname!, birthYear: event.birthYear, commune: event.commune,
                                 language: event.language ?? "fr", openedOn: event.day, answers: event.answers ?? [:])
            opened.items = (event.item.map { [$0] } ?? []).map { stamped($0, version: 1, now: now, source: source) }
            opened.lastVisit = event.day
            opened.lastSeenDevice = device
            opened.lastActivity = today
            return .applied(opened)
        default:
            break
        }
        guard var current = dossier else { return .refused("dossier \(event.dossier) is not known here") }
        if current.status == .closed {
            return .conflict(nil, FollowUpConflict(kind: .closedDossier, dossier: current.id, item: event.itemID ?? event.item?.id,
                                                   change: event.change, baseVersion: event.baseVersion, source: source, at: now))
        }
        current.lastActivity = today
        current.version += 1
        switch event.action {
        case .open:
            break
        case .visit:
            current.lastVisit = event.day
            current.lastSeenDevice = device ?? current.lastSeenDevice
            if let answers = event.answers { current.answers = answers }
            if let commune = event.commune { current.commune = commune }
            if let language = event.language { current.language = language }
        case .addItem:
            let item = event.item!
            if current.items.contains(where: { $0.id == item.id }) { return .applied(current) }
            guard current.items.count < FollowUpLimits.items else { return .refused("dossier \(current.id) has \(FollowUpLimits.items) items already") }
            current.items.append(stamped(item, version: 1, now: now, source: source))
        case .updateItem:
            guard let index = current.items.firstIndex(where: { $0.id == event.itemID }) else {
                return .refused("item \(event.itemID ?? "") is not in dossier \(current.id)")
            }
            let item = current.items[index]
            if event.baseVersion! < item.version {
                return .conflict(current, FollowUpConflict(kind: .parallelUpdate, dossier: current.id, item: item.id, current: item,
                                                           change: event.change, baseVersion: event.baseVersion, source: source, at: now))
            }
            current.items[index] = stamped(event.change!.applied(to: item), version: item.version + 1, now: now, source: source)
        case .close:
            current.status = .closed
            current.closedOn = today
            current.closeReason = event.reason ?? "closed"
        }
        return .applied(current)
    }

    static func stamped(_ item: FollowUpItem, version: Int, now: String, source: String) -> FollowUpItem {
        var item = item
        item.version = version
        item.updatedAt = now
        item.updatedBy = source
        return item
    }

    /// What is wrong with an event's fields, or nil.
    public static func validate(_ event: FollowUpEvent) -> String? {
        func text(_ value: String?, _ name: String, max: Int) -> String? {
            guard let value else { return nil }
            if value.count > max { return "\(name) is longer than \(max) characters" }
            if value.contains(where: { $0.isNewline }) { return "\(name) holds a line break" }
            return nil
        }
        guard event.dossier.count >= 8, event.dossier.count <= 64 else { return "the dossier id is not valid" }
        if let problem = text(event.nickname, "nickname", max: FollowUpLimits.nickname) { return problem }
        if let year = event.birthYear, !(1900...2100).contains(year) { return "birth_year \(year) is not a year" }
        for item in [event.item].compactMap({ $0 }) {
            if let problem = text(item.note, "note", max: FollowUpLimits.note) ?? text(item.subject, "subject", max: FollowUpLimits.subject) { return problem }
        }
        if let problem = text(event.change?.note, "note", max: FollowUpLimits.note) { return problem }
        switch event.action {
        case .open:
            guard let code = event.code, case .success(let normal) = FollowUpCode.normalize(code), normal == code else { return "the follow-up code is not valid" }
            guard let nickname = event.nickname, !nickname.trimmingCharacters(in: .whitespaces).isEmpty else { return "a nickname is needed" }
        case .addItem:
            if event.item == nil { return "add_item needs an item" }
        case .updateItem:
            if event.itemID == nil || event.change == nil || event.baseVersion == nil { return "update_item needs item_id, base_version and change" }
        case .visit, .close:
            break
        }
        return nil
    }

    /// Whether an open dossier has been without activity for `months` months by `today` (both `YYYY-MM-DD`).
    public static func isInactive(_ dossier: Dossier, today: String, months: Int) -> Bool {
        guard dossier.status == .open, let last = LocalDate(iso: dossier.lastActivity), let now = LocalDate(iso: today) else { return false }
        let elapsed = (now.year * 12 + now.month) - (last.year * 12 + last.month)
        return elapsed > months || (elapsed == months && now.day >= last.day)
    }
}
