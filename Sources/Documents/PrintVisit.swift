import Foundation
import Intake
import Rights

/// What the documents of one visit are made from: the answers, the identity fields the mediator
/// entered with the visitor (never asked at self check-in), the mediator, and a referral.
/// Its JSON form is the `--visit FILE` of `kiosk print` (samples: `Kiosk/samples/*visit*.json`).
public struct PrintVisit: Codable, Sendable {
    public struct Identity: Codable, Sendable {
        public var lastName: String?
        public var firstNames: String?
        /// YYYY-MM-DD.
        public var birthDate: String?
        public var address: String?
        public var postcode: String?
        public var city: String?
        /// Social security number (NIR), 13 digits and a 2-digit key.
        public var nir: String?
        public init(lastName: String? = nil, firstNames: String? = nil, birthDate: String? = nil, address: String? = nil,
                    postcode: String? = nil, city: String? = nil, nir: String? = nil) {
            self.lastName = lastName
            self.firstNames = firstNames
            self.birthDate = birthDate
            self.address = address
            self.postcode = postcode
            self.city = city
            self.nir = nir
        }
        enum CodingKeys: String, CodingKey {
            case lastName = "last_name", firstNames = "first_names", birthDate = "birth_date", address, postcode, city, nir
        }
    }

    /// Who is at the desk and how partners reach the team; each part may be missing (then it is not printed).
    public struct Mediator: Codable, Sendable {
        public var name: String?
        public var organisation: String?
        public var address: String?
        public var phone: String?
        public init(name: String?, organisation: String?, address: String? = nil, phone: String?) {
            self.name = name
            self.organisation = organisation
            self.address = address
            self.phone = phone
        }
    }

    public struct Referral: Codable, Sendable {
        /// A service id of the partner directory.
        public var service: String
        /// Why: written (or corrected) by the mediator; absent, it is built from the visit (`ReferralText`).
        public var reason: String?
        /// What was already done; absent, it is built from the documents printed.
        public var done: String?
        public var consent: Bool
        public init(service: String, reason: String? = nil, done: String? = nil, consent: Bool) {
            self.service = service
            self.reason = reason
            self.done = done
            self.consent = consent
        }
    }

    public init(date: String, language: String, ticket: Int?, identity: Identity = Identity(), answers: [String: AnswerValue],
                mediator: Mediator? = nil, referral: Referral? = nil) {
        self.date = date
        self.language = language
        self.ticket = ticket
        self.identity = identity
        self.answers = answers
        self.mediator = mediator
        self.referral = referral
    }

    /// YYYY-MM-DD: the date the documents carry and the rights are evaluated at.
    public var date: String
    public var language: String
    public var ticket: Int?
    public var identity: Identity
    public var answers: [String: AnswerValue]
    public var mediator: Mediator?
    public var referral: Referral?
    /// The documents already printed for the visit (ids), for the letter's "what was done".
    public var printed: [String]?
}

/// A visit that cannot be printed: names the field.
public struct DocumentError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension PrintVisit {
    /// Reads a visit file; errors name the field.
    public static func decode(_ data: Data) throws -> PrintVisit {
        do {
            let visit = try JSONDecoder().decode(PrintVisit.self, from: data)
            guard LocalDate(iso: visit.date) != nil else { throw DocumentError("date: '\(visit.date.prefix(12))' is not a date written YYYY-MM-DD") }
            if let birth = visit.identity.birthDate, LocalDate(iso: birth) == nil {
                throw DocumentError("identity.birth_date: not a date written YYYY-MM-DD")
            }
            if let nir = visit.identity.nir, !NIR.normalised(nir).isEmpty {
                let birth = visit.identity.birthDate.flatMap { LocalDate(iso: $0) }
                if let problem = NIR.check(nir, birthYear: birth?.year, birthMonth: birth?.month) {
                    throw DocumentError("identity.nir: \(problem.description)")
                }
            }
            return visit
        } catch let error as DocumentError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw DocumentError("\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")): missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw DocumentError("\(path.isEmpty ? "visit" : path): \(context.debugDescription.prefix(80))")
        } catch {
            throw DocumentError("visit: not valid JSON")
        }
    }

    /// The rights evaluation of the answers on the visit's date.
    public func evaluation(questionnaires: [Questionnaire], engine: RightsEngine, territory: Territory = .metropole) -> Evaluation? {
        guard let day = LocalDate(iso: date) else { return nil }
        let situation = SituationBuilder.build(answers: answers, questionnaires: questionnaires, date: day, territory: territory)
        return try? engine.evaluate(situation)
    }
}
