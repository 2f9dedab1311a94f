// swift-tools-version:6.0
import PackageDescription

// Layout follows the data flow: source (PostgreSQL) → pipeline → target (StarRocks).
// Each C library gets one system-library module plus one thin Swift wrapper module;
// everything above the wrappers is plain Swift in Pg2srCore.
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

        // Thin wrappers, one per C library.
        .target(name: "PostgresClient", dependencies: ["CPostgres"]),
        .target(name: "CurlClient", dependencies: ["CCurl", "CCurlShim"]),
        .target(name: "MySQLClient", dependencies: ["CMariaDB"]),
        .target(name: "KafkaClient", dependencies: ["CRdKafka"]),

        // The SQL the tool runs lives in sql/; this generator embeds it at build time.
        .executableTarget(name: "SQLEmbedder"),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["SQLEmbedder"]),

        // PostgreSQL's binary COPY rendered as StarRocks CSV; pure Swift, no dependencies.
        .target(name: "PostgresBinary"),

        .target(
            name: "Pg2srCore",
            dependencies: ["PostgresClient", "CurlClient", "MySQLClient", "KafkaClient", "PostgresBinary"],
            plugins: ["EmbedSQL"]
        ),
        .executableTarget(
            name: "pg2sr",
            dependencies: ["Pg2srCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // MB/s of CSV the renderer produces per type family (bench/renderer.md).
        .executableTarget(name: "RendererBench", dependencies: ["PostgresBinary", "PostgresClient", "Pg2srCore"]),
        .testTarget(name: "Pg2srCoreTests", dependencies: ["Pg2srCore", "KafkaClient"]),
        .testTarget(name: "PostgresBinaryTests", dependencies: ["PostgresBinary"]),
        // Starts a throwaway PostgreSQL (scripts/pg-cluster): old and new COPY paths compared byte for byte.
        .testTarget(name: "PostgresBinaryServiceTests", dependencies: ["PostgresBinary", "Pg2srCore", "PostgresClient"]),
    ]
)
