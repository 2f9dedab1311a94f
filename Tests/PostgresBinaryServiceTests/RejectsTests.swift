import Testing
@testable import Pg2srModel
@testable import Pg2srSource
import Pg2srSupport
import PostgresBinary
import PostgresClient

/// Every value the SQL guards reject is rejected by the renderer with the same
/// `table.column: reason: value` text; values they let through render identically.
@Suite struct RejectsTests {
    /// The database the cases share (each case has its own table).
    static let database: Result<Void, Error> = Result {
        let connection = try TestCluster.freshDatabase("rejects")
        try connection.execute(#"""
            CREATE TYPE mood AS ENUM ('sad', '\N', 'a"b');
        """#)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var type: String
        var value: String
        var policy = ValuePolicy()
        var maxVarcharBytes = 1_048_576
        /// The SQL path lets it through (then both paths must render it identically).
        var passes = false
        var testDescription: String { "\(type) \(value.prefix(40))\(policy.infinityAsNull ? " --infinity-as-null" : "")" }
    }

    static func infinityAsNull() -> ValuePolicy {
        var policy = ValuePolicy()
        policy.infinityAsNull = true
        return policy
    }

    static let cases: [Case] = [
        // From Tests/integration/test_types.py (REJECTED).
        Case(type: "numeric", value: "'1.00000000001'"), Case(type: "numeric", value: "'1e28'"), Case(type: "numeric(10,2)", value: "'NaN'"),
        Case(type: "text", value: "repeat('x', 1048577)"), Case(type: "varchar", value: "repeat('é', 524289)"),
        Case(type: "date", value: "'10000-01-01'"), Case(type: "date", value: "'0044-03-15 BC'"), Case(type: "timestamp", value: "'infinity'"),
        Case(type: "timestamptz", value: "'-infinity'"), Case(type: "timestamptz", value: "'9999-12-31 23:30:00-01'"),
        Case(type: "jsonb", value: #"'{"n": 12345678901234567890123}'"#), Case(type: "json", value: "'[0.10000000000000000555]'"),
        Case(type: "jsonb", value: #"'{"n": 1234567890.123456789}'"#), Case(type: "json", value: #"'{"tiny": 1.5e-310}'"#),
        Case(type: "text[]", value: #"'{"a\"b"}'"#), Case(type: "int[]", value: "'{{1,2},{3,4}}'"), Case(type: "int[]", value: "'[0:1]={1,2}'"),
        Case(type: "timestamp[]", value: "'{infinity}'"), Case(type: "numeric[]", value: "'{1.5,0.00000000001}'"),
        // Numerics at the edges of DECIMAL(38,10).
        Case(type: "numeric", value: "'Infinity'"), Case(type: "numeric", value: "'-Infinity'"), Case(type: "numeric", value: "'NaN'"),
        Case(type: "numeric", value: "'-1e28'"), Case(type: "numeric", value: "'-9999999999999999999999999999.9999999999'", passes: true),
        Case(type: "numeric", value: "'0.12345678901'"), Case(type: "numeric", value: "'0.123456789000000'", passes: true),
        Case(type: "numeric", value: "'123456789012345678901234567.8'", passes: true), Case(type: "numeric(5,2)", value: "'NaN'"),
        Case(type: "numeric(60,30)", value: "'NaN'", passes: true),
        // Dates and timestamps at StarRocks' range ends, BC, infinities.
        Case(type: "date", value: "'infinity'"), Case(type: "date", value: "'-infinity'"), Case(type: "date", value: "'0001-01-01 BC'"),
        Case(type: "date", value: "'0001-01-01'", passes: true), Case(type: "date", value: "'9999-12-31'", passes: true),
        Case(type: "timestamp", value: "'10000-01-01 00:00:00'"), Case(type: "timestamp", value: "'9999-12-31 23:59:59.999999'", passes: true),
        Case(type: "timestamp", value: "'0001-12-31 23:59:59.999999 BC'"), Case(type: "timestamptz", value: "'0001-01-01 00:00:00+01'"),
        Case(type: "timestamptz", value: "'0001-01-01 00:00:00-01'", passes: true), Case(type: "timestamptz", value: "'infinity'"),
        Case(type: "timestamp", value: "'infinity'", policy: infinityAsNull(), passes: true),
        Case(type: "date", value: "'-infinity'", policy: infinityAsNull(), passes: true),
        Case(type: "date", value: "'10000-01-01'", policy: infinityAsNull()),
        Case(type: "timestamptz", value: "'0044-03-15 10:00:00+00 BC'", policy: infinityAsNull()),
        Case(type: "date[]", value: "'{2020-01-01,infinity,NULL}'", policy: infinityAsNull(), passes: true),
        Case(type: "timestamptz[]", value: "'{2020-01-01 10:00+02,-infinity}'", policy: infinityAsNull(), passes: true),
        Case(type: "timestamp[]", value: "'{2020-01-01,10000-01-01,infinity}'", policy: infinityAsNull()),
        // Lengths.
        Case(type: "bytea", value: "decode(repeat('00', 1048577), 'hex')"), Case(type: "bytea", value: "decode(repeat('ab', 1048576), 'hex')", passes: true),
        Case(type: "text", value: "repeat('x', 65534)", maxVarcharBytes: 65533), Case(type: "varchar(16384)", value: "repeat('ü', 16384)", maxVarcharBytes: 65533, passes: true),
        Case(type: "varchar(16384)", value: "repeat('😀', 16384)", maxVarcharBytes: 65533),
        Case(type: "char(20000)", value: "repeat('😀', 20000)", maxVarcharBytes: 65533), Case(type: "name", value: "repeat('n', 63)", passes: true),
        Case(type: "text[]", value: "ARRAY['ok', repeat('x', 65534)]", maxVarcharBytes: 65533),
        Case(type: "mood", value: #"'\N'"#, passes: true), Case(type: "text", value: #"'\N\N\N'"#, passes: true),
        // JSON numbers: the cheap test, duplicate keys (the last wins), integers at 64-bit ends.
        Case(type: "json", value: #"'{"a": 0.10000000000000000555, "a": 1}'"#, passes: true),
        Case(type: "json", value: #"'{"a": 1, "\u0061": 0.10000000000000000555}'"#),
        Case(type: "json", value: #"'[1e400]'"#), Case(type: "json", value: #"'[1E+307, 1e-307, 1.7976931348623157e308]'"#),
        Case(type: "jsonb", value: #"'[18446744073709551615, -9223372036854775808, 1e308, 0.1, 123456789012345.6]'"#, passes: true),
        Case(type: "jsonb", value: #"'[18446744073709551616]'"#), Case(type: "jsonb", value: #"'[-9223372036854775809]'"#),
        Case(type: "jsonb", value: #"'[5e-324]'"#), Case(type: "jsonb", value: #"'{"s": "1234567890123456", "n": 1}'"#, passes: true),
        Case(type: "json", value: #"'{"s": "e123", "n": 0.30000000000000004}'"#, passes: true),
        Case(type: "json", value: #"'{"n": 9007199254740993.0}'"#, passes: true), Case(type: "json", value: #"'{"n": 9007199254740993.5}'"#),
        // Arrays: shape first, then element checks in order, then escaping.
        Case(type: "text[]", value: #"'{"a\\b"}'"#), Case(type: "text[]", value: #"ARRAY[E'tab\there']"#), Case(type: "mood[]", value: #"ARRAY['\N'::mood]"#),
        Case(type: "mood[]", value: #"ARRAY['a"b'::mood]"#), Case(type: "char(3)[]", value: #"'{"a\"b"}'"#),
        Case(type: "date[]", value: "'{2020-01-01,10000-01-01}'"), Case(type: "timestamptz[]", value: "'{infinity}'"),
        Case(type: "timestamptz[]", value: "'{10000-01-01 00:00:00+00,infinity}'"),
        Case(type: "numeric(10,2)[]", value: "'{1.5,NaN}'"), Case(type: "numeric[]", value: "'{Infinity}'"), Case(type: "numeric[]", value: "'{NaN,1e30}'"),
        Case(type: "int[]", value: "'[2:3]={1,2}'"), Case(type: "text[]", value: #"'[0:0]={"a b"}'"#), Case(type: "timestamp[]", value: "'{{infinity}}'"),
        Case(type: "interval[]", value: #"'[-1:0]={"1 year -2 days +03:00:00.5",-00:00:00.5}'"#),
        Case(type: "timetz[]", value: "'[0:0]={13:45:30.5+02:30:15}'"), Case(type: "bool[]", value: "'[0:1]={t,NULL}'"),
        Case(type: "float8[]", value: "'[5:5]={NaN}'"), Case(type: "uuid[]", value: "'{{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}}'"),
        Case(type: "text[]", value: #"'[0:1]={"",NULL}'"#), Case(type: "text[]", value: #"'{{"NULL",null},{"a,b","{x}"}}'"#),
        Case(type: "oid[]", value: "'[0:0]={4294967295}'"), Case(type: "time[]", value: "'{{24:00:00}}'"),
        Case(type: "timestamptz[]", value: "'[0:0]={\"2020-06-01 10:00:00.5+02\"}'"), Case(type: "date[]", value: "'[0:0]={infinity}'"),
    ]

    @Test(arguments: cases.indices)
    func sqlGuardsAndRendererRejectAlike(index: Int) throws {
        try Self.database.get()
        let testCase = Self.cases[index]
        let connection = try TestCluster.session("rejects")
        let table = "bad_\(index)"
        try connection.execute("""
            DROP TABLE IF EXISTS \(table);
            CREATE TABLE \(table) (id int PRIMARY KEY, "Odd Col" \(testCase.type));
            INSERT INTO \(table) SELECT g, NULL FROM generate_series(1, 50) g;
            INSERT INTO \(table) VALUES (51, \(testCase.value));
            """)
        var target = TargetCapabilities()
        target.maxVarcharBytes = testCase.maxVarcharBytes
        let paths = try CopyPaths(connection, table: table, policy: testCase.policy, target: target)
        #expect(paths.mappings[1].binaryEncoding?.kind != .rendered, "\(testCase.type) decoded")
        let old = try paths.csv()
        let new = try paths.binary()
        #expect(old == new)
        switch old {
        case .failure(let reject):
            #expect(!testCase.passes, "\(reject.text)")
            #expect(reject.text.hasPrefix("public.\(table).Odd Col: "))
        case .success:
            #expect(testCase.passes, "the SQL guards let it through")
        }
    }

    /// Within a row the first column's check fails first; across rows, the first row's.
    @Test func theFirstFailingColumnNamesTheReject() throws {
        try Self.database.get()
        let connection = try TestCluster.session("rejects")
        try connection.execute("""
            DROP TABLE IF EXISTS two_bad;
            CREATE TABLE two_bad (id int PRIMARY KEY, a text, b numeric, c date);
            INSERT INTO two_bad VALUES (1, 'fine', 1, '2020-01-01'), (2, 'fine', 'NaN', 'infinity'), (3, 'x', 'NaN', '2020-01-01');
            """)
        let paths = try CopyPaths(connection, table: "two_bad")
        let old = try paths.csv()
        #expect(old == (try paths.binary()))
        #expect(old == .failure(.init(text: "public.two_bad.b: NaN/Infinity has no DECIMAL form: NaN")))
    }
}
