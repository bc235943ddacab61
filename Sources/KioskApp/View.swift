import Documents
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
        // Once a visitor has chosen Arabic or Dari, their screens read right to left: text from the right, Back on the
        // right and Continue on the left, progress from the right. The welcome screen is the box's (French first).
        if state.mode == .visitor, state.visitor.phase != .welcome, state.content.texts.language(state.language)?.rightToLeft == true {
            frame.buffer.direction = .rightToLeft
        }
        switch state.mode {
        case .visitor: visitorView(state, &frame)
        case .pinEntry: pinView(state, &frame)
        case .mediator: mediatorView(state, &frame)
        }
        if let notice = state.notice, !notice.isEmpty {
            // At the bottom, wrapped over the rows it needs (at most a third of the screen), never cut.
            let height = noticeHeight(state)
            let rows = frame.buffer.area.rows(max(0, state.height - height), height)
            frame.buffer.fill(rows, style: Self.notice)
            Paragraph(" " + notice, style: Self.notice).render(rows, &frame.buffer)
        }
        if let seconds = state.countdown {
            let height = min(state.height, 5)
            let area = Rect(x: 0, y: max(0, (state.height - height) / 2), width: state.width, height: height)
            CountdownBanner(state.ui("ui.still_there", in: state.language), seconds: seconds).render(area, &frame.buffer)
            frame.regions.append((frame.buffer.area, .stillHere))
        }
        return frame
    }

    /// The rows the notice takes at the bottom (0 without one); the visit screen keeps its keys above them.
    static func noticeHeight(_ state: AppState) -> Int {
        guard let notice = state.notice, !notice.isEmpty else { return 0 }
        return max(1, min(Paragraph(" " + notice).height(width: state.width), max(1, state.height / 3)))
    }

    /// The top bar: a title on the left, a status on the right. The status is kept whole; a title that does not fit
    /// beside it loses whole words from its end (shown "…"), never letters.
    static func headerBar(_ left: String, _ right: String, _ frame: inout Frame) {
        let row = frame.buffer.area.rows(0, 1)
        frame.buffer.fill(row, style: header)
        let rightText = right.isEmpty ? "" : right + " "
        let rightWidth = min(rightText.displayWidth, row.width)
        // Right to left, the title starts on the right and the status stands on the left (Text mirrors the alignment).
        let mirrored = frame.buffer.direction == .rightToLeft
        Text(rightText, style: header, alignment: .right).render(Rect(x: mirrored ? row.x : row.maxX - rightWidth, y: row.y, width: rightWidth, height: 1), &frame.buffer)
        let room = row.width - rightWidth - (rightWidth > 0 ? 2 : 0)
        var words = left.split(separator: " ").map(String.init)
        var title = " " + words.joined(separator: " ")
        while title.displayWidth > room, !words.isEmpty {
            words.removeLast()
            title = words.isEmpty ? "" : " " + words.joined(separator: " ") + " …"
        }
        if title.displayWidth <= room { Text(title, style: header).render(Rect(x: mirrored ? row.maxX - room : row.x, y: row.y, width: room, height: 1), &frame.buffer) }
    }

    /// A row of buttons at the bottom; returns the area above it. When the labels do not fit side by side on a
    /// narrow screen, the buttons are stacked, one row each, so that no label is cut.
    static func bottomButtons(_ buttons: [(String, Action, Bool)], _ area: Rect, _ frame: inout Frame) -> Rect {
        guard !buttons.isEmpty, !area.isEmpty else { return area }
        let height = area.height >= 18 ? 3 : 1
        let gap = 1
        let sideBySide = max(1, (area.width - gap * (buttons.count - 1)) / buttons.count)
        let labelRoom = height == 3 ? sideBySide - 4 : sideBySide
        if buttons.count > 1, buttons.contains(where: { $0.0.displayWidth > labelRoom }), area.height >= buttons.count + 3 {
            for (index, button) in buttons.enumerated() {
                let rect = area.rows(area.height - buttons.count + index, 1)
                Button(button.0, highlighted: button.2).render(rect, &frame.buffer)
                frame.regions.append((rect, button.1))
            }
            return area.rows(0, area.height - buttons.count)
        }
        let row = area.rows(area.height - height, height)
        for (index, button) in buttons.enumerated() {
            var rect = Rect(x: row.x + index * (sideBySide + gap), y: row.y,
                            width: index == buttons.count - 1 ? row.maxX - (row.x + index * (sideBySide + gap)) : sideBySide, height: height)
            // Right to left, the row is mirrored: Back on the right, Continue on the left.
            if frame.buffer.direction == .rightToLeft { rect.x = row.x + row.maxX - rect.maxX }
            Button(button.0, highlighted: button.2).render(rect, &frame.buffer)
            frame.regions.append((rect, button.1))
        }
        return area.rows(0, area.height - height - (area.height > height + 4 ? 1 : 0))
    }

    // MARK: Visitor

    /// The Listen target (F1), first of a screen's buttons, where this language can be read aloud; while reading it says
    /// so (any key stops).
    static func listenButton(_ state: AppState) -> [(String, Action, Bool)] {
        if state.visitor.phase == .welcome, !state.visitor.showingUrgent {
            guard state.canListenToLanguages else { return [] }
            let key = state.visitor.speaking ? "ui.speaking" : "ui.listen"
            let label = state.config.languages.filter(state.config.speech.languages.contains).prefix(2).map { state.ui(key, in: $0) }
            return [(Array(NSOrderedSet(array: label)).compactMap { $0 as? String }.joined(separator: " · "), .listen, false)]
        }
        guard state.canListen else { return [] }
        return [(state.ui(state.visitor.speaking ? "ui.speaking" : "ui.listen", in: state.language), .listen, false)]
    }

    /// Below this size a visitor screen cannot show a question with its answers and buttons.
    static let smallest = (width: 30, height: 10)

    static func visitorView(_ state: AppState, _ frame: inout Frame) {
        let language = state.language
        if state.width < smallest.width || state.height < smallest.height {
            // Said plainly, in the visitor's language (and French), rather than a screen with pieces missing.
            let message = state.ui("ui.screen_too_small", in: language) + (language == "fr" ? "" : "\n" + state.ui("ui.screen_too_small", in: "fr"))
            Paragraph(message, style: title, alignment: .center).render(frame.buffer.area, &frame.buffer)
            return
        }
        if state.visitor.showingUrgent {
            urgentView(state, &frame)
            return
        }
        switch state.visitor.phase {
        case .welcome:
            headerBar("\(state.ui("ui.title", in: "fr")) — \(state.config.placeName)", "", &frame)
            var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: state.width >= 60 ? 4 : 1)
            area = bottomButtons(listenButton(state), area, &frame)
            let prompt = state.config.languages.prefix(2).map { state.ui("ui.choose_language", in: $0) }.joined(separator: " · ")
            let promptHeight = Paragraph(prompt).height(width: area.width)
            if area.height >= promptHeight + 3 {
                Paragraph(prompt, style: title, alignment: .center).render(area.rows(1, promptHeight), &frame.buffer)
                area = area.dropFirstRows(promptHeight + 2)
            }
            // When the team comes: at the bottom, in the box's first two languages (the visitor has not chosen yet).
            let calendarText = state.config.languages.prefix(2).map { state.permanenceLines(in: $0).joined(separator: " ") }.joined(separator: "\n")
            let calendarHeight = min(Paragraph(calendarText).height(width: area.width), max(0, area.height - state.config.languages.count - 1))
            if calendarHeight > 0 {
                Paragraph(calendarText, style: help).render(area.rows(area.height - calendarHeight, calendarHeight), &frame.buffer)
                area = area.rows(0, area.height - calendarHeight - 1)
            }
            let names = state.config.languages.map { state.languageName($0) }
            let list = ChoiceList(names, selected: state.visitor.languageSelection, rowsPerItem: ChoiceList.rowsPerItem(names, fitting: area))
            list.render(area, &frame.buffer)
            for (index, rect) in list.itemRects(area).enumerated() { frame.regions.append((rect, .language(state.config.languages[index]))) }
        case .home:
            homeView(state, &frame)
        case .papersChoice:
            let names = AppState.paperRights.map { state.content.texts.render($0.message, language) }
            choiceScreen(state.ui("ui.papers.choose", in: language), names, actions: AppState.paperRights.map { .papersFor($0) }, state, &frame)
        case .sheet(let kind):
            sheetView(state.sheet(kind, in: language), state, &frame)
        case .callbackSent:
            headerBar(state.ui("ui.home.callback", in: language), state.languageName(language), &frame)
            var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: state.width >= 60 ? 2 : 0)
            area = bottomButtons(listenButton(state) + [(state.ui("ui.finish", in: language), .finish, true)], area, &frame)
            let lines = ([state.ui("ui.callback.sent", in: language), ""] + state.permanenceLines(in: language)).flatMap { text -> [(String, Style)] in
                text.isEmpty ? [("", .plain)] : wrap(text, width: max(1, area.width - 2)).map { ($0, title) }
            }
            scrolledLines(lines, area.dropFirstRows(area.height > lines.count + 1 ? 1 : 0), first: state.visitor.scroll, &frame)
        case .checkin, .rights, .selfCheck, .callback:
            guard let flow = state.visitor.flow else { return }
            if state.visitor.saving {
                headerBar(flow.questionnaire.title[language], "", &frame)
                Text(state.ui("ui.saving", in: language), style: title, alignment: .center).render(frame.buffer.area.rows(state.height / 2, 1), &frame.buffer)
                return
            }
            flowView(flow, input: state.visitor.input, cursor: state.visitor.cursor, selection: state.visitor.selection, checked: state.visitor.checked,
                     error: state.visitor.error, language: language, state: state, &frame)
        case .ticket:
            headerBar("\(state.ui("ui.title", in: language)) — \(state.config.placeName)", state.languageName(language), &frame)
            var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: 1)
            area = bottomButtons(listenButton(state) + [(state.ui("ui.finish", in: language), .finish, true)], area, &frame)
            let number = state.visitor.ticket ?? 0
            // Everything below the number, as wrapped paragraphs; what does not fit scrolls (↑↓), with a marker.
            // Seated and called soon only while the team is here; otherwise when it comes (calendar-aware).
            var paragraphs: [(String, Style)]
            if case .onNow = state.permanenceToday {
                paragraphs = [(state.ui("ui.please_wait", in: language), title)]
            } else {
                paragraphs = state.permanenceLines(in: language).map { ($0, title) } + [(state.ui("ui.permanence.request_kept", in: language), .plain)]
            }
            paragraphs += [("", .plain), (state.ui("ui.to_bring", in: language), title)]
            let documents = checklist(state.visitor.evaluation, language: language, texts: state.content.texts)
            paragraphs += documents.isEmpty ? [(state.ui("ui.nothing_to_bring", in: language), .plain)] : documents.map { ("☐ " + $0, .plain) }
            var lines: [(String, Style)] = []
            for (text, style) in paragraphs {
                if text.isEmpty { lines.append(("", style)); continue }
                lines += wrap(text, width: area.width).map { ($0, style) }
            }
            let big = BigDigits.lines(number)
            var row = 0
            if area.height >= lines.count + big.count + 2 {
                Text(state.ui("ui.your_number", in: language), style: title, alignment: .center).render(area.rows(0, 1), &frame.buffer)
                for (offset, line) in big.enumerated() {
                    Text(line, style: Style(foreground: .brightYellow, bold: true), alignment: .center).render(area.rows(1 + offset, 1), &frame.buffer)
                }
                row = big.count + 2
            } else {
                Paragraph("\(state.ui("ui.your_number", in: language)) : \(number)", style: Style(foreground: .brightYellow, bold: true), alignment: .center)
                    .render(area.rows(0, 1), &frame.buffer)
                row = 2
            }
            let room = max(0, area.height - row)
            let scrolls = lines.count > room
            let visible = max(0, room - (scrolls ? 1 : 0))
            let first = scrolls ? min(state.visitor.scroll, max(0, lines.count - visible)) : 0
            for (offset, line) in lines.dropFirst(first).prefix(visible).enumerated() {
                Text(line.0, style: line.1).render(area.rows(row + offset, 1), &frame.buffer)
            }
            if scrolls {
                let marker = first + visible < lines.count ? state.ui("ui.more_below", in: language) : "▲"
                Text(marker, style: help, alignment: .right).render(area.rows(area.height - 1, 1), &frame.buffer)
            }
        }
    }

    /// After the language: check in (or leave a request when the team is not here today), or what a visitor can do
    /// alone; when the team comes, at the bottom.
    static func homeView(_ state: AppState, _ frame: inout Frame) {
        let language = state.language
        let labels = KioskApp.homeChoices(state).map { state.ui(state.homeKey($0), in: language) }
        choiceScreen(state.ui("ui.home.title", in: language), labels, actions: KioskApp.homeChoices(state).map { .home($0) }, state, &frame,
                     back: .finish, footer: state.permanenceLines(in: language).joined(separator: " "))
    }

    /// A title, a list of big choices (digits, ↑↓, taps), Back at the bottom; an optional paragraph under the list.
    static func choiceScreen(_ heading: String, _ labels: [String], actions: [Action], _ state: AppState, _ frame: inout Frame,
                             back: Action = .backHome, footer: String = "") {
        let language = state.language
        headerBar("\(state.ui("ui.title", in: language)) — \(state.config.placeName)", state.languageName(language), &frame)
        var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: state.width >= 60 ? 2 : 0)
        area = area.rows(0, max(0, area.height - noticeHeight(state)))
        area = bottomButtons([(state.ui("ui.back", in: language), back, false)] + listenButton(state), area, &frame)
        let headingHeight = Paragraph(heading).height(width: area.width)
        if area.height >= headingHeight + labels.count + 1 {
            Paragraph(heading, style: title).render(area.rows(0, headingHeight), &frame.buffer)
            area = area.dropFirstRows(headingHeight + 1)
        }
        let footerHeight = footer.isEmpty ? 0 : min(Paragraph(footer).height(width: area.width), max(0, area.height - labels.count - 1))
        if footerHeight > 0 {
            Paragraph(footer, style: help).render(area.rows(area.height - footerHeight, footerHeight), &frame.buffer)
            area = area.rows(0, area.height - footerHeight - 1)
        }
        let list = ChoiceList(labels, selected: state.visitor.selection, rowsPerItem: ChoiceList.rowsPerItem(labels, fitting: area))
        list.render(area, &frame.buffer)
        for (index, rect) in list.itemRects(area).enumerated() where actions.indices.contains(index) { frame.regions.append((rect, actions[index])) }
    }

    /// A sheet to read (scrolled with ↑↓), with Print and Back.
    static func sheetView(_ sheet: InfoSheet, _ state: AppState, _ frame: inout Frame) {
        let language = state.language
        headerBar(sheet.title, state.languageName(language), &frame)
        var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: state.width >= 60 ? 2 : 0)
        // "Printing…", "printed", "not printed": the notice takes the bottom rows, the buttons stay above it.
        area = area.rows(0, max(0, area.height - noticeHeight(state)))
        area = bottomButtons([(state.ui("ui.back", in: language), .backHome, false)] + listenButton(state)
                             + [(state.ui("ui.sheet.print", in: language), .printSheet, true)], area, &frame)
        let width = max(1, area.width - 2)
        var lines: [(String, Style)] = []
        for paragraph in sheet.intro { lines += wrap(paragraph, width: width).map { ($0, help) } }
        for section in sheet.sections {
            lines.append(("", .plain))
            lines += wrap(section.heading, width: width).map { ($0, title) }
            for line in section.lines {
                // The mark, then the text; its following rows under the text, not under the mark.
                let rows = wrap(line, width: max(1, width - 2))
                lines += rows.enumerated().map { ((($0.offset == 0) ? (section.checkBoxes ? "☐ " : "• ") : "  ") + $0.element, Style.plain) }
            }
        }
        scrolledLines(lines, area, first: state.visitor.scroll, &frame)
    }

    /// "I need care now": the numbers to call and the PASS, in the visitor's language, before the check-in goes on.
    static func urgentView(_ state: AppState, _ frame: inout Frame) {
        let language = state.language
        headerBar(state.ui("ui.urgent.title", in: language), state.languageName(language), &frame)
        var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: state.width >= 60 ? 2 : 0)
        area = bottomButtons(listenButton(state) + [(state.ui("ui.urgent.continue", in: language), .dismissUrgent, true)], area, &frame)
        var paragraphs: [(String, Style)] = ["n15", "n112", "n114", "n116117", "n3114"].map {
            (state.ui("ui.urgent.\($0)", in: language), Style(foreground: .brightWhite, bold: true))
        }
        if let pass = state.content.services.first(where: { $0.kind == .pass }) {
            let commune = pass.commune.isEmpty ? state.content.communes.commune(id: pass.communeCode)?.name ?? "" : pass.commune
            // With its hours at the box's time: open until…, or when it opens (or "phone for the hours" when the date is unknown).
            paragraphs.append((state.ui("ui.urgent.pass", in: language, ["name": .text(pass.name), "commune": .text(commune), "phone": .text(pass.phone)])
                               + " " + state.placeStatus(pass, in: language), Style(foreground: .brightCyan)))
        }
        paragraphs.append((state.ui("ui.urgent.first", in: language), Style(foreground: .brightYellow, bold: true)))
        var lines: [(String, Style)] = []
        for (index, paragraph) in paragraphs.enumerated() {
            if index > 0, area.height >= 16 { lines.append(("", .plain)) }
            lines += wrap(paragraph.0, width: max(1, area.width - 2)).map { ($0, paragraph.1) }
        }
        scrolledLines(lines, area.dropFirstRows(area.height > lines.count + 1 ? 1 : 0), first: state.visitor.scroll, &frame)
    }

    /// The documents to bring, from the rights the visitor may have, in the visitor's language (the catalogue's `document.…`).
    static func checklist(_ evaluation: Evaluation?, language: String, texts: TextCatalogue) -> [String] {
        guard let evaluation else { return [] }
        var seen = Set<DocumentToBring>()
        var list: [String] = []
        for right in evaluation.rights where right.verdict != .notEligible && right.form != nil {
            for document in right.documents where seen.insert(document).inserted { list.append(texts.render(document.message, language)) }
        }
        return list
    }

    /// A question or the review page of a flow, with its buttons.
    static func flowView(_ flow: Flow, input: String, cursor: Int? = nil, selection: Int, checked: Set<Int>, error: String?, language: String,
                         state: AppState, headerRight: String? = nil, _ frame: inout Frame) {
        let progress = flow.progress
        let total = progress.answered + progress.remaining
        let position = min(total, progress.answered + (flow.current == nil ? 0 : 1))
        let right = headerRight ?? (flow.current == nil ? state.ui("ui.review_title", in: language) : state.ui("ui.question_of", in: language, ["position": .integer(position), "total": .integer(total)]))
        headerBar(flow.questionnaire.title[language], right, &frame)
        if state.height >= 3 {
            ProgressBar(fraction: total == 0 ? 1 : Double(progress.answered) / Double(total)).render(frame.buffer.area.rows(1, 1), &frame.buffer)
        }
        var area = frame.buffer.area.dropFirstRows(state.height >= 3 ? 2 : 1).inset(horizontal: state.width >= 60 ? 2 : 0)
        guard let question = flow.current else {
            area = bottomButtons([(state.ui("ui.back", in: language), .back, false)] + listenButton(state)
                                 + [(state.ui("ui.confirm", in: language), .confirm, true)], area, &frame)
            Text(state.ui("ui.review_title", in: language), style: title).render(area.rows(0, 1), &frame.buffer)
            Paragraph(state.ui("ui.review_help", in: language), style: help).render(area.rows(1, 2), &frame.buffer)
            let helpHeight = min(2, Paragraph(state.ui("ui.review_help", in: language)).height(width: area.width))
            let list = area.dropFirstRows(1 + helpHeight)
            let entries = flow.review.enumerated().map { index, entry in
                ("\(index < 9 ? "\(index + 1)" : " ")  \(entry.question.label[language])", answerText(entry.answer, entry.question, language, state))
            }
            reviewRows(entries, list, selected: selection, &frame) { .edit(flow.review[$0].question.id) }
            return
        }
        var buttons: [(String, Action, Bool)] = [(state.ui("ui.back", in: language), .back, false)] + listenButton(state)
        if !question.required { buttons.append((state.ui("ui.dont_know", in: language), .dontKnow, false)) }
        if question.type == .multipleChoice || question.type.isTyped && question.type != .commune {
            buttons.append((state.ui("ui.next", in: language), .next, true))
        } else if !question.required, state.width >= 60 {
            buttons.append((state.ui("ui.skip", in: language), .skip, false))
        }
        area = bottomButtons(buttons, area, &frame)
        if let error, area.height >= 1 {
            // The whole message, wrapped (it names what to write: numbers included).
            let height = min(max(1, area.height / 3), Paragraph(" " + error).height(width: area.width))
            let rows = area.rows(area.height - height, height)
            frame.buffer.fill(rows, style: Self.error)
            Paragraph(" " + error, style: Self.error).render(rows, &frame.buffer)
            area = area.rows(0, area.height - height)
        }
        let label = Paragraph(question.label[language], style: title)
        // The question gets the rows it needs, leaving at least two for the answers.
        let labelHeight = min(label.height(width: area.width), max(1, area.height - 2))
        label.render(area.rows(0, labelHeight), &frame.buffer)
        var rest = area.dropFirstRows(labelHeight)
        let choiceTexts = question.displayedChoices.map { $0.label[language] }
        let answersNeed = question.type.isTyped ? 3 : ChoiceList(choiceTexts, checked: question.type == .multipleChoice ? checked : nil).totalHeight(width: rest.width)
        if let helpText = question.help?[language] {
            let paragraph = Paragraph(helpText, style: help)
            let height = paragraph.height(width: rest.width)
            if rest.height - height >= answersNeed {
                paragraph.render(rest.rows(0, height), &frame.buffer)
                rest = rest.dropFirstRows(height)
            }
        }
        // Plain words for the terms of this screen (AME, CAF, foyer…), when there is room for all of them.
        let glossary = state.content.texts.glossary(for: [question.label[language], question.help?[language] ?? ""] + choiceTexts, language)
        if !glossary.isEmpty {
            let text = glossary.map { "ⓘ " + $0 }.joined(separator: "\n")
            let height = Paragraph(text).height(width: rest.width)
            if rest.height - height - 1 >= answersNeed {
                Paragraph(text, style: Style(foreground: .brightWhite)).render(rest.rows(rest.height - height, height), &frame.buffer)
                rest = rest.rows(0, rest.height - height - 1)
            }
        }
        rest = rest.dropFirstRows(rest.height >= answersNeed + 2 ? 1 : 0)
        switch question.type {
        case .singleChoice, .yesNo, .multipleChoice:
            let shownChecked = question.type == .multipleChoice ? checked : nil
            let list = ChoiceList(choiceTexts, selected: selection, checked: shownChecked,
                                  rowsPerItem: ChoiceList.rowsPerItem(choiceTexts, checked: shownChecked, fitting: rest))
            list.render(rest, &frame.buffer)
            for (index, rect) in list.itemRects(rest).enumerated() {
                frame.regions.append((rect, question.type == .multipleChoice ? .toggle(index) : .choose(index)))
            }
        case .commune:
            TextField(input).render(rest.rows(0, 1), &frame.buffer)
            let matches = input.isEmpty ? [] : Array(state.content.communes.search(input).prefix(6))
            if !input.isEmpty {
                if matches.isEmpty {
                    Paragraph(state.ui("ui.no_match", in: language), style: help).render(rest.dropFirstRows(2), &frame.buffer)
                } else {
                    let listArea = rest.dropFirstRows(2)
                    let names = matches.map(\.name)
                    let list = ChoiceList(names, selected: selection, rowsPerItem: ChoiceList.rowsPerItem(names, fitting: listArea, most: 2))
                    list.render(listArea, &frame.buffer)
                    for (index, rect) in list.itemRects(listArea).enumerated() { frame.regions.append((rect, .choose(index))) }
                }
            } else {
                Paragraph(state.ui("ui.type_hint", in: language), style: help).render(rest.dropFirstRows(2), &frame.buffer)
            }
        case .text where (question.validation.maxLength ?? 0) > 120:
            // A paragraph (the letter's reason): wrapped over the rows it needs, the end kept in view.
            let field = Style(foreground: .black, background: .brightWhite)
            // The cursor ▌ where typing goes (←→ Home End move it); the rows around it kept in view.
            var shown = input
            shown.insert("▌", at: shown.index(shown.startIndex, offsetBy: min(cursor ?? input.count, input.count)))
            let lines = wrap(shown, width: max(1, rest.width - 2))
            let height = max(1, min(lines.count, rest.height))
            let cursorLine = lines.firstIndex { $0.contains("▌") } ?? lines.count - 1
            let first = max(0, min(cursorLine - height + 1, lines.count - height))
            let box = rest.rows(0, height)
            frame.buffer.fill(box, style: field)
            for (offset, line) in lines.dropFirst(first).prefix(height).enumerated() {
                Text(" " + line, style: field).render(box.rows(offset, 1), &frame.buffer)
            }
        case .text, .number, .year, .date:
            TextField(input, cursor: cursor).render(rest.rows(0, 1), &frame.buffer)
            Paragraph(state.ui("ui.type_hint", in: language), style: help).render(rest.dropFirstRows(2), &frame.buffer)
        }
    }

    // MARK: PIN

    static func pinView(_ state: AppState, _ frame: inout Frame) {
        headerBar(state.ui("mediator.pin_title", in: "fr"), state.config.placeName, &frame)
        var area = frame.buffer.area.dropFirstRows(1).inset(horizontal: 1)
        Text(state.ui("mediator.pin_prompt", in: "fr"), style: title, alignment: .center).render(area.rows(1, 1), &frame.buffer)
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
            [("←", .pinErase), ("0", .pinKey("0")), ("OK", .pinSubmit)],
            [(state.ui("mediator.cancel", in: "fr"), .pinCancel)],
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
            flowView(editing, input: mediator.input, cursor: mediator.editCursor, selection: mediator.editSelection, checked: mediator.editChecked, error: mediator.error,
                     language: "fr", state: state, headerRight: state.ui("mediator.editing", in: "fr"), &frame)
            return
        }
        switch mediator.tab {
        case .queue:
            headerBar(state.ui("mediator.queue_title", in: "fr"), state.config.placeName, &frame)
            var area = frame.buffer.area.dropFirstRows(1)
            let footer = state.ui("mediator.queue_keys", in: "fr") + (state.config.allowQuit ? state.ui("mediator.queue_quit_key", in: "fr") : "")
            Paragraph(footer, style: dim).render(area.rows(area.height - 1, 1), &frame.buffer)
            area = area.rows(0, area.height - 1)
            // Call-back requests left at this box between permanences: when, the language, the moment (the name and the
            // number are sealed: the dashboard shows them to the team). At most a third of the screen, under the queue.
            if !mediator.callbacks.isEmpty, area.height >= 8 {
                let moments = state.content.questionnaire("callback")?.question("callback_moment")
                var lines = [state.ui("mediator.callbacks", in: "fr")]
                for stub in mediator.callbacks {
                    let when = stub.createdAt.count >= 16 ? KioskApp.stampText(stub.createdAt) : stub.createdAt
                    let moment = moments?.choices.first { $0.value == stub.moment }?.label["fr"] ?? stub.moment
                    lines.append(state.ui("mediator.callback_line", in: "fr", [
                        "when": .text(when), "language": .text(state.languageName(stub.language)), "moment": .text(moment.lowercased()),
                        "state": .text(state.ui(stub.sent ? "mediator.callback_sent" : "mediator.callback_waiting", in: "fr"))]))
                }
                let height = min(lines.count, area.height / 3)
                let box = area.rows(area.height - height, height)
                for (offset, line) in lines.prefix(height).enumerated() {
                    Text(line, style: offset == 0 ? title : .plain).render(box.rows(offset, 1).inset(horizontal: 1), &frame.buffer)
                }
                area = area.rows(0, area.height - height - 1)
            }
            // Who needs what: urgent first (marked !), the language and an interpreter asked for, the waiting time.
            let rows = mediator.queue.map { row -> [String] in
                let minutes = max(0, Int(state.now.timeIntervalSince(row.createdAt) / 60))
                let urgent = row.urgent && row.status != .closed
                let status = statusText(row.status, state)
                return ["\(urgent ? "!" : "")\(row.ticket)", row.name,
                        row.language + state.unreviewedMark(row.language) + (row.interpreter ? state.ui("mediator.interpreter_short", in: "fr") : ""),
                        row.reasons.joined(separator: ", "), "\(minutes) min",
                        urgent ? state.ui("mediator.urgent", in: "fr") + " · " + status : status]
            }
            if rows.isEmpty {
                Text(state.ui("mediator.queue_empty", in: "fr"), style: help, alignment: .center).render(area.rows(area.height / 2, 1), &frame.buffer)
            }
            // Narrow: the reasons are left to the visit screen, the language and status kept.
            let widths = state.width >= 60 ? [4, 13, 8, 22, 8, 19] : [4, 9, 5, 0, 7, 11]
            let table = Table(headers: ["number", "name", "language", "reasons", "waiting", "status"].map { state.ui("mediator.column.\($0)", in: "fr") },
                              rows: rows, widths: widths, selected: mediator.selected)
            table.render(area, &frame.buffer)
            for (index, rect) in table.rowRects(area).enumerated() { frame.regions.append((rect, .openVisit(index))) }
        case .visit:
            guard let visit = mediator.visit else { return }
            visitView(visit, state, &frame)
        case .followUp:
            followUpView(state, &frame)
        case .sync, .printer:
            let isSync = mediator.tab == .sync
            headerBar(state.ui(isSync ? "mediator.sync_title" : "mediator.printers_title", in: "fr"), state.config.placeName, &frame)
            var area = frame.buffer.area.dropFirstRows(2).inset(horizontal: 1)
            let back = state.ui("mediator.back", in: "fr")
            area = bottomButtons(isSync ? [(back, .mediatorScreen(.queue), false), (state.ui("mediator.sync_now", in: "fr"), .syncNow, true)]
                                        : [(back, .mediatorScreen(.queue), false), (state.ui("mediator.test_speaker", in: "fr"), .testSpeaker, false),
                                           (state.ui("mediator.test_page", in: "fr"), .printTestPage, true)], area, &frame)
            var row = 0
            for line in isSync ? mediator.syncInfo : mediator.printerInfo where row < area.height {
                let height = min(Paragraph(line).height(width: area.width), area.height - row)
                Paragraph(line).render(area.rows(row, height), &frame.buffer)
                row += max(1, height)
            }
        }
    }

    /// The visit screen: a tab bar (answers, identity, follow-up, rights), the tab's rows (wrapped, never cut, scrolled
    /// to the selection), every key at the bottom; X asks to confirm over it.
    static func visitView(_ visit: VisitDetail, _ state: AppState, _ frame: inout Frame) {
        let mediator = state.mediator
        let closed = visit.status == .closed
        let urgent = Questionnaire.isUrgent(visit.answers, in: state.content.questionnaires) ? " — " + state.ui("mediator.urgent", in: "fr") : ""
        let interpreter = visit.answers["interpreter"] == .choice("yes") ? " + " + state.ui("mediator.interpreter", in: "fr") : ""
        let unreviewed = state.unreviewedMark(visit.language)
        headerBar("N° \(visit.ticket) — \(visit.name)\(urgent)", "\(state.languageName(visit.language))\(unreviewed)\(interpreter) · \(statusText(visit.status, state))", &frame)
        var area = frame.buffer.area.dropFirstRows(1)
        guard area.height >= 4 else { return }
        // The tab bar: one target per tab, the current one highlighted; on a narrow screen it takes a second row.
        var x = area.x, y = area.y
        for (index, tab) in MediatorState.VisitTab.allCases.enumerated() {
            var name = state.ui("mediator.tab.\(tab.rawValue)", in: "fr")
            if tab == .rights, let count = mediator.evaluation?.rights.filter({ $0.verdict != .notEligible }).count { name += " (\(count))" }
            let label = " \(index + 1) \(name) "
            if x > area.x, x + label.displayWidth > area.maxX { x = area.x; y += 1 }
            let width = min(label.displayWidth, area.maxX - x)
            let rect = Rect(x: x, y: y, width: width, height: 1)
            Text(label, style: tab == mediator.visitTab ? Style.selection : Style(foreground: .brightCyan, bold: true)).render(rect, &frame.buffer)
            frame.regions.append((rect, .visitTab(tab)))
            x += width + 1
        }
        area = area.dropFirstRows(y - area.y + 1)
        // A notice (printed, saved, the printer does not answer) takes the bottom rows: the keys stay above it.
        area = area.rows(0, max(0, area.height - noticeHeight(state)))
        guard area.height >= 2 else { return }
        let footer = state.ui(closed ? "mediator.visit_keys_closed" : "mediator.visit_keys", in: "fr")
        let footerHeight = min(Paragraph(footer).height(width: area.width), max(1, area.height - 2))
        Paragraph(footer, style: dim).render(area.rows(area.height - footerHeight, footerHeight), &frame.buffer)
        area = area.rows(0, area.height - footerHeight)
        if mediator.visitTab == .rights {
            let lines = rightsLines(state, width: max(1, area.width - 2))
            scrolledLines(lines, area, first: mediator.rightsScroll, &frame)
        } else {
            if !unreviewed.isEmpty, area.height >= 6 {
                // Said above the answers: the visitor read a translation no native speaker has checked yet.
                let warning = "\(state.languageName(visit.language)) \(unreviewed) : " + state.ui("mediator.unreviewed", in: "fr")
                let height = min(2, Paragraph(warning).height(width: area.width))
                Paragraph(warning, style: Style(foreground: .brightYellow, bold: true)).render(area.rows(0, height), &frame.buffer)
                area = area.dropFirstRows(height)
            }
            let entries = mediatorEntries(state)
            if entries.isEmpty {
                Paragraph(state.ui("mediator.tab_empty", in: "fr"), style: help).render(area.rows(0, min(2, area.height)), &frame.buffer)
            }
            reviewRows(entries.map { ($0.label, $0.answer) }, area, selected: mediator.answerSelection, &frame) { .selectAnswer($0) }
        }
        if mediator.confirmingClose {
            let question = state.ui("mediator.confirm_close", in: "fr", ["ticket": .integer(visit.ticket)])
            let height = min(area.height, Paragraph(question).height(width: max(1, area.width - 4)) + 5)
            let box = Rect(x: area.x, y: area.y + max(0, (area.height - height) / 2), width: area.width, height: height)
            frame.buffer.fill(box, style: Self.notice)
            Paragraph(question, style: Self.notice, alignment: .center).render(box.rows(1, max(0, height - 5)).inset(horizontal: 2), &frame.buffer)
            frame.regions.append((box, .cancelClose))
            _ = bottomButtons([(state.ui("mediator.cancel_close", in: "fr"), .cancelClose, false), (state.ui("mediator.do_close", in: "fr"), .confirmClose, true)],
                              box.rows(max(0, height - 4), min(height, 3)).inset(horizontal: 2), &frame)
        }
    }

    /// The rights of the open visit as lines: each verdict, its reasons, what was printed, the warnings, wrapped.
    static func rightsLines(_ state: AppState, width: Int) -> [(String, Style)] {
        var lines: [(String, Style)] = []
        func add(_ text: String, _ style: Style, indent: String = "") {
            lines += wrap(text, width: max(1, width - indent.count)).map { (indent + $0, style) }
        }
        for right in state.mediator.evaluation?.rights ?? [] {
            let verdictStyle: Style = right.verdict == .eligible ? Style(foreground: .brightGreen, bold: true)
                : right.verdict == .needsReview ? Style(foreground: .brightYellow, bold: true) : Style(foreground: .brightRed, bold: true)
            var heading = "\(state.ui("right.\(right.right.rawValue).short", in: "fr")) : \(state.content.texts.render(right.verdict.message, "fr"))"
            if let participation = right.monthlyParticipation, participation > 0 { heading += " (\(MoneyFormat.frenchEuros(participation))/mois)" }
            add(heading, verdictStyle)
            for reason in right.reasons { add(state.content.texts.render(reason.message, "fr"), dim, indent: "  ") }
        }
        if let visit = state.mediator.visit, !visit.printJobs.isEmpty {
            add(state.ui("mediator.prints", in: "fr", ["prints": .text(visit.printJobs.joined(separator: " · "))]), Style(foreground: .brightCyan))
        }
        for warning in state.mediator.evaluation?.warnings ?? [] {
            add("! " + state.content.texts.render(warning.message, "fr"), Style(foreground: .brightYellow))
        }
        // The rights follow the declared total: say when the detail entered for the forms adds up to another amount.
        if let answers = state.mediator.visit?.answers, let detailed = HouseholdTable.detailedTotal(answers),
           case .number(let declared)? = answers["resources_12_months"], detailed != declared {
            add("! " + state.ui("mediator.resources_differ", in: "fr", ["detailed": .money(detailed.raw / 100), "declared": .money(declared.raw / 100)]),
                Style(foreground: .brightYellow))
        }
        return lines
    }

    /// Lines from `first` on, with ▲ / ▼ where lines are hidden above or below.
    static func scrolledLines(_ lines: [(String, Style)], _ area: Rect, first requested: Int, _ frame: inout Frame) {
        guard !area.isEmpty else { return }
        let first = max(0, min(requested, lines.count - area.height))
        for (offset, line) in lines.dropFirst(first).prefix(area.height).enumerated() {
            let row = area.rows(offset, 1)
            Text(line.0, style: line.1).render(Rect(x: row.x, y: row.y, width: max(0, row.width - 2), height: 1), &frame.buffer)
        }
        let marker = Style(foreground: .brightYellow, bold: true)
        if first > 0 { Text("▲", style: marker, alignment: .right).render(area.rows(0, 1), &frame.buffer) }
        if first + area.height < lines.count { Text("▼", style: marker, alignment: .right).render(area.rows(area.height - 1, 1), &frame.buffer) }
    }

    /// Rows of label and answer that wrap (never cut): the answer on the right when both fit on one line, else
    /// under the label. Scrolls to keep the selected row in view; ▲ / ▼ say that rows are hidden.
    static func reviewRows(_ entries: [(String, String)], _ area: Rect, selected: Int, _ frame: inout Frame, action: (Int) -> Action) {
        guard !area.isEmpty, !entries.isEmpty else { return }
        func lines(_ entry: (String, String)) -> [(String, String)] {
            let answerWidth = entry.1.displayWidth
            if entry.0.displayWidth + 2 + answerWidth <= area.width { return [(entry.0, entry.1)] }
            return wrap(entry.0, width: area.width).map { ($0, "") } + wrap(entry.1, width: max(1, area.width - 4)).map { ("", $0) }
        }
        let blocks = entries.map(lines)
        let heights = blocks.map(\.count)
        var first = 0
        let total = heights.reduce(0, +)
        if total > area.height, heights.indices.contains(selected) {
            while first < selected, heights[first...selected].reduce(0, +) + (first > 0 ? 1 : 0) + 1 > area.height { first += 1 }
        }
        let scrolled = total > area.height
        var y = area.y + (scrolled && first > 0 ? 1 : 0)
        let bottom = area.maxY - (scrolled ? 1 : 0)
        var last = first - 1
        for index in entries.indices.dropFirst(first) {
            // A row taller than the whole area still shows its beginning (the ▼ says there is more).
            let alone = index == first && y + heights[index] > bottom
            guard y + heights[index] <= bottom || (!scrolled && y < area.maxY) || alone else { break }
            let isSelected = index == selected
            let style = isSelected ? notice : Style.plain
            let rect = Rect(x: area.x, y: y, width: area.width, height: min(heights[index], area.maxY - y))
            if isSelected { frame.buffer.fill(rect, style: style) }
            for (offset, line) in blocks[index].enumerated() where y + offset < (alone ? bottom : area.maxY) {
                let row = Rect(x: area.x, y: y + offset, width: area.width, height: 1)
                if !line.0.isEmpty { Text(line.0, style: style).render(row, &frame.buffer) }
                if !line.1.isEmpty {
                    Text(line.1, style: isSelected ? style : Style(foreground: .brightGreen, bold: true), alignment: .right).render(row, &frame.buffer)
                }
            }
            frame.regions.append((rect, action(index)))
            y += heights[index]
            last = alone ? index - 1 : index
        }
        let marker = Style(foreground: .brightYellow, bold: true)
        if first > 0 { Text("▲", style: marker, alignment: .right).render(area.rows(0, 1), &frame.buffer) }
        if last < entries.count - 1 { Text("▼", style: marker, alignment: .right).render(area.rows(area.height - 1, 1), &frame.buffer) }
    }

    static func statusText(_ status: VisitStatus, _ state: AppState) -> String {
        switch status {
        case .open: return state.ui("mediator.status.open", in: "fr")
        case .waiting: return state.ui("mediator.status.waiting", in: "fr")
        case .withMediator: return state.ui("mediator.status.with_mediator", in: "fr")
        case .closed: return state.ui("mediator.status.closed", in: "fr")
        }
    }
}

