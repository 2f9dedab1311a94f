"""JSON values the way StarRocks' BE reads, holds and prints them.

* Text → JSON (CSV JSON columns, parse_json, CAST(str AS JSON)): JsonValue::parse, which is
  parse_json_or_string (be/src/types/json_value.cpp, formerly be/src/util/json.cpp; PR #14690):
  text whose first non-space character is `{`, `[` or `"` is parsed as JSON, anything else
  (`123`, `true`, `null`, `-1`, a date) becomes a JSON *string* of the whole text; empty text
  is the empty JSON string; more than 16 MB fails.
* A JSON value is velocypack: objects print with their keys sorted (test/sql/test_json
  R/test_string_json shows `parse_json` output in key order), numbers are int64/uint64 or a
  double (`1.10` prints `1.1`, integers beyond uint64 lose precision), and doubles print the
  way velocypack's Dumper does (fpconv_dtoa: shortest digits, plain notation for exponents
  -7 < e < 21, else `1.5e-7`).
* A JSON *document* value read by a JSON load keeps its number tokens (RawInt, RawFloat), so
  that a VARCHAR column gets the token as written (be/src/formats/json/binary_column.cpp).
"""
from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from .conversion_errors import ParseError

JSON_LENGTH_LIMIT = 16 * 1024 * 1024          # kJSONLengthLimit
_START = "{[\""
_ISWSPACE = " \t\n\v\f\r"
_INT64_MIN, _UINT64_MAX = -(1 << 63), (1 << 64) - 1


class RawInt(int):
    """A JSON integer that remembers how it was written."""
    def __new__(cls, token: str):
        obj = int.__new__(cls, token)
        obj.token = token
        return obj


class RawFloat(Decimal):
    """A JSON number with a fraction or exponent that remembers how it was written."""
    def __new__(cls, token: str):
        obj = Decimal.__new__(cls, token)
        obj.token = token
        return obj


def _reject_constant(name):
    raise ValueError(f"invalid JSON constant {name}")


DECODER = json.JSONDecoder(parse_int=RawInt, parse_float=RawFloat, parse_constant=_reject_constant)


def loads(text: str) -> Any:
    """Strict JSON (no NaN/Infinity), numbers as RawInt/RawFloat."""
    return DECODER.decode(text)


def parse_json_or_string(text: str) -> str:
    """JsonValue::parse_json_or_string → the stored (printed) form; ParseError when it fails."""
    if len(text) > JSON_LENGTH_LIMIT and len(text.encode("utf-8")) > JSON_LENGTH_LIMIT:
        raise ParseError("JSON string exceed maximum length 16MB")
    first = text.lstrip(_ISWSPACE)[:1]
    if first and first in _START:
        try:
            return stored(loads(text))
        except (ValueError, RecursionError, OverflowError):
            raise ParseError("bad json") from None
    return stored(text)


def fpconv(x: float) -> str:
    """velocypack Dumper's double printing (fpconv_dtoa): the shortest round-trip digits D and
    exponent K (x = D × 10^K) in plain notation when -7 < K < 0 or the exponent is small, else
    `d.ddde±x` (at most 17 digits for negatives, 18 otherwise)."""
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    sign = "-" if x < 0 else ""
    t = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, t.digits)).lstrip("0")
    k = t.exponent
    stripped = digits.rstrip("0")
    k += len(digits) - len(stripped)
    digits = stripped
    nd = len(digits)
    e = abs(k + nd - 1)
    if k >= 0 and e < nd + 7:
        return sign + digits + "0" * k
    if k < 0 and (k > -7 or e < 4):
        offset = nd + k
        if offset <= 0:
            return sign + "0." + "0" * (-offset) + digits
        return sign + digits[:offset] + "." + digits[offset:]
    esign = "-" if k + nd - 1 < 0 else "+"
    nd = min(nd, 18 - len(sign))
    return f"{sign}{digits[0]}{'.' + digits[1:nd] if nd > 1 else ''}e{esign}{e}"


def _number(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        if _INT64_MIN <= v <= _UINT64_MAX:
            return str(int(v))
        v = float(v)
    d = float(v)
    if math.isinf(d) or math.isnan(d):
        raise ParseError("Numeric value out of range")
    return fpconv(d)


def stored(o: Any) -> str:
    """How StarRocks prints a JSON value: `{"a": 1, "b": [1, 2]}`, keys sorted."""
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if isinstance(o, str):
        return json.dumps(o, ensure_ascii=False)
    if isinstance(o, (int, float, Decimal)):
        return _number(o)
    if isinstance(o, list):
        return "[" + ", ".join(stored(e) for e in o) + "]"
    if isinstance(o, dict):
        return "{" + ", ".join(json.dumps(str(k), ensure_ascii=False) + ": " + stored(o[k])
                               for k in sorted(o, key=str)) + "}"
    raise TypeError(f"not JSON: {type(o)}")


def minified(o: Any) -> str:
    """simdjson::minify of a document value: as written, without whitespace (string escapes are
    re-encoded; the BE keeps the original escapes)."""
    if isinstance(o, (RawInt, RawFloat)):
        return o.token
    if isinstance(o, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + minified(v) for k, v in o.items()) + "}"
    if isinstance(o, list):
        return "[" + ",".join(minified(e) for e in o) + "]"
    if o is None or isinstance(o, (bool, str)):
        return json.dumps(o, ensure_ascii=False)
    return str(o)


def as_text(v: Any) -> str:
    """A document value loaded into a text slot (add_binary_column): a string as it is, a
    boolean as `1`/`0`, a number as its token, an object/array minified."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "1" if v else "0"
    return minified(v)
