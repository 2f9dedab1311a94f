import Testing
@testable import Pg2srModel
@testable import Pg2srSource
import Pg2srSupport
@testable import PostgresBinary
import PostgresClient

/// Many values per type family, old and new path byte for byte: random bit patterns and the
/// boundaries of each text form (floats' shortest digits and exponent switch, numeric weights
/// and scales, timestamps across 0001..9999, zones, intervals of every sign), arrays with NULLs.
@Suite struct SweepTests {
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// An array literal of `values` for a bind parameter (`unnest($1::float8[])`).
    static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
    }

    static func expectIdenticalAndDecoded(_ paths: CopyPaths, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(paths.mappings.filter { $0.binaryEncoding?.kind == .rendered }.map(\.sourceName) == [], sourceLocation: sourceLocation)
        try OldAndNewPathsTests.expectIdentical(paths, sourceLocation: sourceLocation)
    }

    @Test func floats() throws {
        var random = SplitMix64(state: 2024)
        var doubles: [Double] = []
        for _ in 0..<60_000 { doubles.append(Double(bitPattern: random.next())) }
        for _ in 0..<20_000 { // x·2^e2 with e2 in -7 ... -1: where PostgreSQL's float8 trailing-zero test differs from Ryu's
            let significand = (random.next() & ((1 << 52) - 1)) | (1 << 52)
            doubles.append(Double(significand) * Double(sign: .plus, exponent: -Int(random.next() % 7 + 1), significand: 1))
        }
        for _ in 0..<10_000 { doubles.append(Double(bitPattern: random.next() & 0x000F_FFFF_FFFF_FFFF)) } // subnormals
        for e in -1074...1023 { doubles.append(Double(sign: .plus, exponent: e, significand: 1)) }
        for k in -324...308 { if let v = Double("1e\(k)") { doubles += [v, v.nextUp, v.nextDown, -v] } }
        for n in 1..<3000 { doubles += [Double(n) / 3, Double(n) * 1e13 + 0.5, 1 / Double(n)] }
        doubles += [0, -0.0, 0.1, 1e15, 1e16, Double("9007199254740993")!, 1.7976931348623157e308, .leastNonzeroMagnitude, 2.2250738585072014e-308]
        doubles = doubles.filter(\.isFinite)
        var floats: [Float] = []
        for _ in 0..<60_000 { floats.append(Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))) }
        for e in -149...127 { floats.append(Float(sign: .plus, exponent: e, significand: 1)) }
        for k in -45...38 { if let v = Float("1e\(k)") { floats += [v, v.nextUp, v.nextDown] } }
        floats = floats.filter(\.isFinite)

        let connection = try TestCluster.freshDatabase("sweep_floats")
        try connection.execute("CREATE TABLE f (id serial PRIMARY KEY, d float8, r real, ad float8[], ar real[])")
        _ = try connection.query("INSERT INTO f (d) SELECT unnest($1::float8[])", [Self.arrayLiteral(doubles.map(\.description))])
        _ = try connection.query("INSERT INTO f (r) SELECT unnest($1::real[])", [Self.arrayLiteral(floats.map(\.description))])
        try connection.execute("""
            INSERT INTO f (d, r) VALUES ('NaN', 'NaN'), ('Infinity', '-Infinity'), ('-Infinity', 'Infinity');
            UPDATE f SET ad = ARRAY[d, NULL, -d], ar = ARRAY[r, r] WHERE id % 7 = 0;
            """)
        try Self.expectIdenticalAndDecoded(CopyPaths(connection, table: "f"))
    }

    @Test func numerics() throws {
        let connection = try TestCluster.freshDatabase("sweep_numerics")
        try connection.execute("""
            SELECT setseed(0.25);
            CREATE TABLE n (id serial PRIMARY KEY, u numeric, c numeric(12,2), w numeric(60,20), neg numeric(5,-2), big numeric(38,0), au numeric[], ac numeric(12,2)[]);
            INSERT INTO n (u, c, w, neg, big)
            SELECT round(((random() - 0.5) * 10 ^ (floor(random() * 38) - 10))::numeric, floor(random() * 11)::int),
                   round(((random() - 0.5) * 10 ^ floor(random() * 10))::numeric, 2),
                   ((random() - 0.5) * 10 ^ (floor(random() * 60) - 20))::numeric(60,20),
                   round(((random() - 0.5) * 10 ^ floor(random() * 7))::numeric, -2),
                   trunc(((random() - 0.5) * 10 ^ floor(random() * 38))::numeric)
            FROM generate_series(1, 20000);
            INSERT INTO n (u, c, w) VALUES (0, 0, 0), ('-0', '-0.00', '0.00000000000000000001'), ('1.50000000000000', '0.01', '-99999999999999999999999999999999999999.99999999999999999999'),
                (9999999999999999999999999999.9999999999, 9999999999.99, 'NaN'), (-0.0000000001, -0.01, 1e39), (10000, 100, 1e-20), (0.0001, 12345.6, 123456789.123456789);
            UPDATE n SET au = ARRAY[u, NULL, -u], ac = ARRAY[c] WHERE id % 5 = 0;
            """)
        try Self.expectIdenticalAndDecoded(CopyPaths(connection, table: "n"))
    }

    @Test func temporal() throws {
        let connection = try TestCluster.freshDatabase("sweep_temporal")
        try connection.execute("""
            SELECT setseed(0.5);
            CREATE TABLE t (id serial PRIMARY KEY, ts timestamp, tz timestamptz, d date, ti time, ttz timetz, iv interval,
                            ats timestamp[], atz timestamptz[], ad date[], ati time[], attz timetz[], aiv interval[]);
            INSERT INTO t (ts, tz, d, ti, ttz, iv)
            SELECT '0001-01-01'::timestamp + (random() * 315537897599999999)::bigint * interval '1 microsecond',
                   '0001-01-01 00:00:00+00'::timestamptz + (random() * 315537897599999999)::bigint * interval '1 microsecond',
                   '0001-01-01'::date + (random() * 3652058)::int,
                   '00:00:00'::time + (random() * 86400000000)::bigint * interval '1 microsecond',
                   ((('00:00:00'::time + (random() * 86400000000)::bigint * interval '1 microsecond')::text
                     || CASE WHEN random() < 0.5 THEN '+' ELSE '-' END
                     || to_char(make_interval(secs => floor(random() * 57599)), 'HH24:MI:SS')))::timetz,
                   format('%s mons %s days %s microseconds', (random() * 4000 - 2000)::int, (random() * 800 - 400)::int,
                          ((random() - 0.5) * 10 ^ floor(random() * 14))::bigint)::interval
            FROM generate_series(1, 20000);
            INSERT INTO t (ts, tz, d, ti, ttz, iv) VALUES
                ('0001-01-01 00:00:00', '0001-01-01 00:00:00+00', '0001-01-01', '24:00:00', '24:00:00+00', '0'),
                ('9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00', '9999-12-31', '00:00:00.000001', '00:00:00-15:59:59', '-0.000001 seconds'),
                ('2000-01-01', '2000-01-01 00:00:00+00', '2000-01-01', '12:00', '23:59:59.999999+15:59', '178000000 years'),
                ('1999-12-31 23:59:59.5', '1970-01-01 00:00:00+00', '1970-01-01', '00:00', '00:00:00+00:00:01', '-178000000 years -1 day -2562047788:00:54.775807'),
                ('2024-02-29 12:34:56.1', '2024-02-29 12:34:56.78+05:30', '2024-02-29', '01:02:03.04', '12:00:00+05:45', '1 day -1 second'),
                ('1900-02-28', '1582-10-15 00:00:00+00', '1582-10-04', '23:59:59.999999', '07:00:00-07', '59.999999 seconds');
            UPDATE t SET ats = ARRAY[ts, NULL, '2020-01-01'], atz = ARRAY[tz, NULL], ad = ARRAY[d, NULL], ati = ARRAY[ti, NULL],
                         attz = ARRAY[ttz, NULL], aiv = ARRAY[iv, NULL, -iv] WHERE id % 3 = 0;
            """)
        try Self.expectIdenticalAndDecoded(CopyPaths(connection, table: "t"))
    }

    @Test func textsAndDocuments() throws {
        var random = SplitMix64(state: 99)
        let alphabet = ["a", "Z", ",", "\"", "\n", "\r", "\\", "N", "\\N", "é", "😀", " ", ".", "\t", "'", "{", "}", "[", "]", ":", "\u{1}", "\u{7f}"]
        var texts: [String] = ["", "\\N", "\\N\\N", "\\.", ".", "N", "\\", "\"", ",", "\r\n"]
        for _ in 0..<20_000 {
            let length = Int(random.next() % 24)
            texts.append((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined())
        }
        let connection = try TestCluster.freshDatabase("sweep_texts")
        try connection.execute("""
            CREATE TYPE mood AS ENUM ('sad', '\\N', 'with space', 'quote"d', 'comma,d');
            CREATE TABLE x (id serial PRIMARY KEY, t text, v varchar(12), c char(6), n name, j json, jb jsonb, u uuid, b bytea, bo bool, e mood,
                            at text[], ac char(3)[], au uuid[], ae mood[], ab bool[], ai int[], al bigint[], ao oid[], asm smallint[]);
            """)
        _ = try connection.query("INSERT INTO x (t) SELECT unnest($1::text[])", [Self.arrayLiteral(texts)])
        try connection.execute("""
            SELECT setseed(0.75);
            UPDATE x SET v = left(t, 12), c = left(t, 6), n = left(t, 63), b = convert_to(t, 'UTF8'), bo = id % 2 = 0,
                         e = (enum_range(NULL::mood))[1 + id % 5], u = md5(t)::uuid,
                         j = to_json(t), jb = jsonb_build_object('t', t, 'n', id, 'f', id / 7.0, 'a', jsonb_build_array(t, NULL, true, 1.5e-5));
            UPDATE x SET at = ARRAY[translate(t, E'"\\\\\\n\\r\\t\\x01', 'qbnrt1'), NULL, ''], ac = ARRAY[left(translate(t, E'"\\\\\\n\\r\\t\\x01', 'qbnrt1'), 3)],
                         au = ARRAY[u, NULL], ae = ARRAY[e, NULL] , ab = ARRAY[bo, NULL], ai = ARRAY[id, -id, NULL], al = ARRAY[id::bigint * 1000000007],
                         ao = ARRAY[id::oid, 4294967295], asm = ARRAY[(id % 32767)::smallint]
                WHERE e NOT IN ('\\N', 'quote"d');
            INSERT INTO x (j, jb) VALUES ('{"a": 1, "a": 2, "b" : [1.0, 2e5, -0, 1E+2], "c": "x\\"y"}', '{"a": 1.10, "b": [0.30000000000000004, 1e15, 123456789012345678]}'),
                                         ('  [1,  2 ]  ', '"just text"'), ('"\\u00e9\\n"', 'null'), ('{}', '[]');
            """)
        try Self.expectIdenticalAndDecoded(CopyPaths(connection, table: "x"))
    }

    @Test func oneColumnTablesQuoteEndOfData() throws {
        let connection = try TestCluster.freshDatabase("sweep_one")
        try connection.execute(#"""
            CREATE TABLE one (t text);
            INSERT INTO one VALUES ('\.'), ('\N'), ('.'), ('\'), (''), (NULL), ('\.\.');
            CREATE TABLE two (t text, u text);
            INSERT INTO two VALUES ('\.', '\.'), ('\N', NULL);
            """#)
        try OldAndNewPathsTests.expectIdentical(CopyPaths(connection, table: "one"))
        try OldAndNewPathsTests.expectIdentical(CopyPaths(connection, table: "two"))
    }
}
