import Bidi

/// One cell of the screen: a grapheme and its style. The second column of a wide
/// character is a continuation cell (empty symbol).
public struct Cell: Equatable, Hashable, Sendable {
    public var symbol: String
    public var style: Style
    public init(_ symbol: String = " ", style: Style = .plain) {
        self.symbol = symbol
        self.style = style
    }
    public var isContinuation: Bool { symbol.isEmpty }
    public static let blank = Cell()
}

/// A grid of cells that widgets draw into; the renderer writes its differences to the terminal.
/// Drawing outside the buffer is clipped, never a crash.
public struct Buffer: Equatable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]
    /// The direction of the screen's language: widgets lay their text out with the bidi algorithm in it, align it to
    /// the right when it reads right to left, and mirror what has a side (progress fills from the right).
    public var direction: TextDirection = .leftToRight

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { (x >= 0 && x < width && y >= 0 && y < height) ? cells[y * width + x] : .blank }
        set { if x >= 0 && x < width && y >= 0 && y < height { cells[y * width + x] = newValue } }
    }

    /// Writes text from (x, y), clipped to `clip` (default: the whole buffer); returns the columns used.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let bounds = (clip ?? area).intersection(area)
        guard y >= bounds.y, y < bounds.maxY else { return 0 }
        var column = x
        for character in text {
            let width = character.displayWidth
            if width == 0 {
                // A lone combining mark joins the previous cell.
                if column - 1 >= bounds.x, column - 1 < bounds.maxX { self[column - 1, y].symbol += String(character) }
                continue
            }
            if column + width > bounds.maxX { break }
            if column >= bounds.x {
                self[column, y] = Cell(String(character), style: style)
                if width == 2 { self[column + 1, y] = Cell("", style: style) }
            }
            column += width
        }
        return column - x
    }

    /// Fills a rectangle with a styled blank.
    public mutating func fill(_ rect: Rect, style: Style = .plain, symbol: String = " ") {
        let clipped = rect.intersection(area)
        guard !clipped.isEmpty else { return }
        for row in clipped.y..<clipped.maxY {
            for column in clipped.x..<clipped.maxX { self[column, row] = Cell(symbol, style: style) }
        }
    }

    /// The text of each row, for tests and snapshots (wide characters once, trailing spaces kept).
    public var lines: [String] {
        (0..<height).map { row in
            (0..<width).map { self[$0, row].symbol }.joined()
        }
    }
}
