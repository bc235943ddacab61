import Central
import CentralTestSupport
import Foundation
import Intake
import KioskApp
import KioskStore
import Sync
import TestSupport
import Testing

/// A call-back request left at the box: sealed on the box, synced, listed behind the login, marked done, audited.
@Suite("Sync: call-back requests", .serialized)
struct CallbackSyncTests {
    static let name = "Zamfirescu"
    static let phone = "+40721234567"

    /// The request as the kiosk makes it (the runtime's effect on the box's own database).
    func request(_ box: TestBoxHome) {
        var config = KioskConfig(placeName: "Couiza")
        config.communeCode = "11103"
        let runtime = KioskRuntime(database: box.database, content: ContentFixtures.content, engine: Fixtures.engine, config: config)
        let state = AppState(config: config, content: ContentFixtures.content, engine: Fixtures.engine, now: Date())
        #expect(runtime.run(.saveCallback(CallbackRequest(name: Self.name, phone: Self.phone, language: "ro", moment: "evening")), state: state) == [.callbackSaved])
    }

    func signIn(_ central: LiveCentral) async throws -> String {
        _ = try await central.service.addUser(name: "coordination", password: "correct horse battery")
        let (status, _, headers) = try await central.client.rawWithHeaders("POST", "/login", body: Data("user=coordination&password=correct+horse+battery".utf8),
                                                                             contentType: "application/x-www-form-urlencoded")
        #expect(status == 303)
        return try #require(headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
    }

    @Test("Entered at the box, sealed (no name or number in the box's files), synced, listed for the team, marked done once and audited",
          arguments: StorageBackend.allCases)
    func endToEnd(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            let box = try await TestBoxHome.provisioned(at: central)
            request(box)
            #expect(!anyFile(under: box.home, contains: Self.phone) && !anyFile(under: box.home, contains: "0721234567"), "a stolen copy of the data directory holds no number")
            #expect(!anyFile(under: box.home, contains: Self.name))
            try await box.drainUntilEmpty(box.drainer())
            #expect(try box.database.callbackRequests(since: Date().addingTimeInterval(-3600)).first?.sent == true, "the mediator sees it reached the team")

            // Behind the login only.
            let anonymous = try await central.client.raw("GET", "/callbacks", body: nil)
            #expect(anonymous.status == 303)
            #expect(!String(decoding: anonymous.body, as: UTF8.self).contains(Self.phone))
            let cookie = try await signIn(central)
            let entries = try await central.service.callbackRequests()
            #expect(entries.count == 1)
            let entry = try #require(entries.first)
            #expect(entry.record.phone == Self.phone && entry.record.name == Self.name && entry.record.language == "ro" && entry.record.commune == "11103")
            let page = String(decoding: try await central.client.raw("GET", "/callbacks", body: nil, headers: [("Cookie", cookie)]).body, as: UTF8.self)
            #expect(page.contains(Self.phone) && page.contains("roumain") && page.contains("en fin de journée") && page.contains("Couiza"))
            #expect(page.contains("À rappeler (1)"))

            // Marked done by the signed-in user: once, audited with who.
            let done = try await central.client.raw("POST", "/callbacks/\(entry.id)/done", body: Data(), headers: [("Cookie", cookie)])
            #expect(done.status == 303)
            let again = try await central.client.raw("POST", "/callbacks/\(entry.id)/done", body: Data(), headers: [("Cookie", cookie)])
            #expect(again.status == 303)
            let after = String(decoding: try await central.client.raw("GET", "/callbacks", body: nil, headers: [("Cookie", cookie)]).body, as: UTF8.self)
            #expect(after.contains("À rappeler (0)") && after.contains("par coordination"))
            // The call-backs' entries (the sign-in has its own).
            let audit = try await central.service.auditLog().filter { $0.action.hasPrefix("callback") }
            #expect(audit.map(\.action) == ["callback_done"] && audit.first?.user == "coordination" && audit.first?.subject == entry.id)
            // Without a session, nothing is marked; an unknown id is refused by name.
            let stranger = try await central.client.raw("POST", "/callbacks/\(entry.id)/done", body: Data())
            let auditAfterStranger = try await central.service.auditLog().filter { $0.action.hasPrefix("callback") }
            #expect(stranger.status == 303 && auditAfterStranger.count == 1)
            let unknown = try await central.client.raw("POST", "/callbacks/nothing-here/done", body: Data(), headers: [("Cookie", cookie)])
            #expect(unknown.status == 404)
            #expect(String(decoding: unknown.body, as: UTF8.self).contains("no call-back request nothing-here"))
        }
    }

    @Test("The team's list renders in headless Chromium with the number and the done button, and no console error")
    func chromium() async throws {
        let browser = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "chromium is installed by tools/test")
        let directory = temporaryDirectory("callbacks")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withCentral(.sqlite) { central in
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            let box = try await TestBoxHome.provisioned(at: central)
            request(box)
            try await box.drainUntilEmpty(box.drainer())
            let cookie = try await signIn(central)
            let page = try await central.client.raw("GET", "/callbacks", body: nil, headers: [("Cookie", cookie)])
            try page.body.write(to: directory.appendingPathComponent("callbacks.html"))
        }
        let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,700",
                         "--user-data-dir=\(directory.appendingPathComponent("profile").path)", "--enable-logging=stderr", "--v=0"]
        let file = directory.appendingPathComponent("callbacks.html").absoluteString
        let dom = try runProcess(URL(fileURLWithPath: browser), arguments + ["--dump-dom", file], timeout: 120)
        #expect(dom.stdout.contains(Self.phone))
        #expect(dom.stdout.contains("Marquer comme fait"))
        #expect(dom.stdout.contains("Couiza"), "the box's village by name")
        let screenshot = directory.appendingPathComponent("callbacks.png")
        let shot = try runProcess(URL(fileURLWithPath: browser), arguments + ["--screenshot=\(screenshot.path)", file], timeout: 120)
        #expect(FileManager.default.fileExists(atPath: screenshot.path), "\(shot.stderr.suffix(500))")
        let console = (shot.stderr + dom.stderr).split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("Refused to") }
        #expect(console.isEmpty, "\(console)")
        if let keep = ProcessInfo.processInfo.environment["CALLBACKS_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: screenshot, to: URL(fileURLWithPath: keep))
        }
    }
}
