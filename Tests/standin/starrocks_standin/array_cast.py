"""CAST(VARCHAR AS ARRAY<T>): port of CastStringToArray (be/src/exprs/cast_expr_array.cpp).

This is how a text value becomes an ARRAY wherever a cast does it – a COLUMNS/`columns` expression
whose result is text (Routine Load `if(op = 'd', before, after)` over a JSON array: the JSON
scanner hands the array over as its minified text), or CAST in SQL. It is not the CSV array
reader (values.parse_array): `'` and `"` both quote, there is no JSON unescaping, and elements
are cast one by one, a failing element cast giving a NULL element, never an error:

* the text must contain a `[` and balanced brackets outside quotes (inside a quote only the
  same quote character counts), else the whole value is NULL;
* spaces around it are trimmed and one pair of outer brackets removed when they enclose it all;
* it is split at top-level commas, a quote character toggling "inside a string" (so `"it's"`
  opens a second quote and swallows the rest);
* VARCHAR/CHAR elements: spaces trimmed, one pair of matching outer quotes removed – `null`
  stays the text `null`; other element types get the piece as it is (quotes and all), so
  `"2024-01-01"` does not cast to DATE and `null` casts to NULL.
"""
from __future__ import annotations

from typing import Callable, List, Optional

_QUOTES = "'\""


def _valid(s: str) -> bool:
    stack: List[str] = []
    has_bracket = False
    for ch in s:
        if stack and stack[-1] in _QUOTES and stack[-1] != ch:
            continue
        if ch in _QUOTES:
            if stack and stack[-1] == ch:
                stack.pop()
            else:
                stack.append(ch)
        elif ch == "[":
            stack.append(ch)
            has_bracket = True
        elif ch == "]":
            if stack and stack[-1] == "[":
                stack.pop()
            else:
                return False
    return has_bracket and not stack


def _strip_wrapper(s: str) -> str:
    if len(s) < 2:
        return s
    depth = 1 if s[0] == "[" else 0
    for ch in s[1:-1]:
        depth += ch == "["
        depth -= ch == "]"
        if depth == 0:
            return s
    return s[1:-1]


def _split(s: str) -> List[str]:
    out: List[str] = []
    stack: List[str] = []
    begin = depth = 0
    for i, ch in enumerate(s):
        if ch in _QUOTES:
            if stack and stack[-1] == ch:
                stack.pop()
            else:
                stack.append(ch)
        if stack:
            continue
        if ch == "," and depth == 0:
            out.append(s[begin:i])
            begin = i + 1
        depth += ch == "["
        depth -= ch == "]"
    if depth == 0:
        out.append(s[begin:])
    return out


def _unquote(piece: str) -> str:
    p = piece.strip(" ")
    if len(p) >= 2 and p[0] == p[-1] and p[0] in _QUOTES:
        return p[1:-1]
    if len(p) == 1 and p in _QUOTES:          # starts_with and ends_with the same single quote
        return ""
    return p


def cast_string_to_array(item_type, text: str, cast_element: Callable[[object, str], object]) -> Optional[list]:
    """`cast_element(item_type, piece)` casts one piece (failure → None)."""
    if not _valid(text):
        return None
    body = _strip_wrapper(text.strip(" "))
    if not body:
        return []
    pieces = _split(body)
    if item_type.name in ("VARCHAR", "CHAR", "STRING"):
        return [cast_element(item_type, _unquote(p)) for p in pieces]
    return [cast_element(item_type, p) for p in pieces]
