import Foundation

/// The box's programs are installed side by side (`/usr/bin/kiosk`, `/usr/bin/kiosk-sync`; a build's products
/// directory): each finds the other beside itself. `PERMANENCE_BIN_DIR` names another directory.
public enum SiblingBinary {
    public static func url(_ name: String) -> URL {
        if let directory = ProcessInfo.processInfo.environment["PERMANENCE_BIN_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory).appendingPathComponent(name)
        }
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return own.deletingLastPathComponent().appendingPathComponent(name)
    }
}
