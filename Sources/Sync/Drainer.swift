import CentralClient
import Foundation
import KioskStore
import SyncProtocol

/// Empties the outbox towards the central store, ODK-style: each row is marked `sending` before the request
/// and `acknowledged` only on the server's word for that row; a crash or a cut connection leaves rows
/// `sending`, put back to `queued` at the next start and sent again (the server answers `duplicate`).
public struct Drainer: Sendable {
    public var database: AppDatabase
    public var identity: BoxIdentity
    public var client: CentralClient
    /// Envelopes per request, and bytes per request (the batch closes at whichever comes first).
    public var batchCount: Int
    public var batchBytes: Int
    /// Backoff after a failure: base × 2^(attempts−1), at most `maxBackoff`, ±20 % jitter.
    public var baseBackoff: TimeInterval
    public var maxBackoff: TimeInterval

    public init(database: AppDatabase, identity: BoxIdentity, client: CentralClient, batchCount: Int = 500,
                batchBytes: Int = 2 << 20, baseBackoff: TimeInterval = 30, maxBackoff: TimeInterval = 6 * 3600) {
        self.database = database
        self.identity = identity
        self.client = client
        self.batchCount = batchCount
        self.batchBytes = batchBytes
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
    }

    /// The wait before the next attempt of a row tried `attempts` times.
    public func backoff(attempts: Int, random: Double = Double.random(in: 0.8...1.2)) -> TimeInterval {
        let exponent = Double(max(0, min(attempts - 1, 20)))
        return min(maxBackoff, baseBackoff * pow(2, exponent)) * random
    }

    /// Sends everything due. `ignoringBackoff` is for a sync a person asked for ("sync now", `kiosk sync --once`).
    public func drain(ignoringBackoff: Bool = false) async -> DrainReport {
        var report = DrainReport()
        do {
            try database.sealUnsealed(with: identity.sealer)
            let signer = identity.signer(database: database)
            var countLimit = batchCount
            var skipped = Set<String>()
            while true {
                let due = try database.outboxDue(limit: countLimit + skipped.count, ignoringBackoff: ignoringBackoff)
                    .filter { !skipped.contains($0.record.id) }
                if due.isEmpty { break }
                var batch: [OutboxItem] = []
                var bytes = 0
                for item in due.prefix(countLimit) {
                    if !batch.isEmpty && bytes + item.record.payload.count > batchBytes { break }
                    // Sealed rows hold the envelope's JSON exactly as it goes on the wire: sent as stored.
                    guard item.record.payloadFormat == "hpke-v1", item.record.payload.first == UInt8(ascii: "{") else {
                        skipped.insert(item.record.id)
                        continue
                    }
                    batch.append(item)
                    bytes += item.record.payload.count
                }
                if batch.isEmpty { continue }
                let ids = batch.map(\.record.id)
                try database.markSending(ids)
                report.batches += 1
                let answer: UploadResponse
                do {
                    answer = try await client.upload(encodedBatch: UploadBatch.encode(encodedEnvelopes: batch.map(\.record.payload)), signer: signer)
                } catch let error as ClientError {
                    if case .refused(_, let problem) = error, [.bodyTooLarge, .batchTooLarge, .malformedJSON, .unknownField, .invalidEnvelope].contains(problem.code),
                       batch.count > 1 {
                        // Smaller batches, at once: too large, or one damaged row refused the whole batch (halving isolates it).
                        try database.markFailed(ids, error: problem.code.rawValue, retryAt: database.clock())
                        countLimit = max(1, batch.count / 2)
                        continue
                    }
                    // Rows keep the reason with its catalogue code first, as a per-envelope refusal does.
                    var reason = error.description
                    if case .refused(_, let problem) = error { reason = "\(problem.code.rawValue): \(problem.detail)" }
                    try fail(batch, because: reason, retryable: error.retryable)
                    report.stoppedBecause = error.description
                    break
                }
                var byID: [String: EnvelopeResult] = [:]
                for result in answer.results { byID[result.id] = result }
                var acknowledged: [String] = []
                for item in batch {
                    guard let result = byID[item.record.id] else {
                        try fail([item], because: "no answer for this envelope", retryable: true)
                        continue
                    }
                    switch result.status {
                    case .accepted:
                        acknowledged.append(item.record.id)
                        report.sent += 1
                    case .duplicate:
                        acknowledged.append(item.record.id)
                        report.duplicates += 1
                    case .refused:
                        let problem = result.problem ?? Problem(.internalError, "refused without a reason")
                        try fail([item], because: "\(problem.code.rawValue): \(problem.detail)", retryable: problem.code.retryable)
                        report.refused.append("\(item.record.id): \(problem.code.rawValue)")
                        skipped.insert(item.record.id)
                    }
                }
                try database.markAcknowledged(acknowledged)
            }
        } catch {
            report.stoppedBecause = "the box's database: \(error)"
        }
        let summary = try? database.outboxSummary()
        report.remaining = (summary?.counts[.queued] ?? 0) + (summary?.counts[.sending] ?? 0)
        return report
    }

    /// Puts rows back to `queued` with the error and the next attempt time. A refusal that retrying
    /// cannot fix waits a day (it stays visible to the mediator and to `kiosk doctor`).
    func fail(_ items: [OutboxItem], because error: String, retryable: Bool) throws {
        let now = database.clock()
        for item in items {
            let wait = retryable ? backoff(attempts: item.attempts + 1) : 24 * 3600
            try database.markFailed([item.record.id], error: error, retryAt: now.addingTimeInterval(wait))
        }
    }
}
