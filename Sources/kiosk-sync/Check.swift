import ArgumentParser
import BoxSync
import CentralClient
import Foundation
import KioskStore
import Sync

/// `kiosk-sync check --json`: `kiosk doctor`'s lines about the central store and the enrolment (they need the
/// network), one JSON array of {check, status, message}.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Does the central store answer, and does it know this box? (for kiosk doctor)")
    @OptionGroup var common: CommonOptions

    struct Line: Codable {
        var check: String
        var status: String
        var message: String
    }

    func run() async throws {
        var lines: [Line] = []
        func add(_ check: String, _ status: String, _ message: String) { lines.append(Line(check: check, status: status, message: message)) }
        let configuration = try? common.loadConfiguration()
        let home = common.locator.home
        var identity: BoxIdentity?
        do {
            identity = try BoxIdentity.load(home: home)
        } catch BoxIdentity.LoadError.notEnrolled {
            identity = nil
        } catch {
            // Unreadable enrolment files: kiosk doctor says so itself.
            identity = nil
        }
        let centralText = configuration?.centralURL ?? identity?.enrolment.central
        if let centralText, let url = URL(string: centralText) {
            let client = CentralClient(baseURL: url, timeout: .seconds(5))
            let reachable = await client.isReachable(timeout: .seconds(5))
            add("central", reachable ? "OK" : "PROBLEM",
                reachable ? "Le serveur central \(centralText) répond." : "Le serveur central \(centralText) ne répond pas — vérifiez le réseau (routeur 4G, Wi-Fi) et réessayez plus tard.")
            let database = FileManager.default.fileExists(atPath: common.databaseURL.path) ? try? AppDatabase.openOnDisk(at: common.databaseURL) : nil
            if let identity, reachable, let database {
                let device = identity.enrolment.device
                do {
                    let key = try await client.deviceKey(device, signer: identity.signer(database: database))
                    if key.revoked {
                        add("enrolment", "PROBLEM", "Le central a révoqué ce kiosque — demandez un nouveau jeton à la coordination et réenrôlez-le.")
                    } else {
                        add("enrolment", "OK", "Le kiosque est enrôlé (\(device.prefix(8))) et le central le reconnaît.")
                    }
                } catch let error as ClientError {
                    if case .refused(_, let problem) = error, problem.code == .revokedDevice {
                        add("enrolment", "PROBLEM", "Le central a révoqué ce kiosque — demandez un nouveau jeton à la coordination et réenrôlez-le.")
                    } else if case .refused(_, let problem) = error, problem.code == .unknownDevice {
                        add("enrolment", "PROBLEM", "Le central ne connaît pas ce kiosque (enrôlé auprès d'un autre central ?) — vérifiez central_url ou réenrôlez-le.")
                    } else {
                        add("enrolment", "WARNING", "L'enrôlement n'a pas pu être vérifié : \(error).")
                    }
                } catch {
                    add("enrolment", "WARNING", "L'enrôlement n'a pas pu être vérifié : \(error).")
                }
            } else if identity != nil {
                add("enrolment", "OK", "Le kiosque a son identité (non vérifiée : central injoignable).")
            }
        } else {
            add("central", "WARNING", "Pas de serveur central configuré : les dossiers attendent dans la boîte d'envoi.")
        }
        FileHandle.standardOutput.write(try JSONEncoder().encode(lines) + Data("\n".utf8))
    }
}
