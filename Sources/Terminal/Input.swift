/// A key press, decoded.
public enum Key: Equatable, Hashable, Sendable {
    case character(Character)
    case enter, backspace, delete, tab, backTab, escape
    case up, down, left, right, home, end, pageUp, pageDown, insert
    case function(Int)
    /// Ctrl with a letter (`ctrl("c")`), or Ctrl-\ (`ctrl("\\")`).
    case ctrl(Character)
}

/// A mouse (or touch) event at a cell, 0-based.
public struct MouseEvent: Equatable, Hashable, Sendable {
    public enum Button: Equatable, Hashable, Sendable { case left, middle, right, wheelUp, wheelDown, none }
    public enum Kind: Equatable, Hashable, Sendable { case press, release, drag }
    public var button: Button
    public var kind: Kind
    public var x: Int
    public var y: Int
    public init(button: Button, kind: Kind, x: Int, y: Int) {
        self.button = button
        self.kind = kind
        self.x = x
        self.y = y
    }
}

/// What the terminal sends.
public enum InputEvent: Equatable, Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case paste(String)
}

/// Decodes the bytes a terminal sends into events. Sequences split across reads are
/// kept until complete; a lone ESC becomes `.escape` only on `flush()` (after a short wait).
public struct InputDecoder: Sendable {
    var pending: [UInt8] = []
    var pasting: [UInt8]?

    public init() {}

    public var hasPending: Bool { !pending.isEmpty }

    public mutating func feed(_ bytes: [UInt8]) -> [InputEvent] {
        pending += bytes
        var events: [InputEvent] = []
        while !pending.isEmpty {
            if var paste = pasting {
                let end: [UInt8] = Array("\u{1B}[201~".utf8)
                if let range = find(end, in: pending) {
                    paste += pending[..<range.lowerBound]
                    pending.removeSubrange(..<range.upperBound)
                    events.append(.paste(String(decoding: paste, as: UTF8.self)))
                    pasting = nil
                    continue
                }
                // Keep a possible partial end marker.
                let keep = min(pending.count, end.count - 1)
                paste += pending.dropLast(keep)
                pending = Array(pending.suffix(keep))
                pasting = paste
                return events
            }
            guard let (event, used) = decodeOne() else { break }
            pending.removeFirst(used)
            if let event { events.append(event) }
        }
        return events
    }

    /// Called when no byte followed for a moment: a pending lone ESC is the Escape key.
    public mutating func flush() -> [InputEvent] {
        guard !pending.isEmpty else { return [] }
        if pending == [0x1B] {
            pending = []
            return [.key(.escape)]
        }
        if pending.first == 0x1B, pending.count >= 2 {
            // ESC followed by something that never completed: Escape, then the rest as keys.
            pending.removeFirst()
            return [.key(.escape)] + feed([])
        }
        return []
    }

    func find(_ needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
            return start..<start + needle.count
        }
        return nil
    }

    /// One event from the start of `pending`: (event or nil to drop, bytes used), or nil when incomplete.
    mutating func decodeOne() -> (InputEvent?, Int)? {
        let byte = pending[0]
        switch byte {
        case 0x1B:
            return decodeEscape()
        case 0x0D, 0x0A: return (.key(.enter), 1)
        case 0x09: return (.key(.tab), 1)
        case 0x7F, 0x08: return (.key(.backspace), 1)
        case 0x00: return (.key(.ctrl(" ")), 1)
        case 0x1C: return (.key(.ctrl("\\")), 1)
        case 0x1D: return (.key(.ctrl("]")), 1)
        case 0x01...0x1A: return (.key(.ctrl(Character(Unicode.Scalar(byte + 0x60)))), 1)
        case 0x1E, 0x1F: return (nil, 1)
        default:
            // UTF-8: take the whole scalar.
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if pending.count < length { return nil }
            let text = String(decoding: pending[0..<length], as: UTF8.self)
            guard let character = text.first, text.unicodeScalars.first?.value != 0xFFFD || length == 1 else { return (nil, length) }
            return (.key(.character(character)), length)
        }
    }

    mutating func decodeEscape() -> (InputEvent?, Int)? {
        guard pending.count >= 2 else { return nil }
        let second = pending[1]
        if second == UInt8(ascii: "[") {
            // CSI: parameters then a final byte in 0x40...0x7E.
            var index = 2
            while index < pending.count, !(0x40...0x7E).contains(pending[index]) || (index == 2 && pending[index] == UInt8(ascii: "<")) {
                index += 1
            }
            guard index < pending.count else { return nil }
            let final = pending[index]
            let parameters = String(decoding: pending[2..<index], as: UTF8.self)
            let used = index + 1
            return (csi(parameters, final), used)
        }
        if second == UInt8(ascii: "O") {
            guard pending.count >= 3 else { return nil }
            let keys: [UInt8: Key] = [UInt8(ascii: "A"): .up, UInt8(ascii: "B"): .down, UInt8(ascii: "C"): .right, UInt8(ascii: "D"): .left,
                                      UInt8(ascii: "H"): .home, UInt8(ascii: "F"): .end, UInt8(ascii: "P"): .function(1),
                                      UInt8(ascii: "Q"): .function(2), UInt8(ascii: "R"): .function(3), UInt8(ascii: "S"): .function(4)]
            return (keys[pending[2]].map { .key($0) }, 3)
        }
        if second == 0x1B { return (.key(.escape), 1) }
        // Alt+key: report the key itself.
        return (.key(.escape), 1)
    }

    mutating func csi(_ parameters: String, _ final: UInt8) -> InputEvent? {
        let character = Character(Unicode.Scalar(final))
        if parameters.hasPrefix("<"), character == "M" || character == "m" {
            let numbers = parameters.dropFirst().split(separator: ";").compactMap { Int($0) }
            guard numbers.count == 3 else { return nil }
            let code = numbers[0]
            let button: MouseEvent.Button
            switch code & 0b1100_0011 {
            case 0: button = .left
            case 1: button = .middle
            case 2: button = .right
            case 64: button = .wheelUp
            case 65: button = .wheelDown
            default: button = .none
            }
            let kind: MouseEvent.Kind = character == "m" ? .release : (code & 32 != 0 ? .drag : .press)
            return .mouse(MouseEvent(button: button, kind: kind, x: numbers[1] - 1, y: numbers[2] - 1))
        }
        switch character {
        case "A": return .key(.up)
        case "B": return .key(.down)
        case "C": return .key(.right)
        case "D": return .key(.left)
        case "H": return .key(.home)
        case "F": return .key(.end)
        case "Z": return .key(.backTab)
        case "~":
            let number = Int(parameters.split(separator: ";").first ?? "") ?? 0
            switch number {
            case 200:
                pasting = []
                return nil
            case 1, 7: return .key(.home)
            case 4, 8: return .key(.end)
            case 2: return .key(.insert)
            case 3: return .key(.delete)
            case 5: return .key(.pageUp)
            case 6: return .key(.pageDown)
            case 11...15: return .key(.function(number - 10))
            case 17...21: return .key(.function(number - 11))
            case 23, 24: return .key(.function(number - 12))
            default: return nil
            }
        default:
            return nil
        }
    }
}
