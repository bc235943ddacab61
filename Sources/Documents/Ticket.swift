import Bidi
import Foundation
import Intake

/// What a queue ticket says: the number in large type, the date and time, the place,
/// and one short line in the visitor's language.
public struct TicketContent: Sendable, Equatable {
    public var number: Int
    /// "24/11/2026 10:05"
    public var dateTime: String
    public var place: String
    public var line: String

    /// `line` is the catalogue's `ticket.please_wait` in the visitor's language.
    public init(number: Int, dateTime: String, place: String, line: String) {
        self.number = number
        self.dateTime = dateTime
        self.place = place
        self.line = line
    }

    /// The ticket of a visitor who checked in at `time` (printed as DD/MM/YYYY HH:MM, Paris time).
    public init(number: Int, time: Date, place: String, language: String, texts: TextCatalogue) {
        let p = ParisTime.parts(time)
        let dateTime = String(format: "%02d/%02d/%04d %02d:%02d", p.day, p.month, p.year, p.hour, p.minute)
        self.init(number: number, dateTime: dateTime, place: place, line: texts.text("ticket.please_wait", language))
    }
}

extension TicketContent {
    /// The visitor's line as dots for the ticket printer when its code page cannot hold it (a right-to-left language:
    /// a thermal printer has no Arabic letters, and transliterated Arabic reads as nothing): 384 dots wide (58 mm
    /// paper at 203 dpi), 30 dots to the em. Nil for the other languages (printed as text) or without fonts.
    public static func lineRaster(_ line: String, language: String, texts: TextCatalogue, fonts: FontSet? = FontSet.read(), width: Int = 384) -> Bitmap? {
        let rightToLeft = texts.language(language)?.rightToLeft == true
        guard rightToLeft || Bidi.hasRightToLeft(line), let fonts else { return nil }
        return TextRaster.render(line, rightToLeft: rightToLeft, width: width, pixelSize: 30, fonts: fonts)
    }
}
