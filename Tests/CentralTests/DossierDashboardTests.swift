@testable import Central
import CentralClient
import CentralTestSupport
import FollowUp
import Foundation
import SyncProtocol
import TestSupport
import Testing

@Suite("Dashboard: follow-up dossiers", .serialized)
struct DossierDashboardTests {
    static let nickname = "Bogdana"

    func event(_ action: FollowUpEvent.Action, dossier: String, _ fill: (inout FollowUpEvent) -> Void = { _ in }) throws -> Data {
        var event = FollowUpEvent(id: UUID().uuidString.lowercased(), dossier: dossier, action: action, day: "2026-11-24", at: "2026-11-24T10:00:00.000Z")
        fill(&event)
        return try WireJSON.encode(event)
    }

    func open(_ box: TestBox, _ central: LiveCentral, dossier: String, code: String) async throws -> UploadResponse {
        let body = try event(.open, dossier: dossier) {
            $0.code = code
            $0.nickname = Self.nickname
            $0.birthYear = 1987
            $0.commune = "11103"
            $0.language = "ro"
            $0.item = FollowUpItem(id: "item-c2s", kind: .rightRequested, subject: "c2s", status: .awaiting, since: "2026-11-24")
        }
        return try await central.client.upload(UploadBatch(envelopes: [try box.envelope(kind: FollowUpEvent.kind, body)]), signer: box.signer)
    }

    func post(_ central: LiveCentral, _ path: String, _ form: String, cookie: String) async throws -> (status: Int, location: String?) {
        let (status, _, headers) = try await central.client.rawWithHeaders("POST", path, body: Data(form.utf8), headers: [("Cookie", cookie)],
                                                                             contentType: "application/x-www-form-urlencoded")
        return (status, headers.first { $0.0.lowercased() == "location" }?.1)
    }

    func get(_ central: LiveCentral, _ path: String, cookie: String?) async throws -> (status: Int, body: String) {
        let (status, body) = try await central.client.raw("GET", path, body: nil, headers: cookie.map { [("Cookie", $0)] } ?? [])
        return (status, String(decoding: body, as: UTF8.self))
    }

    @Test("Behind the login, for coordinators and mediators only: the due list, a dossier's history, an update, a conflict resolved, close and erase",
          arguments: StorageBackend.allCases)
    func pages(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            _ = try await central.service.addUser(name: "coordination", password: "correct horse battery")
            _ = try await central.service.addUser(name: "chiffres", password: "correct horse battery", role: .statistics)
            let box = try await TestBox.enrolled(at: central, name: "Couiza")
            var random = SystemRandomNumberGenerator()
            let code = FollowUpCode.make(using: &random)
            let dossier = UUID().uuidString.lowercased()
            #expect(try await open(box, central, dossier: dossier, code: code).results.first?.status == .accepted)

            // A bad event is refused with the field named, and nothing of it is kept.
            let long = try event(.open, dossier: UUID().uuidString.lowercased()) {
                $0.code = FollowUpCode.make(using: &random)
                $0.nickname = String(repeating: "x", count: 41)
            }
            let refused = try await central.client.upload(UploadBatch(envelopes: [try box.envelope(kind: FollowUpEvent.kind, long)]), signer: box.signer)
            #expect(refused.results.first?.status == .refused)
            #expect(refused.results.first?.problem?.detail.contains("nickname is longer than 40 characters") == true)

            #expect(try await get(central, "/dossiers", cookie: nil).status == 303)
            let statistics = try #require(try await signIn(central, user: "chiffres"))
            let forbidden = try await get(central, "/dossiers", cookie: statistics)
            #expect(forbidden.status == 403)
            #expect(!forbidden.body.contains(Self.nickname))
            #expect(try await get(central, "/callbacks", cookie: statistics).status == 403, "call-back names and numbers are not for statistics accounts either")

            let cookie = try #require(try await signIn(central))
            let list = try await get(central, "/dossiers", cookie: cookie)
            #expect(list.status == 200)
            #expect(list.body.contains(Self.nickname) && list.body.contains(code))
            #expect(list.body.contains("Demande envoyée : "), "the item in the team's words")

            // CPAM answered: recorded on the dashboard from version 1.
            let saved = try await post(central, "/dossiers/\(dossier)/items/item-c2s", "version=1&status=done&outcome=accord%C3%A9&note=", cookie: cookie)
            #expect(saved.status == 303 && saved.location?.hasSuffix("done=saved") == true)
            let item = try #require(try await central.storage.dossier(id: dossier)?.items.first)
            #expect(item.version == 2 && item.outcome == "granted" && item.status == .done)

            // The box, not knowing, changes the same item from version 1: a conflict, shown on the dossier's page.
            let parallel = try event(.updateItem, dossier: dossier) {
                $0.itemID = "item-c2s"
                $0.baseVersion = 1
                $0.change = ItemChange(status: .awaiting, note: "dossier renvoyé")
            }
            _ = try await central.client.upload(UploadBatch(envelopes: [try box.envelope(kind: FollowUpEvent.kind, parallel)]), signer: box.signer)
            let page = try await get(central, "/dossiers/\(dossier)", cookie: cookie)
            #expect(page.body.contains("Deux modifications faites en même temps"))
            #expect(page.body.contains("dossier renvoyé") && page.body.contains("résultat : accordé"), "both versions shown")
            #expect(page.body.contains("borne Couiza"), "who made each change")
            try Data(page.body.utf8).write(to: testArtefact("dossier-\(backend).html"))
            let seq = try #require(try await central.storage.dossierConflicts(dossier: dossier, unresolvedOnly: true).first?.seq)
            let resolved = try await post(central, "/conflicts/\(seq)/resolve", "take=no", cookie: cookie)
            #expect(resolved.location?.contains("done=resolved") == true)
            #expect(try await central.storage.dossierConflicts(dossier: dossier, unresolvedOnly: true).isEmpty)
            #expect(try await central.storage.dossier(id: dossier)?.items.first?.outcome == "granted", "kept as it was")

            // Erasure asks for the person's request to be ticked.
            let unticked = try await post(central, "/dossiers/\(dossier)/erase", "", cookie: cookie)
            #expect(unticked.location?.contains("done=confirm") == true)
            #expect(try await central.storage.dossier(id: dossier) != nil)
            let erased = try await post(central, "/dossiers/\(dossier)/erase", "confirm=yes", cookie: cookie)
            #expect(erased.location == "/dossiers?done=erased")
            #expect(try await get(central, "/dossiers/\(dossier)", cookie: cookie).status == 404)
            let audit = try await central.service.auditLog()
            #expect(audit.contains { $0.action == "dossier_update_item" && $0.user == "coordination" })
            #expect(audit.contains { $0.action == "dossier_conflict_kept" })
            #expect(audit.contains { $0.action == "dossier_erased" && $0.subject == dossier })
        }
    }

    @Test("A dossier's page in headless Chromium: its items, a conflict and its history, no console error")
    func chromium() async throws {
        let browser = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let directory = temporaryDirectory("dossier-page")
        try await withCentral(.sqlite) { central in
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            _ = try await central.service.addUser(name: "coordination", password: "correct horse battery")
            let box = try await TestBox.enrolled(at: central, name: "Couiza")
            var random = SystemRandomNumberGenerator()
            let dossier = UUID().uuidString.lowercased()
            _ = try await open(box, central, dossier: dossier, code: FollowUpCode.make(using: &random))
            let paper = try event(.addItem, dossier: dossier) { $0.item = FollowUpItem(id: "paper", kind: .paperMissing, subject: "proof_of_address", nextPermanence: true) }
            _ = try await central.client.upload(UploadBatch(envelopes: [try box.envelope(kind: FollowUpEvent.kind, paper)]), signer: box.signer)
            _ = try await central.service.updateItem(dossier: dossier, item: "item-c2s", baseVersion: 1, change: ItemChange(status: .done, outcome: "granted"), by: "coordination")
            let parallel = try event(.updateItem, dossier: dossier) {
                $0.itemID = "item-c2s"
                $0.baseVersion = 1
                $0.change = ItemChange(status: .awaiting, note: "relance envoyée")
            }
            _ = try await central.client.upload(UploadBatch(envelopes: [try box.envelope(kind: FollowUpEvent.kind, parallel)]), signer: box.signer)
            let cookie = try #require(try await signIn(central))
            try Data(try await get(central, "/dossiers/\(dossier)", cookie: cookie).body.utf8).write(to: directory.appendingPathComponent("dossier.html"))
            try Data(try await get(central, "/dossiers", cookie: cookie).body.utf8).write(to: directory.appendingPathComponent("list.html"))
        }
        for page in ["dossier", "list"] {
            let screenshot = testArtefact("dashboard-\(page).png")
            try? FileManager.default.removeItem(at: screenshot)
            let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,1400",
                             "--user-data-dir=\(directory.appendingPathComponent("profile").path)", "--enable-logging=stderr", "--v=0"]
            let shot = try runProcess(URL(fileURLWithPath: browser), arguments + ["--screenshot=\(screenshot.path)", directory.appendingPathComponent("\(page).html").absoluteString], timeout: 120)
            #expect(FileManager.default.fileExists(atPath: screenshot.path), "\(shot.stderr.suffix(600))")
            let console = shot.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("Refused to") }
            #expect(console.isEmpty, "\(console)")
        }
    }

    @Test("A dossier without activity for 12 months closes by itself (in its history), and leaves the packs", arguments: StorageBackend.allCases)
    func closesWhenInactive(_ backend: StorageBackend) async throws {
        let clock = TestClock("2026-11-24T09:30:00+01:00")
        try await withCentral(backend, clock: clock) { central in
            try TeamKeyFile.set(passphrase: "le chat boit du lait", in: central.service.configuration.dataDirectory, parameters: KDFParameters(logN: 10, r: 8, p: 1))
            let box = try await TestBox.enrolled(at: central, name: "Couiza")
            var random = SystemRandomNumberGenerator()
            let dossier = UUID().uuidString.lowercased()
            _ = try await open(box, central, dossier: dossier, code: FollowUpCode.make(using: &random))
            #expect(try await central.service.buildPack(device: box.device, commune: "11103").count == 1)
            clock.advance(hours: 24 * 364)
            #expect(try await central.service.buildPack(device: box.device, commune: "11103").count == 1, "still open a day before the year")
            clock.advance(hours: 24 * 2)
            #expect(try await central.service.buildPack(device: box.device, commune: "11103").count == 0)
            #expect(try await central.storage.dossier(id: dossier)?.status == .closed)
            #expect(try await central.storage.dossierHistory(id: dossier).last?.source == "system")
        }
    }

    @Test("A team passphrase too short is refused by name, and the key already set stays as it was")
    func shortPassphrase() throws {
        let data = temporaryDirectory("team-key")
        try TeamKeyFile.set(passphrase: "le chat boit du lait", in: data, parameters: KDFParameters(logN: 10, r: 8, p: 1))
        let before = try Data(contentsOf: TeamKeyFile.url(in: data))
        #expect(throws: Problem.self) { try TeamKeyFile.set(passphrase: "  trop  court ", in: data) }
        do {
            try TeamKeyFile.set(passphrase: "trop court", in: data)
        } catch let problem as Problem {
            #expect(problem.detail == "the team passphrase must have at least 12 characters (four words are best)")
        }
        #expect(try Data(contentsOf: TeamKeyFile.url(in: data)) == before)
    }
}
