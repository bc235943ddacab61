import CentralClient
@preconcurrency import Crypto
import Foundation
import KioskStore
import SyncProtocol

/// What of the box's identity needs the network or the request signer: enrolment, and signing requests.
extension BoxIdentity {
    /// First-boot enrolment: makes the box's key (kept if one exists), enrols it with the one-time token,
    /// and stores the answer. Both files are mode 0600 in a 0700 directory.
    public static func provision(home: URL, central: URL, token: String, name: String?, client: CentralClient? = nil) async throws -> BoxIdentity {
        let keyURL = Self.keyURL(home: home)
        let key: Curve25519.Signing.PrivateKey
        if FileManager.default.fileExists(atPath: keyURL.path) {
            key = try KeyFile.signingKey(keyURL)
        } else {
            key = Curve25519.Signing.PrivateKey()
            try KeyFile.write(key.rawRepresentation, to: keyURL)
        }
        let client = client ?? CentralClient(baseURL: central)
        let answer = try await client.enroll(EnrollRequest(token: token, publicKey: key.publicKey.rawRepresentation.base64EncodedString(), name: name))
        let enrolment = Enrolment(central: central.absoluteString, device: answer.device, recordsKey: answer.recordsKey,
                                  contentKey: answer.contentKey, enrolledAt: answer.centralTime)
        try KeyFile.writeFile(try WireJSON.encode(enrolment), to: Self.enrolmentURL(home: home))
        return try Self.load(home: home)
    }

    /// Signs requests with the counter kept in the box's database.
    public func signer(database: AppDatabase) -> RequestSigner {
        RequestSigner(device: enrolment.device, key: key,
                      nextCounter: { try database.nextCounter("sync.request_counter") },
                      adoptCounter: { try database.raiseCounter("sync.request_counter", atLeast: $0) })
    }
}
