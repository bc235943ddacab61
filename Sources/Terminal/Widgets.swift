import Bidi

/// Something that draws itself into a rectangle of a buffer. A zero-size area draws nothing.
public protocol Widget {
    func render(_ area: Rect, _ buffer: inout Buffer)
}

public enum Alignment: Sendable {
    case left, center, right

    /// Where "start" and "end" go in a right-to-left screen: the other side.
    func mirrored(_ direction: TextDirection) -> Alignment {
        guard direction == .rightToLeft else { return self }
        switch self {
        case .left: return .right
        case .center: return .center
        case .right: return .left
        }
    }
}

/// A line laid out in the buffer's direction, from left to right as cells are (right-to-left runs reversed, Arabic
/// joined); a left-to-right screen's line without right-to-left letters is kept as it is.
func laidOut(_ text: String, _ direction: TextDirection) -> String {
    guard direction == .rightToLeft || Bidi.hasRightToLeft(text) else { return text }
    return Bidi.visual(text, base: direction)
}

/// One line of text, cut to the area's width.
public struct Text: Widget {
    public var text: String
    public var style: Style
    public var alignment: Alignment
    public init(_ text: String, style: Style = .plain, alignment: Alignment = .left) {
        self.text = text
        self.style = style
        self.alignment = alignment
    }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        // Cut in reading order (the end of a sentence goes, whichever side it stands on), then laid out.
        let shown = laidOut(text.prefix(columns: area.width), buffer.direction)
        let width = shown.displayWidth
        let x: Int
        switch alignment.mirrored(buffer.direction) {
        case .left: x = area.x
        case .center: x = area.x + (area.width - width) / 2
        case .right: x = area.maxX - width
        }
        buffer.write(shown, x: x, y: area.y, style: style, clip: area)
    }
}

/// Text wrapped at spaces to the area's width; what does not fit is cut, the last line ending with "…".
public struct Paragraph: Widget {
    public var text: String
    public var style: Style
    public var alignment: Alignment
    public init(_ text: String, style: Style = .plain, alignment: Alignment = .left) {
        self.text = text
        self.style = style
        self.alignment = alignment
    }

    /// Rows the text needs at this width.
    public func height(width: Int) -> Int { width > 0 ? wrap(text, width: width).count : 0 }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        var lines = wrap(text, width: area.width)
        if lines.count > area.height {
            lines = Array(lines.prefix(area.height))
            let last = lines[lines.count - 1]
            lines[lines.count - 1] = last.prefix(columns: max(0, area.width - 1)) + "…"
        }
        for (index, line) in lines.enumerated() {
            Text(line, style: style, alignment: alignment).render(area.rows(index, 1), &buffer)
        }
    }
}

/// A big button: a framed box with a centred label when there are 3 rows, a highlighted line otherwise.
public struct Button: Widget {
    public var label: String
    public var highlighted: Bool
    public var style: Style
    public init(_ label: String, highlighted: Bool = false, style: Style = Style(foreground: .brightWhite, background: .blue, bold: true)) {
        self.label = label
        self.highlighted = highlighted
        self.style = style
    }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        var face = style
        if highlighted { face = Style.selection }
        buffer.fill(area, style: face)
        if area.height >= 3 && area.width >= 4 {
            let top = "┌" + String(repeating: "─", count: area.width - 2) + "┐"
            let bottom = "└" + String(repeating: "─", count: area.width - 2) + "┘"
            buffer.write(top, x: area.x, y: area.y, style: face, clip: area)
            buffer.write(bottom, x: area.x, y: area.maxY - 1, style: face, clip: area)
            for row in (area.y + 1)..<(area.maxY - 1) {
                buffer.write("│", x: area.x, y: row, style: face, clip: area)
                buffer.write("│", x: area.maxX - 1, y: row, style: face, clip: area)
            }
            let inner = area.inset(horizontal: 2, vertical: 1)
            let lines = wrap(label, width: inner.width)
            let start = inner.y + max(0, (inner.height - lines.count) / 2)
            for (index, line) in lines.prefix(inner.height).enumerated() {
                Text(line, style: face, alignment: .center).render(Rect(x: inner.x, y: start + index, width: inner.width, height: 1), &buffer)
            }
        } else {
            Text(label, style: face, alignment: .center).render(area.rows(area.height / 2, 1), &buffer)
        }
    }
}

/// Numbered choices: `1  Oui`. A long choice wraps under itself (never cut); each item takes at least
/// `rowsPerItem` rows. When the items do not fit, the list scrolls to keep the selected one in view and
/// shows ▲ / ▼ where items are hidden. Selected and checked items are marked.
public struct ChoiceList: Widget {
    public var items: [String]
    public var selected: Int?
    /// For multiple choice: which items are ticked (shown as [x]).
    public var checked: Set<Int>?
    public var rowsPerItem: Int
    public var firstNumber: Int
    public init(_ items: [String], selected: Int? = nil, checked: Set<Int>? = nil, rowsPerItem: Int = 1, firstNumber: Int = 1) {
        self.items = items
        self.selected = selected
        self.checked = checked
        self.rowsPerItem = max(1, rowsPerItem)
        self.firstNumber = firstNumber
    }

    func prefix(_ index: Int) -> String {
        let number = index + firstNumber < 10 ? "\(index + firstNumber)" : " "
        return " \(number)  " + (checked.map { $0.contains(index) ? "[x] " : "[ ] " } ?? "")
    }

    /// The item's lines at this width: the first after its number, the others indented under the text.
    public func lines(_ index: Int, width: Int) -> [String] {
        let head = prefix(index)
        let textWidth = max(1, width - head.displayWidth - 1)
        let wrapped = wrap(items[index], width: textWidth)
        return wrapped.enumerated().map { $0.offset == 0 ? head + $0.element : String(repeating: " ", count: head.displayWidth) + $0.element }
    }

    func heights(width: Int) -> [Int] { items.indices.map { max(rowsPerItem, lines($0, width: width).count) } }

    /// Rows all items need at this width.
    public func totalHeight(width: Int) -> Int { heights(width: width).reduce(0, +) }

    /// The most rows per item (3, 2 or 1) with which every item fits in `area`.
    public static func rowsPerItem(_ items: [String], checked: Set<Int>? = nil, fitting area: Rect, most: Int = 3) -> Int {
        for rows in stride(from: most, to: 1, by: -1) where ChoiceList(items, checked: checked, rowsPerItem: rows).totalHeight(width: area.width) <= area.height {
            return rows
        }
        return 1
    }

    /// The first item shown: 0 when all fit, else what keeps the selected item in view (a row is kept for each marker).
    func firstShown(_ area: Rect) -> Int {
        let heights = heights(width: area.width)
        guard heights.reduce(0, +) > area.height, let selected, heights.indices.contains(selected) else { return 0 }
        var first = 0
        while first < selected {
            let shown = heights[first...selected].reduce(0, +) + (first > 0 ? 1 : 0) + 1
            if shown <= area.height { break }
            first += 1
        }
        return first
    }

    /// The rectangle of each item in `area` (for taps); items scrolled out have none (an empty rectangle).
    public func itemRects(_ area: Rect) -> [Rect] {
        guard !area.isEmpty else { return items.map { _ in Rect(x: 0, y: 0, width: 0, height: 0) } }
        let heights = heights(width: area.width)
        let scrolled = heights.reduce(0, +) > area.height
        let first = firstShown(area)
        var y = area.y + (scrolled && first > 0 ? 1 : 0)
        let bottom = area.maxY - (scrolled ? 1 : 0)
        // Items are shown in order: once one does not fit, none after it is (a shorter later one would skip a choice).
        var full = false
        return items.indices.map { index in
            guard index >= first, !full, y + heights[index] <= bottom || (!scrolled && y < area.maxY) else {
                if index >= first { full = true }
                return Rect(x: 0, y: 0, width: 0, height: 0)
            }
            let rect = Rect(x: area.x, y: y, width: area.width, height: min(heights[index], area.maxY - y))
            y += heights[index]
            return rect
        }
    }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let rects = itemRects(area)
        var lastShown = -1
        for (index, rect) in rects.enumerated() where !rect.isEmpty {
            lastShown = index
            let isSelected = index == selected
            let style = isSelected ? Style.selection : Style(foreground: .brightWhite, background: .blue)
            let itemLines = lines(index, width: area.width)
            // The coloured rows hold the text; extra rows of a tall item are spacing, so a move redraws little.
            let top = rect.y + max(0, (rect.height - itemLines.count) / 2)
            for (offset, line) in itemLines.enumerated() where top + offset < rect.maxY {
                let row = Rect(x: rect.x, y: top + offset, width: rect.width, height: 1)
                buffer.fill(row, style: style)
                Text(line, style: style).render(row, &buffer)
            }
        }
        let first = firstShown(area)
        let marker = Style(foreground: .brightYellow, bold: true)
        if first > 0 { Text("▲", style: marker, alignment: .right).render(area.rows(0, 1), &buffer) }
        if lastShown >= 0, lastShown < items.count - 1 { Text("▼", style: marker, alignment: .right).render(area.rows(area.height - 1, 1), &buffer) }
    }
}

/// A one-line text field with a visible cursor.
public struct TextField: Widget {
    public var text: String
    public var cursor: Int
    public var placeholder: String
    public init(_ text: String, cursor: Int? = nil, placeholder: String = "") {
        self.text = text
        self.cursor = cursor ?? text.count
        self.placeholder = placeholder
    }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let field = Style(foreground: .black, background: .brightWhite)
        let line = area.rows(area.height / 2, 1)
        buffer.fill(line, style: field)
        if text.isEmpty && !placeholder.isEmpty {
            Text(" " + placeholder, style: Style(foreground: .brightBlack, background: .brightWhite)).render(line, &buffer)
        }
        // Keep the cursor visible: show the end of long text.
        let characters = Array(text)
        var start = 0
        while String(characters[start..<min(cursor, characters.count)]).displayWidth > line.width - 3, start < cursor { start += 1 }
        let visible = String(characters[start...])
        var cursorColumn = line.x + 1 + String(characters[start..<min(cursor, characters.count)]).displayWidth
        if buffer.direction == .rightToLeft || Bidi.hasRightToLeft(visible) {
            // Typed Arabic reads right to left inside the field: the cursor goes where the next letter will appear
            // (left of a right-to-left letter, right of a left-to-right one).
            let layout = Bidi.terminalLayout(visible, base: Bidi.hasRightToLeft(visible.prefix(1)) ? .rightToLeft : .leftToRight)
            buffer.write(" " + layout.text, x: line.x, y: line.y, style: field, clip: line)
            let logical = min(cursor, characters.count) - start
            let shown = Array(visible)
            if logical < shown.count {
                cursorColumn = line.x + 1 + layout.visualIndex[logical] + (Bidi.hasRightToLeft(String(shown[logical])) ? 1 : 0)
            } else if let last = shown.indices.last {
                cursorColumn = line.x + 1 + layout.visualIndex[last] + (Bidi.hasRightToLeft(String(shown[last])) ? -1 : 1)
            }
            cursorColumn = max(line.x, cursorColumn)
        } else {
            buffer.write(" " + visible, x: line.x, y: line.y, style: field, clip: line)
        }
        if cursorColumn < line.maxX {
            var cell = buffer[cursorColumn, line.y]
            if cell.symbol == " " || cell.isContinuation { cell.symbol = "█" }
            cell.style = Style(foreground: .brightWhite, background: .black, bold: true)
            buffer[cursorColumn, line.y] = cell
        }
    }
}

/// A bar filled to `fraction`, with a label over it.
public struct ProgressBar: Widget {
    public var fraction: Double
    public var label: String
    public init(fraction: Double, label: String = "") {
        self.fraction = min(1, max(0, fraction.isFinite ? fraction : 0))
        self.label = label
    }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let line = area.rows(0, 1)
        let filled = Int((Double(line.width) * fraction).rounded())
        // Right to left, progress grows from the right.
        let filledRect = buffer.direction == .rightToLeft ? Rect(x: line.maxX - filled, y: line.y, width: filled, height: 1)
            : Rect(x: line.x, y: line.y, width: filled, height: 1)
        buffer.fill(line, style: Style(foreground: .brightWhite, background: .brightBlack))
        buffer.fill(filledRect, style: Style(foreground: .black, background: .green))
        let labelText = laidOut(label.prefix(columns: line.width), buffer.direction)
        let start = line.x + (line.width - labelText.displayWidth) / 2
        var column = start
        for character in labelText {
            let inFilled = column >= filledRect.x && column < filledRect.maxX
            buffer.write(String(character), x: column, y: line.y,
                         style: inFilled ? Style(foreground: .black, background: .green, bold: true) : Style(foreground: .brightWhite, background: .brightBlack, bold: true), clip: line)
            column += character.displayWidth
        }
    }
}

/// Columns of text with a header row; column widths are fractions of the area.
public struct Table: Widget {
    public var headers: [String]
    public var rows: [[String]]
    public var widths: [Int]
    public var selected: Int?
    public init(headers: [String], rows: [[String]], widths: [Int], selected: Int? = nil) {
        self.headers = headers
        self.rows = rows
        self.widths = widths
        self.selected = selected
    }

    /// A cell's text in `width` columns: whole when it fits, else whole words and "…" (never cut without a mark).
    public static func fitted(_ text: String, width: Int) -> String {
        guard width > 0, text.displayWidth > width else { return width > 0 ? text : "" }
        var words = text.split(separator: " ").map(String.init)
        while words.count > 1 {
            words.removeLast()
            var kept = words.joined(separator: " ")
            while let last = kept.last, ",;·".contains(last) { kept.removeLast() }
            let candidate = kept + "…"
            if candidate.displayWidth <= width { return candidate }
        }
        return text.prefix(columns: max(0, width - 1)) + "…"
    }

    /// The rectangle of each data row (for taps).
    public func rowRects(_ area: Rect) -> [Rect] {
        rows.indices.map { area.rows($0 + 1, 1) }.filter { !$0.isEmpty }
    }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let total = max(1, widths.reduce(0, +))
        var columns: [Rect] = []
        var x = area.x
        for (index, weight) in widths.enumerated() {
            let width = index == widths.count - 1 ? area.maxX - x : area.width * weight / total
            columns.append(Rect(x: x, y: area.y, width: width, height: area.height))
            x += width
        }
        let header = Style(foreground: .brightWhite, bold: true, underline: true)
        for (index, title) in headers.enumerated() where index < columns.count {
            let width = columns[index].width - 1
            Text(Table.fitted(title, width: width), style: header).render(Rect(x: columns[index].x, y: area.y, width: max(0, width), height: 1), &buffer)
        }
        for (rowIndex, row) in rows.enumerated() where rowIndex + 1 < area.height {
            let style = rowIndex == selected ? Style.selection : .plain
            if rowIndex == selected { buffer.fill(area.rows(rowIndex + 1, 1), style: style) }
            for (index, value) in row.enumerated() where index < columns.count {
                let width = columns[index].width - 1
                Text(Table.fitted(value, width: width), style: style).render(Rect(x: columns[index].x, y: area.y + rowIndex + 1, width: width, height: 1), &buffer)
            }
        }
    }
}

/// A banner that asks something with a countdown: "Are you still there? 12".
public struct CountdownBanner: Widget {
    public var message: String
    public var seconds: Int
    public init(_ message: String, seconds: Int) {
        self.message = message
        self.seconds = seconds
    }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let style = Style(foreground: .black, background: .brightRed, bold: true)
        buffer.fill(area, style: style)
        let text = "\(message)  \(seconds)"
        Paragraph(text, style: style, alignment: .center).render(area.inset(horizontal: 1, vertical: area.height >= 3 ? 1 : 0), &buffer)
    }
}
