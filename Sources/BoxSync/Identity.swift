@preconcurrency import Crypto
import Foundation
import KioskStore
import SyncProtocol

/// What enrolment left on the box, in `HOME/keys/enrolment.json` (mode 0600) beside `HOME/keys/device.key`.
public struct Enrolment: Codable, Sendable, Equatable {
    /// The central store (or relay) URL the box syncs with.
    public var central: String
    public var device: String
    /// The central store's X25519 records key (base64): records are sealed to it.
    public var recordsKey: String
    /// The central store's Ed25519 content key (base64): content bundles must be signed by it.
    public var contentKey: String
    public var enrolledAt: String

    public init(central: String, device: String, recordsKey: String, contentKey: String, enrolledAt: String) {
        self.central = central
        self.device = device
        self.recordsKey = recordsKey
        self.contentKey = contentKey
        self.enrolledAt = enrolledAt
    }
}

/// The box's identity: its Ed25519 key and its enrolment.
public struct BoxIdentity: Sendable {
    public var key: Curve25519.Signing.PrivateKey
    public var enrolment: Enrolment
    public var recordsKey: Curve25519.KeyAgreement.PublicKey
    public var contentKey: Curve25519.Signing.PublicKey

    public static func keyURL(home: URL) -> URL { home.appendingPathComponent("keys/device.key") }
    public static func enrolmentURL(home: URL) -> URL { home.appendingPathComponent("keys/enrolment.json") }

    /// Why a box cannot sync.
    public enum LoadError: Error, CustomStringConvertible {
        case notEnrolled
        case unreadable(String)
        public var description: String {
            switch self {
            case .notEnrolled: "this box is not enrolled: run kiosk provision --central URL --token T"
            case .unreadable(let why): "the enrolment files cannot be used: \(why)"
            }
        }
    }

    /// The identity of an enrolled box; `notEnrolled` when provisioning has not happened.
    public static func load(home: URL) throws -> BoxIdentity {
        let enrolmentURL = enrolmentURL(home: home)
        guard let data = FileManager.default.contents(atPath: enrolmentURL.path) else { throw LoadError.notEnrolled }
        do {
            let enrolment = try JSONDecoder().decode(Enrolment.self, from: data)
            let key = try KeyFile.signingKey(keyURL(home: home))
            guard let records = Data(base64Encoded: enrolment.recordsKey), let content = Data(base64Encoded: enrolment.contentKey) else {
                throw LoadError.unreadable("keys in enrolment.json are not base64")
            }
            return BoxIdentity(key: key, enrolment: enrolment,
                               recordsKey: try Curve25519.KeyAgreement.PublicKey(rawRepresentation: records),
                               contentKey: try Curve25519.Signing.PublicKey(rawRepresentation: content))
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError.unreadable(String(describing: error).prefix(200).description)
        }
    }

    /// Seals outbox records for this box: HPKE to the records key, signed by the box, as an `Envelope` JSON.
    public var sealer: OutboxSealer {
        let key = self.key
        let device = enrolment.device
        let recordsKey = self.recordsKey
        return { record, sequence, createdAt in
            let envelope = try Seal.seal(record.payload, id: record.id, device: device, kind: record.kind, schema: record.schemaVersion,
                                         sequence: sequence, createdAt: createdAt, to: recordsKey, signingWith: key)
            return OutboxRecord(id: record.id, kind: record.kind, schemaVersion: record.schemaVersion, payloadFormat: "hpke-v1",
                                payload: envelope.jsonData())
        }
    }

}
