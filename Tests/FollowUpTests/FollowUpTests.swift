@preconcurrency import Crypto
import FollowUp
import Foundation
import Intake
import Rights
import XCTest

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class FollowUpCodeTests: XCTestCase {
    func testCodesAreTwoGroupsOfFourWithoutLookAlikes() {
        var random = SeededGenerator(state: 1)
        for _ in 0..<500 {
            let code = FollowUpCode.make(using: &random)
            XCTAssertEqual(code.count, 9)
            XCTAssertEqual(Array(code)[4], "-")
            XCTAssertFalse(code.contains { "0O1IL2Z5S8BGQ".contains($0) }, code)
            XCTAssertEqual(try FollowUpCode.normalize(code).get(), code)
            XCTAssertEqual(try FollowUpCode.normalize(code.lowercased().replacingOccurrences(of: "-", with: " ")).get(), code)
        }
    }

    func testTheCheckCharacterCatchesOneMistypedCharacterAndAnySwap() {
        var random = SeededGenerator(state: 7)
        var substitutions = 0, transpositions = 0
        for _ in 0..<200 {
            let code = Array(FollowUpCode.make(using: &random).replacingOccurrences(of: "-", with: ""))
            for position in code.indices {
                for other in FollowUpCode.alphabet where other != code[position] {
                    var typed = code
                    typed[position] = other
                    XCTAssertEqual(FollowUpCode.normalize(String(typed)), .failure(.checkCharacter))
                    substitutions += 1
                }
                for other in (position + 1)..<code.count where code[position] != code[other] {
                    var typed = code
                    typed.swapAt(position, other)
                    if case .success = FollowUpCode.normalize(String(typed)) { XCTFail("a swap of \(position) and \(other) was accepted") }
                    transpositions += 1
                }
            }
        }
        XCTAssertGreaterThan(substitutions, 10_000)
        XCTAssertGreaterThan(transpositions, 1_000)
    }

    func testWhatIsWrongWithATypedCodeIsNamed() {
        XCTAssertEqual(FollowUpCode.normalize("ABC"), .failure(.length(3)))
        XCTAssertEqual(FollowUpCode.normalize("KM0PXTRA"), .failure(.character("0")))
    }
}

final class FollowUpLedgerTests: XCTestCase {
    static func openEvent(_ dossier: String = "dossier-0001", code: String = "KM7P-XTRC", nickname: String = "Zéphyrine") -> FollowUpEvent {
        var random = SeededGenerator(state: UInt64(abs(dossier.hashValue)))
        var event = FollowUpEvent(id: UUID().uuidString, dossier: dossier, action: .open, day: "2026-12-01", at: "2026-12-01T09:00:00.000Z")
        event.code = FollowUpCode.make(using: &random)
        _ = code
        event.nickname = nickname
        event.birthYear = 1961
        event.commune = "12145"
        event.language = "ro"
        event.item = FollowUpItem(id: "item-1", kind: .rightRequested, subject: "c2s", status: .awaiting, since: "2026-12-01")
        event.answers = ["household_size": .number(Fixed4(integer: 2))]
        return event
    }

    func testOpenThenUpdateMakesVersions() throws {
        guard case .applied(let opened) = FollowUpLedger.apply(Self.openEvent(), to: nil, source: "box:A", device: "A", now: "2026-12-01T10:00:00.000Z", today: "2026-12-01") else {
            return XCTFail("not opened")
        }
        XCTAssertEqual(opened.items.first?.version, 1)
        XCTAssertEqual(opened.lastSeenDevice, "A")
        var update = FollowUpEvent(id: "u1", dossier: opened.id, action: .updateItem, day: "2026-12-08", at: "2026-12-08T10:00:00.000Z")
        update.itemID = "item-1"
        update.baseVersion = 1
        update.change = ItemChange(status: .done, outcome: "granted")
        guard case .applied(let updated) = FollowUpLedger.apply(update, to: opened, source: "user:coord", device: nil, now: "2026-12-08T10:00:00.000Z", today: "2026-12-08") else {
            return XCTFail("not updated")
        }
        XCTAssertEqual(updated.items[0].version, 2)
        XCTAssertEqual(updated.items[0].status, .done)
        XCTAssertEqual(updated.items[0].outcome, "granted")
        XCTAssertEqual(updated.items[0].updatedBy, "user:coord")

        // The same base version from another place: kept as a conflict, the current value untouched.
        var parallel = update
        parallel.id = "u2"
        parallel.change = ItemChange(status: .todo, note: "relancer la CPAM")
        guard case .conflict(let after?, let conflict) = FollowUpLedger.apply(parallel, to: updated, source: "box:B", device: "B", now: "2026-12-08T10:01:00.000Z", today: "2026-12-08") else {
            return XCTFail("no conflict")
        }
        XCTAssertEqual(conflict.kind, .parallelUpdate)
        XCTAssertEqual(conflict.current?.status, .done)
        XCTAssertEqual(conflict.change?.note, "relancer la CPAM")
        XCTAssertEqual(after.items[0].status, .done)
    }

    func testAnUpdateToAClosedDossierIsFlaggedNotReopened() {
        guard case .applied(var dossier) = FollowUpLedger.apply(Self.openEvent(), to: nil, source: "box:A", device: "A", now: "t", today: "2026-12-01") else { return XCTFail() }
        dossier.status = .closed
        var add = FollowUpEvent(id: "a1", dossier: dossier.id, action: .addItem, day: "2026-12-02", at: "t")
        add.item = FollowUpItem(id: "item-2", kind: .callBack)
        guard case .conflict(nil, let conflict) = FollowUpLedger.apply(add, to: dossier, source: "box:B", device: "B", now: "t", today: "2026-12-02") else { return XCTFail() }
        XCTAssertEqual(conflict.kind, .closedDossier)
    }

    func testBadEventsAreRefusedWithTheirField() {
        var event = Self.openEvent()
        event.nickname = String(repeating: "a", count: 41)
        XCTAssertEqual(FollowUpLedger.apply(event, to: nil, source: "s", device: nil, now: "t", today: "2026-12-01"), .refused("nickname is longer than 40 characters"))
        event = Self.openEvent()
        event.code = "KM7P-XTRA-"
        XCTAssertEqual(FollowUpLedger.apply(event, to: nil, source: "s", device: nil, now: "t", today: "2026-12-01"), .refused("the follow-up code is not valid"))
    }

    func testInactivity() {
        var dossier = Dossier(id: "d", code: "c", nickname: "n", birthYear: nil, commune: nil, language: "fr", openedOn: "2025-12-02")
        XCTAssertFalse(FollowUpLedger.isInactive(dossier, today: "2026-12-01", months: 12))
        XCTAssertTrue(FollowUpLedger.isInactive(dossier, today: "2026-12-02", months: 12))
        dossier.lastActivity = "2026-06-01"
        XCTAssertFalse(FollowUpLedger.isInactive(dossier, today: "2026-12-02", months: 12))
    }
}

final class PackTests: XCTestCase {
    static let cheap = KDFParameters(logN: 10, r: 8, p: 1)

    func pack(device: String = "box-a") -> PermanencePack {
        var dossiers: [Dossier] = []
        var random = SeededGenerator(state: 3)
        for index in 0..<50 {
            var dossier = Dossier(id: "dossier-\(index)", code: FollowUpCode.make(using: &random), nickname: index == 7 ? "Élodie" : "Personne \(index)",
                                  birthYear: 1950 + index, commune: index % 2 == 0 ? "12145" : "12200", language: "fr", openedOn: "2026-11-01")
            dossier.lastVisit = "2026-11-01"
            dossier.items = [FollowUpItem(id: "i\(index)", kind: .paperMissing, subject: "tax_notice", due: index % 5 == 0 ? "2026-11-20" : nil,
                                          nextPermanence: true, updatedAt: index % 10 == 0 ? "2026-11-15T10:00:00.000Z" : "2026-11-01T10:00:00.000Z",
                                          updatedBy: "user:coord")]
            dossiers.append(dossier)
        }
        return PermanencePack(device: device, version: 3, builtAt: "2026-12-01T07:00:00.000Z", expires: "2026-12-08", dossiers: dossiers)
    }

    func testAPackOpensWithThePassphraseOnlyOnItsBox() throws {
        let signer = Curve25519.Signing.PrivateKey()
        let team = try TeamKey.derive(passphrase: "quatre mots bien choisis", salt: Data("sel-de-test-0001".utf8), parameters: Self.cheap)
        let sealed = try PackSeal.seal(pack(), teamKey: team, signer: signer)
        try PackSeal.verify(sealed, contentKey: signer.publicKey, device: "box-a")
        XCTAssertThrowsError(try PackSeal.verify(sealed, contentKey: signer.publicKey, device: "box-b")) { XCTAssertEqual($0 as? PackProblem, .otherDevice) }
        XCTAssertThrowsError(try PackSeal.verify(sealed, contentKey: Curve25519.Signing.PrivateKey().publicKey, device: "box-a")) {
            XCTAssertEqual($0 as? PackProblem, .notSigned)
        }
        var moved = sealed
        moved.version = 4
        XCTAssertThrowsError(try PackSeal.verify(moved, contentKey: signer.publicKey, device: "box-a"))

        // Spaces at the ends and doubled inside do not matter; a wrong word does.
        let typed = try PackSeal.teamKey(for: sealed, passphrase: "  quatre mots  bien choisis ")
        XCTAssertEqual(try PackSeal.open(sealed, teamKey: typed), pack())
        let wrong = try PackSeal.teamKey(for: sealed, passphrase: "quatre mots mal choisis")
        XCTAssertThrowsError(try PackSeal.open(sealed, teamKey: wrong)) { XCTAssertEqual($0 as? PackProblem, .wrongPassphrase) }

        // Nothing of the dossiers is in the sealed form.
        let bytes = String(decoding: try JSONEncoder().encode(sealed), as: UTF8.self)
        for dossier in pack().dossiers {
            XCTAssertFalse(bytes.contains(dossier.nickname) || bytes.contains(dossier.code))
        }
    }

    func testTheIndexFindsByCodeAndByNicknameAndBuildsTheStartLists() {
        let index = PackIndex(pack: pack())
        let seventh = pack().dossiers[7]
        XCTAssertEqual(index.dossier(code: seventh.code.lowercased().replacingOccurrences(of: "-", with: ""))?.id, seventh.id)
        XCTAssertNil(index.dossier(code: "AAAA-AAAA"))
        XCTAssertEqual(index.find(nickname: "elo", birthYear: 1957).map(\.id), [seventh.id])
        XCTAssertEqual(index.find(nickname: "elo", birthYear: 1958), [])
        let lists = index.startLists(today: "2026-12-01", device: "box-a", commune: "12145")
        XCTAssertEqual(lists.expected.count, 25)
        XCTAssertTrue(lists.expected.allSatisfy { $0.dossier.commune == "12145" })
        XCTAssertEqual(lists.toChase.map(\.dossier.id).sorted(), (0..<50).filter { $0 % 5 == 0 }.map { "dossier-\($0)" }.sorted())
        XCTAssertEqual(lists.news.count, 5)
        XCTAssertEqual(PackIndex.weeks(since: "2026-11-01", today: "2026-12-01"), 4)
    }
}
