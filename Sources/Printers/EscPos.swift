import Foundation

/// ESC/POS commands for thermal ticket printers, as bytes.
///
/// Text is sent in the printer's default code page (PC437): anything outside ASCII is
/// transliterated to Latin ASCII first ("Сідайте" → "Sidajte", "é" → "e").
public enum EscPos {
    public static let initialize: [UInt8] = [0x1B, 0x40]
    public enum Alignment: UInt8 { case left = 0, center = 1, right = 2 }
    public static func align(_ alignment: Alignment) -> [UInt8] { [0x1B, 0x61, alignment.rawValue] }
    /// Character size: width and height multipliers 1…8 (GS ! n).
    public static func size(width: Int, height: Int) -> [UInt8] {
        let w = UInt8(max(1, min(8, width)) - 1), h = UInt8(max(1, min(8, height)) - 1)
        return [0x1D, 0x21, (w << 4) | h]
    }
    public static func bold(_ on: Bool) -> [UInt8] { [0x1B, 0x45, on ? 1 : 0] }
    public static let lineFeed: [UInt8] = [0x0A]
    public static func feed(lines: Int) -> [UInt8] { [0x1B, 0x64, UInt8(max(0, min(255, lines)))] }
    /// Feed to the cutter and cut (GS V 66 0).
    public static let cut: [UInt8] = [0x1D, 0x56, 0x42, 0x00]

    /// ASCII text for the printer.
    public static func text(_ string: String) -> [UInt8] {
        let latin = string.applyingTransform(.toLatin, reverse: false) ?? string
        let plain = latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin
        return plain.unicodeScalars.map { scalar in
            switch scalar.value {
            case 0x20...0x7E, 0x0A: return UInt8(scalar.value)
            case 0x2019, 0x2018: return UInt8(ascii: "'")
            case 0xA0, 0x202F: return UInt8(ascii: " ")
            default: return UInt8(ascii: "?")
            }
        }
    }

    /// A picture printed dot for dot (GS v 0, normal density): `width` dots a row, 8 to a byte, leftmost in the high bit.
    public static func raster(width: Int, height: Int, rows: [UInt8]) -> [UInt8] {
        let bytesPerRow = (width + 7) / 8
        guard width > 0, height > 0, rows.count == bytesPerRow * height, bytesPerRow < 65536, height < 65536 else { return [] }
        return [0x1D, 0x76, 0x30, 0x00, UInt8(bytesPerRow & 0xFF), UInt8(bytesPerRow >> 8), UInt8(height & 0xFF), UInt8(height >> 8)] + rows
    }

    /// The queue ticket: the number in double-size-plus type, date and time, place, the visitor's line, cut.
    /// A line the printer's code page cannot hold (Arabic, Dari) comes as a picture (`lineRaster`, drawn by the
    /// documents' fonts), followed by the French line in text.
    public static func ticket(number: Int, dateTime: String, place: String, line: String,
                              lineRaster: (width: Int, height: Int, rows: [UInt8])? = nil, french: String? = nil) -> [UInt8] {
        var bytes = initialize
        bytes += align(.center)
        bytes += text(place) + lineFeed
        bytes += text(dateTime) + lineFeed + lineFeed
        bytes += size(width: 4, height: 4) + bold(true) + text(String(number)) + lineFeed
        bytes += size(width: 1, height: 1) + bold(false) + lineFeed
        let picture = lineRaster.map { raster(width: $0.width, height: $0.height, rows: $0.rows) } ?? []
        if !picture.isEmpty {
            bytes += picture + lineFeed
            if let french { bytes += text(french) + lineFeed }
        } else {
            bytes += text(line) + lineFeed
        }
        bytes += feed(lines: 3) + cut
        return bytes
    }
}
