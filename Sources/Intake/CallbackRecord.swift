import Foundation

/// A call-back request left at the box between permanences, as it travels: sealed to the central store (the box cannot
/// read it back), opened there for the team's list. Only what calling back needs: no surname, no answers.
public struct CallbackRecord: Codable, Sendable, Equatable {
    public static let kind = "permanence.callback-request"
    public static let schemaVersion = 1

    public var id: String
    /// The box's time (it may be wrong: the central store keeps its own reception time beside it).
    public var createdAt: String
    public var name: String
    /// Written the usual way (`PhoneNumber.normalised`).
    public var phone: String
    /// The language to speak, and the best moment (`morning`, `afternoon`, `evening`, `any`).
    public var language: String
    public var moment: String
    /// The INSEE code of the box's village, when its configuration names one.
    public var commune: String?
    /// The visitor agreed to give their name and number to be called back.
    public var consent: Bool

    public init(id: String, createdAt: String, name: String, phone: String, language: String, moment: String, commune: String?) {
        self.id = id
        self.createdAt = createdAt
        self.name = name
        self.phone = phone
        self.language = language
        self.moment = moment
        self.commune = commune
        consent = true
    }

    enum CodingKeys: String, CodingKey {
        case id, createdAt = "created_at", name, phone, language, moment, commune, consent
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(self)
    }

    /// Reads a record, checking what the team relies on (a phone number, a name, consent).
    public static func decode(_ data: Data) -> CallbackRecord? {
        guard let record = try? JSONDecoder().decode(CallbackRecord.self, from: data), record.consent,
              !record.name.isEmpty, record.name.count <= 80, PhoneNumber.normalised(record.phone) != nil else { return nil }
        return record
    }
}
