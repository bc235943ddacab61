import Foundation
import Intake
import KioskApp
import KioskStore
import Rights
import Terminal
import Testing
import TestSupport

/// A state on the shipped content, at a fixed time, at a given size.
/// The box stands in Couiza, where the calendar has a permanence that morning (09:30–12:00).
func makeState(width: Int = 80, height: Int = 24, now: String = "2026-11-24T10:00:00+01:00", commune: String? = "11103") -> AppState {
    var config = KioskConfig(placeName: "Couiza")
    config.allowQuit = true
    config.communeCode = commune
    return AppState(config: config, content: ContentFixtures.content, engine: Fixtures.engine,
                    now: ISO8601DateFormatter().date(from: now)!, width: width, height: height)
}

/// Sends keys (characters, or named keys) and returns the effects of the last one.
@discardableResult
func send(_ state: inout AppState, _ keys: Key...) -> [Effect] {
    var effects: [Effect] = []
    for key in keys { effects = KioskApp.update(&state, .input(.key(key))) }
    return effects
}

@discardableResult
func type(_ state: inout AppState, _ text: String) -> [Effect] {
    var effects: [Effect] = []
    for character in text { effects = KioskApp.update(&state, .input(.key(.character(character)))) }
    return effects
}

/// Taps the first cell whose text contains `label` (press then release, as a touch screen sends).
@discardableResult
func tap(_ state: inout AppState, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Effect] {
    let lines = KioskApp.view(state).buffer.lines
    for (row, line) in lines.enumerated() {
        if let range = line.range(of: label) {
            let column = line.distance(from: line.startIndex, to: range.lowerBound)
            let effects = KioskApp.update(&state, .input(.mouse(MouseEvent(button: .left, kind: .press, x: column, y: row))))
            _ = KioskApp.update(&state, .input(.mouse(MouseEvent(button: .left, kind: .release, x: column, y: row))))
            return effects
        }
    }
    Issue.record("no '\(label)' on screen:\n\(lines.joined(separator: "\n"))", sourceLocation: sourceLocation)
    return []
}

/// Advances the clock by `seconds` through tick events.
@discardableResult
func wait(_ state: inout AppState, seconds: Double) -> [Effect] {
    KioskApp.update(&state, .tick(state.now.addingTimeInterval(seconds)))
}

func screen(_ state: AppState) -> String { KioskApp.view(state).buffer.lines.joined(separator: "\n") }

/// Compares a screen with its snapshot file; `RECORD_SNAPSHOTS=1` (re)writes the files.
func assertSnapshot(_ state: AppState, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let text = KioskApp.view(state).buffer.lines.map { line -> String in
        var trimmed = line
        while trimmed.hasSuffix(" ") { trimmed.removeLast() }
        return trimmed
    }.joined(separator: "\n") + "\n"
    let directory = Repository.root.appendingPathComponent("Tests/KioskAppTests/Snapshots")
    let file = directory.appendingPathComponent("\(name)-\(state.width)x\(state.height).txt")
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: file)
        if !record { Issue.record("Recorded a new snapshot \(file.lastPathComponent); check it and run again.", sourceLocation: sourceLocation) }
        return
    }
    if expected != text {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var diff: [String] = []
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let e = index < expectedLines.count ? String(expectedLines[index]) : "<none>"
            let a = index < actualLines.count ? String(actualLines[index]) : "<none>"
            if e != a { diff.append("line \(index + 1):\n  expected: \(e)\n  actual:   \(a)") }
        }
        let message = "Screen differs from \(file.lastPathComponent) (RECORD_SNAPSHOTS=1 to re-record):\n" + diff.joined(separator: "\n")
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
}

/// Walks a visitor through the check-in to its review page.
func throughCheckIn(_ state: inout AppState) {
    type(&state, "2")          // English
    type(&state, "1")          // see the team today
    type(&state, "1")          // consent: share
    type(&state, "Ana"); send(&state, .enter)
    type(&state, "1990"); send(&state, .enter)
    type(&state, "cou"); type(&state, "1")   // Couiza
    type(&state, "1"); send(&state, .enter)  // reasons: coverage
    type(&state, "2")          // no interpreter
}

/// After the check-in was confirmed, the runtime answers with the saved visit.
func confirmCheckIn(_ state: inout AppState, ticket: Int = 7) {
    let effects = send(&state, .enter)
    precondition(effects.count == 1)
    _ = KioskApp.update(&state, .checkInSaved(visitID: "visit-1", ticket: ticket))
}

/// Answers every health-rights question for a single tenant with low income.
func throughRights(_ state: inout AppState) {
    type(&state, "3")                     // no coverage
    type(&state, "3")                     // no mutuelle
    type(&state, "2")                     // no partner
    type(&state, "0"); send(&state, .enter)   // children: 0 is typed (a number question)
    type(&state, "9000"); send(&state, .enter)
    type(&state, "5"); send(&state, .enter)   // benefits: none
    type(&state, "1")                     // tenant
    type(&state, "2")                     // no allowance
    type(&state, "1")                     // French
    type(&state, "2")                     // not arrived within a year
    type(&state, "2")                     // no médecin traitant
    type(&state, "1")                     // gave up care
    type(&state, "1"); type(&state, "3"); send(&state, .enter)   // money, transport
    type(&state, "4"); send(&state, .enter)  // prevention: none
}
