"""In-process checks of pieces that are hard to observe over the wire."""
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from starrocks_standin.csv_format import CsvOptions, CsvReader, CsvRowCounter  # noqa: E402
from starrocks_standin import values as V  # noqa: E402


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
