import CentralClient
import Foundation
import RulesLoader
import SyncProtocol

/// Content bundles fetched from the central store (the agent's side; installing and rolling back need no network).
extension ContentStore {
    /// Downloads, verifies (signature, then every file's size and SHA-256), checks (`kiosk content check`)
    /// and switches to the latest bundle if it is newer. Returns the version installed, or nil if already
    /// up to date. A bundle that fails any step is refused with a `Problem` and the box keeps what it had.
    public func update(client: CentralClient, contentKey: SyncProtocol.ContentVerificationKey) async throws -> Int? {
        guard let signed = try await client.latestContent() else { return nil }
        let manifest = try ContentSignature.open(signed, key: contentKey.key)
        if let installed = installedVersion, manifest.version <= installed { return nil }
        let fm = FileManager.default
        try fm.createDirectory(at: versions, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let staging = versions.appendingPathComponent(".staging-\(manifest.version)")
        try? fm.removeItem(at: staging)
        defer { try? fm.removeItem(at: staging) }
        for file in manifest.files {
            let parts = file.path.split(separator: "/", omittingEmptySubsequences: false)
            guard !file.path.hasPrefix("/"), !parts.isEmpty, !parts.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." }) else {
                throw Problem(.invalidContent, "the manifest names a file outside the bundle: \(file.path)")
            }
            let data = try await client.contentFile(version: manifest.version, path: file.path)
            guard data.count == file.size, Hex.sha256(data) == file.sha256 else {
                throw Problem(.badContentHash, "\(file.path) does not match the signed manifest")
            }
            let destination = staging.appendingPathComponent(file.path)
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: destination)
        }
        try install(staging: staging, version: manifest.version)
        return manifest.version
    }
}
