// swift-tools-version: 6.1
//
// Folio: long-context document processing. One module per stage; see README.md for the map.
import PackageDescription

import class Foundation.ProcessInfo

let package = Package(
    name: "Folio",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FolioModel", targets: ["FolioModel"]),
        .library(name: "FolioCompression", targets: ["FolioCompression"]),
        .library(name: "FolioTokenizer", targets: ["FolioTokenizer"]),
        .library(name: "FolioIngest", targets: ["FolioIngest"]),
        .library(name: "FolioPDF", targets: ["FolioPDF"]),
        .library(name: "FolioChunking", targets: ["FolioChunking"]),
        .library(name: "FolioIndex", targets: ["FolioIndex"]),
        .library(name: "FolioScheduler", targets: ["FolioScheduler"]),
        .library(name: "FolioCache", targets: ["FolioCache"]),
        .library(name: "FolioSystem", targets: ["FolioSystem"]),
        .library(name: "Folio", targets: ["Folio"]),
        .library(name: "FolioServer", targets: ["FolioServer"]),
        .executable(name: "folio", targets: ["folio"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // SHA-256 of every ingested byte: BoringSSL with the CPU's SHA extensions (BENCHMARKS.md, "SHA-256").
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // The gateway (FolioServer): HTTP server, lifecycle, streaming multipart, logs, Prometheus, SQLite.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // A fleet's shared metadata, file bytes and load (FolioServer's PostgreSQL store): pooled, prepared.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C libraries at the edge: module maps and shims only, no logic.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),

        // Value types every stage shares.
        .target(name: "FolioModel"),
        // The one platform layer: every system call, behind a safe API; depends on nothing.
        .target(name: "FolioSystem"),
        // The only importer of CZlib: inflate streams (gzip, zlib, raw deflate).
        .target(name: "FolioCompression", dependencies: ["CZlib", "FolioModel", "FolioSystem"]),
        // tiktoken-compatible byte-level BPE (hot).
        .target(
            name: "FolioTokenizer",
            dependencies: ["FolioModel", "FolioCompression", "FolioSystem"],
            resources: [
                .copy("Resources/cl100k_base.tiktoken.gz"),
                .copy("Resources/o200k_base.tiktoken.gz"),
                .copy("Resources/NOTICE"),
            ]
        ),
        // PDF: objects, cross-references, filters, encryption, the page tree, and the text layer.
        .target(
            name: "FolioPDF",
            dependencies: [
                "FolioCompression",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Files of any supported format → one normalized document; the only importer of CLibXML2.
        .target(
            name: "FolioIngest",
            dependencies: [
                "FolioModel", "FolioCompression", "CLibXML2", "FolioSystem", "FolioPDF",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            resources: [.copy("Resources/gb18030-index.bin")]
        ),
        // Deterministic generator of large test documents (reports, contracts, Chinese prose);
        // FolioModel for SplitMix64.
        .target(name: "FolioCorpora", dependencies: ["FolioModel"], path: "Corpora/Generator"),
        // Segment, count, cut: token-budgeted chunks and windows, batch and streaming.
        .target(name: "FolioChunking", dependencies: ["FolioModel", "FolioTokenizer", "FolioIngest"]),
        // Analyzer, BM25 index (in memory or memory-mapped), search and budgeted context assembly.
        .target(
            name: "FolioIndex",
            dependencies: [
                "FolioModel", "FolioCompression", "FolioTokenizer", "FolioIngest", "FolioChunking", "FolioSystem",
            ],
            resources: [.copy("Resources/default.vectors"), .copy("Resources/NOTICE")]
        ),
        // Worker pool with priority classes, admission control and passes; its simulator. Beside the pipeline.
        .target(
            name: "FolioScheduler",
            dependencies: [
                "FolioModel",
                "FolioSystem",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Document cache (memory and disk tiers, per tenant, single-flight) and prompt-prefix block cache.
        // Beside the pipeline: values are opaque segments; zlib comes through FolioCompression.
        .target(
            name: "FolioCache",
            dependencies: [
                "FolioModel", "FolioCompression", "FolioSystem",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The Engine: wires ingest, chunking, index and packing through the cache on the priority pool.
        .target(
            name: "Folio",
            dependencies: [
                "FolioModel", "FolioTokenizer", "FolioIngest", "FolioChunking", "FolioIndex", "FolioScheduler",
                "FolioCache",
                "FolioSystem",
            ]
        ),
        // The gateway: a Moonshot/OpenAI-compatible HTTP service on the Engine (`import Folio` only), with its
        // metadata store (SQLite through GRDB, behind a protocol) and uploaded files in a data directory.
        .target(
            name: "FolioServer",
            dependencies: [
                "Folio", "FolioSystem",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The command line: commands live in a library so tests run them in process.
        .target(
            name: "FolioCLI",
            dependencies: [
                "FolioModel", "FolioTokenizer", "FolioIngest", "FolioChunking", "FolioIndex", "FolioCorpora",
                "FolioScheduler", "FolioCache", "Folio",
                "FolioSystem", "FolioPDF", "FolioServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "folio",
            dependencies: ["FolioCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .target(
            name: "FolioTestSupport",
            dependencies: ["FolioModel", "FolioTokenizer", "FolioCache", "CZlib"],
            path: "Tests/FolioTestSupport"
        ),
        .testTarget(name: "FolioModelTests", dependencies: ["FolioModel", "FolioTestSupport"]),
        .testTarget(name: "FolioCompressionTests", dependencies: ["FolioCompression", "FolioTestSupport"]),
        .testTarget(
            name: "FolioTokenizerTests",
            dependencies: ["FolioTokenizer", "FolioCompression", "FolioTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "FolioIngestTests",
            dependencies: ["FolioIngest", "FolioCompression", "FolioModel", "FolioTestSupport"]
        ),
        .testTarget(name: "FolioCorporaTests", dependencies: ["FolioCorpora", "FolioTestSupport"]),
        .testTarget(
            name: "FolioChunkingTests",
            dependencies: [
                "FolioChunking", "FolioCorpora", "FolioIngest", "FolioModel", "FolioTokenizer", "FolioTestSupport",
            ]
        ),
        .testTarget(
            name: "FolioIndexTests",
            dependencies: [
                "FolioIndex", "FolioChunking", "FolioCorpora", "FolioModel", "FolioTokenizer", "FolioTestSupport",
            ]
        ),
        .testTarget(
            name: "FolioPDFTests",
            dependencies: ["FolioPDF", "FolioCompression", "FolioTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "FolioCacheTests", dependencies: ["FolioCache", "FolioTestSupport"]),
        // Saturates an Engine's pool and probes the cooperative pool, in a process of its own (FolioTests runs it).
        .executableTarget(
            name: "CooperativeProbe", dependencies: ["Folio", "FolioCorpora", "FolioTestSupport"],
            path: "Tests/CooperativeProbe"),
        .testTarget(name: "FolioSystemTests", dependencies: ["FolioSystem"]),
        .testTarget(
            name: "FolioTests",
            dependencies: [
                "CooperativeProbe", "Folio", "FolioCache", "FolioChunking", "FolioScheduler", "FolioIndex",
                "FolioCorpora", "FolioModel",
                "FolioTestSupport",
            ]
        ),
        .testTarget(
            name: "FolioSchedulerTests",
            dependencies: ["FolioScheduler", "FolioTestSupport"]
        ),
        .testTarget(
            name: "FolioServerTests",
            dependencies: [
                // "folio" makes `swift test` build the executable the live-server tests start.
                "FolioServer", "Folio", "folio", "FolioCorpora", "FolioTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "FolioCLITests",
            dependencies: [
                // "folio" makes `swift test` build the executable the crash test kills.
                "FolioCLI", "folio", "FolioCache", "FolioTestSupport", "FolioModel", "FolioTokenizer", "FolioIngest",
                "FolioCorpora", "FolioIndex", "FolioScheduler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)

// Benchmarks are opt-in (FOLIO_BENCHMARKS=1) so users never resolve package-benchmark,
// while the benchmark targets still see `package` symbols.
if ProcessInfo.processInfo.environment["FOLIO_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets.append(
        .executableTarget(
            name: "TokenizerBenchmarks",
            dependencies: [
                "FolioTokenizer", "FolioTestSupport",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/TokenizerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "IngestBenchmarks",
            dependencies: [
                "FolioIngest", "FolioModel", "FolioTestSupport",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/IngestBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "ChunkingBenchmarks",
            dependencies: [
                "FolioChunking", "FolioCorpora", "FolioIngest", "FolioModel", "FolioTokenizer",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/ChunkingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "SchedulerBenchmarks",
            dependencies: [
                "FolioScheduler",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/SchedulerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "CacheBenchmarks",
            dependencies: [
                "Folio", "FolioCache", "FolioCorpora",
                "FolioSystem",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/CacheBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    )
}

// libFuzzer targets are opt-in (FOLIO_FUZZ=1) so users and CI never build them: they link only with the
// sanitizer flags that Scripts/fuzz.sh passes to every Swift module (ASan and libFuzzer's coverage, so the
// readers are instrumented too) and libFuzzer itself; FUZZING.md says how to run them.
if ProcessInfo.processInfo.environment["FOLIO_FUZZ"] != nil {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzPDF", ["FolioPDF"]),
        ("FuzzHTML", ["FolioIngest"]),
        ("FuzzXML", ["FolioIngest"]),
        ("FuzzZIP", ["FolioCompression", "FolioIngest"]),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: target.name, dependencies: target.dependencies, path: "Fuzz/\(target.name)")
        )
    }
}

// Every Swift target: Swift 6 language mode (strict concurrency) and the upcoming features we adopt.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
