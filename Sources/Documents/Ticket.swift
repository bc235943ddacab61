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

    /// The ticket of a visitor who checked in at `time` (printed as DD/MM/YYYY HH:MM, local time).
    public init(number: Int, time: Date, place: String, language: String, texts: TextCatalogue) {
        let formatter = DateFormatter()
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        self.init(number: number, dateTime: formatter.string(from: time), place: place, line: texts.text("ticket.please_wait", language))
    }
}
