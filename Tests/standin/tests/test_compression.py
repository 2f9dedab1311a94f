"""Compressed Stream Load bodies: the compressed-CSV formats of the BE's parse_format (gzip, bzip2, lz4 =
LZ4 frame, deflate, zstd) and the `compression` / `Content-Encoding` headers (be/src/http/action/stream_load.cpp)."""
import bz2
import gzip
import json
import zlib

import lz4.frame
import pytest
import zstandard

from conftest import start_standin, unique

DB = "cz"
ROWS = b"".join(b"%d,name %d\n" % (i, i) for i in range(1, 2001))


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    s = start_standin(tmp_path_factory, name="compression")
    s.sql(f"CREATE DATABASE {DB}", f"CREATE TABLE {DB}.t (id INT NOT NULL, v VARCHAR(20)) PRIMARY KEY(id) "
                                   f"DISTRIBUTED BY HASH(id)")
    yield s
    s.stop()


def frames(codec, data: bytes, pieces: int = 3) -> bytes:
    """Several frames back to back (a streaming compressor flushing per chunk does this)."""
    step = len(data) // pieces + 1
    return b"".join(codec(data[i:i + step]) for i in range(0, len(data), step))


CODECS = {
    "gzip": gzip.compress, "bzip2": bz2.compress, "deflate": zlib.compress,
    "lz4": lambda b: lz4.frame.compress(b), "zstd": lambda b: zstandard.ZstdCompressor().compress(b),
}


@pytest.mark.parametrize("fmt", sorted(CODECS))
def test_compressed_csv_formats(standin, fmt):
    body = frames(CODECS[fmt], ROWS) if fmt in ("lz4", "zstd", "gzip", "bzip2") else CODECS[fmt](ROWS)
    r = standin.curl_load(DB, "t", body, {"label": unique(fmt), "format": fmt, "column_separator": ","})
    assert (r["Status"], r["NumberLoadedRows"], r["LoadBytes"]) == ("Success", 2000, len(body))
    assert standin.sql(f"SELECT count(*), max(v) FROM {DB}.t")[0] == (2000, "name 999")


@pytest.mark.parametrize("header,value,codec", [
    ("compression", "lz4_frame", CODECS["lz4"]), ("compression", "zstd", CODECS["zstd"]),
    ("Content-Encoding", "zstd", CODECS["zstd"]), ("compression", "gzip", CODECS["gzip"]),
])
def test_compression_header_on_json(standin, header, value, codec):
    doc = json.dumps([{"id": 5000 + i, "v": f"j{i}"} for i in range(50)]).encode()
    r = standin.be_load(DB, "t", codec(doc), {"label": unique("hdr"), "format": "json", "strip_outer_array": "true",
                                             header: value})
    assert (r["Status"], r["NumberLoadedRows"]) == ("Success", 50)


def test_corrupt_body_fails_the_load_and_frees_the_label(standin):
    label = unique("bad")
    good = CODECS["zstd"](b"9001,x\n")
    r = standin.be_load(DB, "t", good[:6] + b"\x00" * 20, {"label": label, "format": "zstd", "column_separator": ","})
    assert r["Status"] == "Fail" and r["Message"].startswith("Failed to decompress data: ")
    assert standin.load_state(DB, label)["state"] == "ABORTED"
    r = standin.be_load(DB, "t", good, {"label": label, "format": "zstd", "column_separator": ","})
    assert r["Status"] == "Success" and r["NumberLoadedRows"] == 1
