import Foundation

/// The WinAnsi encoding of the standard PDF fonts, the Helvetica widths, and transliteration
/// of what the encoding lacks (Cyrillic, Romanian comma-below letters…): never dropped silently.
public enum WinAnsi {
    static let specials: [Character: UInt8] = [
        "€": 0x80, "‚": 0x82, "ƒ": 0x83, "„": 0x84, "…": 0x85, "†": 0x86, "‡": 0x87, "ˆ": 0x88, "‰": 0x89, "Š": 0x8A,
        "‹": 0x8B, "Œ": 0x8C, "Ž": 0x8E, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "•": 0x95, "–": 0x96, "—": 0x97,
        "˜": 0x98, "™": 0x99, "š": 0x9A, "›": 0x9B, "œ": 0x9C, "ž": 0x9E, "Ÿ": 0x9F,
    ]

    /// The byte of a character in WinAnsi, nil when it has none.
    public static func byte(_ character: Character) -> UInt8? {
        if let special = specials[character] { return special }
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return nil }
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0xFF: return UInt8(scalar.value)
        default: return nil
        }
    }

    /// Text the fonts can show: characters outside WinAnsi are transliterated to Latin
    /// ("Ștefan" → "Stefan", "Олександр" → "Oleksandr"); what still has no Latin form becomes "?".
    /// Returns the text and the characters that were replaced.
    public static func printable(_ text: String) -> (text: String, replaced: [Character]) {
        var output = ""
        var replaced: [Character] = []
        var pending = ""
        func flush() {
            guard !pending.isEmpty else { return }
            let latin = pending.applyingTransform(.toLatin, reverse: false) ?? pending
            let plain = latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin
            for character in plain {
                if byte(character) != nil { output.append(character) } else { output.append("?") }
            }
            replaced += Array(pending)
            pending = ""
        }
        for character in text {
            if character == "\n" || character == "\t" {
                flush()
                output.append(character == "\t" ? " " : "\n")
            } else if byte(character) != nil {
                flush()
                output.append(character)
            } else if character == "\u{202F}" || character == "\u{2009}" {
                flush()
                output.append("\u{00A0}")
            } else {
                pending.append(character)
            }
        }
        flush()
        return (output, replaced)
    }

    /// Encodes printable text (see `printable`) to WinAnsi bytes.
    static func encode(_ text: String) -> [UInt8] { text.compactMap { byte($0) } }

    // Helvetica and Helvetica-Bold advance widths (1/1000 em) for ASCII 32…126 (Adobe AFM).
    static let regular: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]
    static let bold: [Int] = [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    ]
    static let extra: [Character: Int] = [
        "€": 556, "…": 1000, "Œ": 1000, "œ": 944, "‘": 222, "’": 222, "“": 333, "”": 333, "–": 556, "—": 1000,
        "«": 556, "»": 556, "°": 400, "·": 278, "\u{00A0}": 278, "•": 350, "Æ": 1000, "æ": 889, "ß": 611, "×": 584, "²": 333,
    ]

    /// Width of a character in 1/1000 em (accented letters as their base letter).
    static func width(_ character: Character, bold isBold: Bool) -> Int {
        let table = isBold ? bold : regular
        if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, (0x20...0x7E).contains(scalar.value) {
            return table[Int(scalar.value) - 0x20]
        }
        if let width = extra[character] { return width }
        let base = String(character).decomposedStringWithCanonicalMapping.unicodeScalars.first
        if let base, (0x20...0x7E).contains(base.value) { return table[Int(base.value) - 0x20] }
        return 556
    }

    /// Width of printable text in points at a font size.
    public static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        Double(text.reduce(0) { $0 + width($1, bold: bold) }) * size / 1000
    }
}
