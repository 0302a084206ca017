// swift-tools-version:6.0
import PackageDescription

/// The commands, in the order of `Release.commands` (Sources/SottoRelease), which a test checks.
let commands = [
    "sotto-keygen", "sotto-seal", "sotto-open", "sotto-send",
    "sotto-recv", "sotto-expire", "sotto-export", "sotto-erase",
]

/// The commands that reach a mailbox, which may be a PostgreSQL server.
let deliveryCommands: Set = ["sotto-send", "sotto-recv", "sotto-expire", "sotto-erase"]

let package = Package(
    name: "sotto",
    platforms: [.macOS(.v13)],
    products: (commands + ["sotto"]).map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.3"),
        // age's post-quantum recipients: X-Wing (ML-KEM-768 + X25519) under HPKE.
        .package(url: "https://github.com/apple/swift-crypto", "4.0.0"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // OpenSSL 3's libcrypto, for SHA-256: with SHA-NI about twice libsodium's BLAKE2b here (docs/PERFORMANCE.md).
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Only the conformance tests need zlib: some age vectors are stored compressed.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // prctl(2) and friends, which Swift cannot call directly.
        .systemLibrary(name: "CLinux"),
        .target(name: "SottoCore", dependencies: [
            "CSodium", "CArgon2", "CSQLite", "CLinux", "COpenSSL", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The PostgreSQL mailbox; only the delivery commands link it (and SwiftNIO with it).
        .target(name: "SottoPostgres", dependencies: [
            "SottoCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The version and the command list: the dispatcher needs them and nothing else.
        .target(name: "SottoRelease"),
        .target(name: "SottoCLI", dependencies: [
            "SottoCore", "SottoRelease",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "sotto", dependencies: ["SottoRelease"]),
        .testTarget(name: "SottoCoreTests", dependencies: ["SottoCore", "SottoPostgres", "CZlib"]),
        .testTarget(name: "SottoCLITests", dependencies: ["SottoCore"]),
        // The raw-library floor for `make bench` (scripts/bench.sh): a benchmark tool, not a command; not installed.
        .executableTarget(name: "sotto-bench-crypto", dependencies: ["CSodium", "CArgon2", "COpenSSL",
                                                                  .product(name: "Crypto", package: "swift-crypto")]),
    ] + commands.map {
        .executableTarget(name: $0, dependencies: ["SottoCLI", "SottoCore"] + (deliveryCommands.contains($0) ? ["SottoPostgres"] : []))
    }
)

// libFuzzer targets (scripts/fuzz.sh: make fuzz, and a short run in make test). They have no main
// of their own and link only with -sanitize=fuzzer, so only a manifest read with SOTTO_FUZZ=1 has them.
let fuzzTargets = ["fuzz-age-header", "fuzz-armor", "fuzz-envelope", "fuzz-inner", "fuzz-records", "fuzz-card",
                   "fuzz-keyring-blob", "fuzz-export"]
if Context.environment["SOTTO_FUZZ"] == "1" {
    package.targets += fuzzTargets.map { .executableTarget(name: $0, dependencies: ["SottoCore"], path: "Fuzz/\($0)") }
    package.products += fuzzTargets.map { .executable(name: $0, targets: [$0]) }
}
