/// Turns buffers into terminal output, writing only the cells that changed since the last frame.
public struct DiffRenderer: Sendable {
    public private(set) var previous: Buffer?

    public init() {}

    /// Forget the screen (after a resize or a redraw request): the next frame is written whole.
    public mutating func invalidate() { previous = nil }

    /// The bytes that turn the previous frame into `next`.
    public mutating func render(_ next: Buffer) -> String {
        var output = ""
        let full = previous == nil || previous!.width != next.width || previous!.height != next.height
        if full { output += "\u{1B}[0m\u{1B}[2J" }
        var currentStyle: Style?
        var cursor: (x: Int, y: Int)?
        for y in 0..<next.height {
            var x = 0
            while x < next.width {
                let cell = next[x, y]
                if cell.isContinuation { x += 1; continue }
                if !full, let previous, previous[x, y] == cell,
                   // a wide character's second half must match too
                   cell.symbol.displayWidth < 2 || previous[x + 1, y] == next[x + 1, y] {
                    x += 1
                    continue
                }
                if cursor == nil || cursor! != (x, y) {
                    output += "\u{1B}[\(y + 1);\(x + 1)H"
                }
                if currentStyle != cell.style {
                    output += cell.style.sgr
                    currentStyle = cell.style
                }
                output += cell.symbol
                let width = max(1, cell.symbol.displayWidth)
                cursor = (x + width, y)
                x += width
            }
        }
        if currentStyle != nil { output += "\u{1B}[0m" }
        previous = next
        return output
    }
}

/// Terminal modes, as data: what to switch on when the UI starts and off when it ends.
public struct TerminalModes: Sendable {
    public var alternateScreen = true
    public var hideCursor = true
    public var mouse = true
    public var bracketedPaste = true
    public init() {}

    public var enable: String {
        var text = ""
        if alternateScreen { text += "\u{1B}[?1049h" }
        if hideCursor { text += "\u{1B}[?25l" }
        if mouse { text += "\u{1B}[?1000h\u{1B}[?1002h\u{1B}[?1006h" }
        if bracketedPaste { text += "\u{1B}[?2004h" }
        return text
    }

    public var disable: String {
        var text = "\u{1B}[0m"
        if bracketedPaste { text += "\u{1B}[?2004l" }
        if mouse { text += "\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?1000l" }
        if hideCursor { text += "\u{1B}[?25h" }
        if alternateScreen { text += "\u{1B}[?1049l" }
        return text
    }
}
