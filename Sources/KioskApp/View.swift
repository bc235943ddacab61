import Foundation
import Intake
import KioskStore
import Rights
import Terminal

/// A drawn screen and where each tappable thing is.
public struct Frame: Sendable {
    public var buffer: Buffer
    public var regions: [(rect: Rect, action: Action)]
}

extension KioskApp {
    static let header = Style(foreground: .brightWhite, background: .blue, bold: true)
    static let title = Style(foreground: .brightWhite, bold: true)
    static let help = Style(foreground: .brightCyan)
    static let error = Style(foreground: .brightWhite, background: .red, bold: true)
    static let notice = Style(foreground: .black, background: .brightYellow, bold: true)
    static let dim = Style(foreground: .white)

    /// Draws the state. Pure; any size works, 0×0 included.
    public static func view(_ state: AppState) -> Frame {
        var frame = Frame(buffer: Buffer(width: state.width, height: state.height), regions: [])
        guard state.width > 0, state.height > 0 else { return frame }
        switch state.mode {
        case .visitor: visitorView(state, &frame)
        case .pinEntry: pinView(state, &frame)
        case .mediator: mediatorView(state, &frame)
        }
        if let notice = state.notice {
            let row = frame.buffer.area.rows(max(0, state.height - 1), 1)
            frame.buffer.fill(row, style: notice == "" ? .plain : Self.notice)
            Text(" " + notice, style: Self.notice).render(row, &frame.buffer)
        }
        if let seconds = state.countdown {
            let height = min(state.height, 5)
            let area = Rect(x: 0, y: max(0, (state.height - height) / 2), width: state.width, height: height)
            CountdownBanner(UIText.text(.stillThere, state.language), seconds: seconds).render(area, &frame.buffer)
            frame.regions.append((frame.buffer.area, .stillHere))
        }
        return frame
    }

    static func headerBar(_ left: String, _ right: String, _ frame: inout Frame) {
        let row = frame.buffer.area.rows(0, 1)
        frame.buffer.fill(row, style: header)
        Text(" " + left, style: header).render(row, &frame.buffer)
        Text(right + " ", style: header, alignment: .right).render(Rect(x: row.x + row.width / 2, y: row.y, width: row.width - row.width / 2, height: 1), &frame.buffer)
    }

    /// A row of buttons at the bottom; returns the area above it.
    static func bottomButtons(_ buttons: [(String, Action, Bool)], _ area: Rect, _ frame: inout Frame) -> Rect {
        guard !buttons.isEmpty, !area.isEmpty else { return area }
        let height = area.height >= 18 ? 3 : 1
        let row = area.rows(area.height - height, height)
        let gap = 1
        let width = max(1, (row.width - gap * (buttons.count - 1)) / buttons.count)
        for (index, button) in buttons.enumerated() {
            let rect = Rect(x: row.x + index * (width + gap), y: row.y, width: index == buttons.count - 1 ? row.maxX - (row.x + index * (width + gap)) : width, height: height)
            Button(button.0, highlighted: button.2).render(rect, &frame.buffer)
            frame.regions.append((rect, button.1))
        }
        return area.rows(0, area.height - height - (area.height > height + 4 ? 1 : 0))
    }

    // MARK: Visitor

    static func visitorView(_ state: AppState, _ frame: inout Frame) {
        let language = state.language
        switch state.visitor.phase {
        case .welcome:
            headerBar("Permanence santé — \(state.config.placeName)", "", &frame)
            var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: state.width >= 60 ? 4 : 1)
            let prompt = state.config.languages.prefix(2).map { UIText.text(.chooseLanguage, $0) }.joined(separator: " · ")
            if area.height >= 4 {
                Paragraph(prompt, style: title, alignment: .center).render(area.rows(1, 2), &frame.buffer)
                area = area.dropFirstRows(3)
            }
            let names = state.config.languages.map { KioskLanguages.names[$0] ?? $0 }
            let rowsPerItem = area.height >= names.count * 3 ? 3 : area.height >= names.count * 2 ? 2 : 1
            let list = ChoiceList(names, selected: state.visitor.languageSelection, rowsPerItem: rowsPerItem)
            list.render(area, &frame.buffer)
            for (index, rect) in list.itemRects(area).enumerated() { frame.regions.append((rect, .language(state.config.languages[index]))) }
        case .checkin, .rights:
            guard let flow = state.visitor.flow else { return }
            if state.visitor.saving {
                headerBar(flow.questionnaire.title[language], "", &frame)
                Text(UIText.text(.saving, language), style: title, alignment: .center).render(frame.buffer.area.rows(state.height / 2, 1), &frame.buffer)
                return
            }
            flowView(flow, input: state.visitor.input, selection: state.visitor.selection, checked: state.visitor.checked,
                     error: state.visitor.error, language: language, state: state, &frame)
        case .ticket:
            headerBar("Permanence santé — \(state.config.placeName)", KioskLanguages.names[language] ?? language, &frame)
            var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: 1)
            area = bottomButtons([(UIText.text(.finish, language), .finish, true)], area, &frame)
            Text(UIText.text(.yourNumber, language), style: title, alignment: .center).render(area.rows(1, 1), &frame.buffer)
            let number = state.visitor.ticket ?? 0
            let big = BigDigits.lines(number)
            var row = 2
            let documentRows = checklist(state.visitor.evaluation, language: language).reduce(0) { $0 + Paragraph("□ " + $1).height(width: area.width) }
            if area.height >= 12 + documentRows {
                for line in big {
                    Text(line, style: Style(foreground: .brightYellow, bold: true), alignment: .center).render(area.rows(row, 1), &frame.buffer)
                    row += 1
                }
            } else {
                Text("N° \(number)", style: Style(foreground: .brightYellow, bold: true), alignment: .center).render(area.rows(row, 1), &frame.buffer)
                row += 1
            }
            Paragraph(UIText.text(.pleaseWait, language), style: title, alignment: .center).render(area.rows(row + 1, 2), &frame.buffer)
            row += 3
            let documents = checklist(state.visitor.evaluation, language: language)
            Text(UIText.text(.toBring, language), style: title).render(area.rows(row, 1), &frame.buffer)
            row += 1
            var lines = documents.map { "□ " + $0 }
            if lines.isEmpty { lines = [UIText.text(.nothingToBring, language)] }
            if let next = state.content.calendar.nextPermanence(onOrAfter: state.today.addingDays(1)) {
                lines.append("")
                lines.append(UIText.text(.nextPermanence, language) + " " + String(format: "%02d/%02d", next.date.day, next.date.month) + " \(next.start) — \(next.commune), \(next.place)")
            }
            for line in lines {
                guard row < area.height else { break }
                let height = min(area.height - row, Paragraph(line).height(width: area.width))
                Paragraph(line).render(area.rows(row, height), &frame.buffer)
                row += max(1, height)
            }
        }
    }

    /// The documents to bring, from the rights the visitor may have (French when the visitor's language has none).
    static func checklist(_ evaluation: Evaluation?, language: String) -> [String] {
        guard let evaluation else { return [] }
        let lang: Language = language == "en" ? .en : .fr
        var seen = Set<DocumentToBring>()
        var list: [String] = []
        for right in evaluation.rights where right.verdict != .notEligible && right.form != nil {
            for document in right.documents where seen.insert(document).inserted { list.append(document.text(lang)) }
        }
        return list
    }

    /// A question or the review page of a flow, with its buttons.
    static func flowView(_ flow: Flow, input: String, selection: Int, checked: Set<Int>, error: String?, language: String,
                         state: AppState, headerRight: String? = nil, _ frame: inout Frame) {
        let progress = flow.progress
        let total = progress.answered + progress.remaining
        let position = min(total, progress.answered + (flow.current == nil ? 0 : 1))
        let right = headerRight ?? (flow.current == nil ? UIText.text(.reviewTitle, language) : UIText.text(.questionOf, language, "\(position)", "\(total)"))
        headerBar(flow.questionnaire.title[language], right, &frame)
        if state.height >= 3 {
            ProgressBar(fraction: total == 0 ? 1 : Double(progress.answered) / Double(total)).render(frame.buffer.area.rows(1, 1), &frame.buffer)
        }
        var area = frame.buffer.area.dropFirstRows(state.height >= 3 ? 2 : 1).inset(horizontal: state.width >= 60 ? 2 : 0)
        guard let question = flow.current else {
            area = bottomButtons([(UIText.text(.back, language), .back, false), (UIText.text(.confirm, language), .confirm, true)], area, &frame)
            Text(UIText.text(.reviewTitle, language), style: title).render(area.rows(0, 1), &frame.buffer)
            Text(UIText.text(.reviewHelp, language), style: help).render(area.rows(1, 1), &frame.buffer)
            let list = area.dropFirstRows(2)
            let entries = flow.review
            // Scroll so that the highlighted entry stays visible.
            let first = max(0, min(selection - list.height / 2, entries.count - list.height))
            for (offset, entry) in entries.dropFirst(first).prefix(list.height).enumerated() {
                let index = first + offset
                let rect = list.rows(offset, 1)
                let label = "\(index < 9 ? "\(index + 1)" : " ")  \(entry.question.label[language])"
                let answer = answerText(entry.answer, entry.question, language, state)
                labelAndAnswer(label, answer, rect, selected: index == selection, &frame)
                frame.regions.append((rect, .edit(entry.question.id)))
            }
            return
        }
        var buttons: [(String, Action, Bool)] = [(UIText.text(.back, language), .back, false)]
        if !question.required { buttons.append((UIText.text(.dontKnow, language), .dontKnow, false)) }
        if question.type == .multipleChoice || question.type.isTyped && question.type != .commune {
            buttons.append((UIText.text(.next, language), .next, true))
        } else if !question.required, state.width >= 60 {
            buttons.append((UIText.text(.skip, language), .skip, false))
        }
        area = bottomButtons(buttons, area, &frame)
        if let error, area.height >= 1 {
            let row = area.rows(area.height - 1, 1)
            frame.buffer.fill(row, style: Self.error)
            Text(" " + error, style: Self.error).render(row, &frame.buffer)
            area = area.rows(0, area.height - 1)
        }
        let label = Paragraph(question.label[language], style: title)
        let labelHeight = min(label.height(width: area.width), max(1, area.height / 3))
        label.render(area.rows(0, labelHeight), &frame.buffer)
        var rest = area.dropFirstRows(labelHeight)
        if let helpText = question.help?[language], rest.height >= 6 {
            let paragraph = Paragraph(helpText, style: help)
            let height = min(paragraph.height(width: rest.width), 3)
            paragraph.render(rest.rows(0, height), &frame.buffer)
            rest = rest.dropFirstRows(height)
        }
        rest = rest.dropFirstRows(rest.height >= 8 ? 1 : 0)
        switch question.type {
        case .singleChoice, .yesNo, .multipleChoice:
            let choices = question.displayedChoices
            let rowsPerItem = rest.height >= choices.count * 3 ? 3 : rest.height >= choices.count * 2 ? 2 : 1
            let list = ChoiceList(choices.map { $0.label[language] }, selected: selection,
                                  checked: question.type == .multipleChoice ? checked : nil, rowsPerItem: rowsPerItem)
            list.render(rest, &frame.buffer)
            for (index, rect) in list.itemRects(rest).enumerated() {
                frame.regions.append((rect, question.type == .multipleChoice ? .toggle(index) : .choose(index)))
            }
        case .commune:
            TextField(input).render(rest.rows(0, 1), &frame.buffer)
            let matches = input.isEmpty ? [] : Array(state.content.communes.search(input).prefix(6))
            if !input.isEmpty {
                if matches.isEmpty {
                    Text(UIText.text(.noMatch, language), style: help).render(rest.rows(2, 1), &frame.buffer)
                } else {
                    let listArea = rest.dropFirstRows(2)
                    let list = ChoiceList(matches.map(\.name), selected: selection, rowsPerItem: listArea.height >= matches.count * 2 ? 2 : 1)
                    list.render(listArea, &frame.buffer)
                    for (index, rect) in list.itemRects(listArea).enumerated() { frame.regions.append((rect, .choose(index))) }
                }
            } else {
                Text(UIText.text(.typeHint, language), style: help).render(rest.rows(2, 1), &frame.buffer)
            }
        case .text, .number, .year, .date:
            TextField(input).render(rest.rows(0, 1), &frame.buffer)
            Text(UIText.text(.typeHint, language), style: help).render(rest.rows(2, 1), &frame.buffer)
        }
    }

    // MARK: PIN

    static func pinView(_ state: AppState, _ frame: inout Frame) {
        headerBar("Mode médiateur", state.config.placeName, &frame)
        var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: 1)
        Text("Code du médiateur :", style: title, alignment: .center).render(area.rows(1, 1), &frame.buffer)
        Text(String(repeating: "● ", count: state.pin.entered.count), style: Style(foreground: .brightYellow, bold: true), alignment: .center)
            .render(area.rows(2, 1), &frame.buffer)
        if let message = state.pin.message {
            Paragraph(message, style: Self.error, alignment: .center).render(area.rows(3, 1), &frame.buffer)
        }
        area = area.dropFirstRows(5)
        let keys: [[(String, Action)]] = [
            [("1", .pinKey("1")), ("2", .pinKey("2")), ("3", .pinKey("3"))],
            [("4", .pinKey("4")), ("5", .pinKey("5")), ("6", .pinKey("6"))],
            [("7", .pinKey("7")), ("8", .pinKey("8")), ("9", .pinKey("9"))],
            [("⌫", .pinErase), ("0", .pinKey("0")), ("OK", .pinSubmit)],
            [("Annuler", .pinCancel)],
        ]
        let rowHeight = max(1, min(3, area.height / keys.count))
        let width = min(area.width, 36)
        let left = area.x + (area.width - width) / 2
        for (rowIndex, row) in keys.enumerated() {
            let y = area.y + rowIndex * rowHeight
            guard y < area.maxY else { break }
            let keyWidth = width / row.count
            for (index, key) in row.enumerated() {
                let rect = Rect(x: left + index * keyWidth, y: y, width: keyWidth - 1, height: min(rowHeight, area.maxY - y))
                Button(key.0).render(rect, &frame.buffer)
                frame.regions.append((rect, key.1))
            }
        }
    }

    // MARK: Mediator

    static func mediatorView(_ state: AppState, _ frame: inout Frame) {
        let mediator = state.mediator
        if let editing = mediator.editing {
            flowView(editing, input: mediator.input, selection: mediator.editSelection, checked: mediator.editChecked, error: mediator.error,
                     language: "fr", state: state, headerRight: "Modifier — Échap annule", &frame)
            return
        }
        switch mediator.tab {
        case .queue:
            headerBar("Médiateur — file du jour", state.config.placeName, &frame)
            var area = frame.buffer.area.dropFirstRows(1)
            let footer = "Entrée ouvrir · R actualiser · S synchro · P imprimante · L verrouiller" + (state.config.allowQuit ? " · Q quitter" : "")
            Paragraph(footer, style: dim).render(area.rows(area.height - 1, 1), &frame.buffer)
            area = area.rows(0, area.height - 1)
            let rows = mediator.queue.map { row -> [String] in
                let minutes = max(0, Int(state.now.timeIntervalSince(row.createdAt) / 60))
                return ["\(row.ticket)", row.name, row.reasons.joined(separator: ", "), "\(minutes) min", statusText(row.status)]
            }
            if rows.isEmpty {
                Text("Personne dans la file pour l'instant.", style: help, alignment: .center).render(area.rows(area.height / 2, 1), &frame.buffer)
            }
            let widths = state.width >= 60 ? [4, 14, 30, 8, 12] : [4, 10, 12, 6, 0]
            let table = Table(headers: ["N°", "Prénom", "Motifs", "Attente", "Statut"], rows: rows, widths: widths, selected: mediator.selected)
            table.render(area, &frame.buffer)
            for (index, rect) in table.rowRects(area).enumerated() { frame.regions.append((rect, .openVisit(index))) }
        case .visit:
            guard let visit = mediator.visit else { return }
            headerBar("N° \(visit.ticket) — \(visit.name)", "\(KioskLanguages.names[visit.language] ?? visit.language) · \(statusText(visit.status))", &frame)
            var area = frame.buffer.area.dropFirstRows(1)
            let footer = "↑↓ Entrée modifier · Imprimer: C C2S, A AME, M médecin, U PUMa, K liste, O lettre · X clôturer · Échap file"
            let footerHeight = min(2, Paragraph(footer).height(width: area.width))
            Paragraph(footer, style: dim).render(area.rows(area.height - footerHeight, footerHeight), &frame.buffer)
            area = area.rows(0, area.height - footerHeight)
            let wide = state.width >= 70
            let answersArea = wide ? Rect(x: area.x, y: area.y, width: area.width / 2, height: area.height) : area.rows(0, area.height / 2)
            let rightsArea = wide ? Rect(x: area.x + area.width / 2 + 1, y: area.y, width: area.width - area.width / 2 - 1, height: area.height)
                                  : area.dropFirstRows(area.height / 2)
            let entries = mediatorEntries(state)
            let first = max(0, min(mediator.answerSelection - answersArea.height / 2, entries.count - answersArea.height))
            for (offset, entry) in entries.dropFirst(first).prefix(answersArea.height).enumerated() {
                let index = first + offset
                let rect = answersArea.rows(offset, 1)
                labelAndAnswer(entry.label, entry.answer, rect, selected: index == mediator.answerSelection, &frame)
                frame.regions.append((rect, .selectAnswer(index)))
            }
            var row = 0
            for right in mediator.evaluation?.rights ?? [] where row < rightsArea.height {
                let verdictStyle: Style = right.verdict == .eligible ? Style(foreground: .brightGreen, bold: true)
                    : right.verdict == .needsReview ? Style(foreground: .brightYellow, bold: true) : Style(foreground: .brightRed, bold: true)
                var heading = "\(shortName(right.right)) : \(right.verdict.text(.fr))"
                if let participation = right.monthlyParticipation, participation > 0 { heading += " (\(MoneyFormat.euros(participation, .fr))/mois)" }
                Text(heading, style: verdictStyle).render(rightsArea.rows(row, 1), &frame.buffer)
                row += 1
                for reason in right.reasons where row < rightsArea.height {
                    let paragraph = Paragraph("  " + reason.text(.fr), style: dim)
                    let height = min(2, paragraph.height(width: rightsArea.width), rightsArea.height - row)
                    paragraph.render(rightsArea.rows(row, height), &frame.buffer)
                    row += height
                }
            }
            if !visit.printJobs.isEmpty, row < rightsArea.height {
                let paragraph = Paragraph("Impressions : " + visit.printJobs.joined(separator: " · "), style: Style(foreground: .brightCyan))
                let height = min(2, paragraph.height(width: rightsArea.width), rightsArea.height - row)
                paragraph.render(rightsArea.rows(row, height), &frame.buffer)
                row += height
            }
            for warning in mediator.evaluation?.warnings ?? [] where row < rightsArea.height {
                let paragraph = Paragraph("! " + warning.text(.fr), style: Style(foreground: .brightYellow))
                let height = min(2, paragraph.height(width: rightsArea.width), rightsArea.height - row)
                paragraph.render(rightsArea.rows(row, height), &frame.buffer)
                row += height
            }
        case .sync, .printer:
            let isSync = mediator.tab == .sync
            headerBar(isSync ? "Médiateur — synchronisation" : "Médiateur — imprimantes", state.config.placeName, &frame)
            var area = frame.buffer.area.dropFirstRows(2).inset(horizontal: 1)
            area = bottomButtons(isSync ? [("Échap retour", .mediatorScreen(.queue), false), ("N Synchroniser maintenant", .syncNow, true)]
                                        : [("Échap retour", .mediatorScreen(.queue), false)], area, &frame)
            var row = 0
            for line in isSync ? mediator.syncInfo : mediator.printerInfo where row < area.height {
                let height = min(Paragraph(line).height(width: area.width), area.height - row)
                Paragraph(line).render(area.rows(row, height), &frame.buffer)
                row += max(1, height)
            }
        }
    }

    /// A label on the left and its answer on the right of one row; each gets at most its share.
    static func labelAndAnswer(_ label: String, _ answer: String, _ rect: Rect, selected: Bool, _ frame: inout Frame) {
        let style = selected ? notice : Style.plain
        if selected { frame.buffer.fill(rect, style: style) }
        let answerWidth = min(answer.displayWidth, rect.width / 2)
        let answerRect = Rect(x: rect.maxX - answerWidth, y: rect.y, width: answerWidth, height: 1)
        Text(label, style: style).render(Rect(x: rect.x, y: rect.y, width: rect.width - answerWidth - 1, height: 1), &frame.buffer)
        Text(answer, style: selected ? style : Style(foreground: .brightGreen, bold: true), alignment: .right).render(answerRect, &frame.buffer)
    }

    static func shortName(_ right: RightKind) -> String {
        switch right {
        case .puma: return "PUMa"
        case .c2s: return "C2S"
        case .ame: return "AME"
        case .medecinTraitant: return "Médecin traitant"
        }
    }

    static func statusText(_ status: VisitStatus) -> String {
        switch status {
        case .open: return "au kiosque"
        case .waiting: return "attend"
        case .withMediator: return "avec médiateur"
        case .closed: return "terminé"
        }
    }
}


extension LocalDate {
    func addingDays(_ days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }
}
