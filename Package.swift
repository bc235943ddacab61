// swift-tools-version:6.0
// Permanence: the software of a health-rights kiosk for village permanences.
// See ARCHITECTURE notes in README.md and DECISIONS.md for why each dependency is here.
import PackageDescription

let package = Package(
    name: "Permanence",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"]),
        .executable(name: "bench", targets: ["bench"]),
    ],
    dependencies: [
        // Versions pinned to the local copies this machine provides (see DECISIONS.md).
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
    ],
    targets: [
        // Pure rights engine: situation, dated parameters, rules, reasons. No I/O, no clock, no dependency.
        .target(name: "Rights"),
        // Reads the dated parameter files (YAML) into validated `Rights.Parameters`.
        .target(name: "RulesLoader", dependencies: ["Rights", .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "kiosk",
            dependencies: [
                "Rights", "RulesLoader",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "bench", dependencies: ["Rights", "RulesLoader"]),

        // Shared helpers for the test targets (fixtures, locating the repository and built binaries).
        .target(name: "TestSupport", dependencies: ["Rights", "RulesLoader"], path: "Tests/TestSupport"),
        .testTarget(name: "RightsTests", dependencies: ["Rights", "TestSupport"]),
        .testTarget(name: "RulesLoaderTests", dependencies: ["RulesLoader", "Rights", "TestSupport"]),
        .testTarget(name: "KioskCLITests", dependencies: ["TestSupport"]),
    ]
)
