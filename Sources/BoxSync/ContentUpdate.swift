import Foundation
import RulesLoader
import SyncProtocol

/// Content bundles on the box: `HOME/content/versions/<N>/…`, and `HOME/content/current`, a symbolic link
/// to the version in use, replaced atomically (rename). The previous version is kept.
public struct ContentStore: Sendable {
    public var home: URL
    public init(home: URL) { self.home = home }

    var root: URL { home.appendingPathComponent("content") }
    package var versions: URL { root.appendingPathComponent("versions") }
    public var current: URL { root.appendingPathComponent("current") }

    /// The version `current` points to, or nil (the box runs on its installed content).
    public var installedVersion: Int? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current.path) else { return nil }
        return Int(URL(fileURLWithPath: target).lastPathComponent)
    }

    /// Checks a staged bundle and switches to it; the previous version stays on disk, older ones go.
    public func install(staging: URL, version: Int) throws {
        let check = ContentCheck.run(directory: staging)
        guard check.isValid else {
            throw Problem(.invalidContent, "content version \(version) fails the content check (\(check.problems.count) problem(s)): "
                + (check.problems.first.map(\.description) ?? "incomplete"))
        }
        let fm = FileManager.default
        let target = versions.appendingPathComponent(String(version))
        try? fm.removeItem(at: target)
        try fm.moveItem(at: staging, to: target)
        let previous = installedVersion
        let link = root.appendingPathComponent(".current-\(version)")
        try? fm.removeItem(at: link)
        try fm.createSymbolicLink(atPath: link.path, withDestinationPath: "versions/\(version)")
        guard rename(link.path, current.path) == 0 else { throw Problem(.internalError, "cannot switch content (errno \(errno))") }
        // Keep the previous version, remove older ones.
        for name in (try? fm.contentsOfDirectory(atPath: versions.path)) ?? [] {
            guard let number = Int(name), number != version, number != previous else { continue }
            try? fm.removeItem(at: versions.appendingPathComponent(name))
        }
    }

    /// Points `current` back at the previous version kept on disk (a bad update noticed in the field).
    public func rollback() throws -> Int? {
        let kept = ((try? FileManager.default.contentsOfDirectory(atPath: versions.path)) ?? []).compactMap(Int.init).sorted()
        guard let installed = installedVersion, let previous = kept.last(where: { $0 < installed }) else { return nil }
        let link = root.appendingPathComponent(".current-\(previous)")
        try? FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "versions/\(previous)")
        guard rename(link.path, current.path) == 0 else { throw Problem(.internalError, "cannot switch content (errno \(errno))") }
        return previous
    }
}
