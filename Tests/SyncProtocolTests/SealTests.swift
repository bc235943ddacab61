@preconcurrency import Crypto
import Foundation
import SyncProtocol
import Testing

@Suite("Sealing, signing and strict decoding")
struct SealTests {
    let box = Curve25519.Signing.PrivateKey()
    let central = Curve25519.KeyAgreement.PrivateKey()

    func envelope(_ text: String = #"{"answers":{}}"#) throws -> Envelope {
        try Seal.seal(Data(text.utf8), id: "0b7c6a1e-3f0a-4d8e-9c1b-2a3b4c5d6e7f", device: "box-1", kind: "permanence.visit-record",
                      schema: 1, sequence: 4, createdAt: "2026-11-23T10:00:00.000Z", to: central.publicKey, signingWith: box)
    }

    @Test("A sealed record opens with the central store's key only")
    func roundTrip() throws {
        let sealed = try envelope()
        #expect(try Seal.open(sealed, with: central) == Data(#"{"answers":{}}"#.utf8))
        #expect(throws: Problem.self) { try Seal.open(sealed, with: Curve25519.KeyAgreement.PrivateKey()) }
        #expect(!String(decoding: try WireJSON.encode(sealed), as: UTF8.self).contains("answers"))
    }

    @Test("The sealed payload cannot be moved to another id or device")
    func associatedDataBinds() throws {
        var moved = try envelope()
        moved.device = "box-2"
        #expect(throws: Problem.self) { try Seal.open(moved, with: central) }
        var renamed = try envelope()
        renamed.id = "1b7c6a1e-3f0a-4d8e-9c1b-2a3b4c5d6e7f"
        #expect(throws: Problem.self) { try Seal.open(renamed, with: central) }
    }

    @Test("Any change to a signed envelope breaks its signature")
    func signatureCoversEveryField() throws {
        let original = try envelope()
        #expect(Seal.verify(original, signedBy: box.publicKey))
        var changes: [Envelope] = []
        var a = original; a.sequence = 5; changes.append(a)
        var b = original; b.createdAt = "2020-01-01T00:00:00.000Z"; changes.append(b)
        var c = original; c.kind = "other"; changes.append(c)
        var d = original; d.ciphertext = String(d.ciphertext.dropLast(4)) + "AAA="; changes.append(d)
        for changed in changes { #expect(!Seal.verify(changed, signedBy: box.publicKey)) }
        #expect(!Seal.verify(original, signedBy: Curve25519.Signing.PrivateKey().publicKey))
    }

    @Test("A request signature covers method, path, counter and body")
    func requestSignature() throws {
        let body = Data("{}".utf8)
        let signature = try RequestSignature.sign(method: "POST", path: "/v1/records", counter: 3, body: body, key: box)
        #expect(RequestSignature.verify(method: "POST", path: "/v1/records", counter: 3, body: body, signature: signature, key: box.publicKey))
        #expect(!RequestSignature.verify(method: "POST", path: "/v1/records", counter: 4, body: body, signature: signature, key: box.publicKey))
        #expect(!RequestSignature.verify(method: "POST", path: "/v1/enroll", counter: 3, body: body, signature: signature, key: box.publicKey))
        #expect(!RequestSignature.verify(method: "POST", path: "/v1/records", counter: 3, body: Data("[]".utf8), signature: signature, key: box.publicKey))
    }

    @Test("Strict decoding names the unknown, missing or mistyped field")
    func strictDecoding() {
        func problem(_ json: String) -> Problem? {
            do {
                _ = try WireJSON.decodeStrict(EnrollRequest.self, from: Data(json.utf8), fields: EnrollRequest.fields)
                return nil
            } catch {
                return error as? Problem
            }
        }
        #expect(problem(#"{"token":"t","publicKey":"k"}"#) == nil)
        #expect(problem(#"{"token":"t","publicKey":"k","admin":true}"#)?.detail == "unknown field 'admin'")
        #expect(problem(#"{"token":"t"}"#)?.detail == "missing field 'publicKey'")
        #expect(problem(#"{"token":1,"publicKey":"k"}"#)?.detail == "field 'token' has the wrong type")
        #expect(problem("[1,2]")?.code == .malformedJSON)
        #expect(problem("{")?.code == .malformedJSON)
    }

    @Test("Shape checks refuse ids that are not UUIDs and keys of the wrong size")
    func shape() throws {
        var bad = try envelope()
        bad.id = "../../etc"
        #expect(throws: Problem.self) { try Seal.validateShape(bad) }
        var short = try envelope()
        short.encapsulatedKey = Data([1, 2, 3]).base64EncodedString()
        #expect(throws: Problem.self) { try Seal.validateShape(short) }
        #expect(throws: Never.self) { try Seal.validateShape(try envelope()) }
    }

    @Test("The hand-written envelope JSON is byte for byte what the JSON encoder writes, and reads back")
    func fastJSON() throws {
        var envelope = try envelope()
        envelope.createdAt = "quote \" back\\slash / tab\t é"
        #expect(envelope.jsonData() == (try WireJSON.encode(envelope)))
        let batch = UploadBatch.encode(encodedEnvelopes: [envelope.jsonData(), try self.envelope().jsonData()])
        let decoded = try UploadBatch.decodeStrict(batch)
        #expect(decoded.envelopes.count == 2)
        #expect(decoded.envelopes[0] == envelope)
    }

    @Test("The upload decoder names unknown, missing and mistyped envelope fields")
    func uploadDecoder() throws {
        let good = String(decoding: try envelope().jsonData(), as: UTF8.self)
        func problem(_ body: String) -> Problem? {
            do {
                _ = try UploadBatch.decodeStrict(Data(body.utf8))
                return nil
            } catch {
                return error as? Problem
            }
        }
        #expect(problem(#"{"envelopes":[\#(good)]}"#) == nil)
        #expect(problem(#"{"envelopes":[\#(good.dropLast()),"extra":1}]}"#)?.detail == "unknown field 'extra' in envelopes[0]")
        #expect(problem(#"{"envelopes":[\#(good.replacingOccurrences(of: "\"schema\":1", with: "\"schema\":true"))]}"#)?.detail == "field 'envelopes[0].schema' has the wrong type")
        #expect(problem(#"{"envelopes":[\#(good.replacingOccurrences(of: "\"sequence\":4", with: "\"sequence\":4.5"))]}"#)?.code == .malformedJSON)
        #expect(problem(#"{"envelopes":[{"id":"x"}]}"#)?.detail.hasPrefix("missing field 'envelopes[0].") == true)
        #expect(problem(#"{"envelopes":{}}"#)?.detail == "field 'envelopes' has the wrong type")
        #expect(problem(#"{}"#)?.detail == "missing field 'envelopes'")
        #expect(problem(#"{"envelopes":[],"more":1}"#)?.code == .unknownField)
    }
}
