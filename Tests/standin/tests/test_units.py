"""In-process checks of pieces that are hard to observe over the wire."""
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from starrocks_standin.csv_format import CsvOptions, CsvReader, CsvRowCounter  # noqa: E402
from starrocks_standin import values as V  # noqa: E402
from starrocks_standin.array_cast import cast_string_to_array  # noqa: E402
from starrocks_standin.binary_text import lenient_base64, unhex  # noqa: E402
from starrocks_standin.json_text import fpconv, parse_json_or_string  # noqa: E402


def test_discard_row_counter_matches_the_real_reader():
    """--discard counts records with a chunk-level trick; it must agree with the real reader on
    RFC-style data (quoted newlines, doubled quotes, blank lines) for any chunking."""
    rnd = random.Random(7)
    checked = 0
    for _ in range(1500):
        recs = []
        for _ in range(rnd.randint(0, 6)):
            recs.append(",".join(rnd.choice(["x", "", '"a\nb"', '"q""x"', '""', "yy", '"1,2"'])
                                 for _ in range(rnd.randint(1, 3))))
        if rnd.random() < 0.3:
            recs.insert(rnd.randint(0, len(recs)), "")
        data = ("\n".join(recs) + rnd.choice(["", "\n", "\n\n"])).encode()
        opts = dict(column_sep=b",", enclose=ord('"'))
        r = CsvReader(CsvOptions(**opts))
        want = len(r.feed(data)) + len(r.finish())
        for step in (1, 3, 64):
            c = CsvRowCounter(CsvOptions(**opts))
            for i in range(0, len(data), step):
                c.feed(data[i:i + step])
            assert c.finish() == want, (data, step)
            checked += 1
    assert checked == 4500


def test_decimal_port_of_string_to_decimal():
    """§8.2: rounding is done on the digits kept within the type's precision
    (StringParser::string_to_decimal), integer overflow fails."""
    assert str(V.parse_decimal("9.995", 3, 2)) == "9.99"      # 4th digit dropped, not rounded
    assert str(V.parse_decimal("0.995", 3, 2)) == "1.00"
    assert str(V.parse_decimal("1.23456", 5, 2)) == "1.23"
    assert str(V.parse_decimal("-2.345", 10, 2)) == "-2.35"
    assert str(V.parse_decimal("1.5e-1", 5, 2)) == "0.15"
    assert str(V.parse_decimal(".", 5, 2)) == "0.00"
    for bad in ("", "+", "1e", "12345.1", "1,5", "abc"):
        try:
            V.parse_decimal(bad, 5, 2)
        except V.ParseError:
            continue
        raise AssertionError(f"{bad!r} should fail")


def test_lenient_base64_matches_the_be_unit_test_vectors():
    """be/test/formats/csv/varbinary_converter_test.cpp and R test_binary_functions."""
    assert lenient_base64("YWJjZA==") == b"abcd" and lenient_base64("YQ== ") == b"a"
    assert lenient_base64("ZWZnaGlqX2s= ") == b"efghij_k" and lenient_base64("ab") == b"i"
    assert lenient_base64("YWJjZA==.") is None and lenient_base64("YQ== !") is None
    assert lenient_base64("Y==") is None and lenient_base64("a") == b"" and lenient_base64("ab\0zz") == b"i"
    assert unhex("5C4E") == b"\\N" and unhex("5C4") == b"" and unhex("zz") == b"" and unhex("ab cd") == b""


def test_fpconv_prints_doubles_like_velocypack():
    cases = {1.1: "1.1", 100.0: "100", 1e-05: "0.00001", 1e20: "1e+20", 1e7: "10000000", 1.5e-07: "1.5e-7",
             -2.5: "-2.5", -0.0: "-0", 0.1 + 0.2: "0.30000000000000004", 9007199254740993.0: "9007199254740992"}
    assert {x: fpconv(x) for x in cases} == cases


def test_parse_json_or_string_edges():
    assert parse_json_or_string("[123]") == "[123]" and parse_json_or_string("123") == '"123"'
    assert parse_json_or_string("\t[true]") == "[true]" and parse_json_or_string("") == '""'
    assert parse_json_or_string(' "x"') == '"x"' and parse_json_or_string('  x') == '"  x"'


def test_cast_string_to_array_rules():
    vc, i = V.ColumnType("VARCHAR", length=10), V.ColumnType("INT")
    keep = lambda t, p: p                                        # noqa: E731
    assert cast_string_to_array(vc, '["a", \'b\', null]', keep) == ["a", "b", "null"]
    assert cast_string_to_array(vc, "[]", keep) == [] and cast_string_to_array(vc, "[ ]", keep) == [""]
    assert cast_string_to_array(vc, "x", keep) is None and cast_string_to_array(vc, "[1]]", keep) is None
    assert cast_string_to_array(i, '[1, "2", null]', keep) == ["1", ' "2"', " null"]
    assert cast_string_to_array(vc, '[[1,2],[3]]', keep) == ["[1,2]", "[3]"]


def _evaluate(text: str, **fields):
    from starrocks_standin import expressions as E

    class Fields(E.Env):
        def lookup(self, name, qualifier):
            return fields[name], None
    return E.evaluate(E.parse_expression(text), Fields())[0]


def test_functions_pg2sr_decodes_debezium_values_with():
    # conv/lpad/rpad/repeat/from_base64/hex: MySQL semantics (StringFunctions, MathFunctions::conv_string,
    # EncryptionFunctions::from_base64 with the BE's lenient decoder: '' and bad input → NULL).
    assert _evaluate("conv('0A', 16, 2)") == "1010" and _evaluate("conv('00', 16, 2)") == "0" and _evaluate("conv('ff', 16, 10)") == "255"
    assert _evaluate("lpad('101', 8, '0')") == "00000101" and _evaluate("lpad('123456789', 8, '0')") == "12345678"
    assert _evaluate("rpad('05', 4, '0')") == "0500" and _evaluate("repeat('0', 3)") == "000"
    assert _evaluate("hex(from_base64('AQE='))") == "0101" and _evaluate("from_base64('')") is None
    assert _evaluate("regexp_replace('12300.000', '[.]0*$', '')") == "12300"
    # json_query: the value at the path; SQL NULL where it finds nothing, the JSON null where it finds one.
    assert _evaluate("json_query(parse_json('[123]'), '$[0]')") == "123"
    assert _evaluate("json_query(parse_json('[null]'), '$[0]')") == "null"
    assert _evaluate("json_query(parse_json('[]'), '$[0]')") is None
    assert _evaluate("json_query(parse_json('{\"a\": {\"b\": [1, 2]}}'), '$.a.b[1]')") == "2"
    # bit(12) from Debezium's little-endian bytes (B'000000000101' is "BQ==").
    decode = ("if(t = '', repeat('0', 12), right(concat(lpad(conv(substr(rpad(hex(from_base64(t)), 4, '0'), 3, 2), 16, 2), 8, '0'), "
              "lpad(conv(substr(rpad(hex(from_base64(t)), 4, '0'), 1, 2), 16, 2), 8, '0')), 12))")
    assert _evaluate(decode, t="BQ==") == "000000000101" and _evaluate(decode, t="AQE=") == "000100000001" and _evaluate(decode, t="") == "0" * 12
