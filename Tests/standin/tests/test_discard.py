"""--discard: framing is parsed and rows/bytes counted, values are not parsed, nothing is stored."""
import time

import pytest

from conftest import start_standin, unique


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    s = start_standin(tmp_path_factory, "--discard", name="discard")
    s.sql("CREATE DATABASE dd", "CREATE TABLE dd.t (k INT NOT NULL, v VARCHAR(5)) PRIMARY KEY(k) DISTRIBUTED BY HASH(k)")
    yield s
    s.stop()


def test_counts_rows_without_storing(standin):
    label = unique("d")
    body = b"1\ta\n\n2\tnot-an-int-is-fine-here\n3\tc"
    r = standin.curl_load("dd", "t", body, {"label": label})
    assert r["Status"] == "Success" and r["Message"] == "OK"
    assert (r["NumberTotalRows"], r["NumberLoadedRows"], r["NumberFilteredRows"]) == (3, 3, 0)
    assert r["LoadBytes"] == len(body)
    assert standin.sql("SELECT count(*) FROM dd.t") == [(0,)]
    assert standin.load_state("dd", label)["state"] == "VISIBLE"
    assert standin.curl_load("dd", "t", body, {"label": label})["Status"] == "Label Already Exists"


def test_enclosed_newlines_multibyte_and_chunked_framing(standin):
    r = standin.be_load("dd", "t", b'1,"a\nb"\n2,"x"""\n\n3,y\n', {"label": unique("e"), "column_separator": ",",
                                                                "enclose": '"'}, chunked=True)
    assert r["NumberLoadedRows"] == 3
    r = standin.be_load("dd", "t", b"1|a\r\n2|b\r\n\r\n", {"label": unique("m"), "row_delimiter": "\\x0D0A"},
                        chunked=True)
    assert r["NumberLoadedRows"] == 2
    r = standin.be_load("dd", "t", b"h\n1\ta\n2\tb\n", {"label": unique("s"), "skip_header": "1"})
    assert r["NumberLoadedRows"] == 2


def test_json_rows_counted(standin):
    r = standin.be_load("dd", "t", b'[{"k": 1}, {"k": 2}, {"k": 3}]', {"label": unique("j"), "format": "json",
                                                                      "strip_outer_array": "true"})
    assert r["NumberLoadedRows"] == 3


def test_empty_load_still_fails(standin):
    r = standin.be_load("dd", "t", b"", {"label": unique("z")})
    assert r["Status"] == "Fail" and r["Message"].startswith("No partitions have data available")


def test_throughput_is_reasonable(standin):
    line = b"123456\tabcde\n"
    body = line * (40 * 1024 * 1024 // len(line))
    t0 = time.time()
    r = standin.be_load("dd", "t", body, {"label": unique("big")})
    dt = time.time() - t0
    assert r["NumberLoadedRows"] == len(body) // len(line)
    assert dt < 4, f"40 MiB took {dt:.2f}s"
