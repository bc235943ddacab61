import Documents
import Intake
import Rights

/// What a visitor alone at the box can read, and print, between permanences (pure: built from the state's content,
/// evaluation and time). Each sheet is built in a language from the text catalogue; the print has it in French and in
/// the visitor's language, line for line.
public enum SelfHelpSheet: Sendable, Equatable {
    /// The result of "check my rights": what the visitor is probably entitled to, what to bring, where to go.
    case rights
    /// The usual papers of a first request for one right.
    case papers(RightKind)
    /// The places to get care, open now first.
    case places
}

/// The choices of the screen after the language: check in (or leave a request), or help oneself.
public enum HomeChoice: String, Sendable, Equatable, CaseIterable {
    case checkin, rights, papers, places, callback, urgent
}

extension AppState {
    /// The rights a visitor can pick for "print the papers to bring".
    static let paperRights: [RightKind] = [.puma, .c2s, .ame, .medecinTraitant]

    /// The catalogue key of a choice of the screen after the language: check in reads "leave a request for the next
    /// one" when the team does not come today.
    func homeKey(_ choice: HomeChoice) -> String {
        switch (choice, permanenceToday) {
        case (.checkin, .onNow), (.checkin, .laterToday), (.rights, _), (.papers, _), (.places, _), (.callback, _), (.urgent, _):
            return "ui.home.\(choice.rawValue)"
        case (.checkin, _): return "ui.home.leave_request"
        }
    }

    /// A sheet in a language.
    public func sheet(_ kind: SelfHelpSheet, in language: String) -> InfoSheet {
        switch kind {
        case .rights: return rightsSheet(in: language)
        case .papers(let right): return papersSheet(right, in: language)
        case .places: return placesSheet(in: language)
        }
    }

    func rightsSheet(in language: String) -> InfoSheet {
        let texts = content.texts
        var likely: [String] = [], have: [String] = [], toCheck: [String] = []
        let evaluation = visitor.evaluation
        for right in evaluation?.rights ?? [] {
            let name = texts.render(right.right.message, language)
            switch (right.verdict, right.variant) {
            case (.eligible, .alreadyCovered?), (.eligible, .declared?): have.append(name)
            case (.eligible, .free?): likely.append(ui("ui.alone.rights.free", in: language, ["right": .text(name)]))
            case (.eligible, .participation?): likely.append(ui("ui.alone.rights.participation", in: language, ["right": .text(name)]))
            case (.eligible, _): likely.append(name)
            case (.needsReview, _): toCheck.append(name)
            case (.notEligible, _): break
            }
        }
        var sections: [InfoSheet.Section] = []
        if !likely.isEmpty { sections.append(.init(heading: ui("ui.alone.rights.likely", in: language), lines: likely)) }
        if !have.isEmpty { sections.append(.init(heading: ui("ui.alone.rights.have", in: language), lines: have)) }
        if !toCheck.isEmpty { sections.append(.init(heading: ui("ui.alone.rights.to_check", in: language), lines: toCheck)) }
        if sections.isEmpty { sections.append(.init(heading: ui("ui.alone.rights.none", in: language), lines: [])) }
        let papers = KioskApp.checklist(evaluation, language: language, texts: texts)
        if !papers.isEmpty { sections.append(.init(heading: ui("ui.to_bring", in: language), lines: papers, checkBoxes: true)) }
        // Where to go: the places for the orientations the evaluation gives, and the team's next coming here.
        var kinds: [PartnerService.Kind] = []
        if !likely.isEmpty || !toCheck.isEmpty { kinds += [.cpam, .socialServices] }
        for orientation in evaluation?.orientations ?? [] {
            switch orientation {
            case .cpam: kinds.append(.cpam)
            case .pass: kinds.append(.pass)
            case .medecinsSolidaires: kinds += [.medecinsSolidaires, .healthCentre]
            }
        }
        sections += whereToGo(kinds, in: language)
        return InfoSheet(title: ui("ui.alone.rights.title", in: language), intro: [ui("ui.alone.rights.intro", in: language)], sections: sections)
    }

    func papersSheet(_ right: RightKind, in language: String) -> InfoSheet {
        let texts = content.texts
        let papers = RightsEngine.usualDocuments(for: right).map { texts.render($0.message, language) }
        var sections = [InfoSheet.Section(heading: ui("ui.to_bring", in: language), lines: papers, checkBoxes: true)]
        let kinds: [PartnerService.Kind] = right == .medecinTraitant ? [.medecinsSolidaires, .healthCentre] : [.cpam, .socialServices]
        sections += whereToGo(kinds, in: language)
        return InfoSheet(title: ui("ui.alone.papers.title", in: language, ["right": .text(texts.render(right.message, language))]),
                         intro: [ui("ui.alone.papers.intro", in: language)], sections: sections)
    }

    func placesSheet(in language: String) -> InfoSheet {
        let places = orderedPlaces(content.services)
        let known = permanenceToday != .dateUnknown
        var open: [String] = [], closed: [String] = []
        for service in places {
            let line = placeLine(service, in: language)
            if known, case .open = OpeningHours.status(service.openingHours, on: today, minute: minutesOfDay) { open.append(line) } else { closed.append(line) }
        }
        var sections: [InfoSheet.Section] = []
        if known {
            if !open.isEmpty { sections.append(.init(heading: ui("ui.alone.places.open_now", in: language, ["time": .text(KioskApp.clockTime(now))]), lines: open)) }
            if !closed.isEmpty { sections.append(.init(heading: ui("ui.alone.places.closed_now", in: language), lines: closed)) }
        } else {
            sections.append(.init(heading: ui("ui.alone.places.all", in: language), lines: closed))
        }
        sections.append(.init(heading: ui("ui.urgent.title", in: language), lines: ["n15", "n112", "n114", "n116117", "n3114"].map { ui("ui.urgent.\($0)", in: language) }))
        return InfoSheet(title: ui("ui.alone.places.title", in: language), intro: [ui("ui.alone.places.intro", in: language)], sections: sections)
    }

    /// The places of these kinds (in the directory's order of nearness), then the team's coming here.
    func whereToGo(_ kinds: [PartnerService.Kind], in language: String) -> [InfoSheet.Section] {
        let services = orderedPlaces(content.services.filter { kinds.contains($0.kind) })
        var sections: [InfoSheet.Section] = []
        if !services.isEmpty { sections.append(.init(heading: ui("ui.alone.where", in: language), lines: services.map { placeLine($0, in: language) })) }
        sections.append(.init(heading: ui("ui.alone.team", in: language), lines: permanenceLines(in: language)))
        return sections
    }

    /// Places nearest first (kilometres from this box's village to the place's commune, as the crow flies); places in
    /// a commune of unknown position (named only, outside the territory's list) after them; at the same distance,
    /// open now first, then by name.
    func orderedPlaces(_ services: [PartnerService]) -> [PartnerService] {
        let known = permanenceToday != .dateUnknown
        let distances = distancesFromHere
        func km(_ service: PartnerService) -> Double {
            if let here = config.communeCode, !here.isEmpty, service.communeCode == here { return 0 }
            return distances[service.communeCode.isEmpty ? service.commune : service.communeCode] ?? (service.communeCode.isEmpty ? .infinity : 10_000)
        }
        func isOpen(_ service: PartnerService) -> Bool {
            guard known, case .open = OpeningHours.status(service.openingHours, on: today, minute: minutesOfDay) else { return false }
            return true
        }
        return services.sorted {
            (km($0), isOpen($0) ? 0 : 1, $0.name) < (km($1), isOpen($1) ? 0 : 1, $1.name)
        }
    }

    /// "Hospital access to care (PASS): name, address, commune. Tel. 04 … — Open now, until 16:30." in a language.
    func placeLine(_ service: PartnerService, in language: String) -> String {
        let commune = service.commune.isEmpty ? content.communes.commune(id: service.communeCode)?.name ?? "" : service.commune
        let km = distancesFromHere[service.communeCode.isEmpty ? service.commune : service.communeCode]
        var line = ui("ui.place.line", in: language, ["kind": .text(ui("ui.place.kind.\(service.kind.rawValue)", in: language)),
                                                        "name": .text(service.name), "address": .text(service.address),
                                                        "commune": .text(withDistance(commune, km, in: language)), "phone": .text(service.phone)])
        line += " " + placeStatus(service, in: language)
        if let conditions = service.accessConditions.values[language] { line += " " + conditions }
        return line
    }

    /// Open until when, or when it opens next, at the box's time; "call first" when the box does not know the date.
    func placeStatus(_ service: PartnerService, in language: String) -> String {
        guard permanenceToday != .dateUnknown else { return ui("ui.place.call_first", in: language) }
        func time(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
        switch OpeningHours.status(service.openingHours, on: today, minute: minutesOfDay) {
        case .open(let until): return ui("ui.place.open_until", in: language, ["time": .text(time(until))])
        case .closed(let opens?) where opens.dayOffset == 0: return ui("ui.place.opens_today", in: language, ["time": .text(time(opens.minute))])
        case .closed(let opens?) where opens.dayOffset == 1: return ui("ui.place.opens_tomorrow", in: language, ["time": .text(time(opens.minute))])
        case .closed(let opens?):
            let day = today.addingDays(opens.dayOffset)
            return ui("ui.place.opens_on", in: language, ["weekday": .text(ui("ui.weekday.\(day.isoWeekday)", in: language)), "time": .text(time(opens.minute))])
        case .closed(nil): return ui("ui.place.closed_week", in: language)
        }
    }
}
