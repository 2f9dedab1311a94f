"""JSON Stream Load input (reference §2 json headers, §10.2.6).

* The body is buffered in full (the BE does the same for JSON, §1.4).
* A body is a stream of JSON documents: one object, NDJSON, or concatenated objects.
* A document that is an array is only accepted with `strip_outer_array: true` (each element is a
  row); otherwise it is one filtered row.
* `json_root` (a JsonPath) selects the element holding the data in each document.
* `jsonpaths` (JSON array of JsonPath strings) extract values positionally for `columns`;
  without it, values are matched by key name ("simple mode"); missing keys give NULL.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator, List, Optional, Tuple

from . import json_text
from . import values as V


class JsonPathError(Exception):
    pass


_MISSING = object()


def parse_jsonpath(path: str) -> List[Any]:
    """`$.a.b`, `$.a[0]`, `$['a b']`, `$.*` (wildcard unsupported → error). Returns steps."""
    p = path.strip()
    if not p.startswith("$"):
        raise JsonPathError(f"Invalid json path: {path}")
    i, steps = 1, []
    while i < len(p):
        c = p[i]
        if c == ".":
            m = re.match(r"\.([^.\[\]]+)", p[i:])
            if not m:
                raise JsonPathError(f"Invalid json path: {path}")
            name = m.group(1)
            if name == "*":
                raise JsonPathError(f"Invalid json path: {path}")
            steps.append(name)
            i += m.end()
        elif c == "[":
            m = re.match(r"\[\s*(\d+)\s*\]", p[i:])
            if m:
                steps.append(int(m.group(1)))
                i += m.end()
                continue
            m = re.match(r"\[\s*(['\"])(.*?)\1\s*\]", p[i:])
            if not m:
                raise JsonPathError(f"Invalid json path: {path}")
            steps.append(m.group(2))
            i += m.end()
        else:
            raise JsonPathError(f"Invalid json path: {path}")
    return steps


def extract(doc: Any, steps: List[Any]) -> Any:
    cur = doc
    for s in steps:
        if isinstance(s, int):
            if not isinstance(cur, list) or s >= len(cur):
                return _MISSING
            cur = cur[s]
        else:
            if not isinstance(cur, dict) or s not in cur:
                return _MISSING
            cur = cur[s]
    return cur


def parse_jsonpaths_header(text: str) -> List[List[Any]]:
    try:
        arr = json.loads(text)
    except ValueError:
        raise JsonPathError(f"Invalid json path: {text}") from None
    if not isinstance(arr, list) or not all(isinstance(x, str) for x in arr):
        raise JsonPathError(f"Invalid json path: {text}")
    return [parse_jsonpath(x) for x in arr]


def iter_documents(body: str) -> Iterator[Tuple[Any, Optional[str]]]:
    """Yield (document, None) for each JSON document in the stream, or (None, error) once for
    an unparseable remainder (the rest of the stream cannot be framed)."""
    dec = json_text.DECODER                 # numbers keep their tokens (RawInt / RawFloat)
    i, n = 0, len(body)
    ws = re.compile(r"[ \t\n\r]*")
    while True:
        i = ws.match(body, i).end()
        if i >= n:
            return
        try:
            doc, j = dec.raw_decode(body, i)
        except (ValueError, RecursionError) as e:
            yield None, f"Failed to parse json data: {e}"
            return
        yield doc, None
        i = j


class JsonRows:
    """Turns a JSON body into rows: each row is either a dict/value (ok) or an error string."""

    def __init__(self, strip_outer_array: bool, json_root: Optional[List[Any]]):
        self.strip = strip_outer_array
        self.root = json_root

    def rows(self, body: bytes) -> Iterator[Tuple[Any, Optional[str], str]]:
        """Yield (row_object, error, raw_text)."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            yield None, "Invalid UTF-8 data", body[:200].decode("utf-8", "replace")
            return
        for doc, err in iter_documents(text):
            if err:
                yield None, err, text[:200]
                return
            if self.root is not None:
                doc = extract(doc, self.root)
                if doc is _MISSING:
                    yield None, "JSON Root not found.", _short(doc)
                    continue
            if isinstance(doc, list):
                if not self.strip:
                    yield None, ("JSON data is an array, strip_outer_array must be set true"), _short(doc)
                    continue
                for el in doc:
                    yield el, None, _short(el)
            else:
                if self.strip:
                    yield None, "JSON data is an object, strip_outer_array must be set false", _short(doc)
                    continue
                yield doc, None, _short(doc)


def _short(o: Any) -> str:
    if o is _MISSING:
        return ""
    try:
        s = V.canonical_json(o)
    except TypeError:
        s = str(o)
    return s if len(s) <= 1000 else s[:1000] + "..."


def count_rows(body: bytes, strip_outer_array: bool, json_root) -> int:
    n = 0
    for row, err, _ in JsonRows(strip_outer_array, json_root).rows(body):
        if err is None:
            n += 1
    return n
