// swift-tools-version:6.0
import PackageDescription

// One module per layer; each may import only the modules listed as its dependencies here
// (scripts/check-layers enforces it, and SwiftPM keeps the graph acyclic):
//
//   pg2sr (command line)
//     ├── Pg2srPipeline   Pg2srCDC   Pg2srVerify
//     │        └────────────┼───────────┘
//     ├──            Pg2srSource   Pg2srTarget
//     │                     └─────┬─────┘
//     ├──                    Pg2srModel
//     └──                    Pg2srSupport
//
// Below them: one system-library module and one thin Swift wrapper per C library.
let package = Package(
    name: "pg2sr",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pg2sr", targets: ["pg2sr"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries (Debian: libpq-dev, libcurl4-openssl-dev, default-libmysqlclient-dev, librdkafka-dev).
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl"),
        .systemLibrary(name: "CMariaDB", pkgConfig: "mysqlclient"),
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka"),
        // Swift cannot call C variadics (curl_easy_setopt/getinfo): typed wrappers.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),

        // Thin blocking wrappers, one per C library; nothing of pg2sr in them.
        .target(name: "PostgresClient", dependencies: ["CPostgres"]),
        .target(name: "CurlClient", dependencies: ["CCurl", "CCurlShim"]),
        .target(name: "MySQLClient", dependencies: ["CMariaDB"]),
        .target(name: "KafkaClient", dependencies: ["CRdKafka"]),

        // The SQL the tool runs lives in sql/; this generator embeds it at build time (into Pg2srSupport).
        .executableTarget(name: "SQLEmbedder"),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["SQLEmbedder"]),

        // PostgreSQL's binary COPY rendered as StarRocks CSV; pure Swift, no dependencies.
        .target(name: "PostgresBinary"),

        // Support: errors and exit codes, the log and its secret redaction, the embedded SQL with
        // quoted placeholders, cancellation and dedicated threads. No C library, no pg2sr concept.
        .target(name: "Pg2srSupport", plugins: ["EmbedSQL"]),
        // Model: plain values every layer shares — table names, source columns, the type mapping,
        // the seed plan, the run record, labels. No I/O.
        .target(name: "Pg2srModel", dependencies: ["Pg2srSupport", "PostgresBinary"]),
        // Source: PostgreSQL — sessions, catalog, selection, snapshots, locks, chunk planning, the
        // COPY statement, the replication slot and publication of the CDC handoff.
        .target(name: "Pg2srSource", dependencies: ["Pg2srModel", "Pg2srSupport", "PostgresClient"]),
        // Target: StarRocks — the URL, the MySQL session, Stream Load and its transactions, DDL
        // and the fit check, the run record store, Routine Load job listings.
        .target(name: "Pg2srTarget", dependencies: ["Pg2srModel", "Pg2srSupport", "CurlClient", "MySQLClient"]),
        // Pipeline: `seed` — the run, the chunk queue, workers streaming COPY into Stream Load,
        // rate limit, retries, progress and metrics.
        .target(name: "Pg2srPipeline",
                dependencies: ["Pg2srSource", "Pg2srTarget", "Pg2srModel", "Pg2srSupport", "PostgresClient", "CurlClient"]),
        // CDC: the Debezium config and Kafka Connect, Routine Load jobs from Kafka offsets, status, cleanup.
        .target(name: "Pg2srCDC",
                dependencies: ["Pg2srSource", "Pg2srTarget", "Pg2srModel", "Pg2srSupport", "KafkaClient", "CurlClient"]),
        // Verify: both sides read, canonicalized and compared per key range.
        .target(name: "Pg2srVerify", dependencies: ["Pg2srSource", "Pg2srTarget", "Pg2srModel", "Pg2srSupport", "PostgresClient"]),
        // The command line (swift-argument-parser): options, validation, output.
        .executableTarget(
            name: "pg2sr",
            dependencies: ["Pg2srPipeline", "Pg2srCDC", "Pg2srVerify", "Pg2srSource", "Pg2srTarget", "Pg2srModel", "Pg2srSupport",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Unit tests: pure logic, no service (`swift test --filter Pg2srTests`).
        .testTarget(name: "Pg2srTests",
                    dependencies: ["Pg2srSupport", "Pg2srModel", "Pg2srSource", "Pg2srTarget", "Pg2srPipeline", "Pg2srCDC", "Pg2srVerify",
                                   "PostgresBinary"]),
        // Tests of the wrappers against real services they start themselves (`--filter Pg2srServiceTests`).
        .testTarget(name: "Pg2srServiceTests", dependencies: ["KafkaClient", "Pg2srSupport"]),
        // The binary COPY renderer's unit tests (no service).
        .testTarget(name: "PostgresBinaryTests", dependencies: ["PostgresBinary"]),
        // Starts a throwaway PostgreSQL (scripts/pg-cluster): old and new COPY paths compared byte for byte.
        .testTarget(name: "PostgresBinaryServiceTests",
                    dependencies: ["PostgresBinary", "Pg2srModel", "Pg2srSource", "Pg2srSupport", "PostgresClient"]),
        // MB/s of CSV the renderer produces per type family (bench/renderer.md).
        .executableTarget(name: "RendererBench",
                          dependencies: ["PostgresBinary", "PostgresClient", "Pg2srModel", "Pg2srSource", "Pg2srSupport"]),
    ]
)
