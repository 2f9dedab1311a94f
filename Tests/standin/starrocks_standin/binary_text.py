"""Text ↔ binary the way StarRocks' BE does it: its lenient base64 decoder, unhex, and the CSV
VARBINARY field reader of each release.

Sources (StarRocks/starrocks): the base64 decoder of be/src/util/url_coding.cpp (PHP-derived; the
CSV converter and from_base64/to_binary('encode64') call it as base64_decode2), pinned by
be/test/formats/csv/varbinary_converter_test.cpp; unhex in be/src/exprs/string_functions.cpp;
be/src/formats/csv/varbinary_converter.cpp (base64 with raw fallback since PR #26911, 3.2).
"""
from __future__ import annotations

import base64
import string
from typing import Optional

_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_SKIPPED = "\t\n\r "          # decoding_table entries -1: skipped; every other byte outside _B64 is -2
_HEX = frozenset(string.hexdigits)


def lenient_base64(text: str) -> Optional[bytes]:
    """base64_decode2: None where the BE returns -1 (a byte that is neither base64, padding nor
    \\t \\n \\r space; or a lone '=' after 4k+1 digits). '=' is otherwise skipped wherever it
    stands, whitespace is skipped, a NUL ends the input, and a trailing partial group keeps only
    its complete bytes (6 digits → 4 bytes: no padding is required)."""
    out = bytearray()
    acc = 0
    i = 0                                   # base64 digits consumed
    n = len(text)
    for k, ch in enumerate(text):
        if ch == "\0":
            break
        if ch == "=":
            following = text[k + 1] if k + 1 < n else ""
            if following != "=" and i % 4 == 1:
                return None
            continue
        if ch in _SKIPPED:
            continue
        v = _B64.get(ch)
        if v is None:
            return None
        acc = (acc << 6) | v
        i += 1
        if i % 4 == 0:
            out += acc.to_bytes(3, "big")
            acc = 0
    rest = i % 4
    if rest == 2:
        out.append((acc >> 4) & 0xFF)
    elif rest == 3:
        out += ((acc >> 2) & 0xFFFF).to_bytes(2, "big")
    return bytes(out)


def unhex(text: str) -> bytes:
    """StringFunctions::unhex (and to_binary(x, 'hex')): empty, odd length or any non-hex digit
    gives the empty string – never NULL, never an error."""
    if not text or len(text) % 2 or not _HEX.issuperset(text):
        return b""
    return bytes.fromhex(text)


def to_base64(data: bytes) -> Optional[str]:
    """EncryptionFunctions::to_base64 (from_binary(x, 'encode64')): padded; empty → NULL."""
    return base64.b64encode(data).decode("ascii") if data else None


_WS = " \t\n\v\f\r"


def csv_varbinary(field: str, mode: str) -> Optional[bytes]:
    """A CSV VARBINARY field → bytes (None = conversion failed).

    mode "base64" (3.2+, VarBinaryConverter::read_string): leading whitespace skipped; nothing
    left → empty binary; the rest base64-decoded, or, when that fails, the field's raw bytes
    (leading whitespace included). The BE decodes `field[start:]` with the length of the whole
    field, so a field with leading whitespace also reads that many bytes past its end (the next
    separator); that quirk is not modelled.
    mode "hex" (3.0-3.1, before PR #26911 replaced the hex converter): hex digits, else failure."""
    if mode == "hex":
        t = field.strip(_WS)
        return bytes.fromhex(t) if len(t) % 2 == 0 and _HEX.issuperset(t) else None
    start = len(field) - len(field.lstrip(_WS))
    if start == len(field):
        return b""
    decoded = lenient_base64(field[start:])
    return decoded if decoded is not None else field.encode("utf-8", "surrogateescape")
