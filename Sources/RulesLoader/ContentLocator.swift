import Foundation

/// Finds the box's data directory and the content it runs on (rules, samples, questionnaires).
///
/// The data directory is `--home DIR`, else `$PERMANENCE_HOME`, else `/var/lib/permanence`
/// on an installed box (the executable lives under `/usr/`), else `./.permanence` for a developer.
///
/// The content directory (what `Kiosk/` holds in the source tree) is, in order:
/// the content synced into the data directory (`HOME/content/current`), the installed
/// content (`/usr/share/permanence`), then the source checkout's `Kiosk/` found from the
/// working directory, from the executable, or from where this file was compiled.
public struct ContentLocator: Sendable {
    public var home: URL
    public var environment: [String: String]

    public init(home explicitHome: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        if let explicitHome, !explicitHome.isEmpty {
            home = URL(fileURLWithPath: explicitHome)
        } else if let fromEnvironment = environment["PERMANENCE_HOME"], !fromEnvironment.isEmpty {
            home = URL(fileURLWithPath: fromEnvironment)
        } else if ContentLocator.isInstalled {
            home = URL(fileURLWithPath: "/var/lib/permanence")
        } else {
            home = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".permanence")
        }
    }

    /// True when this executable is an installed one (under `/usr/`), not a developer's build.
    public static var isInstalled: Bool {
        URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().path.hasPrefix("/usr/")
    }

    /// The configuration file: `/etc/permanence/kiosk.yaml` on an installed box used without `--home`,
    /// else `HOME/kiosk.yaml`.
    public var configurationURL: URL {
        if ContentLocator.isInstalled, home.path == "/var/lib/permanence" {
            return URL(fileURLWithPath: "/etc/permanence/kiosk.yaml")
        }
        return home.appendingPathComponent("kiosk.yaml")
    }

    /// The directory holding `rules/`, `texts/`, … or nil when none is found. Content made before the text catalogue
    /// (no `texts/`, e.g. synced from an older central store) is passed over for the installed one.
    public func contentDirectory() -> URL? {
        candidates().first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("rules").path)
                && FileManager.default.fileExists(atPath: $0.appendingPathComponent("texts").path)
        }
    }

    /// Every place looked at, in order (for error messages).
    public func candidates() -> [URL] {
        var list: [URL] = [home.appendingPathComponent("content/current"), URL(fileURLWithPath: "/usr/share/permanence")]
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            list.append(directory.appendingPathComponent("Kiosk"))
            directory.deleteLastPathComponent()
        }
        var executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        for _ in 0..<6 {
            executable.deleteLastPathComponent()
            list.append(executable.appendingPathComponent("Kiosk"))
        }
        // Sources/RulesLoader/ContentLocator.swift → repository root.
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        list.append(sourceRoot.appendingPathComponent("Kiosk"))
        return list
    }
}
