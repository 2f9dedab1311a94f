"""Column types and value conversion, the way the StarRocks BE converts text (reference §8.1, §8.2).

Canonical in-memory value representation (also what the row-mapping engine produces):

  BOOLEAN            int 0/1
  TINYINT..LARGEINT  int
  FLOAT/DOUBLE       float (FLOAT rounded to float32)
  DECIMAL(p,s)       decimal.Decimal with exactly s fraction digits
  CHAR/VARCHAR/STRING str
  BINARY/VARBINARY   bytes
  DATE               str 'YYYY-MM-DD' (fixed width, sorts correctly; year 0000 is allowed,
                     which Python's datetime.date cannot represent)
  DATETIME           str 'YYYY-MM-DD HH:MM:SS.ffffff' (always 6 fraction digits internally)
  JSON               str, the printed JSON text (json_text.stored: keys sorted, velocypack numbers)
  ARRAY<T>           list of element values (elements always nullable)
  NULL               None

`parse_text(ctype, text)` implements the BE CSV converters (`be/src/formats/csv/*_converter.cpp`,
`string_parser.hpp`); it raises ParseError when the field cannot be converted. What happens then
(NULL vs filtered row) is decided by the caller per strict mode (§8.4).
"""
from __future__ import annotations

import json
import math
import re
import struct
from dataclasses import dataclass
import decimal
from decimal import Decimal
from typing import Any, Optional

# DECIMAL256 needs 76 digits; Python's default context has 28 (threads inherit DefaultContext).
decimal.DefaultContext.prec = 160
decimal.setcontext(decimal.Context(prec=160))


from . import json_source, json_text, profiles
from .binary_text import csv_varbinary
from .conversion_errors import ParseError, TypeDefError


INT_RANGES = {
    "TINYINT": (-(1 << 7), (1 << 7) - 1),
    "SMALLINT": (-(1 << 15), (1 << 15) - 1),
    "INT": (-(1 << 31), (1 << 31) - 1),
    "BIGINT": (-(1 << 63), (1 << 63) - 1),
    "LARGEINT": (-(1 << 127), (1 << 127) - 1),
}
# Display widths used by StarRocks' SHOW CREATE TABLE / information_schema COLUMN_TYPE.
INT_DISPLAY = {"TINYINT": 4, "SMALLINT": 6, "INT": 11, "BIGINT": 20, "LARGEINT": 40}

MAX_VARCHAR = 1048576          # §8.1: VARCHAR(M) 1..1048576 in 2.1–4.1 (profiles.max_varchar)
MAX_CHAR = 255
MAX_VARBINARY = 1048576

STRING_TYPES = ("CHAR", "VARCHAR", "STRING")
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INT", "BIGINT", "LARGEINT")


@dataclass(frozen=True)
class ColumnType:
    name: str                       # canonical upper-case name
    length: Optional[int] = None    # CHAR/VARCHAR/VARBINARY byte length
    precision: Optional[int] = None
    scale: Optional[int] = None
    item: Optional["ColumnType"] = None

    # ---- classification -------------------------------------------------------------------
    @property
    def is_string(self) -> bool:
        return self.name in STRING_TYPES

    @property
    def is_integer(self) -> bool:
        return self.name in INTEGER_TYPES

    @property
    def is_float(self) -> bool:
        return self.name in ("FLOAT", "DOUBLE")

    @property
    def is_numeric(self) -> bool:
        return self.is_integer or self.is_float or self.name in ("DECIMAL", "BOOLEAN")

    @property
    def max_bytes(self) -> Optional[int]:
        if self.name == "STRING":
            return profiles.current().string_length
        if self.name in ("CHAR", "VARCHAR", "VARBINARY"):
            return self.length
        return None

    # ---- printing ---------------------------------------------------------------------------
    def sql(self) -> str:
        """Type as StarRocks prints it in DESC / information_schema.COLUMN_TYPE (lower case)."""
        n = self.name
        if n in INT_DISPLAY:
            return f"{n.lower()}({INT_DISPLAY[n]})"
        if n == "DECIMAL":
            return f"decimal({self.precision},{self.scale})"
        if n in ("CHAR", "VARCHAR"):
            return f"{n.lower()}({self.length})"
        if n == "STRING":
            return f"varchar({profiles.current().string_length})"
        if n == "VARBINARY":
            return "varbinary" if self.length == MAX_VARBINARY else f"varbinary({self.length})"
        if n == "ARRAY":
            return f"array<{self.item.sql()}>"
        return n.lower()

    def data_type(self) -> str:
        """information_schema.columns.DATA_TYPE: the bare lower-case type name."""
        if self.name == "STRING":
            return "varchar"
        return self.name.lower()

    def ddl(self) -> str:
        """Type as it appears in SHOW CREATE TABLE."""
        n = self.name
        if n in INT_DISPLAY:
            return f"{n.lower()}({INT_DISPLAY[n]})"
        if n == "DECIMAL":
            return f"decimal({self.precision}, {self.scale})"
        if n == "ARRAY":
            return f"array<{self.item.ddl()}>"
        return self.sql()

    def to_json(self) -> dict:
        d = {"name": self.name}
        for k in ("length", "precision", "scale"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        if self.item is not None:
            d["item"] = self.item.to_json()
        return d

    @staticmethod
    def from_json(d: dict) -> "ColumnType":
        return ColumnType(d["name"], d.get("length"), d.get("precision"), d.get("scale"),
                          ColumnType.from_json(d["item"]) if "item" in d else None)


# ------------------------------------------------------------------------------------------------
# Type constructors used by the DDL parser.
# ------------------------------------------------------------------------------------------------
_ALIASES = {
    "BOOL": "BOOLEAN", "BOOLEAN": "BOOLEAN", "TINYINT": "TINYINT", "SMALLINT": "SMALLINT",
    "INT": "INT", "INTEGER": "INT", "BIGINT": "BIGINT", "LARGEINT": "LARGEINT",
    "FLOAT": "FLOAT", "DOUBLE": "DOUBLE", "DECIMAL": "DECIMAL", "DECIMALV3": "DECIMAL",
    "DECIMAL32": "DECIMAL", "DECIMAL64": "DECIMAL", "DECIMAL128": "DECIMAL", "NUMERIC": "DECIMAL",
    "CHAR": "CHAR", "VARCHAR": "VARCHAR", "STRING": "STRING", "TEXT": "STRING",
    "BINARY": "VARBINARY", "VARBINARY": "VARBINARY", "DATE": "DATE", "DATETIME": "DATETIME",
    "JSON": "JSON", "ARRAY": "ARRAY",
}


def make_type(name: str, params: list[int], item: Optional[ColumnType] = None) -> ColumnType:
    """Build a ColumnType from a DDL type name and its numeric parameters (§8.1 limits)."""
    up = name.upper()
    if up not in _ALIASES:
        raise TypeDefError(f"Unknown data type: {name}")
    n = _ALIASES[up]
    if n in INT_DISPLAY or n in ("BOOLEAN", "FLOAT", "DOUBLE", "DATE", "DATETIME", "JSON"):
        # INT(11) style display widths are accepted and ignored.
        return ColumnType(n)
    if n == "DECIMAL":
        p = params[0] if params else 10
        s = params[1] if len(params) > 1 else 0
        # Fast DECIMAL: P 1..38; DECIMAL256 P in (38,76] since v4.0 (§8.1); FE ScalarType texts.
        top = profiles.current().max_decimal_precision
        if not 1 <= p <= top:
            raise TypeDefError(f"DECIMAL's precision should range from 1 to {top}")
        if not 0 <= s <= p:
            raise TypeDefError("DECIMAL(P[,S]) type P must be greater than or equal to the value of S")
        return ColumnType("DECIMAL", precision=p, scale=s)
    if n == "CHAR":
        ln = params[0] if params else 1
        if not 1 <= ln <= MAX_CHAR:
            raise TypeDefError(f"Char size must be between 1 and {MAX_CHAR}, but got {ln}")
        return ColumnType("CHAR", length=ln)
    if n == "VARCHAR":
        ln = params[0] if params else 1
        top = profiles.current().max_varchar
        if not 1 <= ln <= top:
            raise TypeDefError(f"Varchar size must be between 1 and {top}, but got {ln}")
        return ColumnType("VARCHAR", length=ln)
    if n == "STRING":
        return ColumnType("STRING")
    if n == "VARBINARY":
        ln = params[0] if params else MAX_VARBINARY
        if not 1 <= ln <= MAX_VARBINARY:
            raise TypeDefError(f"VARBINARY size must be between 1 and {MAX_VARBINARY}, but got {ln}")
        return ColumnType("VARBINARY", length=ln)
    if n == "ARRAY":
        if item is None:
            raise TypeDefError("ARRAY needs an element type")
        depth, t = 1, item
        while t.name == "ARRAY":
            depth, t = depth + 1, t.item
        if depth > 14:  # §8.1: nesting ≤ 14
            raise TypeDefError("Type exceeds the maximum nesting depth of 14")
        return ColumnType("ARRAY", item=item)
    raise TypeDefError(f"Unknown data type: {name}")


# ------------------------------------------------------------------------------------------------
# Text → value (§8.2)
# ------------------------------------------------------------------------------------------------
_WS = " \t\n\v\f\r"   # StringParser::is_whitespace
_INT_RE = re.compile(r"([+-]?)(\d+)[ \t\n\v\f\r]*\Z")
_DEC_V2_RE = re.compile(r"[ \t\n\v\f\r]*([+-]?)(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t\n\v\f\r]*\Z")
_FLOAT_CHARS = re.compile(r"[0-9.eE+-]*\Z")


def _parse_float_text(s: str) -> float:
    """StringParser::string_to_float_internal."""
    t = s.strip(_WS)
    if not t:
        raise ParseError("empty")
    neg = False
    i = 0
    if t[0] in "+-":
        neg = t[0] == "-"
        i = 1
    body = t[i:]
    if not body:
        raise ParseError("sign only")
    c = body[0]
    if c in "iI":
        # "any column with inf as a prefix" is infinity (Hive compatibility in the source)
        if len(body) >= 3 and body[:3].lower() == "inf":
            return -math.inf if neg else math.inf
        raise ParseError("bad inf")
    if c in "nN":
        if len(body) >= 3 and body[:3].lower() == "nan":
            return math.nan
        raise ParseError("bad nan")
    if not _FLOAT_CHARS.match(body):
        raise ParseError("bad float")
    # exponent at most once, +/- only right after e/E
    if body.lower().count("e") > 1:
        raise ParseError("bad float")
    for k, ch in enumerate(body):
        if ch in "+-" and (k == 0 or body[k - 1] not in "eE"):
            raise ParseError("bad float")
    try:
        v = float(body)
    except ValueError:
        raise ParseError("bad float") from None
    if math.isinf(v):
        raise ParseError("float overflow")
    if v == 0.0 and re.search(r"[1-9]", body.split("e")[0].split("E")[0]):
        raise ParseError("float underflow")
    return -v if neg else v


def _parse_decimal_v2_int(s: str) -> int:
    """DecimalV2Value::parse_from_str(...).int_value() – used for BIGINT/LARGEINT fallbacks."""
    m = _DEC_V2_RE.match(s)
    if not m:
        raise ParseError("bad decimal")
    d = Decimal(m.group(1) + m.group(2) + (m.group(3) or ""))
    if abs(d) >= Decimal(10) ** 27:
        raise ParseError("decimal overflow")
    return int(d)  # truncates toward zero


def parse_int(kind: str, s: str) -> int:
    """NumericConverter<T>::read_string (numeric_converter.cpp)."""
    lo, hi = INT_RANGES[kind]
    m = _INT_RE.match(s)
    if m is None:
        m = _INT_RE.match(s.lstrip(_WS))  # retry after skipping leading whitespace
    if m is not None:
        v = int(m.group(1) + m.group(2))
        if lo <= v <= hi:
            return v
        raise ParseError("integer overflow")  # PARSE_OVERFLOW is not retried
    if kind in ("TINYINT", "SMALLINT", "INT"):
        d = _parse_float_text(s)
        if math.isnan(d) or math.isinf(d):
            raise ParseError("not finite")
        n = math.trunc(d)
        if not lo <= n <= hi:
            raise ParseError("integer overflow")
        return n
    n = _parse_decimal_v2_int(s)
    if not lo <= n <= hi:
        raise ParseError("integer overflow")
    return n


def parse_bool(s: str) -> int:
    """BooleanConverter::read_string: 1/0/true/false only, else any number (non-zero = true).
    PostgreSQL's t/f are rejected (§8.2)."""
    for cand in (s, s.lstrip(_WS)):
        if len(cand) == 1 and cand in "10":
            return 1 if cand == "1" else 0
        low = cand.lower()
        if low.startswith("true") and not low[4:].strip(_WS):
            return 1
        if low.startswith("false") and not low[5:].strip(_WS):
            return 0
    try:
        d = _parse_float_text(s)
        return 0 if d == 0 else 1
    except ParseError as e:
        if str(e) in ("float overflow", "float underflow"):
            return 0 if Decimal(s.strip(_WS)) == 0 else 1
        raise


def parse_float(kind: str, s: str) -> float:
    v = _parse_float_text(s)
    if kind == "FLOAT" and not (math.isinf(v) or math.isnan(v)):
        try:
            v = struct.unpack("f", struct.pack("f", v))[0]
        except OverflowError:
            raise ParseError("float overflow") from None
        if math.isinf(v):
            raise ParseError("float overflow")
    return v


def parse_decimal(s: str, type_precision: int, type_scale: int) -> Decimal:
    """Port of StringParser::string_to_decimal (string_parser.hpp): digits beyond the type's
    precision are dropped, excess scale is rounded half-up on the kept digits, integer-part
    overflow fails (§8.2)."""
    t = s.strip(_WS)
    neg = False
    if t and t[0] in "+-":
        neg = t[0] == "-"
        t = t[1:]
    i, n = 0, len(t)
    found_value = False
    while i < n and t[i] == "0":          # leading zeros
        found_value = True
        i += 1
    scale = 0
    found_dot = 0
    if i < n and t[i] == ".":
        found_dot = 1
        i += 1
        while i < n and t[i] == "0":      # leading zeros after the dot count as scale only
            found_value = True
            scale += 1
            i += 1
    precision = 0
    exponent = 0
    value = 0
    limit = 38 if type_precision <= 38 else 76
    while i < n:
        c = t[i]
        if "0" <= c <= "9":
            found_value = True
            if type_precision > precision:
                value = value * 10 + (ord(c) - 48)
            precision += 1
            scale += found_dot
        elif c == "." and not found_dot:
            found_dot = 1
        elif c in "eE":
            m = re.fullmatch(r"([+-]?)(\d+)[ \t\n\v\f\r]*", t[i + 1:])
            if not m:
                raise ParseError("bad exponent")
            e = int(m.group(1) + m.group(2))
            if not -128 <= e <= 127:        # int8 exponent
                if e < 0:                   # PARSE_UNDERFLOW: value 0 is accepted
                    return Decimal(0).quantize(Decimal(1).scaleb(-type_scale))
                raise ParseError("exponent overflow")
            exponent = e
            break
        else:
            raise ParseError("bad decimal")
        i += 1
    truncated = precision - type_precision
    if exponent > scale:
        shift = exponent - scale
        precision += shift
        if shift > limit:
            raise ParseError("bad decimal")
        value *= 10 ** shift
        scale = 0
    else:
        scale -= exponent
    if scale > precision:
        precision = scale
    if precision - scale > type_precision - type_scale:
        raise ParseError("decimal overflow")
    if scale > type_scale:
        shift = scale - type_scale
        if truncated > 0:
            shift -= truncated
        if shift > 0:
            if shift <= limit:
                q, r = divmod(value, 10 ** shift)
                value = q + (1 if r >= (10 ** shift) // 2 else 0)
            else:
                value = 0
    else:
        if not found_value and not found_dot:
            raise ParseError("empty decimal")
        value *= 10 ** (type_scale - scale)
    if neg:
        value = -value
    return Decimal(f"{value}E-{type_scale}")


_DATE_FAST = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
# The common form: what date::from_string_to_datetime's fixed-position fast paths accept.
_DT_STD = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?Z?\Z")
_C_SPACE = " \t\n\v\f\r"
_C_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _days_in_month(y: int, m: int) -> int:
    if m == 2:
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        return 29 if leap else 28
    return 30 if m in (4, 6, 9, 11) else 31


def _from_string_generic(s: str):
    """Port of the BE's generic MySQL-style parser `date::from_string` (be/src/runtime/time_types.cpp),
    the fallback of TimestampValue::from_string for anything but the standard forms (§8.2).
    Fields are digit runs separated by punctuation/space (a space only after the day or the
    fraction); `T` may follow the day; parsing stops at the first other character, so trailing
    text after the seconds or the fraction – e.g. a numeric zone offset ` +00`, `+05:30` or `Z` –
    is IGNORED, not converted (the PostgreSQL timestamptz text that Sling sends, §8.2 UNCONFIRMED
    in the reference, resolved from the source). Returns parts or None."""
    n = len(s)
    i = 0
    while i < n and s[i] in _C_SPACE:
        i += 1
    if i == n or not ("0" <= s[i] <= "9"):
        return None
    pos = i
    while pos < n and (("0" <= s[pos] <= "9") or s[pos] == "T"):
        pos += 1
    year_len, digits, interval = 4, pos - i, False
    if pos == n or s[pos] == ".":          # YYYYMMDD / YYYYMMDDHHMMSS (MySQL compatible)
        year_len = 4 if digits in (4, 8) or digits >= 14 else 2
        interval = True
    vals, lens = [0] * 8, [0] * 8
    field_idx, field_len = 0, year_len
    while i < n and "0" <= s[i] <= "9" and field_idx < 7:
        start, tv = i, 0
        scan_to_delim = (not interval) and field_idx != 6
        while i < n and "0" <= s[i] <= "9":
            if not scan_to_delim:
                ok = field_len != 0
                field_len -= 1
                if not ok:
                    break
            tv = tv * 10 + ord(s[i]) - 48
            i += 1
        if tv > 999999:
            return None
        vals[field_idx], lens[field_idx] = tv, i - start
        field_len = 2
        if i == n:
            field_idx += 1
            break
        if field_idx == 2 and s[i] == "T":
            i += 1
            field_idx += 1
            continue
        if field_idx == 5:
            if s[i] == ".":
                i += 1
                field_len = 6
            elif "0" <= s[i] <= "9":
                field_idx += 1
                break
            field_idx += 1
            continue
        while i < n and (s[i] in _C_PUNCT or s[i] in _C_SPACE):
            if s[i] in _C_SPACE and not ((1 << field_idx) & (4 | 64)):   # space only after day/fraction
                return None
            i += 1
        field_idx += 1
    num_field = field_idx
    if num_field < 3:
        return None
    if not interval:
        year_len = lens[0]
    y, mo, d, hh, mi, ss, us = vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6]
    if us and lens[6] < 6:
        us *= 10 ** (6 - lens[6])
    if year_len == 2:
        y += 2000 if y < 70 else 1900
    return y, mo, d, hh, mi, ss, us


def _parse_datetime_parts(s: str):
    t = s.strip(_WS)
    m = _DT_STD.match(t)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        hh, mi, ss = int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
        frac = m.group(7) or ""
        us = int(frac.ljust(6, "0")) if frac else 0
    else:
        r = _from_string_generic(s)
        if r is None:
            raise ParseError("bad datetime")
        y, mo, d, hh, mi, ss, us = r
    # timestamp::check / date::check
    if not (0 <= y <= 9999 and 1 <= mo <= 12 and 1 <= d <= _days_in_month(y, mo)):
        raise ParseError("bad date")
    if not (hh < 24 and mi < 60 and ss < 60 and us < 1000000):
        raise ParseError("bad time")
    return y, mo, d, hh, mi, ss, us


def parse_date(s: str) -> str:
    m = _DATE_FAST.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= _days_in_month(y, mo):
            return s
        raise ParseError("bad date")
    y, mo, d, *_ = _parse_datetime_parts(s)
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_datetime(s: str) -> str:
    y, mo, d, hh, mi, ss, us = _parse_datetime_parts(s)
    return f"{y:04d}-{mo:02d}-{d:02d} {hh:02d}:{mi:02d}:{ss:02d}.{us:06d}"


def parse_json_text(s: str) -> str:
    """A JSON column's text (CSV converter json_converter.cpp → JsonValue::parse)."""
    return json_text.parse_json_or_string(s)


canonical_json = json_text.stored


def parse_varbinary(s: str, max_len: Optional[int]) -> bytes:
    """A CSV VARBINARY field, per release: base64 with raw fallback from 3.2 (PR #26911), hex
    before (binary_text.csv_varbinary); longer than the column fails."""
    b = csv_varbinary(s, profiles.current().csv_varbinary)
    if b is None:
        raise ParseError("bad binary")
    if max_len is not None and len(b) > max_len:
        raise ParseError("too long")
    return b


def _split_array_elements(body: str) -> list[str]:
    """Split the inside of `[...]` at top-level commas, honouring nested brackets and
    double-quoted strings (formats/csv/array_reader.cpp; escaped quotes are not handled, §2.1)."""
    out, depth, inq, start = [], 0, False, 0
    for i, ch in enumerate(body):
        if ch == '"':
            inq = not inq
        elif inq:
            continue
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise ParseError("bad array")
        elif ch == "," and depth == 0:
            out.append(body[start:i])
            start = i + 1
    if inq or depth != 0:
        raise ParseError("bad array")
    out.append(body[start:])
    return out


def parse_array(t: ColumnType, s: str) -> list:
    txt = s.strip(_WS)
    if len(txt) < 2 or txt[0] != "[" or txt[-1] != "]":
        raise ParseError("bad array")
    body = txt[1:-1]
    if not body.strip(_WS):
        return []
    items = []
    for raw in _split_array_elements(body):
        e = raw.strip(_WS)
        if e.lower() == "null":
            items.append(None)
            continue
        it = t.item
        if it.is_string or it.name in ("DATE", "DATETIME", "JSON", "VARBINARY"):
            # StringConverter::read_quoted_string: the element must be enclosed in double quotes,
            # a doubled quote inside is one quote.
            if it.is_string:
                if len(e) < 2 or e[0] != '"' or e[-1] != '"':
                    raise ParseError("unquoted string element")
                e = e[1:-1].replace('""', '"')
            elif len(e) >= 2 and e[0] == '"' and e[-1] == '"':
                e = e[1:-1]
        items.append(parse_text(it, e))
    return items


def parse_text(t: ColumnType, s: str) -> Any:
    """Convert one (non-NULL) text field to the canonical value of type t; ParseError if the BE
    converter would reject it."""
    n = t.name
    if n in STRING_TYPES:
        mb = t.max_bytes
        if mb is not None and len(s) > mb // 4 and len(s.encode("utf-8")) > mb:
            # lengths are in bytes (§8.1)
            raise ParseError("too long")
        return s
    if n in INT_RANGES:
        return parse_int(n, s)
    if n == "BOOLEAN":
        return parse_bool(s)
    if n in ("FLOAT", "DOUBLE"):
        return parse_float(n, s)
    if n == "DECIMAL":
        return parse_decimal(s, t.precision, t.scale)
    if n == "DATE":
        return parse_date(s)
    if n == "DATETIME":
        return parse_datetime(s)
    if n == "JSON":
        return parse_json_text(s)
    if n == "VARBINARY":
        return parse_varbinary(s, t.length)
    if n == "ARRAY":
        return parse_array(t, s)
    raise ParseError(f"unsupported type {n}")


def from_json_value(t: ColumnType, v: Any) -> Any:
    """A value taken from a JSON document (format=json) → type t (json_source.convert)."""
    return json_source.convert(t, v, parse_text)


# ------------------------------------------------------------------------------------------------
# Value → text (SELECT output, error logs)
# ------------------------------------------------------------------------------------------------
def format_float(kind: str, v: float) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if kind == "FLOAT":
        # shortest representation that round-trips through float32
        for p in range(1, 10):
            txt = f"{v:.{p}g}"
            if struct.unpack("f", struct.pack("f", float(txt)))[0] == v:
                break
        f = float(txt)
        r = repr(f)
    else:
        r = repr(v)
    if "e" in r:
        mant, exp = r.split("e")
        if mant.endswith(".0"):
            mant = mant[:-2]
        e = int(exp)
        return f"{mant}e{'+' if e >= 0 else '-'}{abs(e):02d}"
    if r.endswith(".0"):
        r = r[:-2]
    return r


def format_datetime(v: str) -> str:
    """DATETIME prints `YYYY-MM-DD HH:MM:SS` plus `.ffffff` when microseconds are non-zero
    (fraction printed since v3.3.5, §8.1)."""
    if v.endswith(".000000"):
        return v[:-7]
    return v


def format_value(t: ColumnType, v: Any) -> Optional[str | bytes]:
    """The text StarRocks sends for a value over the MySQL text protocol (None = SQL NULL)."""
    if v is None:
        return None
    n = t.name
    if n in STRING_TYPES or n in ("DATE", "JSON"):
        return v
    if n == "DATETIME":
        return format_datetime(v)
    if n in INT_RANGES or n == "BOOLEAN":
        return str(int(v))
    if n in ("FLOAT", "DOUBLE"):
        return format_float(n, v)
    if n == "DECIMAL":
        return f"{v:.{t.scale}f}"
    if n == "VARBINARY":
        return bytes(v)
    if n == "ARRAY":
        return format_array(t, v)
    return str(v)


def format_array(t: ColumnType, v: list) -> str:
    parts = []
    it = t.item
    for e in v:
        if e is None:
            parts.append("null")
        elif it.is_string or it.name in ("DATE", "DATETIME"):
            s = format_value(it, e)
            parts.append('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif it.name == "VARBINARY":
            parts.append('"' + bytes(e).hex().upper() + '"')
        else:
            parts.append(format_value(it, e))
    return "[" + ",".join(parts) + "]"


# ------------------------------------------------------------------------------------------------
# Storage encoding (JSON-serialisable) for the SQLite persistence layer
# ------------------------------------------------------------------------------------------------
def encode_storage(t: ColumnType, v: Any) -> Any:
    if v is None:
        return None
    n = t.name
    if n == "DECIMAL":
        return str(v)
    if n in ("FLOAT", "DOUBLE"):
        return v
    if n == "VARBINARY":
        return bytes(v).hex()
    if n == "ARRAY":
        return [encode_storage(t.item, e) for e in v]
    return v


def decode_storage(t: ColumnType, v: Any) -> Any:
    if v is None:
        return None
    n = t.name
    if n == "DECIMAL":
        return Decimal(v)
    if n in ("FLOAT", "DOUBLE"):
        if isinstance(v, dict):
            return float(v["f"])
        return float(v)
    if n == "VARBINARY":
        return bytes.fromhex(v)
    if n == "ARRAY":
        return [decode_storage(t.item, e) for e in v]
    return v


# ------------------------------------------------------------------------------------------------
# Specialised converters (same results as parse_text, with fast paths for the common forms)
# ------------------------------------------------------------------------------------------------
_FAST_DEC = re.compile(r"(-?)(\d+)(?:\.(\d+))?\Z")
_FAST_DT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})\Z")


def converter_for(t: ColumnType):
    """Return a function text → value that raises ParseError exactly like parse_text(t, text)."""
    n = t.name
    if n in STRING_TYPES:
        mb = t.max_bytes

        def conv_str(s: str):
            if len(s) * 4 > mb and len(s.encode("utf-8")) > mb:
                raise ParseError("too long")
            return s
        return conv_str
    if n in INT_RANGES:
        lo, hi = INT_RANGES[n]

        def conv_int(s: str):
            if s.isascii() and (s.isdigit() or (s[:1] == "-" and s[1:].isdigit())):
                v = int(s)
                if lo <= v <= hi:
                    return v
                raise ParseError("integer overflow")
            return parse_int(n, s)
        return conv_int
    if n == "DECIMAL":
        p, sc = t.precision, t.scale

        def conv_dec(s: str):
            m = _FAST_DEC.match(s)
            if m is not None:
                ip = m.group(2).lstrip("0")
                fp = m.group(3) or ""
                if len(fp) <= sc and len(ip) <= p - sc:
                    v = int((ip or "0") + fp.ljust(sc, "0")) if sc else int(ip or "0")
                    return Decimal(f"{-v if m.group(1) else v}E-{sc}")
            return parse_decimal(s, p, sc)
        return conv_dec
    if n == "DATETIME":
        def conv_dt(s: str):
            if len(s) == 19 and _FAST_DT.match(s) is not None:
                mo, d = s[5:7], s[8:10]
                if ("01" <= mo <= "12" and "01" <= d <= "28" and s[11:13] < "24" and s[14:16] < "60"
                        and s[17:19] < "60"):
                    return s[:10] + " " + s[11:] + ".000000"
            return parse_datetime(s)
        return conv_dt
    if n == "DATE":
        return parse_date
    if n == "BOOLEAN":
        return parse_bool
    return lambda s: parse_text(t, s)


def storage_encoder(t: ColumnType):
    """None when values of t are JSON-serialisable as they are."""
    if t.name in ("DECIMAL", "VARBINARY"):
        return lambda v: encode_storage(t, v)
    if t.name == "ARRAY":
        inner = storage_encoder(t.item)
        return None if inner is None else (lambda v: encode_storage(t, v))
    return None


def storage_decoder(t: ColumnType):
    if t.name in ("DECIMAL", "VARBINARY", "FLOAT", "DOUBLE", "ARRAY"):
        return lambda v: decode_storage(t, v)
    return None
