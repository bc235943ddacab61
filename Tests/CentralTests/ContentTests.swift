@testable import Central
import CentralClient
@preconcurrency import Crypto
import Foundation
import SyncProtocol
import TestSupport
import CentralTestSupport
import Testing

@Suite("Central store: content bundles", .serialized)
struct ContentTests {
    @Test("Published content is signed, versioned and served file by file", arguments: StorageBackend.allCases)
    func publishAndServe(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let first = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            let second = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            #expect(second.version == first.version + 1)
            let signed = try #require(try await central.client.latestContent())
            let manifest = try ContentSignature.open(signed, key: central.service.keys.contentPublic)
            #expect(manifest.version == second.version)
            let rules = try #require(manifest.files.first { $0.path == "rules/c2s.yaml" })
            let data = try await central.client.contentFile(version: manifest.version, path: rules.path)
            #expect(Hex.sha256(data) == rules.sha256)
            let escape = try await central.client.raw("GET", "/v1/content/\(manifest.version)/files/%2E%2E/%2E%2E/keys/records.key", body: nil)
            #expect(escape.status == 404)
        }
    }

    @Test("Content that fails the content check is not published")
    func invalidContentRefused() async throws {
        try await withCentral(.sqlite) { central in
            let broken = temporaryDirectory("broken-content")
            defer { try? FileManager.default.removeItem(at: broken) }
            try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Kiosk"), to: broken.appendingPathComponent("c"))
            let rule = broken.appendingPathComponent("c/rules/c2s.yaml")
            try (try String(contentsOf: rule, encoding: .utf8)).replacingOccurrences(of: "source:", with: "sourse:").write(to: rule, atomically: true, encoding: .utf8)
            await #expect(throws: Problem.self) { try await central.service.publishContent(from: broken.appendingPathComponent("c")) }
            #expect(try await central.storage.latestContent() == nil)
        }
    }

    @Test("A manifest altered after signing is refused")
    func tamperedManifest() throws {
        let key = Curve25519.Signing.PrivateKey()
        var signed = try ContentSignature.sign(ContentManifest(version: 3, publishedAt: "t", files: []), key: key)
        var manifest = try JSONDecoder().decode(ContentManifest.self, from: Data(base64Encoded: signed.manifest)!)
        manifest.version = 4
        signed.manifest = try WireJSON.encode(manifest).base64EncodedString()
        #expect(throws: Problem(.badContentSignature, "the content manifest is not signed by the content key")) {
            try ContentSignature.open(signed, key: key.publicKey)
        }
    }
}
