import Documents
import FollowUp
import Foundation
import Intake
import KioskStore
import Rights
import Terminal

/// The mediator's follow-up: the pack (locked or open), its start screen, a dossier, the search.
public struct FollowUpState: Sendable, Equatable {
    public enum Screen: Sendable, Equatable {
        /// The team passphrase, at the first unlock of the day.
        case unlock
        /// "Attendus aujourd'hui", "À relancer", "Nouveau depuis la dernière fois", and the search line.
        case start
        /// Dossiers found by nickname and birth year.
        case results
        case dossier(String)
        /// A new item for the dossier: its kind (1–5) and a few words.
        case addItem(String)
    }
    public var screen: Screen = .start
    public var status: PackStatus = .unknown
    public var index: PackIndex?
    /// Typed, never shown (dots), dropped once checked.
    public var passphrase = ""
    public var checking = false
    public var waitUntil: Date?
    public var message: String?
    /// The search line (a code, or a nickname and a birth year), or the new item's words.
    public var search = ""
    public var selection = 0
    public var results: [String] = []
    public var itemKind = 0
    /// The mediator chose to go on without the pack this session (Esc at the passphrase).
    public var skipped = false
    /// The day the pack was opened: at the next day it is dropped (the passphrase again).
    public var openedDay: String?
    public init() {}
}

/// A new dossier for the visit open on the mediator's screen (ids and code are made by the runtime).
public struct OpenDossier: Sendable, Equatable {
    public var visitID: String
    public var nickname: String
    public var birthYear: Int?
    public var commune: String?
    public var language: String
    public var answers: [String: AnswerValue]
    public init(visitID: String, nickname: String, birthYear: Int?, commune: String?, language: String, answers: [String: AnswerValue]) {
        self.visitID = visitID
        self.nickname = nickname
        self.birthYear = birthYear
        self.commune = commune
        self.language = language
        self.answers = answers
    }
}

extension KioskApp {
    static func followUpText(_ state: AppState, _ key: String, _ arguments: [String: MessageArgument] = [:]) -> String {
        state.ui("mediator.followup.\(key)", in: "fr", arguments)
    }

    /// The start screen's rows: each list's heading, then one line per person (the dossier id to open).
    static func startRows(_ state: AppState) -> [(dossier: String?, text: String)] {
        guard let index = state.followUp.index else { return [] }
        let lists = index.startLists(today: state.today.description, device: index.pack.device, commune: state.config.communeCode)
        var rows: [(String?, String)] = []
        func section(_ key: String, _ entries: [PackIndex.Entry], line: (PackIndex.Entry) -> String) {
            rows.append((nil, followUpText(state, key, ["count": .integer(entries.count)])))
            if entries.isEmpty { rows.append((nil, "  " + followUpText(state, "none"))) }
            for entry in entries { rows.append((entry.dossier.id, line(entry))) }
        }
        func line(_ dossier: Dossier, _ items: [FollowUpItem]) -> String {
            personLine(dossier, state) + " — " + items.prefix(4).map { shortItemText($0, state) }.joined(separator: " · ") + (items.count > 4 ? " …" : "")
        }
        section("expected", lists.expected) { line($0.dossier, $0.items) }
        section("to_chase", lists.toChase) { line($0.dossier, $0.overdue) }
        section("news", lists.news) { line($0.dossier, $0.changed) }
        return rows
    }

    /// What the mediator's few words name: a right (its id), a paper of the catalogue (its id), a partner of the
    /// directory; words that name none of them stay a note (read by the team only: never printed on the person's slip).
    static func resolveSubject(_ kind: ItemKind, _ typed: String, _ state: AppState) -> (subject: String?, partner: String?, note: String?) {
        let words = PackIndex.fold(typed.trimmingCharacters(in: .whitespaces))
        guard !words.isEmpty else { return (nil, nil, nil) }
        let texts = state.content.texts
        func matches(_ key: String) -> Bool { texts.has(key, "fr") && PackIndex.fold(texts.text(key, "fr")).contains(words) }
        switch kind {
        case .rightRequested:
            if let right = RightKind.allCases.first(where: { $0.rawValue == words || matches("right.\($0.rawValue)") }) { return (right.rawValue, nil, nil) }
        case .paperMissing:
            let papers = texts.entries.keys.filter { $0.hasPrefix("document.") && $0.split(separator: ".").count == 2 }.sorted()
            if let key = papers.first(where: matches) { return (String(key.dropFirst("document.".count)), nil, nil) }
        case .appointment, .accompaniment:
            if let service = state.content.services.first(where: { PackIndex.fold($0.name).contains(words) || $0.id == words }) { return (nil, service.id, nil) }
        case .callBack:
            break
        }
        return (nil, nil, String(typed.trimmingCharacters(in: .whitespaces).prefix(FollowUpLimits.note)))
    }

    /// An item's subject in a language: the right's or the paper's name from the catalogue, or the partner's name.
    static func subjectName(_ item: FollowUpItem, _ language: String, _ state: AppState) -> String {
        if let name = item.catalogueName(state.content.texts, language) { return name }
        if let partner = item.partner { return state.content.services.first { $0.id == partner }?.name ?? "" }
        return ""
    }

    static func personLine(_ dossier: Dossier, _ state: AppState) -> String {
        let year = dossier.birthYear.map { " (\($0))" } ?? ""
        return "\(dossier.nickname)\(year) \(dossier.code)"
    }

    /// An item as the mediator reads it: what, with whom, since when or by when, where it is.
    static func itemText(_ item: FollowUpItem, _ state: AppState) -> String {
        var parts = [followUpText(state, "kind.\(item.kind.rawValue)", ["subject": .text(subjectName(item, "fr", state))]).trimmingCharacters(in: .whitespaces)]
        if item.status == .awaiting, let weeks = PackIndex.weeks(since: item.since, today: state.today.description) {
            parts.append(weeks == 0 ? followUpText(state, "awaiting_this_week") : followUpText(state, "awaiting_weeks", ["weeks": .integer(weeks)]))
        } else {
            parts.append(followUpText(state, "status.\(item.status.rawValue)"))
        }
        if let outcome = item.outcome { parts.append(followUpText(state, "outcome", ["outcome": .text(outcomeWord(outcome, state))])) }
        if let due = item.due { parts.append(followUpText(state, "due", ["day": .text(dayText(due))])) } else if item.nextPermanence && item.status.isOpen {
            parts.append(followUpText(state, "due_next"))
        }
        if let note = item.note { parts.append("« \(note) »") }
        return parts.joined(separator: ", ")
    }

    /// A `YYYY-MM-DD` day as the mediator reads it (`10/11/2026`).
    static func dayText(_ day: String) -> String {
        let parts = day.prefix(10).split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : day
    }

    /// An outcome as the team says it (`granted`: accordé), or as typed.
    static func outcomeWord(_ outcome: String, _ state: AppState) -> String {
        let key = "mediator.followup.outcome_word.\(outcome)"
        return state.content.texts.has(key, "fr") ? state.ui(key, in: "fr") : outcome
    }

    /// An item in a few words, for the start screen's lists (the dossier's screen gives it whole).
    static func shortItemText(_ item: FollowUpItem, _ state: AppState) -> String {
        var subject = ""
        switch item.kind {
        case .rightRequested:
            if let right = item.subject, state.content.texts.has("right.\(right).short", "fr") { subject = state.content.texts.text("right.\(right).short", "fr") }
        case .appointment, .accompaniment:
            subject = subjectName(item, "fr", state)
        case .paperMissing, .callBack:
            break
        }
        var text = followUpText(state, "short.\(item.kind.rawValue)", ["subject": .text(subject)]).trimmingCharacters(in: .whitespaces)
        if item.status == .awaiting, let weeks = PackIndex.weeks(since: item.since, today: state.today.description) {
            text += " " + (weeks == 0 ? followUpText(state, "short_this_week") : followUpText(state, "short_weeks", ["weeks": .integer(weeks)]))
        } else if !item.status.isOpen {
            text += " : " + followUpText(state, "status.\(item.status.rawValue)") + (item.outcome.map { " (\(outcomeWord($0, state)))" } ?? "")
        }
        return text
    }

    /// Opens the follow-up screen: the passphrase first when the pack is still locked today.
    static func enterFollowUp(_ state: inout AppState) -> [Effect] {
        state.mediator.tab = .followUp
        state.followUp.message = nil
        state.followUp.selection = 0
        if state.followUp.index == nil {
            state.followUp.screen = .unlock
            return [.loadPackStatus]
        }
        state.followUp.screen = .start
        return []
    }

    static func followUpInput(_ key: Key, _ state: inout AppState) -> [Effect] {
        var follow = state.followUp
        defer { state.followUp = follow }
        // What was said after the last key goes with the next one.
        if !follow.checking { follow.message = nil }
        switch follow.screen {
        case .unlock:
            switch key {
            case .character(let character):
                if follow.passphrase.count < 200 { follow.passphrase.append(character) }
            case .backspace:
                if !follow.passphrase.isEmpty { follow.passphrase.removeLast() }
            case .enter:
                guard !follow.passphrase.isEmpty, !follow.checking, case .locked = follow.status else { return [] }
                if let until = follow.waitUntil, until > state.now {
                    follow.message = followUpText(state, "wait", ["time": .text(clockTime(until))])
                    return []
                }
                follow.checking = true
                follow.message = followUpText(state, "checking")
                let typed = follow.passphrase
                follow.passphrase = ""
                return [.unlockPack(typed)]
            case .escape:
                follow.passphrase = ""
                follow.skipped = true
                state.mediator.tab = state.mediator.visit == nil ? .queue : .visit
                return state.mediator.visit == nil ? [.loadQueue] : []
            default: break
            }
            return []
        case .start, .results:
            let ids: [String] = follow.screen == .results ? follow.results : startRows(state).compactMap(\.dossier)
            switch key {
            case .up: follow.selection = max(0, follow.selection - 1)
            case .down: follow.selection = min(max(0, ids.count - 1), follow.selection + 1)
            case .enter:
                if !follow.search.isEmpty { return search(&follow, state) }
                guard ids.indices.contains(follow.selection) else { return [] }
                follow.screen = .dossier(ids[follow.selection])
                follow.selection = 0
            case .character("+"):
                // A new dossier for the visit open on the mediator's screen.
                state.followUp = follow
                let effects = openDossierForVisit(&state)
                follow = state.followUp
                return effects
            case .character(let character):
                if follow.search.count < 60 { follow.search.append(character) }
            case .backspace:
                if !follow.search.isEmpty { follow.search.removeLast() }
            case .escape:
                if !follow.search.isEmpty || follow.screen == .results {
                    follow.search = ""
                    follow.screen = .start
                    follow.selection = 0
                    return []
                }
                state.mediator.tab = state.mediator.visit == nil ? .queue : .visit
                return state.mediator.visit == nil ? [.loadQueue] : []
            default: break
            }
            return []
        case .dossier(let id):
            guard let dossier = follow.index?.dossier(id: id) else { follow.screen = .start; return [] }
            let items = dossier.items
            switch key {
            case .up: follow.selection = max(0, follow.selection - 1)
            case .down: follow.selection = min(max(0, items.count - 1), follow.selection + 1)
            case .character("f"), .character("F"): return changeItem(dossier, follow.selection, ItemChange(status: .done), state)
            case .character("a"), .character("A"): return changeItem(dossier, follow.selection, ItemChange(status: .awaiting), state)
            case .character("c"), .character("C"): return changeItem(dossier, follow.selection, ItemChange(status: .cancelled), state)
            case .character("n"), .character("N"):
                follow.screen = .addItem(id)
                follow.itemKind = 0
                follow.search = ""
            case .character("v"), .character("V"):
                guard let visit = state.mediator.visit else {
                    follow.message = followUpText(state, "no_visit_open")
                    return []
                }
                var event = newEvent(dossier.id, .visit, state)
                event.visitID = visit.visitID
                event.answers = sharedAnswers(visit.answers, state)
                event.language = visit.language
                // Last time's answers, where this visit has none: offered to confirm on the answers tab.
                let offered = dossier.answers.filter { visit.answers[$0.key] == nil }
                var effects: [Effect] = [.recordFollowUp(event, opening: nil)]
                if !offered.isEmpty {
                    var updated = visit
                    for (key, value) in offered { updated.answers[key] = value }
                    state.mediator.visit = updated
                    state.mediator.evaluation = evaluate(updated.answers, state)
                    effects.append(.saveAnswers(visitID: visit.visitID, answers: offered, removed: [], by: .mediator))
                }
                follow.message = followUpText(state, "linked", ["count": .integer(offered.count)])
                return effects
            case .character("i"), .character("I"):
                return [.printFollowUpSlip(dossier: dossier.id)]
            case .character("x"), .character("X"):
                var event = newEvent(dossier.id, .close, state)
                event.reason = "closed_at_box"
                follow.screen = .start
                return [.recordFollowUp(event, opening: nil)]
            case .escape:
                follow.screen = follow.results.isEmpty ? .start : .results
                follow.selection = 0
            default: break
            }
            return []
        case .addItem(let id):
            switch key {
            case .character(let character) where follow.search.isEmpty && character.wholeNumberValue.map({ (1...ItemKind.allCases.count).contains($0) }) == true:
                follow.itemKind = character.wholeNumberValue! - 1
            case .up: follow.itemKind = max(0, follow.itemKind - 1)
            case .down: follow.itemKind = min(ItemKind.allCases.count - 1, follow.itemKind + 1)
            case .character(let character):
                if follow.search.count < FollowUpLimits.subject { follow.search.append(character) }
            case .backspace:
                if !follow.search.isEmpty { follow.search.removeLast() }
            case .enter:
                let kind = ItemKind.allCases[follow.itemKind]
                var event = newEvent(id, .addItem, state)
                let resolved = resolveSubject(kind, follow.search, state)
                event.item = FollowUpItem(id: "", kind: kind, subject: resolved.subject, partner: resolved.partner, note: resolved.note,
                                          status: kind == .rightRequested ? .awaiting : .todo, nextPermanence: true, since: state.today.description)
                follow.search = ""
                follow.screen = .dossier(id)
                return [.recordFollowUp(event, opening: nil)]
            case .escape:
                follow.search = ""
                follow.screen = .dossier(id)
            default: break
            }
            return []
        }
    }

    /// A code finds one dossier; otherwise "nickname [year]" lists those that fit.
    static func search(_ follow: inout FollowUpState, _ state: AppState) -> [Effect] {
        guard let index = follow.index else { return [] }
        let typed = follow.search.trimmingCharacters(in: .whitespaces)
        follow.search = ""
        if let dossier = index.dossier(code: typed) {
            follow.screen = .dossier(dossier.id)
            follow.selection = 0
            return []
        }
        var words = typed.split(separator: " ").map(String.init)
        var year: Int?
        if let last = words.last, last.count == 4, let value = Int(last) {
            year = value
            words.removeLast()
        }
        let found = index.find(nickname: words.joined(separator: " "), birthYear: year)
        if found.count == 1 {
            follow.screen = .dossier(found[0].id)
        } else {
            follow.results = found.map(\.id)
            follow.screen = .results
            follow.message = found.isEmpty ? followUpText(state, "not_found", ["typed": .text(typed)]) : nil
        }
        follow.selection = 0
        return []
    }

    static func newEvent(_ dossier: String, _ action: FollowUpEvent.Action, _ state: AppState) -> FollowUpEvent {
        FollowUpEvent(id: "", dossier: dossier, action: action, day: state.today.description, at: AppDatabase.timestamp(state.now))
    }

    static func changeItem(_ dossier: Dossier, _ index: Int, _ change: ItemChange, _ state: AppState) -> [Effect] {
        guard dossier.items.indices.contains(index) else { return [] }
        let item = dossier.items[index]
        var event = newEvent(dossier.id, .updateItem, state)
        event.itemID = item.id
        event.baseVersion = item.version
        event.change = change
        return [.recordFollowUp(event, opening: nil)]
    }

    /// The answers a dossier keeps: not personal (no name, no free text, no identity), as the visit record keeps them.
    static func sharedAnswers(_ answers: [String: AnswerValue], _ state: AppState) -> [String: AnswerValue] {
        let personal = Set((state.content.questionnaires + [state.mediatorQuestionnaire]).flatMap(\.questions).filter(\.personal).map(\.id))
        let kept = Set(state.content.questionnaires.filter { $0.id != "callback" }.flatMap(\.questions).map(\.id))
        return answers.filter { !personal.contains($0.key) && kept.contains($0.key) }
    }

    static func openDossierForVisit(_ state: inout AppState) -> [Effect] {
        guard let visit = state.mediator.visit else {
            state.followUp.message = followUpText(state, "no_visit_open")
            return []
        }
        guard visit.consent == .share else {
            state.followUp.message = followUpText(state, "no_consent")
            return []
        }
        var nickname = visit.name
        if case .text(let first)? = visit.answers["first_name"] { nickname = first }
        nickname = nickname.trimmingCharacters(in: .whitespaces)
        guard !nickname.isEmpty, nickname != "—" else {
            state.followUp.message = followUpText(state, "no_nickname")
            return []
        }
        var year: Int?
        if case .number(let value)? = visit.answers["birth_year"] { year = Int(value.raw / Fixed4.scale) }
        var commune: String?
        if case .text(let code)? = visit.answers["commune"] { commune = code }
        state.followUp.message = followUpText(state, "opening")
        return [.openDossier(OpenDossier(visitID: visit.visitID, nickname: String(nickname.prefix(FollowUpLimits.nickname)), birthYear: year,
                                         commune: commune ?? state.config.communeCode, language: visit.language,
                                         answers: sharedAnswers(visit.answers, state)))]
    }

    // MARK: View

    static func followUpView(_ state: AppState, _ frame: inout Frame) {
        let follow = state.followUp
        headerBar(followUpText(state, "title"), state.config.placeName, &frame)
        var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: 1)
        let footerKey: String
        switch follow.screen {
        case .unlock: footerKey = "keys_unlock"
        case .start, .results: footerKey = state.mediator.visit == nil ? "keys_start" : "keys_start_visit"
        case .dossier: footerKey = "keys_dossier"
        case .addItem: footerKey = "keys_add"
        }
        let footer = followUpText(state, footerKey)
        let footerHeight = min(2, Paragraph(footer).height(width: area.width))
        Paragraph(footer, style: dim).render(area.rows(area.height - footerHeight, footerHeight), &frame.buffer)
        area = area.rows(0, area.height - footerHeight)
        if let message = follow.message, area.height > 2 {
            Paragraph(message, style: help).render(area.rows(area.height - 1, 1), &frame.buffer)
            area = area.rows(0, area.height - 1)
        }
        var lines: [(String, Style)] = []
        var selectedLine: Int?
        switch follow.screen {
        case .unlock:
            switch follow.status {
            case .none, .unknown: lines.append((followUpText(state, "no_pack"), .plain))
            case .expired(let day): lines.append((followUpText(state, "expired", ["day": .text(dayText(day))]), .plain))
            case .locked(let count, let expires): lines.append((followUpText(state, "locked", ["count": .integer(count), "day": .text(dayText(expires))]), .plain))
            case .open: break
            }
            lines.append(("", .plain))
            lines.append((followUpText(state, "passphrase_prompt"), title))
            lines.append((String(repeating: "●", count: follow.passphrase.count) + "▏", Style(foreground: .brightYellow, bold: true)))
        case .start:
            if let visit = state.mediator.visit {
                lines.append((followUpText(state, "visit_open", ["ticket": .integer(visit.ticket)]), help))
            }
            lines.append((followUpText(state, "search", ["typed": .text(follow.search)]), title))
            var number = 0
            for row in startRows(state) {
                if row.dossier != nil {
                    if number == follow.selection { selectedLine = lines.count }
                    number += 1
                }
                lines.append((row.dossier == nil ? row.text : "  " + row.text, row.dossier == nil ? title : .plain))
            }
        case .results:
            lines.append((followUpText(state, "search", ["typed": .text(follow.search)]), title))
            for (offset, id) in follow.results.enumerated() {
                guard let dossier = follow.index?.dossier(id: id) else { continue }
                if offset == follow.selection { selectedLine = lines.count }
                lines.append(("  " + personLine(dossier, state) + " — " + (state.content.communes.commune(id: dossier.commune ?? "")?.name ?? "—"), .plain))
            }
        case .dossier(let id), .addItem(let id):
            guard let dossier = follow.index?.dossier(id: id) else { break }
            lines.append((personLine(dossier, state), title))
            let commune = dossier.commune.map { state.content.communes.commune(id: $0)?.name ?? $0 } ?? "—"
            lines.append((followUpText(state, "dossier_line", ["commune": .text(commune), "language": .text(state.languageName(dossier.language)),
                                                               "last": .text(dayText(dossier.lastVisit ?? dossier.openedOn))]), .plain))
            if dossier.status == .closed { lines.append((followUpText(state, "closed"), help)) }
            lines.append(("", .plain))
            if dossier.items.isEmpty { lines.append((followUpText(state, "no_items"), .plain)) }
            for (offset, item) in dossier.items.enumerated() {
                if offset == follow.selection, case .dossier = follow.screen { selectedLine = lines.count }
                lines.append(("\(offset + 1). " + itemText(item, state), item.status.isOpen ? .plain : dim))
            }
            if case .addItem = follow.screen {
                lines.append(("", .plain))
                lines.append((followUpText(state, "add_prompt"), title))
                for (offset, kind) in ItemKind.allCases.enumerated() {
                    let label = followUpText(state, "kind.\(kind.rawValue)", ["subject": .text("")]).trimmingCharacters(in: .whitespaces)
                    if offset == follow.itemKind { selectedLine = lines.count }
                    lines.append(("  \(offset + 1). \(label)", .plain))
                }
                lines.append((followUpText(state, "add_words", ["typed": .text(follow.search)]), title))
                let resolved = resolveSubject(ItemKind.allCases[follow.itemKind], follow.search, state)
                if !follow.search.isEmpty {
                    let probe = FollowUpItem(id: "", kind: ItemKind.allCases[follow.itemKind], subject: resolved.subject, partner: resolved.partner)
                    let name = subjectName(probe, "fr", state)
                    lines.append((name.isEmpty ? followUpText(state, "add_note_only") : followUpText(state, "add_names", ["name": .text(name)]), help))
                }
            }
        }
        // Wrapped at word boundaries (never cut), scrolled so that the selection shows.
        let heights = lines.map { max(1, Paragraph($0.0).height(width: area.width)) }
        var first = 0
        if let selectedLine {
            while first < selectedLine, heights[first...selectedLine].reduce(0, +) > area.height { first += 1 }
        }
        var row = 0
        for index in lines.indices.dropFirst(first) where row < area.height {
            var style = lines[index].1
            if index == selectedLine { style = Style(foreground: .black, background: .brightCyan, bold: true) }
            let height = min(heights[index], area.height - row)
            Paragraph(lines[index].0, style: style).render(area.rows(row, height), &frame.buffer)
            row += height
        }
    }
}


/// The slip a person takes home at the end of a follow-up visit: their code, what is still to do, the next permanence
/// here. Built in their language and in French (the sheet prints both), from the catalogue only.
public enum FollowUpSlip {
    public static func sheet(_ dossier: Dossier, language: String, state: AppState) -> InfoSheet {
        let texts = state.content.texts
        func text(_ key: String, _ arguments: [String: MessageArgument] = [:]) -> String { texts.text("followup.slip.\(key)", language, arguments) }
        // Only words of the catalogue and names of the directory: the mediator's notes stay with the team.
        let missing = dossier.openItems.map { item -> String in
            let subject = KioskApp.subjectName(item, language, state)
            return text(subject.isEmpty ? "item.\(item.kind.rawValue).general" : "item.\(item.kind.rawValue)", ["subject": .text(subject)])
        }
        let here = state.config.communeCode
        let next = state.content.calendar.permanences
            .filter { $0.date > state.today && here != nil && ($0.communeCode == here || $0.commune == here) }
            .min { ($0.date, $0.start) < ($1.date, $1.start) }
        let nextLine = next.map { permanence in
            let commune = permanence.commune.isEmpty ? state.content.communes.commune(id: permanence.communeCode)?.name ?? permanence.communeCode : permanence.commune
            return state.ui("ui.permanence.next_here", in: language, ["commune": .text(commune), "place": .text(permanence.place),
                                                                       "date": .text(state.dayAndMonth(permanence.date, in: language)),
                                                                       "start": .text(permanence.start), "end": .text(permanence.end)])
        } ?? state.ui("ui.permanence.none_planned_here", in: language)
        // The code in the sheet's heading, in both languages: what the person shows next time.
        return InfoSheet(title: text("code", ["code": .text(dossier.code)]), intro: [text("title") + " — " + text("keep")],
                         sections: [InfoSheet.Section(heading: text("missing"), lines: missing.isEmpty ? [text("nothing_missing")] : missing, checkBoxes: !missing.isEmpty),
                                    InfoSheet.Section(heading: text("next_heading"), lines: [nextLine])])
    }
}

