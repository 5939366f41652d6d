// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

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
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, wrapped by system-library targets.
        .systemLibrary(name: "CCSV", path: "Sources/CCSV"),  // libcsv-dev ships no pkg-config file
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),

        // The core: record streams, formats, config, checks, publishing. No argument parsing, printing or exits.
        .target(
            name: "PaddockCore",
            dependencies: [
                "CCSV", "CZstd", "CLibCrypto",
                .product(name: "Yams", package: "Yams"),
            ],
            // Dynamic exclusivity checks cost measurable time in the per-field callbacks; the hot
            // state is reached through unsafe pointers, which these checks do not cover anyway.
            swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // The HTTP transport of http sources on libcurl; the fetch policy itself is in the core.
        .target(
            name: "PaddockCurl",
            dependencies: ["PaddockCore", "CCurl"],
            swiftSettings: strict
        ),
        // The CLI layer: one file per tool; turns errors into messages and exit codes.
        .target(
            name: "PaddockCLI",
            dependencies: [
                "PaddockCore", "PaddockCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .executableTarget(name: "discover", dependencies: ["PaddockCLI"], path: "Sources/discover"),
        .executableTarget(name: "extract", dependencies: ["PaddockCLI"], path: "Sources/extract"),
        .executableTarget(name: "normalize", dependencies: ["PaddockCLI"], path: "Sources/normalize"),
        .executableTarget(name: "dq-check", dependencies: ["PaddockCLI"], path: "Sources/dq-check"),
        .executableTarget(name: "publish", dependencies: ["PaddockCLI"], path: "Sources/publish"),

        .testTarget(name: "PaddockCoreTests", dependencies: ["PaddockCore"], swiftSettings: strict),
        .testTarget(name: "PaddockEndToEndTests", dependencies: ["PaddockCore"], swiftSettings: strict),
        .testTarget(name: "PaddockCurlTests", dependencies: ["PaddockCurl", "PaddockCore"],
                    exclude: ["transport_server.py"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
