@preconcurrency import Crypto
import Foundation
import SyncProtocol

/// USB exports: what `kiosk export --to DIR` writes and `central import DIR` reads.
///
/// `DIR/permanence-export/<device>/batch-<first>-<last>.json` holds an `UploadBatch` of sealed envelopes;
/// `….json.sig` beside it is the device's Ed25519 signature (base64) over the file's exact bytes.
/// Nothing in an export is readable without the central store's records key.
public enum ExportFormat {
    public static let folder = "permanence-export"

    /// Every batch file under an export directory, with its device (from the folder name).
    public static func batches(in root: URL) throws -> [(device: String, file: URL)] {
        let base = root.lastPathComponent == folder ? root : root.appendingPathComponent(folder)
        let fm = FileManager.default
        guard let devices = try? fm.contentsOfDirectory(atPath: base.path) else {
            throw Problem(.notFound, "\(base.path) does not exist: is this an export from `kiosk export`?")
        }
        var found: [(String, URL)] = []
        for device in devices.sorted() where !device.hasPrefix(".") {
            let folder = base.appendingPathComponent(device)
            for name in (try? fm.contentsOfDirectory(atPath: folder.path))?.sorted() ?? [] where name.hasPrefix("batch-") && name.hasSuffix(".json") {
                found.append((device, folder.appendingPathComponent(name)))
            }
        }
        return found
    }
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    public var files = 0
    public var accepted = 0
    public var duplicates = 0
    public var refused: [String] = []
}

extension CentralService {
    /// Imports an export directory under the upload's rules: the file signature must be the device's,
    /// every envelope is checked and opened, repeats are duplicates. Importing twice stores nothing new.
    public func importExport(from root: URL) async throws -> ImportSummary {
        var summary = ImportSummary()
        for (device, file) in try ExportFormat.batches(in: root) {
            summary.files += 1
            let name = file.lastPathComponent
            guard let record = try await storage.device(device) else {
                summary.refused.append("\(device)/\(name): unknown-device: this box is not enrolled here")
                continue
            }
            guard record.revokedAt == nil else {
                summary.refused.append("\(device)/\(name): revoked-device")
                continue
            }
            let data = try Data(contentsOf: file)
            let signatureText = (try? String(contentsOf: file.appendingPathExtension("sig"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let signatureText, let signature = Data(base64Encoded: signatureText),
                  let raw = Data(base64Encoded: record.publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
                  key.isValidSignature(signature, for: data) else {
                summary.refused.append("\(device)/\(name): bad-signature: the file is not signed by its device")
                continue
            }
            let batch: UploadBatch
            do {
                batch = try UploadBatch.decodeStrict(data)
            } catch let problem as Problem {
                summary.refused.append("\(device)/\(name): \(problem)")
                continue
            }
            let answer = try await ingest(batch, from: record)
            for result in answer.results {
                switch result.status {
                case .accepted: summary.accepted += 1
                case .duplicate: summary.duplicates += 1
                case .refused: summary.refused.append("\(device)/\(name): \(result.id): \(result.problem?.description ?? "refused")")
                }
            }
        }
        return summary
    }
}
