/// How many terminal columns text takes: 2 for East Asian wide and most emoji,
/// 0 for combining marks and zero-width characters, 1 otherwise.
extension Character {
    public var displayWidth: Int {
        guard let first = unicodeScalars.first else { return 0 }
        // A grapheme cluster takes the width of its base; combining marks add nothing.
        if unicodeScalars.count > 1, unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return first.displayWidth
    }
}

extension Unicode.Scalar {
    public var displayWidth: Int {
        let v = value
        if v == 0 { return 0 }
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (0x1160...0x11FF).contains(v) { return 0 }
        if Self.isWide(v) { return 2 }
        return 1
    }

    static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x1F680...0x1F6FF).contains(v) || (0x20000...0x3FFFD).contains(v)
            || (0x2600...0x26FF).contains(v) && Self.emojiPresentation(v)
    }

    static func emojiPresentation(_ v: UInt32) -> Bool {
        [0x2614, 0x2615, 0x2648, 0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD].contains(v)
    }
}

extension StringProtocol {
    /// Columns the text takes on a terminal.
    public var displayWidth: Int { reduce(0) { $0 + $1.displayWidth } }

    /// The longest prefix that fits in `columns`.
    public func prefix(columns: Int) -> String {
        var used = 0
        var result = ""
        for character in self {
            let width = character.displayWidth
            if used + width > columns { break }
            used += width
            result.append(character)
        }
        return result
    }
}

/// The words of a paragraph, an amount or a phone number kept whole: "14 000 €", "04 68 00 00 03", "116 117" are one
/// word each (a space between groups of digits, or before € or %, does not break).
func unbreakableWords<S: StringProtocol>(_ paragraph: S) -> [String] {
    var words: [String] = []
    for token in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
        // The last group of digits so far ("14", "04 68"): a phone number or an amount goes on.
        let lastGroup = words.last.map { $0.split(separator: " ").last.map(String.init) ?? $0 } ?? ""
        let phoneGroup = (1...4).contains(lastGroup.count) && lastGroup.allSatisfy(\.isNumber)
            && token.count >= 2 && token.prefix(2).allSatisfy(\.isNumber) && (token.count <= 3 || !token.dropFirst(3).first!.isNumber)
        if let last = words.last, last.last?.isNumber == true,
           token == "€" || token == "%" || token.hasPrefix("€") || phoneGroup
            || (token.count >= 3 && token.prefix(3).allSatisfy(\.isNumber) && (token.count == 3 || !token.dropFirst(3).first!.isNumber)) {
            words[words.count - 1] += " " + token
        } else {
            words.append(String(token))
        }
    }
    return words
}

/// Splits text into lines of at most `width` columns, at spaces when it can.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        var lineWidth = 0
        for word in unbreakableWords(paragraph) {
            var word = word
            var wordWidth = word.displayWidth
            if lineWidth > 0 && lineWidth + 1 + wordWidth > width {
                lines.append(line)
                line = ""
                lineWidth = 0
            }
            while wordWidth > width {
                // A word longer than the line is cut.
                let head = word.prefix(columns: width - lineWidth - (lineWidth > 0 ? 1 : 0))
                if head.isEmpty {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                    continue
                }
                line += (lineWidth > 0 ? " " : "") + head
                lines.append(line)
                line = ""
                lineWidth = 0
                word = String(word.dropFirst(head.count))
                wordWidth = word.displayWidth
            }
            if lineWidth > 0 {
                line += " "
                lineWidth += 1
            }
            line += word
            lineWidth += wordWidth
        }
        lines.append(line)
    }
    return lines
}
