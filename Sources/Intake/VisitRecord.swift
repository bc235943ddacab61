import Foundation
import Rights

/// What leaves the box for a closed visit, before sealing: a clearly named, versioned JSON record.
///
/// - With consent `share`: `permanence.visit-record` v1 — the answers (personal ones removed:
///   first name, free texts), the rights found, the box's times.
/// - With consent `box_only`: `permanence.visit-counts` v1 — only what anonymous counts need
///   (day, language, reasons for coming, rights found, care given up, prevention interest):
///   no commune, no year of birth, no visit id.
public struct VisitRecord: Codable, Sendable, Equatable {
    public static let kind = "permanence.visit-record"
    public static let countsKind = "permanence.visit-counts"
    public static let schemaVersion = 1

    public struct RightFound: Codable, Sendable, Equatable {
        public var right: String
        public var verdict: String
        public var variant: String?
        public var monthlyParticipation: Double?

        enum CodingKeys: String, CodingKey {
            case right, verdict, variant
            case monthlyParticipation = "monthly_participation"
        }
    }

    public var visitID: String?
    public var day: String
    public var ticketNumber: Int?
    public var language: String
    public var createdAt: String?
    public var closedAt: String?
    public var answers: [String: AnswerValue]
    public var rights: [RightFound]
    /// Minutes between check-in and the mediator taking the visit (nil when not known). Both kinds carry it.
    public var waitingMinutes: Int?
    /// Documents printed for the visit (`cerfa-12504`, …), whatever the consent: counts need them.
    public var printed: [String]?
    /// The id of the record an earlier close of this visit queued (and sent) before it was reopened: the central store
    /// keeps this one and stops counting that one. Absent for a visit closed once.
    public var supersedes: String?
    /// The person said they needed care now (an answer the content marks urgent); absent otherwise. Both kinds carry it.
    public var urgent: Bool?

    enum CodingKeys: String, CodingKey {
        case visitID = "visit_id", day, ticketNumber = "ticket_number", language
        case createdAt = "created_at", closedAt = "closed_at", answers, rights
        case waitingMinutes = "waiting_minutes", printed, supersedes, urgent
    }

    /// Questions whose answers anonymous counts may carry.
    public static let countedQuestions: Set<String> = ["reasons", "interpreter", "gave_up_care", "gave_up_reasons", "prevention_interest", "base_coverage"]

    /// Builds the record for a visit; `share` decides between the full record and the counts.
    public static func make(share: Bool, visitID: String, day: String, ticketNumber: Int, language: String,
                            createdAt: String, closedAt: String, answers: [String: AnswerValue],
                            questionnaires: [Questionnaire], evaluation: Evaluation?, waitingMinutes: Int? = nil,
                            printed: [String] = []) -> (kind: String, record: VisitRecord) {
        let personal = Set(questionnaires.flatMap(\.questions).filter(\.personal).map(\.id))
        let rights = evaluation?.rights.map {
            RightFound(right: $0.right.rawValue, verdict: $0.verdict.rawValue, variant: $0.variant?.rawValue,
                       monthlyParticipation: $0.monthlyParticipation.map { Double($0) / 100 })
        } ?? []
        let urgent: Bool? = Questionnaire.isUrgent(answers, in: questionnaires) ? true : nil
        if share {
            let kept = answers.filter { !personal.contains($0.key) }
            return (kind, VisitRecord(visitID: visitID, day: day, ticketNumber: ticketNumber, language: language,
                                      createdAt: createdAt, closedAt: closedAt, answers: kept, rights: rights,
                                      waitingMinutes: waitingMinutes, printed: printed.isEmpty ? nil : printed, urgent: urgent))
        }
        let counted = answers.filter { countedQuestions.contains($0.key) }
        return (countsKind, VisitRecord(visitID: nil, day: day, ticketNumber: nil, language: language,
                                        createdAt: nil, closedAt: nil, answers: counted, rights: rights,
                                        waitingMinutes: waitingMinutes, printed: printed.isEmpty ? nil : printed, urgent: urgent))
    }

    /// Canonical JSON (sorted keys): the payload to seal.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
