@preconcurrency import Crypto
import Foundation
import KioskStore
import SyncProtocol

/// What an export wrote.
public struct ExportReport: Sendable, Equatable {
    public var envelopes = 0
    public var files: [String] = []
}

/// `kiosk export --to DIR`: the outbox (every row not yet acknowledged) as signed batch files for a USB
/// stick, in the layout `central import` reads. Only sealed envelopes are written: nothing on the stick is
/// readable without the central store's key. The outbox is left as it is: rows leave it when the central
/// store acknowledges them (at the next sync, as duplicates if the stick arrived first).
public enum Exporter {
    public static let batchSize = 500

    public static func export(database: AppDatabase, identity: BoxIdentity, to directory: URL) throws -> ExportReport {
        try database.sealUnsealed(with: identity.sealer)
        let items = try database.outboxUnacknowledged()
        let folder = directory.appendingPathComponent("permanence-export").appendingPathComponent(identity.enrolment.device)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var report = ExportReport()
        var start = 0
        while start < items.count {
            let slice = items[start..<min(start + batchSize, items.count)]
            let data = UploadBatch.encode(encodedEnvelopes: slice.map(\.record.payload))
            let envelopes = slice
            let name = String(format: "batch-%08lld-%08lld.json", slice.first!.sequence, slice.last!.sequence)
            let file = folder.appendingPathComponent(name)
            try write(data, to: file)
            try write(Data(try identity.key.signature(for: data).base64EncodedString().utf8), to: file.appendingPathExtension("sig"))
            report.envelopes += envelopes.count
            report.files.append("\(identity.enrolment.device)/\(name)")
            start += batchSize
        }
        try write(Data("""
            Permanence — dossiers scellés d'un kiosque (\(identity.enrolment.device)).
            Illisibles sans la clé du magasin central. À importer avec : central import <ce dossier>
            Sealed records from a Permanence box; readable only by the central store. Import with: central import <this folder>

            """.utf8), to: directory.appendingPathComponent("permanence-export/LISEZMOI.txt"))
        return report
    }

    /// Writes and flushes a file (a stick may be pulled out right after).
    static func write(_ data: Data, to url: URL) throws { try DurableFile.write(data, to: url, mode: 0o644) }
}
