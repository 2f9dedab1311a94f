"""JSON as the FE's Gson writes it over a java.util.HashMap: key order, compact or pretty, HTML escaping."""
from __future__ import annotations

import json
from typing import Any, List, Tuple

# Gson escapes these unless disableHtmlEscaping() (com.google.gson.stream.JsonWriter HTML_SAFE_REPLACEMENT_CHARS)
_HTML_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "=": "\\u003d", "'": "\\u0027"}


def _java_hash(key: Any) -> int:
    if isinstance(key, int):
        h = key & 0xFFFFFFFF                                  # Integer.hashCode
    else:
        h = 0
        for unit in str(key).encode("utf-16-be").hex(" ", 2).split():
            h = (31 * h + int(unit, 16)) & 0xFFFFFFFF        # String.hashCode over UTF-16 units
    return h ^ (h >> 16)                                      # HashMap.hash()


def java_hashmap_order(items: List[Tuple[Any, Any]]) -> List[Tuple[Any, Any]]:
    """Iteration order of a java.util.HashMap filled in this order (default capacity 16, load
    factor 0.75; bucket = hash & (capacity-1), insertion order within a bucket). Gson serialises
    maps in this order, which is why e.g. Statistic starts with receivedBytes (docs example)."""
    cap = 16
    while len(items) > cap * 0.75:
        cap *= 2
    idx = {id(it): i for i, it in enumerate(items)}
    return sorted(items, key=lambda it: (_java_hash(it[0]) & (cap - 1), idx[id(it)]))


def _value(v: Any, html_safe: bool) -> str:
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    text = json.dumps(str(v), ensure_ascii=False)
    if html_safe:
        text = "".join(_HTML_SAFE.get(ch, ch) for ch in text)
    return text


def gson(items: List[Tuple[Any, Any]]) -> str:
    """`new GsonBuilder().disableHtmlEscaping().create().toJson(hashMap)` (RoutineLoadJob's SHOW columns)."""
    parts = [json.dumps(str(k), ensure_ascii=False) + ":" + _value(v, False) for k, v in java_hashmap_order(items)]
    return "{" + ",".join(parts) + "}"


def gson_pretty(items: List[Tuple[Any, Any]]) -> str:
    """`new GsonBuilder().setPrettyPrinting().create().toJson(hashMap)`: two-space indent, HTML escaping
    on (TransactionResult.toJson)."""
    parts = [f'  {_value(str(k), True)}: {_value(v, True)}' for k, v in java_hashmap_order(items)]
    return "{\n" + ",\n".join(parts) + "\n}"
