@testable import Central
import CentralClient
import CentralTestSupport
import Foundation
import SyncProtocol
import TestSupport
import Testing

@Suite("Guessing is slow: dashboard logins and enrolment tokens", .serialized)
struct GuessingTests {
    /// Each try runs scrypt (32 MiB) at the server; in a debug build under the full suite's load one took more than the
    /// client's default 30 s once: 60 s, as the sync harness allows (these tests are about answers, not speed).
    func login(_ central: LiveCentral, _ user: String, _ password: String) async throws -> (status: Int, body: String) {
        let client = CentralClient(baseURL: central.client.baseURL, timeout: .seconds(60))
        let (status, body, _) = try await client.rawWithHeaders("POST", "/login", body: Data("user=\(user)&password=\(password.replacingOccurrences(of: " ", with: "+"))".utf8),
                                                                       contentType: "application/x-www-form-urlencoded")
        return (status, String(decoding: body, as: UTF8.self))
    }

    @Test("Wrong passwords: delays grow, the tenth locks for 15 minutes; an unknown user is answered the same; the right password works after the lock; each audited",
          arguments: StorageBackend.allCases)
    func logins(_ backend: StorageBackend) async throws {
        let clock = TestClock("2026-11-24T09:30:00+01:00")
        try await withCentral(backend, clock: clock) { central in
            _ = try await central.service.addUser(name: "coordination", password: "correct horse battery")
            // Unknown user and wrong password: the same status and the same page.
            let unknown = try await login(central, "personne", "correct horse battery")
            let wrong = try await login(central, "coordination", "wrong horse battery")
            #expect(unknown.status == 401 && wrong.status == 401)
            #expect(unknown.body == wrong.body)
            // Delays grow (the user's key counts: 2 wrong so far for "coordination"; the address counts every one).
            var waits: [TimeInterval] = []
            for _ in 0..<7 {
                let attempt = try await login(central, "coordination", "wrong horse battery")
                if attempt.status == 429 {
                    guard case .wait(let until) = try await central.service.guessVerdict(CentralService.loginKeys(name: "coordination", address: "127.0.0.1")) else {
                        Issue.record("a 429 without a wait")
                        return
                    }
                    waits.append(until.timeIntervalSince(clock.now))
                    #expect(attempt.body.contains("essais incorrects : nouvel essai possible à"))
                    clock.advance(seconds: until.timeIntervalSince(clock.now) + 0.01)
                    let again = try await login(central, "coordination", "wrong horse battery")
                    #expect(again.status == 401, "after the wait, the try is made")
                } else {
                    #expect(attempt.status == 401)
                    clock.advance(seconds: 0.5)
                }
            }
            #expect(waits.count >= 3, "waits: \(waits)")
            #expect(zip(waits, waits.dropFirst()).allSatisfy { $0 < $1 }, "each wait longer than the one before: \(waits)")
            // Keep guessing until the lock (ten wrong in a row for the account).
            var locked = false
            for _ in 0..<20 where !locked {
                switch try await central.service.guessVerdict(CentralService.loginKeys(name: "coordination", address: "127.0.0.1")) {
                case .locked: locked = true
                case .wait(let until): clock.advance(seconds: until.timeIntervalSince(clock.now) + 0.01)
                case .allowed: _ = try await login(central, "coordination", "wrong horse battery")
                }
            }
            #expect(locked)
            let duringLock = try await login(central, "coordination", "correct horse battery")
            #expect(duringLock.status == 429, "locked: even the right password waits")
            let otherUser = try await login(central, "personne", "whatever password")
            #expect(otherUser.status == 429, "the address is locked too")
            clock.advance(seconds: GuessPolicy.lockDuration + 1)
            let after = try await login(central, "coordination", "correct horse battery")
            #expect(after.status == 303, "the right password works once the lock has ended")
            let audit = try await central.service.auditLog()
            #expect(audit.filter { $0.action == "login_failed" }.count >= 10)
            // The address (which also counted the unknown user's try) locked first.
            #expect(audit.contains { $0.action == "login_failed_locked" && $0.subject == "login-address:127.0.0.1" })
            #expect(audit.contains { $0.action == "login" && $0.user == "coordination" })
            #expect(!audit.contains { $0.subject.contains("horse") || $0.user.contains("horse") }, "no password in the audit")
        }
    }

    @Test("Bad enrolment tokens from one address: slowed, then locked; a good token works after the lock")
    func enrolmentTokens() async throws {
        let clock = TestClock("2026-11-24T09:30:00+01:00")
        try await withCentral(.sqlite, clock: clock) { central in
            let key = Curve25519Key.publicBase64()
            var refusedForTokens = 0
            var throttled = false
            for index in 0..<40 where !throttled {
                do {
                    _ = try await central.client.enroll(EnrollRequest(token: "AAAA-BBBB-CCCC-\(1000 + index)", publicKey: key))
                } catch ClientError.refused(let status, let problem) {
                    if problem.code == .invalidToken { refusedForTokens += 1; clock.advance(seconds: 0.2); continue }
                    #expect(status == 429 && problem.code == .tooManyAttempts)
                    if case .locked = try await central.service.guessVerdict(["enroll-address:127.0.0.1"]) { throttled = true; continue }
                    guard case .wait(let until) = try await central.service.guessVerdict(["enroll-address:127.0.0.1"]) else { continue }
                    clock.advance(seconds: until.timeIntervalSince(clock.now) + 0.01)
                }
            }
            #expect(throttled, "locked after \(refusedForTokens) bad tokens")
            #expect(refusedForTokens == GuessPolicy.lockAfter)
            let token = try await central.service.makeEnrollToken()
            await #expect(throws: ClientError.self) { _ = try await central.client.enroll(EnrollRequest(token: token, publicKey: key)) }
            clock.advance(seconds: GuessPolicy.lockDuration + 1)
            let answer = try await central.client.enroll(EnrollRequest(token: token, publicKey: key))
            #expect(!answer.device.isEmpty)
            #expect(try await central.service.auditLog().contains { $0.action == "enroll_refused_locked" })
        }
    }
}

/// A fresh Ed25519 public key, base64 (for enrolment requests).
enum Curve25519Key {
    static func publicBase64() -> String { TestBox().key.publicKey.rawRepresentation.base64EncodedString() }
}
