@testable import Central
import CentralClient
import CentralTestSupport
import Foundation
import SyncProtocol
import TestSupport
import Testing

/// Signs in through the login form and returns the session cookie.
func signIn(_ central: LiveCentral, user: String = "coordination", password: String = "correct horse battery") async throws -> String? {
    let (status, _, headers) = try await central.client.rawWithHeaders("POST", "/login", body: Data("user=\(user)&password=\(password.replacingOccurrences(of: " ", with: "+"))".utf8),
                                                                         contentType: "application/x-www-form-urlencoded")
    guard status == 303 else { return nil }
    return headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init)
}

/// Uploads records for a small believable data set (2 communes, 2 weeks).
func uploadSample(_ central: LiveCentral, visits: Int = 60) async throws {
    let box = try await TestBox.enrolled(at: central)
    var envelopes: [Envelope] = []
    for index in 0..<visits {
        let commune = index % 3 == 0 ? "11010" : "11103"
        let day = index % 2 == 0 ? "2026-11-17" : "2026-11-24"
        let gaveUp = index % 4 == 0 ? #","gave_up_care":{"choice":"yes"},"gave_up_reasons":{"choices":["money","transport"]}"# : #","gave_up_care":{"choice":"no"}"#
        let right = index % 5 == 0 ? #"{"right":"ame","verdict":"eligible"}"# : #"{"right":"c2s","verdict":"eligible","variant":"free"}"#
        envelopes.append(try box.envelope(#"{"day":"\#(day)","language":"\#(index % 7 == 0 ? "uk" : "fr")","answers":{"commune":{"text":"\#(commune)"},"reasons":{"choices":["coverage","doctor"]},"prevention_interest":{"choices":["\#(index % 2 == 0 ? "screening" : "vaccination")"]}\#(gaveUp)},"rights":[\#(right)],"waiting_minutes":\#(index % 50),"printed":["cerfa-12504"]}"#))
    }
    _ = try await central.client.upload(UploadBatch(envelopes: envelopes), signer: box.signer)
}

@Suite("Dashboard and statistics routes", .serialized)
struct DashboardTests {
    @Test("Without a session, the statistics are refused and the dashboard sends to the login page", arguments: StorageBackend.allCases)
    func refusedWithoutSession(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let stats = try await central.client.raw("GET", "/v1/stats", body: nil)
            #expect(stats.status == 401)
            #expect(try JSONDecoder().decode(Problem.self, from: stats.body).code == .missingSignature)
            let csv = try await central.client.raw("GET", "/v1/stats.csv", body: nil)
            #expect(csv.status == 401)
            let page = try await central.client.rawWithHeaders("GET", "/dashboard", body: nil)
            #expect(page.status == 303)
            #expect(page.headers.contains { $0.0.lowercased() == "location" && $0.1 == "/login" })
            let forged = try await central.client.raw("GET", "/v1/stats", body: nil, headers: [("Cookie", "permanence_session=" + String(repeating: "a", count: 64))])
            #expect(forged.status == 401)
        }
    }

    @Test("Every commune of the valley is in the filter with its INSEE code; the chart counts Quillan by its code 11304")
    func communesByCode() async throws {
        try await withCentral(.sqlite) { central in
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            _ = try await central.service.addUser(name: "coordination", password: "correct horse battery")
            let box = try await TestBox.enrolled(at: central)
            let envelopes = try (0..<12).map { index in
                try box.envelope(#"{"day":"2026-11-24","language":"fr","answers":{"commune":{"text":"\#(index < 7 ? "11304" : "11103")"}},"rights":[]}"#)
            }
            _ = try await central.client.upload(UploadBatch(envelopes: envelopes), signer: box.signer)
            let cookie = try #require(try await signIn(central))
            let page = String(decoding: try await central.client.raw("GET", "/dashboard?from=2026-11-01&to=2026-11-30", body: nil,
                                                                       headers: [("Cookie", cookie)]).body, as: UTF8.self)
            for (code, name) in [("11304", "Quillan"), ("11129", "Espéraza"), ("11021", "Axat"), ("11028", "Belcaire"), ("11091", "Chalabre")] {
                #expect(page.contains("<option value=\"\(code)\">\(name)</option>"), "\(name) in the filter")
            }
            let json = try await central.client.raw("GET", "/v1/stats?from=2026-11-01&to=2026-11-30", body: nil, headers: [("Cookie", cookie)])
            let report = try JSONDecoder().decode(StatsReport.self, from: json.body)
            #expect(report.visitsByCommune.first { $0.key == "11304" }?.count == .shown(7), "\(report.visitsByCommune)")
            #expect(report.visitsByCommune.first { $0.key == "11304" }?.label == "Quillan")
            let filtered = try await central.client.raw("GET", "/v1/stats?from=2026-11-01&to=2026-11-30&commune=11304", body: nil, headers: [("Cookie", cookie)])
            #expect(try JSONDecoder().decode(StatsReport.self, from: filtered.body).visits == .shown(7))
        }
    }

    @Test("A coordinator signs in, reads the statistics as JSON, CSV and the dashboard, and signs out", arguments: StorageBackend.allCases)
    func signedIn(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            #expect(try await central.service.addUser(name: "coordination", password: "correct horse battery"))
            #expect(try await signIn(central, password: "wrong password!") == nil)
            let cookie = try #require(try await signIn(central))
            try await uploadSample(central)
            let json = try await central.client.raw("GET", "/v1/stats?from=2026-11-01&to=2026-11-30", body: nil, headers: [("Cookie", cookie)])
            #expect(json.status == 200)
            let report = try JSONDecoder().decode(StatsReport.self, from: json.body)
            #expect(report.visits == .shown(60))
            #expect(report.visitsByWeek.map(\.count) == [.shown(30), .shown(30)])
            let one = try await central.client.raw("GET", "/v1/stats?from=2026-11-01&to=2026-11-30&commune=11010", body: nil, headers: [("Cookie", cookie)])
            #expect(try JSONDecoder().decode(StatsReport.self, from: one.body).visits == .shown(20))
            let bad = try await central.client.raw("GET", "/v1/stats?from=yesterday", body: nil, headers: [("Cookie", cookie)])
            #expect(bad.status == 400)
            #expect(String(decoding: bad.body, as: UTF8.self).contains("'from' must be a date"))
            let csv = try await central.client.raw("GET", "/v1/stats.csv?from=2026-11-01&to=2026-11-30", body: nil, headers: [("Cookie", cookie)])
            #expect(String(decoding: csv.body, as: UTF8.self).contains("visits,all,Passages,60,"))
            let page = try await central.client.raw("GET", "/dashboard?from=2026-11-01&to=2026-11-30", body: nil, headers: [("Cookie", cookie)])
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(page.status == 200)
            #expect(html.components(separatedBy: "<svg").count - 1 == 8)
            #expect(!html.contains("<script"))
            #expect(!html.contains("http://") && !html.contains("https://"), "nothing loaded from elsewhere")
            _ = try await central.client.raw("POST", "/logout", body: Data(), headers: [("Cookie", cookie)])
            #expect(try await central.client.raw("GET", "/v1/stats", body: nil, headers: [("Cookie", cookie)]).status == 401)
        }
    }

    @Test("The database's sums equal the sums of the stored rows, for all communes and for one", arguments: StorageBackend.allCases)
    func sumsInTheDatabase(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            try await uploadSample(central, visits: 90)
            for commune in [nil, "11010"] {
                let rows = try await central.storage.statCounts(from: "2026-11-01", to: "2026-11-30", commune: commune)
                let sums = try await central.storage.statSums(from: "2026-11-01", to: "2026-11-30", commune: commune)
                #expect(sums == StatSums(rows: rows))
                #expect(sums.visitsByDay.map(\.count).reduce(0, +) == (commune == nil ? 90 : 30))
            }
            let none = try await central.storage.statSums(from: "2025-01-01", to: "2025-01-31", commune: nil)
            #expect(none.byMetric.isEmpty)
        }
    }

    @Test("A session expires after its lifetime")
    func sessionExpires() async throws {
        let clock = TestClock()
        clock.set("2026-11-23T09:00:00Z")
        try await withCentral(.sqlite, clock: clock) { central in
            _ = try await central.service.addUser(name: "coordination", password: "correct horse battery")
            let cookie = try #require(try await signIn(central))
            #expect(try await central.client.raw("GET", "/v1/stats", body: nil, headers: [("Cookie", cookie)]).status == 200)
            clock.advance(hours: 7.9)
            #expect(try await central.client.raw("GET", "/v1/stats", body: nil, headers: [("Cookie", cookie)]).status == 200)
            clock.advance(hours: 0.2)
            #expect(try await central.client.raw("GET", "/v1/stats", body: nil, headers: [("Cookie", cookie)]).status == 401)
        }
    }

    @Test("Passwords are hashed with scrypt and too-short passwords are refused")
    func passwords() async throws {
        let hash = try PasswordHasher.hash("correct horse battery", rounds: 1 << 10)
        #expect(hash.hasPrefix("scrypt$1024$8$1$"))
        #expect(!hash.contains("correct"))
        #expect(PasswordHasher.verify("correct horse battery", against: hash))
        #expect(!PasswordHasher.verify("correct horse batterY", against: hash))
        try await withCentral(.sqlite) { central in
            await #expect(throws: Problem.self) { try await central.service.addUser(name: "coordination", password: "short") }
            #expect(try await central.service.addUser(name: "coordination", password: "long enough password"))
            let again = try await central.service.addUser(name: "coordination", password: "another long password")
            #expect(!again, "the name is taken")
        }
    }

    @Test("The dashboard renders in headless Chromium with its charts and no console error")
    func chromium() async throws {
        let browser = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "chromium is installed by tools/test")
        let directory = temporaryDirectory("dashboard")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withCentral(.sqlite) { central in
            _ = try await central.service.publishContent(from: Repository.root.appendingPathComponent("Kiosk"))
            _ = try await central.service.addUser(name: "coordination", password: "correct horse battery")
            try await uploadSample(central, visits: 120)
            let cookie = try #require(try await signIn(central))
            let page = try await central.client.raw("GET", "/dashboard?from=2026-11-01&to=2026-11-30", body: nil, headers: [("Cookie", cookie)])
            try page.body.write(to: directory.appendingPathComponent("dashboard.html"))
        }
        let screenshot = directory.appendingPathComponent("dashboard.png")
        let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2200",
                         "--user-data-dir=\(directory.appendingPathComponent("profile").path)", "--enable-logging=stderr", "--v=0"]
        let shot = try runProcess(URL(fileURLWithPath: browser), arguments + ["--screenshot=\(screenshot.path)", directory.appendingPathComponent("dashboard.html").absoluteString], timeout: 120)
        #expect(FileManager.default.fileExists(atPath: screenshot.path), "\(shot.stderr.suffix(1000))")
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 30_000, "a page with charts, not a blank one")
        let dom = try runProcess(URL(fileURLWithPath: browser), arguments + ["--dump-dom", directory.appendingPathComponent("dashboard.html").absoluteString], timeout: 120)
        #expect(dom.stdout.components(separatedBy: "<svg").count - 1 == 8)
        #expect(dom.stdout.contains("Couiza"), "commune names from the published content")
        let console = (shot.stderr + dom.stderr).split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("Refused to") }
        #expect(console.isEmpty, "\(console)")
        if let keep = ProcessInfo.processInfo.environment["DASHBOARD_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: screenshot, to: URL(fileURLWithPath: keep))
        }
    }
}
