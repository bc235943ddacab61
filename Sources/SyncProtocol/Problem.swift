import Foundation

/// One catalogue of problems shared by the central store and the box: every refusal names one of
/// these codes, and the code alone tells the box whether trying again later can help.
///
/// ```json
/// {"code": "replayed-request", "detail": "counter 12 is not above 40", "lastCounter": 40}
/// ```
public enum ProblemCode: String, Codable, Sendable, CaseIterable {
    case malformedJSON = "malformed-json"
    case unknownField = "unknown-field"
    case invalidEnvelope = "invalid-envelope"
    case badEnvelopeSignature = "bad-envelope-signature"
    case unreadableEnvelope = "unreadable-envelope"
    case conflictingEnvelope = "conflicting-envelope"
    case deviceMismatch = "device-mismatch"
    case missingSignature = "missing-signature"
    case badSignature = "bad-signature"
    case unknownDevice = "unknown-device"
    case revokedDevice = "revoked-device"
    case replayedRequest = "replayed-request"
    case bodyTooLarge = "body-too-large"
    case batchTooLarge = "batch-too-large"
    case invalidToken = "invalid-token"
    case notFound = "not-found"
    case upstreamUnavailable = "upstream-unavailable"
    case storageUnavailable = "storage-unavailable"
    case internalError = "internal-error"
    case badContentSignature = "bad-content-signature"
    case badContentHash = "bad-content-hash"
    case invalidContent = "invalid-content"
    /// Too many wrong tokens (or passwords) from this address or for this account lately: try again later.
    case tooManyAttempts = "too-many-attempts"

    /// The HTTP status a whole request refused with this code gets.
    public var httpStatus: Int {
        switch self {
        case .malformedJSON, .unknownField, .invalidEnvelope, .badEnvelopeSignature, .unreadableEnvelope,
             .deviceMismatch, .badContentSignature, .badContentHash, .invalidContent: 400
        case .missingSignature, .badSignature, .unknownDevice: 401
        case .revokedDevice, .invalidToken: 403
        case .notFound: 404
        case .conflictingEnvelope, .replayedRequest: 409
        case .bodyTooLarge, .batchTooLarge: 413
        case .tooManyAttempts: 429
        case .upstreamUnavailable, .storageUnavailable: 503
        case .internalError: 500
        }
    }

    /// Whether sending again later (or with a fresh counter, or a smaller batch) can succeed.
    public var retryable: Bool {
        switch self {
        case .replayedRequest, .bodyTooLarge, .batchTooLarge, .upstreamUnavailable, .storageUnavailable, .internalError, .tooManyAttempts: true
        default: false
        }
    }
}

/// A refusal: the code from the catalogue and a sentence that names what is wrong (never personal data).
public struct Problem: Codable, Sendable, Error, Equatable, CustomStringConvertible {
    public var code: ProblemCode
    public var detail: String
    /// For `replayed-request`: the highest counter the server has seen from this device.
    public var lastCounter: Int64?

    public init(_ code: ProblemCode, _ detail: String, lastCounter: Int64? = nil) {
        self.code = code
        self.detail = detail
        self.lastCounter = lastCounter
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
