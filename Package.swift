// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Release binaries carry no debug info: their size is the size of their code (symbols stay, for nm).
let tool: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "--strip-debug"], .when(configuration: .release))]

/// A stage of the pipeline: a library of its own, so that coupling between stages shows here and each
/// tool links only what it uses.
func stage(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: ["PaddockCore"] + dependencies, swiftSettings: strict)
}

let package = Package(
    name: "Paddock",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "PaddockCore", targets: ["PaddockCore"]),
        .executable(name: "discover", targets: ["discover"]),
        .executable(name: "extract", targets: ["extract"]),
        .executable(name: "normalize", targets: ["normalize"]),
        .executable(name: "dq-check", targets: ["dq-check"]),
        .executable(name: "publish", targets: ["publish"]),
    ],
    targets: [
        // C libraries, wrapped by system-library targets.
        .systemLibrary(name: "CCSV", path: "Sources/CCSV"),  // libcsv-dev ships no pkg-config file
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),

        // The core: errors, IO, record formats, time, value parsers, the pipeline model and its compiler,
        // and the store documents (units, ledger). No argument parsing, printing or exits.
        .target(
            name: "PaddockCore",
            dependencies: ["CCSV", "CZstd", "CYAML"],
            // The stages' hot loops call the core's parsers and writers per value: cross-module
            // optimization lets them be inlined and specialized there, as they were in one module.
            swiftSettings: strict + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
        ),
        // SHA-256 of payloads and published files.
        .target(name: "PaddockHashing", dependencies: ["PaddockCore", "CLibCrypto"], swiftSettings: strict),

        // The stages.
        stage("PaddockDiscover", ["PaddockHashing"]),
        stage("PaddockExtract", ["PaddockDiscover", "PaddockHashing"]),   // the fetch policy and the raw store
        stage("PaddockNormalize", []),                                     // the mapping engine
        stage("PaddockChecks", []),
        stage("PaddockPublish", ["PaddockHashing"]),

        // The HTTP transport of http sources, on libcurl; the fetch policy is in PaddockExtract.
        .target(name: "PaddockCurl", dependencies: ["PaddockExtract", "CCurl"], swiftSettings: strict),
        // What the five tools share: the command-line parser and help (options declared in tables, no
        // Swift package: swift-argument-parser cost 3 ms of start-up), common options, messages, progress.
        .target(
            name: "PaddockCLI",
            // PaddockChecks for its registry: every tool refuses a pipeline with a bad check before any work.
            dependencies: ["PaddockCore", "PaddockChecks"],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        // Each tool: its entry point and its command (options, help, messages), linking only its stage.
        .executableTarget(name: "discover", dependencies: ["PaddockCLI", "PaddockDiscover"], path: "Sources/discover", linkerSettings: tool),
        .executableTarget(name: "extract", dependencies: ["PaddockCLI", "PaddockDiscover", "PaddockExtract", "PaddockCurl"], path: "Sources/extract", linkerSettings: tool),
        .executableTarget(name: "normalize", dependencies: ["PaddockCLI", "PaddockNormalize"], path: "Sources/normalize", linkerSettings: tool),
        .executableTarget(name: "dq-check", dependencies: ["PaddockCLI", "PaddockChecks"], path: "Sources/dq-check", linkerSettings: tool),
        .executableTarget(name: "publish", dependencies: ["PaddockCLI", "PaddockPublish"], path: "Sources/publish", linkerSettings: tool),

        // Unit tests, one target per module; end-to-end tests run the built tools.
        .testTarget(name: "PaddockCoreTests", dependencies: ["PaddockCore", "PaddockTestSupport", "PaddockChecks"], swiftSettings: strict),
        .testTarget(name: "PaddockNormalizeTests", dependencies: ["PaddockNormalize", "PaddockTestSupport", "PaddockChecks"], swiftSettings: strict),
        .testTarget(name: "PaddockChecksTests", dependencies: ["PaddockChecks", "PaddockTestSupport"], swiftSettings: strict),
        .testTarget(name: "PaddockExtractTests", dependencies: ["PaddockExtract", "PaddockTestSupport", "PaddockChecks"], swiftSettings: strict),
        .testTarget(name: "PaddockDiscoverTests", dependencies: ["PaddockDiscover", "PaddockChecks"], swiftSettings: strict),
        .testTarget(name: "PaddockPublishTests", dependencies: ["PaddockPublish", "PaddockChecks"], swiftSettings: strict),
        .testTarget(name: "PaddockHashingTests", dependencies: ["PaddockHashing", "PaddockTestSupport"], swiftSettings: strict),
        .testTarget(name: "PaddockCLITests", dependencies: ["PaddockCLI"], swiftSettings: strict),
        .testTarget(name: "PaddockCurlTests", dependencies: ["PaddockCurl"], exclude: ["transport_server.py"], swiftSettings: strict),
        .testTarget(name: "PaddockEndToEndTests", dependencies: ["PaddockCore"], swiftSettings: strict),
        // In-memory sources and sinks and other doubles the unit tests share (public API only).
        .target(name: "PaddockTestSupport", dependencies: ["PaddockCore"], path: "Tests/PaddockTestSupport", swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
