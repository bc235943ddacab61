// swift-tools-version:6.0
// Permanence: the software of a health-rights kiosk for village permanences.
// See ARCHITECTURE notes in README.md and DECISIONS.md for why each dependency is here.
import PackageDescription

/// The box's programs in release (what a board runs), linked by lld with packed relative relocations (DT_RELR, glibc
/// 2.36: 3 MiB of relocation records become 20 KiB, not read at each start) and without exporting every symbol (the
/// static Swift runtime's default): 4 MiB less resident in the kiosk (DECISIONS.md, the lean kiosk). The backtrace
/// on a crash still names functions (it reads the file's symbol table).
let leanLinking: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic", "-Xlinker", "--icf=all"],
                 .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "Permanence",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"]),
        .executable(name: "kiosk-sync", targets: ["kiosk-sync"]),
        .executable(name: "bench", targets: ["bench"]),
        .executable(name: "central", targets: ["central"]),
    ],
    dependencies: [
        // Versions pinned to the local copies this machine provides (see DECISIONS.md).
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    ],
    targets: [
        // Pure rights engine: situation, dated parameters, rules, reasons. No I/O, no clock, no dependency.
        .target(name: "Rights"),
        // Reads the dated parameter files (YAML) into validated `Rights.Parameters`.
        .target(name: "RulesLoader", dependencies: ["Rights", "Intake", .product(name: "Yams", package: "Yams")]),
        // Questionnaires: model, YAML loader and validator, the flow, the situation built from answers.
        .target(name: "Intake", dependencies: ["Rights", .product(name: "Yams", package: "Yams")]),
        // Follow-up across permanences: dossiers, items, events and their ledger, the sealed permanence pack (scrypt,
        // ChaCha20-Poly1305, Ed25519). Pure: no file, socket or clock.
        .target(name: "FollowUp", dependencies: [
            "Intake", "Rights", .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // The box's database: visits, answers, print jobs, audit log, outbox, retention.
        .target(name: "KioskStore", dependencies: [
            "FollowUp", "SyncProtocol", "Rights", "Intake",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Documents: PDF writer, form layouts, letters, checklist, ticket content. Bytes out, no I/O.
        .target(name: "Documents", dependencies: [
            "Rights", "Intake", "Bidi", "CHarfBuzz", "CLibDeflate", .product(name: "Yams", package: "Yams"), .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // HarfBuzz and hb-subset (system libraries): shaping and subsetting the fonts embedded in documents.
        .systemLibrary(name: "CHarfBuzz", path: "Sources/CHarfBuzz", providers: [.apt(["libharfbuzz-dev"])]),
        // libdeflate (system library): compressed PDF streams (five times zlib's speed on a document's small streams).
        .systemLibrary(name: "CLibDeflate", path: "Sources/CLibDeflate", providers: [.apt(["libdeflate-dev"])]),
        // zlib (system library): gunzip of console fonts.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // libcups, opened with dlopen the first time the kiosk prints (loader.c): not linked, so a check-in does not map
        // it and the libraries it brings. Its headers come from libcups2-dev.
        .target(name: "CCups", path: "Sources/CCups", linkerSettings: [.linkedLibrary("dl")]),
        // libusb-1.0 (system library through pkg-config).
        .systemLibrary(name: "CLibUSB", path: "Sources/CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        // Printers: CUPS client, ESC/POS encoder, libusb transport for ticket printers, USB inventory.
        .target(name: "Printers", dependencies: ["CCups", "CLibUSB"]),
        // GNU FriBidi (system library): the Unicode bidirectional algorithm and Arabic joining.
        .systemLibrary(name: "CFriBidi", path: "Sources/CFriBidi", providers: [.apt(["libfribidi-dev"])]),
        // Right to left: which runs of a line read which way, their order, Arabic letters joined for a terminal. Pure.
        .target(name: "Bidi", dependencies: ["CFriBidi"]),
        // Terminal toolkit: cell buffer, widgets, diff renderer, input decoder, raw mode. No product logic.
        .target(name: "Terminal", dependencies: ["CZlib", "Bidi"]),
        // The kiosk's screens: state, update, view, and the runtime that runs their effects.
        .target(name: "KioskApp", dependencies: [
            "Terminal", "Intake", "Rights", "KioskStore", "Documents", "Printers", "FollowUp",
            .product(name: "Yams", package: "Yams"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Wire types shared by the box and the central store: envelopes, batches, results, manifests, problems,
        // and the cryptography both sides agree on (HPKE sealing, Ed25519 signatures).
        .target(name: "SyncProtocol", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // A small HTTP client for the central store's API (used by the box and by a relay forwarding upstream).
        .target(name: "CentralClient", dependencies: [
            "SyncProtocol", .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // The box's side of sync that needs no network (the kiosk links it): identity, sealing into the outbox, export to
        // a stick, content bundles installed and rolled back, the demo's seed, the agent's status as the kiosk reads it.
        .target(name: "BoxSync", dependencies: [
            "SyncProtocol", "KioskStore", "Intake", "RulesLoader", "FollowUp", "Rights",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The box's side of sync over the network (the sync agent links it, the kiosk does not): enrolment, the drainer,
        // content and pack fetches, the audit head's anchoring, the agent's loop.
        .target(name: "Sync", dependencies: [
            "BoxSync", "SyncProtocol", "CentralClient", "KioskStore", "Intake", "RulesLoader", "FollowUp",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The central store: Hummingbird application, storage (SQLite or PostgreSQL), relay, import, content.
        .target(name: "Central", dependencies: [
            "SyncProtocol", "CentralClient", "Intake", "RulesLoader", "FollowUp", "Rights",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "central", dependencies: [
            "Central", "SyncProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
        ]),
        // The kiosk: the screens, the database, the documents and the printers; no network stack (what needs the
        // network is kiosk-sync's, a process of its own).
        .executableTarget(
            name: "kiosk",
            dependencies: [
                "Rights", "RulesLoader", "Intake", "KioskStore", "KioskApp", "Terminal", "Documents", "Printers", "BoxSync", "SyncProtocol", "FollowUp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: leanLinking
        ),
        // The sync agent and the box's network commands (sync, provision, the doctor's central check).
        .executableTarget(
            name: "kiosk-sync",
            dependencies: [
                "BoxSync", "Sync", "CentralClient", "SyncProtocol", "KioskStore", "KioskApp", "RulesLoader", "Terminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: leanLinking
        ),
        // bench uses TestSupport's ippeveprinter harness to time a print on loopback.
        .executableTarget(name: "bench", dependencies: ["Rights", "RulesLoader", "Intake", "KioskStore", "KioskApp", "Terminal",
                                                        "Documents", "Printers", "TestSupport", "Sync", "SyncProtocol", "CentralClient", "Central", "FollowUp",
                                                        .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
                                                        .product(name: "GRDB", package: "GRDB.swift")]),

        // Shared helpers for the test targets (fixtures, locating the repository and built binaries).
        .target(name: "TestSupport", dependencies: ["Rights", "RulesLoader", "Intake", "KioskStore", "KioskApp", "Terminal"], path: "Tests/TestSupport"),
        .testTarget(name: "RightsTests", dependencies: ["Rights", "Intake", "TestSupport"]),
        .testTarget(name: "RulesLoaderTests", dependencies: ["RulesLoader", "Rights", "TestSupport"]),
        .testTarget(name: "IntakeTests", dependencies: ["Intake", "Rights", "TestSupport"]),
        .testTarget(name: "KioskStoreTests", dependencies: ["KioskStore", "TestSupport"]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "Intake", "Rights", "TestSupport"]),
        .testTarget(name: "PrintersTests", dependencies: ["Printers", "CLibUSB", "TestSupport"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "Bidi", "TestSupport"]),
        .testTarget(name: "KioskAppTests", dependencies: ["KioskApp", "Terminal", "Intake", "Rights", "KioskStore", "Documents", "Printers", "TestSupport", "FollowUp"],
                    exclude: ["Snapshots"]),
        // Test helpers for the central store: a live server in the test process, a simulated box.
        .target(name: "CentralTestSupport", dependencies: [
            "Central", "CentralClient", "SyncProtocol", "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/CentralTestSupport"),
        .testTarget(name: "FollowUpTests", dependencies: ["FollowUp", "Intake", "Rights", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "SyncProtocolTests", dependencies: ["SyncProtocol", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "SyncTests", dependencies: ["Sync", "SyncProtocol", "Central", "CentralClient", "CentralTestSupport", "KioskStore", "KioskApp", "Intake", "RulesLoader", "TestSupport",
                                                      .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                      .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "CentralTests", dependencies: ["Central", "CentralClient", "CentralTestSupport", "SyncProtocol", "TestSupport", "Intake", "FollowUp",
                                                         .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                         .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "KioskCLITests", dependencies: ["TestSupport", "KioskStore", "Terminal", "Intake", "KioskApp", "Bidi"]),
    ]
)
