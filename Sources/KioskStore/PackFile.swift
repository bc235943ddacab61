import FollowUp
import Foundation
import SyncProtocol

/// Where the box keeps its permanence pack: `HOME/pack/current.pack`, sealed as it came (it opens only with the team
/// passphrase), mode 0600 in a 0700 directory, replaced atomically by a newer version only.
public struct PackFile: Sendable {
    public let url: URL
    public init(home: URL) { url = home.appendingPathComponent("pack/current.pack") }

    public func load() -> SealedPack? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(SealedPack.self, from: data)
    }

    /// Keeps `sealed` if it is newer than the pack kept; true when it replaced it.
    @discardableResult
    public func save(_ sealed: SealedPack) throws -> Bool {
        if let current = load(), current.version >= sealed.version, current.device == sealed.device { return false }
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try DurableFile.write(try encoder.encode(sealed), to: url, mode: 0o600)
        return true
    }
}
