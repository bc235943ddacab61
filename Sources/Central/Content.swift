import Foundation
import RulesLoader
import SyncProtocol

/// Content bundles on the central store: `DATA/content/<version>/…` plus the signed manifest in storage.
extension CentralService {
    /// The directory of a published version.
    func contentDirectory(version: Int) -> URL {
        configuration.dataDirectory.appendingPathComponent("content").appendingPathComponent(String(version))
    }

    /// Checks a content directory like `Kiosk/` (the same check the box runs), copies it as the next
    /// version, and signs its manifest. Returns the manifest. Refuses invalid content with every problem.
    public func publishContent(from source: URL) async throws -> ContentManifest {
        guard relay == nil else { throw Problem(.invalidContent, "a relay does not publish content") }
        guard let signingKey = keys.content else { throw Problem(.invalidContent, "the content key is missing (DATA/keys/content.key): start the server once first") }
        let check = ContentCheck.run(directory: source)
        guard check.isValid else {
            throw Problem(.invalidContent, "the content has \(check.problems.count) problem(s): "
                + check.problems.prefix(5).map(\.description).joined(separator: "; "))
        }
        let files = try Self.listFiles(source)
        let version = ((try await storage.latestContent())?.version ?? 0) + 1
        let target = contentDirectory(version: version)
        let staging = target.deletingLastPathComponent().appendingPathComponent(".staging-\(version)")
        let fm = FileManager.default
        try? fm.removeItem(at: staging)
        var entries: [ContentFile] = []
        for path in files {
            let data = try Data(contentsOf: source.appendingPathComponent(path))
            let destination = staging.appendingPathComponent(path)
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: destination)
            entries.append(ContentFile(path: path, sha256: Hex.sha256(data), size: data.count))
        }
        try? fm.removeItem(at: target)
        try fm.moveItem(at: staging, to: target)
        let manifest = ContentManifest(version: version, publishedAt: now, files: entries)
        try await storage.publishContent(version: version, signed: try ContentSignature.sign(manifest, key: signingKey), at: now)
        return manifest
    }

    /// Regular files under `root`, relative, sorted; hidden files and directories are left out.
    static func listFiles(_ root: URL) throws -> [String] {
        let fm = FileManager.default
        guard let enumerator = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else {
            throw Problem(.invalidContent, "\(root.path) cannot be read")
        }
        let base = root.standardizedFileURL.resolvingSymlinksInPath().path
        var paths: [String] = []
        for case let url as URL in enumerator {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let full = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard full.hasPrefix(base + "/") else { continue }
            paths.append(String(full.dropFirst(base.count + 1)))
        }
        return paths.sorted()
    }

    /// A file of a published version, if the manifest lists it (no path escapes the bundle).
    public func contentFile(version: Int, path: String) async throws -> Data {
        guard let latest = try await storage.latestContent(), version <= latest.version, version > 0 else {
            throw Problem(.notFound, "content version \(version) is not published")
        }
        guard !path.split(separator: "/").contains(".."), !path.hasPrefix("/") else { throw Problem(.notFound, "no such content file") }
        let url = contentDirectory(version: version).appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Problem(.notFound, "no such content file") }
        return data
    }
}
