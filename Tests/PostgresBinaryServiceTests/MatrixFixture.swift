/// The type matrix of Tests/integration/test_types.py (schema, rows and zoned timestamptz rows),
/// as SQL: the same edge values the seed test loads into the stand-in.
enum MatrixFixture {
    static let sql = #"""
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', '\N', 'with space');
CREATE TYPE pair AS (a int, b text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE DOMAIN code AS varchar(5);
CREATE TABLE matrix (
    id int PRIMARY KEY,
    s smallint, i integer, b bigint, ss smallserial, se serial, bs bigserial, o oid,
    n38 numeric(38,10), n380 numeric(38,0), n12 numeric(12,2), nu numeric, nneg numeric(5,-2),
    r real, d double precision, mo money, bo boolean,
    ch char(5), vc varchar(10), tx text, ci citext, by bytea, u uuid, j json, jb jsonb,
    da date, ts timestamp(6), tz timestamptz, ti time, ttz timetz, iv interval,
    en mood, ine inet, cid cidr, mac macaddr, mac8 macaddr8, bi bit(3), b1 bit(1), vb varbit(16),
    ai int[], abig bigint[], at text[], af float8[], anum numeric(10,2)[], abo bool[], ad date[],
    ats timestamp[], atz timestamptz[], aiv interval[], ach char(3)[], auu uuid[], aen mood[],
    a2 int[][], co pair, dom posint, dco code, hs hstore
);
INSERT INTO matrix (id, s, i, b, o, n38, n380, n12, nu, nneg, r, d, mo, bo, ch, vc, tx, ci, by, u, j, jb, da, ts, tz, ti, ttz, iv, en, ine, cid, mac, mac8, bi, b1, vb, ai, abig, at, af, anum, abo, ad, ats, atz, aiv, ach, auu, aen, a2, co, dom, dco, hs) VALUES (1, -32768, -2147483648, -9223372036854775808, 0, '9999999999999999999999999999.9999999999', '99999999999999999999999999999999999999', '-9999999999.99', '9999999999999999999999999999.9999999999', 12300, 'NaN', 'NaN', '-92233720368547758.08', true, 'ab', '𝄞𝄞𝄞𝄞𝄞𝄞𝄞𝄞𝄞𝄞', 'plain', 'MiXeD', '\x', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1, "a": [1.10, "x\"y", null, true], "u": "ü😀\n"}', '{"k": "v\"q\\", "n": 1.10, "big": 9007199254740993, "neg": -1e-5, "deep": {"z": [[]], "a": {}}}', '0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00', '00:00:00', '13:45:30.5+02', '1 year 2 mons 3 days 04:05:06.789', 'sad', '192.168.0.1', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', B'101', B'1', B'1', '{1,NULL,-2147483648}', '{9223372036854775807,-9223372036854775808}', '{"a","b c","ü😀",NULL,"","comma,here","null","[x]"}', '{1.5,NaN,Infinity,-Infinity,NULL,-0,5e-324}', '{1.5,-99999999.99,NULL}', '{true,false,NULL}', '{0001-01-01,9999-12-31}', '{"2024-01-01 10:00:00.000001","9999-12-31 23:59:59.999999"}', '{"2024-03-10 02:30:00 America/New_York"}', '{"1 day","-00:00:00.5","1.003691 seconds",NULL}', '{ab,x,NULL}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{sad,"with space"}', '{{1,2},{3,4}}', ROW(1, 'x,"y'), 5, 'abcde', 'a=>1, "b c"=>NULL, "😀"=>"\\N"');
INSERT INTO matrix (id, s, i, b, o, n38, n380, n12, nu, nneg, r, d, mo, bo, ch, vc, tx, by, j, jb, da, ts, tz, ti, ttz, iv, en, ine, cid, bi, b1, vb, ai, at, af) VALUES (2, 32767, 2147483647, 9223372036854775807, 4294967295, '-0.0000000001', '-99999999999999999999999999999999999999', '0.01', '-0.0000000001', '-99999', 'Infinity', 'Infinity', '92233720368547758.07', false, '😀😀😀😀😀', '', '', '\x00ff10', '[]', '"just a string"', '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00', '23:59:59.999999', '00:30:00-05:30', '-1 years -2 mons +3 days -04:05:06', '\N', '::ffff:1.2.3.4/128', '2001:db8::/32', B'000', B'0', B'', '{}', '{}', '{}');
INSERT INTO matrix (id, s, i, b, n38, nu, nneg, r, d, mo, ch, tx, ts, ti, ttz, iv, en, jb, by) VALUES (3, 0, 0, 0, '0', '1.50000000000000', 0, '-Infinity', '-Infinity', '12.34', ' ', repeat('x', 1048576), '2024-01-01 00:00:00.000001', '24:00:00', '23:59:59.999999+14', '1.003691 seconds', 'with space', '{}', decode(repeat('00ff', 1000), 'hex'));
INSERT INTO matrix (id, r, d, ti, iv, nu, tx) VALUES (4, '3.4028235e38', '1.7976931348623157e308', '13:45:30.5', '00:00:00', '12345.6789', repeat('😀', 262144));
INSERT INTO matrix (id, r, d, iv, nu) VALUES (5, '1e-45', '5e-324', '100 hours', '0');
INSERT INTO matrix (id, r, d, iv) VALUES (6, '-0', '-0', '-0.5 seconds');
INSERT INTO matrix (id, d, iv) VALUES (7, '0.1', '59.999999 seconds');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (100, 'plain', 'plain', 'plain', 'plain');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (101, '', '', '', '');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (102, 'comma, and "quotes"', 'comma, and', 'comma', 'comma, and "quotes"');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (103, E'line\x0abreak\x0d\x0aand CR\x0d', E'line\x0abreak', E'line\x0a', E'line\x0abreak\x0d\x0aand CR\x0d');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (104, E'tab\x09here', E'tab\x09here', E'tab\x09h', E'tab\x09here');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (105, 'back\slash\', 'back\slash', 'back\', 'back\slash\');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (106, '\N', '\N', '\N', '\N');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (107, '\N\N', '\N\N', '\N\N', '\N\N');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (108, 'N', 'N', 'N', 'N');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (109, 'null', 'null', 'null', 'null');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (110, 'NULL', 'NULL', 'NULL', 'NULL');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (111, 'emoji 😀 𝄞 and ünïcödé', 'emoji 😀 𝄞 ', 'emoji', 'emoji 😀 𝄞 and ünïcödé');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (112, '''single''', '''single''', '''sing', '''single''');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (113, '  spaces  ', '  spaces  ', '  spa', '  spaces  ');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (114, '\', '\', '\', '\');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (115, '"', '"', '"', '"');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (116, ',', ',', ',', ',');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (117, E'a\x01b\x7f', E'a\x01b\x7f', E'a\x01b\x7f', E'a\x01b\x7f');
INSERT INTO matrix (id, tx, vc, ch, ci) VALUES (118, E'\u2028\u00a0zero\u200bwidth', E'\u2028\u00a0zero\u200bwid', E'\u2028\u00a0zer', E'\u2028\u00a0zero\u200bwidth');
SET TimeZone = 'America/New_York';
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1000, '2024-03-10 01:59:59.999999', '01:59:59.999999', ARRAY['2024-03-10 01:59:59.999999'::timestamptz]);
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1001, '2024-03-10 02:30:00', '02:30:00', ARRAY['2024-03-10 02:30:00'::timestamptz]);
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1002, '2024-03-10 03:00:00', '03:00:00', ARRAY['2024-03-10 03:00:00'::timestamptz]);
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1003, '2024-11-03 00:59:59', '00:59:59', ARRAY['2024-11-03 00:59:59'::timestamptz]);
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1004, '2024-11-03 01:30:00', '01:30:00', ARRAY['2024-11-03 01:30:00'::timestamptz]);
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1005, '2024-11-03 02:00:00', '02:00:00', ARRAY['2024-11-03 02:00:00'::timestamptz]);
SET TimeZone = 'Europe/Berlin';
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1006, '2024-03-31 02:30:00', '02:30:00', ARRAY['2024-03-31 02:30:00'::timestamptz]);
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1007, '2024-10-27 02:30:00', '02:30:00', ARRAY['2024-10-27 02:30:00'::timestamptz]);
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1008, '2024-10-27 03:00:00.5', '03:00:00.5', ARRAY['2024-10-27 03:00:00.5'::timestamptz]);
SET TimeZone = 'Australia/Lord_Howe';
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1009, '2024-04-07 01:45:00', '01:45:00', ARRAY['2024-04-07 01:45:00'::timestamptz]);
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1010, '2024-10-06 02:15:00', '02:15:00', ARRAY['2024-10-06 02:15:00'::timestamptz]);
SET TimeZone = 'Asia/Kolkata';
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1011, '1945-10-14 23:30:00', '23:30:00', ARRAY['1945-10-14 23:30:00'::timestamptz]);
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1012, '2024-06-01 12:00:00', '12:00:00', ARRAY['2024-06-01 12:00:00'::timestamptz]);
SET TimeZone = 'UTC';
INSERT INTO matrix (id, tz, ttz, atz) VALUES (1013, '2024-01-01 00:00:00', '00:00:00', ARRAY['2024-01-01 00:00:00'::timestamptz]);
SET TimeZone = 'UTC';
"""#
}
