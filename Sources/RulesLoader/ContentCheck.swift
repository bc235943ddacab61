import Foundation
import Intake
import Rights

/// The whole-content check that `kiosk content check`, `central content publish` and the box's content
/// update share: rules, questionnaires, directory, calendar and territory, every problem with its place.
public enum ContentCheck {
    public struct Outcome: Sendable {
        public var problems: [ContentProblem]
        public var content: KioskContent?
        public var parameters: Parameters?
        public var isValid: Bool { problems.isEmpty && content != nil && parameters != nil }
    }

    public static func run(directory root: URL) -> Outcome {
        var outcome = Outcome(problems: [], content: nil, parameters: nil)
        switch RulesLoader.load(directory: root.appendingPathComponent("rules")) {
        case .success(let parameters): outcome.parameters = parameters
        case .failure(let found): outcome.problems += found.problems
        }
        let loaded = ContentLoader.load(directory: root)
        outcome.problems += loaded.problems
        outcome.content = loaded.content
        return outcome
    }
}
