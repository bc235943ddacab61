@testable import Central
import CentralClient
@preconcurrency import Crypto
import Foundation
import SyncProtocol
import TestSupport
import CentralTestSupport
import Testing

@Suite("Central store: enrolment and records", .serialized)
struct RecordsTests {
    @Test("A one-time token enrols a box once and gives it the central store's keys", arguments: StorageBackend.allCases)
    func enrolmentIsOneTime(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let token = try await central.service.makeEnrollToken()
            let key = Curve25519.Signing.PrivateKey()
            let request = EnrollRequest(token: token, publicKey: key.publicKey.rawRepresentation.base64EncodedString(), name: "Couiza")
            let answer = try await central.client.enroll(request)
            #expect(answer.recordsKey == central.service.keys.recordsPublic.rawRepresentation.base64EncodedString())
            #expect(try await central.storage.device(answer.device)?.name == "Couiza")
            await #expect(throws: ClientError.self) { try await central.client.enroll(request) }
            do {
                _ = try await central.client.enroll(EnrollRequest(token: token, publicKey: Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString()))
                Issue.record("a used token enrolled again")
            } catch ClientError.refused(let status, let problem) {
                #expect(status == 403)
                #expect(problem.code == .invalidToken)
            }
        }
    }

    @Test("An expired token is refused", arguments: StorageBackend.allCases)
    func expiredToken(_ backend: StorageBackend) async throws {
        let clock = TestClock()
        clock.set("2026-11-23T10:00:00Z")
        try await withCentral(backend, clock: clock) { central in
            let token = try await central.service.makeEnrollToken(validity: 3600)
            clock.advance(hours: 2)
            do {
                _ = try await central.client.enroll(EnrollRequest(token: token, publicKey: Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString()))
                Issue.record("an expired token enrolled")
            } catch ClientError.refused(_, let problem) {
                #expect(problem.code == .invalidToken)
            }
        }
    }

    @Test("A batch is stored once: a resubmission is a duplicate, the same id with other content is refused", arguments: StorageBackend.allCases)
    func duplicatesAndConflicts(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let envelopes = try (0..<20).map { _ in try box.envelope() }
            let first = try await central.client.upload(UploadBatch(envelopes: envelopes), signer: box.signer)
            #expect(first.results.allSatisfy { $0.status == .accepted })
            let again = try await central.client.upload(UploadBatch(envelopes: envelopes), signer: box.signer)
            #expect(again.results.allSatisfy { $0.status == .duplicate })
            let other = try box.envelope(#"{"answers":{"other":true}}"#, id: envelopes[0].id)
            let conflict = try await central.client.upload(UploadBatch(envelopes: [other]), signer: box.signer)
            #expect(conflict.results.first?.status == .refused)
            #expect(conflict.results.first?.problem?.code == .conflictingEnvelope)
            #expect(try await central.storage.countEnvelopes(device: box.device) == 20)
            let visits = try await central.storage.statCounts(from: "2026-01-01", to: "2026-12-31", commune: nil).filter { $0.metric == "visits" }
            #expect(visits.map(\.count).reduce(0, +) == 20, "counted once, not at the resubmission")
        }
    }

    @Test("The central store opens each record with its private key and keeps only its counts", arguments: StorageBackend.allCases)
    func recordsAreOpened(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let record = #"{"answers":{"reasons":{"choices":["coverage"]},"commune":{"text":"11103"}},"day":"2026-11-23","language":"fr","rights":[]}"#
            _ = try await central.client.upload(UploadBatch(envelopes: [try box.envelope(record)]), signer: box.signer)
            let counts = try await central.storage.statCounts(from: "2026-11-23", to: "2026-11-23", commune: "11103")
            #expect(counts.contains(StatRow(day: "2026-11-23", commune: "11103", metric: "reason", value: "coverage", count: 1)))
            #expect(counts.contains(StatRow(day: "2026-11-23", commune: "11103", metric: "visits", value: "all", count: 1)))
        }
    }

    @Test("A visit closed, reopened and closed again is held once and counted once, whichever record arrives first", arguments: StorageBackend.allCases)
    func supersededRecord(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            func record(_ reason: String, supersedes: String? = nil) -> String {
                let tail = supersedes.map { #","supersedes":"\#($0)""# } ?? ""
                return #"{"answers":{"reasons":{"choices":["\#(reason)"]}},"day":"2026-11-23","language":"fr","rights":[]\#(tail)}"#
            }
            func visits(_ metric: String = "visits") async throws -> [String: Int] {
                let rows = try await central.storage.statCounts(from: "2026-11-23", to: "2026-11-23", commune: nil).filter { $0.metric == metric }
                return Dictionary(rows.map { ($0.value, $0.count) }, uniquingKeysWith: +).filter { $0.value > 0 }
            }
            // In order: the first close, then the one after the reopening.
            let first = try box.envelope(record("coverage"))
            _ = try await central.client.upload(UploadBatch(envelopes: [first]), signer: box.signer)
            let second = try box.envelope(record("doctor", supersedes: first.id))
            let answer = try await central.client.upload(UploadBatch(envelopes: [second]), signer: box.signer)
            #expect(answer.results.first?.status == .accepted)
            #expect(try await central.storage.countEnvelopes(device: box.device) == 1)
            #expect(try await visits() == ["all": 1])
            #expect(try await visits("reason") == ["doctor": 1], "the latest version counts")
            // Sent again (a retry): still once.
            _ = try await central.client.upload(UploadBatch(envelopes: [second]), signer: box.signer)
            #expect(try await visits() == ["all": 1])
            // Reopened twice more, the newest arriving before the one it replaces (through a relay, say).
            let thirdID = UUID().uuidString.lowercased()
            let fourth = try box.envelope(record("paperwork", supersedes: thirdID))
            _ = try await central.client.upload(UploadBatch(envelopes: [fourth]), signer: box.signer)
            let third = try box.envelope(record("prevention", supersedes: second.id), id: thirdID)
            let late = try await central.client.upload(UploadBatch(envelopes: [third]), signer: box.signer)
            #expect(late.results.first?.status == .accepted, "kept (acknowledged), not counted")
            #expect(try await central.storage.countEnvelopes(device: box.device) == 1)
            #expect(try await visits() == ["all": 1])
            #expect(try await visits("reason") == ["paperwork": 1])
            // Both in one batch: the same.
            let a = try box.envelope(record("coverage"))
            let b = try box.envelope(record("other", supersedes: a.id))
            _ = try await central.client.upload(UploadBatch(envelopes: [a, b]), signer: box.signer)
            #expect(try await central.storage.countEnvelopes(device: box.device) == 2)
            #expect(try await visits() == ["all": 2])
            #expect(try await visits("reason") == ["paperwork": 1, "other": 1])
        }
    }

    @Test("A tampered envelope is refused with its code and nothing is stored", arguments: StorageBackend.allCases)
    func tamperedEnvelope(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            var envelope = try box.envelope()
            var bytes = Array(Data(base64Encoded: envelope.ciphertext)!)
            bytes[3] ^= 0x01
            envelope.ciphertext = Data(bytes).base64EncodedString()
            let answer = try await central.client.upload(UploadBatch(envelopes: [envelope]), signer: box.signer)
            #expect(answer.results.first?.problem?.code == .badEnvelopeSignature)
            #expect(try await central.storage.countEnvelopes(device: nil) == 0)
        }
    }

    @Test("An envelope sealed to another key is refused as unreadable and not stored", arguments: StorageBackend.allCases)
    func unreadableEnvelope(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let envelope = try Seal.seal(Data("{}".utf8), id: UUID().uuidString.lowercased(), device: box.device, kind: "k", schema: 1, sequence: 1,
                                         createdAt: "x", to: Curve25519.KeyAgreement.PrivateKey().publicKey, signingWith: box.key)
            let answer = try await central.client.upload(UploadBatch(envelopes: [envelope]), signer: box.signer)
            #expect(answer.results.first?.problem?.code == .unreadableEnvelope)
            #expect(try await central.storage.countEnvelopes(device: nil) == 0)
        }
    }

    @Test("A box cannot upload another device's envelopes", arguments: StorageBackend.allCases)
    func deviceMismatch(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let other = try await TestBox.enrolled(at: central)
            let answer = try await central.client.upload(UploadBatch(envelopes: [try other.envelope()]), signer: box.signer)
            #expect(answer.results.first?.problem?.code == .deviceMismatch)
            #expect(try await central.storage.countEnvelopes(device: nil) == 0)
        }
    }

    @Test("A wrong request signature gets 401 bad-signature and nothing is stored", arguments: StorageBackend.allCases)
    func wrongSignature(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let body = try WireJSON.encode(UploadBatch(envelopes: [try box.envelope()]))
            var headers = try box.headers(body: body)
            headers[2].1 = try RequestSignature.sign(method: "POST", path: "/v1/records", counter: 99, body: body, key: Curve25519.Signing.PrivateKey())
            let answer = try await rawPost(central, body: body, headers: headers)
            #expect(answer.status == 401)
            #expect(answer.problem?.code == .badSignature)
            let unsigned = try await rawPost(central, body: body, headers: [])
            #expect(unsigned.status == 401)
            #expect(unsigned.problem?.code == .missingSignature)
            #expect(try await central.storage.countEnvelopes(device: nil) == 0)
        }
    }

    @Test("A replayed request is refused with the last counter seen", arguments: StorageBackend.allCases)
    func replayedRequest(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let body = try WireJSON.encode(UploadBatch(envelopes: [try box.envelope()]))
            let headers = try box.headers(body: body, counter: 7)
            #expect(try await rawPost(central, body: body, headers: headers).status == 200)
            let replay = try await rawPost(central, body: body, headers: headers)
            #expect(replay.status == 409)
            #expect(replay.problem?.code == .replayedRequest)
            #expect(replay.problem?.lastCounter == 7)
            #expect(try await central.storage.countEnvelopes(device: nil) == 1)
        }
    }

    @Test("A box whose counter went back (restored copy) catches up once and is accepted", arguments: StorageBackend.allCases)
    func counterCatchUp(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let body = try WireJSON.encode(UploadBatch(envelopes: [try box.envelope()]))
            #expect(try await rawPost(central, body: body, headers: try box.headers(body: body, counter: 500)).status == 200)
            let answer = try await central.client.upload(UploadBatch(envelopes: [try box.envelope()]), signer: box.signer)
            #expect(answer.results.first?.status == .accepted)
            #expect(box.nextCounter() > 500)
        }
    }

    @Test("Revoked devices get 403, unknown devices 401", arguments: StorageBackend.allCases)
    func revokedAndUnknown(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            #expect(try await central.storage.revoke(box.device, at: "2026-11-23T10:00:00Z"))
            let body = try WireJSON.encode(UploadBatch(envelopes: [try box.envelope()]))
            let revoked = try await rawPost(central, body: body, headers: try box.headers(body: body))
            #expect(revoked.status == 403)
            #expect(revoked.problem?.code == .revokedDevice)
            let stranger = TestBox()
            stranger.device = "not-enrolled"
            let unknown = try await rawPost(central, body: body, headers: try stranger.headers(body: body))
            #expect(unknown.status == 401)
            #expect(unknown.problem?.code == .unknownDevice)
            #expect(try await central.storage.countEnvelopes(device: nil) == 0)
        }
    }

    @Test("An oversized body gets 413 body-too-large", arguments: StorageBackend.allCases)
    func oversizedBody(_ backend: StorageBackend) async throws {
        try await withCentral(backend, maxBodyBytes: 4096) { central in
            let box = try await TestBox.enrolled(at: central)
            let body = try WireJSON.encode(UploadBatch(envelopes: try (0..<20).map { _ in try box.envelope() }))
            let answer = try await rawPost(central, body: body, headers: try box.headers(body: body))
            #expect(answer.status == 413)
            #expect(answer.problem?.code == .bodyTooLarge)
            #expect(try await central.storage.countEnvelopes(device: nil) == 0)
        }
    }

    @Test("Malformed JSON and unknown fields get 400 with the code that names them", arguments: StorageBackend.allCases)
    func malformedAndUnknownFields(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let broken = Data(#"{"envelopes": [ {"id": "#.utf8)
            let malformed = try await rawPost(central, body: broken, headers: try box.headers(body: broken))
            #expect(malformed.status == 400)
            #expect(malformed.problem?.code == .malformedJSON)

            let envelope = String(decoding: try WireJSON.encode(try box.envelope()), as: UTF8.self)
            let extraTop = Data(#"{"envelopes": [\#(envelope)], "priority": "high"}"#.utf8)
            let top = try await rawPost(central, body: extraTop, headers: try box.headers(body: extraTop))
            #expect(top.status == 400)
            #expect(top.problem?.code == .unknownField)
            #expect(top.problem?.detail.contains("priority") == true)

            let extraNested = Data(#"{"envelopes": [\#(envelope.dropLast()), "plaintext": "x"}]}"#.utf8)
            let nested = try await rawPost(central, body: extraNested, headers: try box.headers(body: extraNested))
            #expect(nested.problem?.code == .unknownField)
            #expect(nested.problem?.detail.contains("plaintext") == true)

            let missing = Data(#"{"envelopes": [{"id": "x"}]}"#.utf8)
            let incomplete = try await rawPost(central, body: missing, headers: try box.headers(body: missing))
            #expect(incomplete.problem?.code == .malformedJSON)
            #expect(try await central.storage.countEnvelopes(device: nil) == 0)
        }
    }

    @Test("A batch over the envelope limit is refused as a whole", arguments: [StorageBackend.sqlite])
    func batchTooLarge(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let envelope = try box.envelope()
            do {
                _ = try await central.client.upload(UploadBatch(envelopes: Array(repeating: envelope, count: UploadBatch.maxEnvelopes + 1)), signer: box.signer)
                Issue.record("an oversized batch was accepted")
            } catch ClientError.refused(let status, let problem) {
                #expect(status == 413)
                #expect(problem.code == .batchTooLarge)
            }
            #expect(try await central.storage.countEnvelopes(device: nil) == 0)
        }
    }

    @Test("Concurrent batches from several boxes counting the same things are all stored", arguments: StorageBackend.allCases)
    func concurrentBoxes(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            var boxes: [TestBox] = []
            for _ in 0..<4 { boxes.append(try await TestBox.enrolled(at: central)) }
            // Every box counts the same reasons, with its own other keys around them (so each batch's sums differ).
            func record(_ box: Int, _ index: Int) -> String {
                let extra = ["care_now", "prevention", "other"].filter { _ in Bool.random() }.map { "\"\($0)\"" }.joined(separator: ",")
                return #"{"answers":{"commune":{"text":"1110\#(box)"},"reasons":{"choices":["coverage","doctor","paperwork"\#(extra.isEmpty ? "" : "," + extra)]},"gave_up_care":{"choice":"\#(index % 2 == 0 ? "yes" : "no")"}},"day":"2026-11-2\#(index % 3)","language":"fr","rights":[]}"#
            }
            let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
                for (number, box) in boxes.enumerated() {
                    group.addTask {
                        var accepted = 0
                        for _ in 0..<3 {
                            let answer = try await central.client.upload(UploadBatch(envelopes: try (0..<100).map { try box.envelope(record(number, $0)) }), signer: box.signer)
                            accepted += answer.results.filter { $0.status == .accepted }.count
                        }
                        return accepted
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(accepted == 1200)
            let sums = try await central.storage.statSums(from: "2026-11-20", to: "2026-11-22", commune: nil).byMetric
            #expect(sums.filter { $0.metric == "reason" && ["coverage", "doctor", "paperwork"].contains($0.value) }.map(\.count) == [1200, 1200, 1200])
            #expect(sums.first { $0.metric == "visits" }?.count == 1200)
        }
    }

    @Test("The problem catalogue says which refusals are worth retrying")
    func catalogue() {
        #expect(ProblemCode.replayedRequest.retryable)
        #expect(ProblemCode.storageUnavailable.retryable)
        #expect(!ProblemCode.conflictingEnvelope.retryable)
        #expect(!ProblemCode.badEnvelopeSignature.retryable)
        #expect(Set(ProblemCode.allCases.map(\.httpStatus)).isSubset(of: [400, 401, 403, 404, 409, 413, 429, 500, 503]))
    }
}
