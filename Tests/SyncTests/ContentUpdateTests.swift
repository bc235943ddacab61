import Central
import CentralClient
import CentralTestSupport
import Foundation
import Sync
import SyncProtocol
import TestSupport
import Testing

@Suite("Sync: content bundles are verified, staged and switched atomically", .serialized)
struct ContentUpdateTests {
    @Test("A new bundle is installed, the previous one kept, and an old one never comes back")
    func installAndKeepPrevious() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            let store = ContentStore(home: box.home)
            let key = ContentVerificationKey(box.identity.contentKey)
            #expect(try await store.update(client: central.client, contentKey: key) == nil, "nothing published yet")
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            #expect(try await store.update(client: central.client, contentKey: key) == 1)
            #expect(store.installedVersion == 1)
            #expect(FileManager.default.fileExists(atPath: store.current.appendingPathComponent("rules/c2s.yaml").path))
            #expect(try await store.update(client: central.client, contentKey: key) == nil, "already up to date")
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            #expect(try await store.update(client: central.client, contentKey: key) == 2)
            let kept = try FileManager.default.contentsOfDirectory(atPath: box.home.appendingPathComponent("content/versions").path).sorted()
            #expect(kept == ["1", "2"])
            #expect(try store.rollback() == 1)
            #expect(store.installedVersion == 1)
        }
    }

    @Test("A file changed on the server after signing is refused and the box keeps its content")
    func tamperedFile() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            let store = ContentStore(home: box.home)
            let key = ContentVerificationKey(box.identity.contentKey)
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            _ = try await store.update(client: central.client, contentKey: key)
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            let served = central.service.configuration.dataDirectory.appendingPathComponent("content/2/rules/c2s.yaml")
            try (try String(contentsOf: served, encoding: .utf8) + "\n# changed\n").write(to: served, atomically: true, encoding: .utf8)
            await #expect(throws: Problem.self) { try await store.update(client: central.client, contentKey: key) }
            #expect(store.installedVersion == 1)
            #expect(!FileManager.default.fileExists(atPath: box.home.appendingPathComponent("content/versions/.staging-2").path))
        }
    }

    @Test("A bundle signed by another key is refused")
    func wrongKey() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            let stranger = ContentVerificationKey(try .init(rawRepresentation: Data(repeating: 7, count: 32)))
            do {
                _ = try await ContentStore(home: box.home).update(client: central.client, contentKey: stranger)
                Issue.record("a bundle signed by another key was installed")
            } catch let problem as Problem {
                #expect(problem.code == .badContentSignature)
            }
            #expect(ContentStore(home: box.home).installedVersion == nil)
        }
    }

    @Test("A staged bundle that fails the content check is refused")
    func invalidBundle() throws {
        let home = temporaryDirectory("box-home")
        defer { try? FileManager.default.removeItem(at: home) }
        let staging = home.appendingPathComponent("content/versions/.staging-5")
        try FileManager.default.createDirectory(at: staging.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Kiosk"), to: staging)
        try FileManager.default.removeItem(at: staging.appendingPathComponent("rules/c2s.yaml"))
        let store = ContentStore(home: home)
        do {
            try store.install(staging: staging, version: 5)
            Issue.record("an invalid bundle was installed")
        } catch let problem as Problem {
            #expect(problem.code == .invalidContent)
        }
        #expect(store.installedVersion == nil)
    }
}
