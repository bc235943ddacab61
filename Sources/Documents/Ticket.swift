import Foundation

/// What a queue ticket says: the number in large type, the date and time, the place,
/// and one short line in the visitor's language.
public struct TicketContent: Sendable, Equatable {
    public var number: Int
    /// "24/11/2026 10:05"
    public var dateTime: String
    public var place: String
    public var line: String

    public init(number: Int, dateTime: String, place: String, language: String) {
        self.number = number
        self.dateTime = dateTime
        self.place = place
        self.line = TicketContent.lines[language] ?? TicketContent.lines["fr"]!
    }

    /// The ticket of a visitor who checked in at `time` (printed as DD/MM/YYYY HH:MM, local time).
    public init(number: Int, time: Date, place: String, language: String) {
        let formatter = DateFormatter()
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        self.init(number: number, dateTime: formatter.string(from: time), place: place, language: language)
    }

    static let lines: [String: String] = [
        "fr": "Asseyez-vous, on vous appelle bientôt.",
        "en": "Please sit down, you will be called soon.",
        "es": "Siéntese, le llamarán pronto.",
        "ro": "Luați loc, veți fi chemat curând.",
        "uk": "Сідайте, вас скоро покличуть.",
    ]
}
