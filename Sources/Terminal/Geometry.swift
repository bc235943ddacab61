/// A rectangle of cells: column `x`, row `y` (0-based), `width` × `height`.
public struct Rect: Equatable, Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    public func contains(x column: Int, y row: Int) -> Bool {
        column >= x && column < maxX && row >= y && row < maxY
    }

    /// Shrinks by `horizontal` columns on each side and `vertical` rows on each side.
    public func inset(horizontal: Int = 0, vertical: Int = 0) -> Rect {
        Rect(x: x + horizontal, y: y + vertical, width: width - 2 * horizontal, height: height - 2 * vertical)
    }

    /// The rows `from` ..< `from + count` of this rectangle (clipped).
    public func rows(_ from: Int, _ count: Int) -> Rect {
        let top = min(max(0, from), height)
        return Rect(x: x, y: y + top, width: width, height: min(count, height - top))
    }

    /// The part of the rectangle below its first `count` rows.
    public func dropFirstRows(_ count: Int) -> Rect { rows(count, height - count) }

    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        return Rect(x: left, y: top, width: min(maxX, other.maxX) - left, height: min(maxY, other.maxY) - top)
    }
}

/// Colours of the 16-colour palette every terminal has (the Linux console included).
public enum Color: Int, Sendable, Equatable, Hashable {
    case black = 0, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
}

/// How a cell is drawn.
public struct Style: Equatable, Hashable, Sendable {
    public var foreground: Color?
    public var background: Color?
    public var bold = false
    public var underline = false
    public var reverse = false

    public init(foreground: Color? = nil, background: Color? = nil, bold: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
    }

    public static let plain = Style()

    /// The selected row or button: dark text on a light bar, without bold or bright colours. The Linux console with a
    /// 512-glyph font has only 8 foreground colours and draws "bright" backgrounds in their dark shade (bright yellow
    /// becomes brown), so black-bold-on-bright-yellow came out grey on orange there; black on white (light grey on
    /// the console) reads at arm's length on every terminal.
    public static let selection = Style(foreground: .black, background: .white)

    /// The SGR sequence that sets this style from a reset.
    public var sgr: String {
        var codes = ["0"]
        if bold { codes.append("1") }
        if underline { codes.append("4") }
        if reverse { codes.append("7") }
        if let foreground { codes.append(foreground.rawValue < 8 ? "\(30 + foreground.rawValue)" : "\(90 + foreground.rawValue - 8)") }
        if let background { codes.append(background.rawValue < 8 ? "\(40 + background.rawValue)" : "\(100 + background.rawValue - 8)") }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}
