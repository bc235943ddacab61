import Foundation
import Rights

/// An opened pack in memory, with the day's changes applied, indexed for the mediator: by code, by nickname and birth
/// year, and the start screen's lists. Pure: today, the box and its commune are given.
public struct PackIndex: Sendable, Equatable {
    public private(set) var pack: PermanencePack
    private var byCode: [String: Int] = [:]
    private var byID: [String: Int] = [:]

    public init(pack: PermanencePack) {
        self.pack = pack
        reindex()
    }

    private mutating func reindex() {
        byCode = [:]
        byID = [:]
        byCode.reserveCapacity(pack.dossiers.count)
        for (index, dossier) in pack.dossiers.enumerated() {
            byCode[dossier.code] = index
            byID[dossier.id] = index
        }
    }

    public var count: Int { pack.dossiers.count }

    /// The dossier of a code as typed (any case, with or without the dash), or nil.
    public func dossier(code typed: String) -> Dossier? {
        guard case .success(let code) = FollowUpCode.normalize(typed), let index = byCode[code] else { return nil }
        return pack.dossiers[index]
    }

    public func dossier(id: String) -> Dossier? { byID[id].map { pack.dossiers[$0] } }

    /// Dossiers whose nickname starts with `nickname` (accents and case ignored) and, when given, born that year.
    public func find(nickname: String, birthYear: Int?) -> [Dossier] {
        let wanted = Self.fold(nickname)
        guard !wanted.isEmpty else { return [] }
        return pack.dossiers.filter { dossier in
            dossier.status == .open && Self.fold(dossier.nickname).hasPrefix(wanted) && (birthYear == nil || dossier.birthYear == birthYear)
        }
    }

    /// Accents, case and width folded (the search by nickname, and the mediator's words matched to the catalogue).
    public static func fold(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil).trimmingCharacters(in: .whitespaces)
    }

    /// Applies a change made here today (or replayed from the box's journal after a restart). A change the pack
    /// already holds (the central store applied it before building the pack) is skipped.
    @discardableResult
    public mutating func apply(_ event: FollowUpEvent, device: String, now: String, today: String) -> LedgerOutcome {
        if pack.removed.contains(event.dossier) { return .refused("dossier \(event.dossier) was closed or erased") }
        let current = byID[event.dossier].map { pack.dossiers[$0] }
        if event.action == .updateItem, let item = current?.items.first(where: { $0.id == event.itemID }),
           let base = event.baseVersion, base < item.version, item.updatedAt >= event.at {
            return .applied(current!)
        }
        let outcome = FollowUpLedger.apply(event, to: current, source: "box:\(device)", device: device, now: now, today: today)
        if case .applied(let dossier) = outcome {
            if let index = byID[dossier.id] {
                pack.dossiers[index] = dossier
            } else {
                pack.dossiers.append(dossier)
                byID[dossier.id] = pack.dossiers.count - 1
                byCode[dossier.code] = pack.dossiers.count - 1
            }
        }
        return outcome
    }

    /// One person on the start screen, and what they still need.
    public struct Entry: Sendable, Equatable {
        public var dossier: Dossier
        /// Open items, most urgent first.
        public var items: [FollowUpItem]
        /// Open items whose day has passed (or call-backs promised).
        public var overdue: [FollowUpItem]
        /// Items changed since the person's last visit, by someone else than this box or that visit's ("CPAM answered").
        public var changed: [FollowUpItem]
    }

    /// The start screen's three lists.
    public struct StartLists: Sendable, Equatable {
        /// People expected today here: their commune is this box's, or they were last seen at this box.
        public var expected: [Entry]
        /// People with an item overdue or a call-back promised (anywhere in the pack).
        public var toChase: [Entry]
        /// People with news since their last visit.
        public var news: [Entry]
    }

    public func startLists(today: String, device: String, commune: String?) -> StartLists {
        var expected: [Entry] = [], toChase: [Entry] = [], news: [Entry] = []
        for dossier in pack.dossiers where dossier.status == .open {
            let open = dossier.openItems.sorted { Self.rank($0, today) < Self.rank($1, today) }
            let overdue = open.filter { item in
                item.kind == .callBack || (item.due.map { $0 < today } ?? false)
            }
            // News: changed after the person's last visit, and not at that visit's box (which wrote the items then, its
            // time at the central store being when they arrived) nor here: the dashboard's answers, another box's changes.
            let lastVisit = dossier.lastVisit ?? dossier.openedOn
            let visitBox = dossier.lastSeenDevice.map { "box:\($0)" }
            let changed = dossier.items.filter {
                String($0.updatedAt.prefix(10)) > lastVisit && $0.updatedBy != "box:\(device)" && $0.updatedBy != visitBox
            }
            let entry = Entry(dossier: dossier, items: open, overdue: overdue, changed: changed)
            let here = (commune != nil && dossier.commune == commune) || dossier.lastSeenDevice == device
            if here && !open.isEmpty { expected.append(entry) }
            if !overdue.isEmpty { toChase.append(entry) }
            if !changed.isEmpty { news.append(entry) }
        }
        let byName: (Entry, Entry) -> Bool = { ($0.dossier.nickname, $0.dossier.code) < ($1.dossier.nickname, $1.dossier.code) }
        return StartLists(expected: expected.sorted(by: byName), toChase: toChase.sorted(by: byName), news: news.sorted(by: byName))
    }

    /// Due first (by day, the next permanence counting as today), then the rest.
    static func rank(_ item: FollowUpItem, _ today: String) -> String {
        if let due = item.due { return "0" + due }
        return item.nextPermanence ? "0" + today : "1" + item.id
    }

    /// Whole weeks from `since` to `today` (an answer awaited "for N weeks").
    public static func weeks(since: String?, today: String) -> Int? {
        guard let since, let start = LocalDate(iso: String(since.prefix(10))), let end = LocalDate(iso: today), end >= start else { return nil }
        return (end.dayNumber - start.dayNumber) / 7
    }
}
