"""A value read from a JSON load (Stream Load / Routine Load format=json) → the column's value,
the way the BE's JSON scanner fills a slot of that type (be/src/formats/json/nullable_column.cpp
dispatch, numeric_column.cpp, binary_column.cpp; array elements with invalid_as_null=true).

* TINYINT..BIGINT, FLOAT, DOUBLE: a JSON integer exactly; a JSON number with a fraction or an
  exponent through a double, truncated, NULL/filtered when the truncated double is out of range
  (test/sql/test_json R/test_json_check_number_overflow: 9223372036854775000.0 loads as
  9223372036854774784, 9223372036854775807.0 overflows); a JSON string via string_to_int, then
  string_to_float; booleans, objects and arrays fail ("Numeric type is required").
* BOOLEAN: true/false, a number ≠ 0, a string that is an integer or true/false.
* JSON: the value itself. ARRAY: a JSON array, element by element (an element that does not
  convert is a NULL element, never an error); anything else fails.
* every other type (CHAR/VARCHAR/STRING, DECIMAL, LARGEINT, DATE, DATETIME, VARBINARY): the value
  as text (json_text.as_text: booleans `1`/`0`, numbers as written, objects/arrays minified),
  then the cast to the column type.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from . import json_text
from .conversion_errors import ParseError

_INT_BITS = {"TINYINT": 8, "SMALLINT": 16, "INT": 32, "BIGINT": 64}


def _double_to_int(d: float, bits: int) -> int:
    if math.isnan(d) or math.isinf(d):
        raise ParseError("Value is overflow")
    n = math.trunc(d)
    if not -(1 << (bits - 1)) <= n < (1 << (bits - 1)):
        raise ParseError("Value is overflow")
    return n


def _integer(kind: str, v: Any) -> int:
    bits = _INT_BITS[kind]
    if isinstance(v, bool) or isinstance(v, (dict, list)):
        raise ParseError("Unsupported value type. Numeric type is required.")
    if isinstance(v, int):
        if not -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
            raise ParseError("Value is overflow")
        return int(v)
    if isinstance(v, (Decimal, float)):
        return _double_to_int(float(v), bits)
    s = v.strip(" \t\n\v\f\r")
    digits = s[1:] if s[:1] in ("+", "-") else s
    if digits.isdigit() and digits.isascii():
        n = int(s)
        if not -(1 << (bits - 1)) <= n < (1 << (bits - 1)):
            raise ParseError("Value is overflow")
        return n
    try:
        d = float(s)
    except ValueError:
        raise ParseError("Unable to cast string value") from None
    return _double_to_int(d, bits)


def _floating(v: Any, parse_text) -> float:
    """A number through its token (string_to_float gives the same double), a string parsed."""
    if isinstance(v, bool) or isinstance(v, (dict, list)):
        raise ParseError("Unsupported value type. Numeric type is required.")
    return parse_text(json_text.as_text(v))


def _boolean(v: Any) -> int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, Decimal, float)):
        return int(v != 0)
    if isinstance(v, str):
        s = v.strip()
        if s.lstrip("+-").isdigit():
            return int(int(s) != 0)
        low = s.lower()
        if low in ("true", "false"):
            return int(low == "true")
    raise ParseError("Failed to parse string value as boolean")


def convert(t, v: Any, parse_text) -> Any:
    """`parse_text(type, text)` is values.parse_text (the CSV/cast reading of text)."""
    if v is None:
        return None
    n = t.name
    if n in _INT_BITS:
        return _integer(n, v)
    if n in ("FLOAT", "DOUBLE"):
        return _floating(v, lambda s: parse_text(t, s))
    if n == "BOOLEAN":
        return _boolean(v)
    if n == "JSON":
        return json_text.stored(v)
    if n == "ARRAY":
        if not isinstance(v, list):
            raise ParseError("Failed to parse value as array")
        out = []
        for e in v:
            try:
                out.append(convert(t.item, e, parse_text))
            except ParseError:
                out.append(None)
        return out
    if n == "VARBINARY":
        raise ParseError("JSON loads don't support VARBINARY")  # §8.1
    return parse_text(t, json_text.as_text(v))
