"""Kafka messages the BE's JSON parser cannot turn into rows at all: a task-level "parse error", not an error row.

BE `exec/json_parser.cpp`: JsonDocumentStreamParser::get_current fails a document that is an array
("The value is array type in json document stream, you can set strip_outer_array=true to parse each
element of the array as individual rows") or not an object ("The value should be object type in json
document stream"); JsonArrayParser::parse fails a non-array with strip_outer_array ("the value should
be array type with strip_outer_array=true, value: <64 chars>"); every such text goes through
format_json_parse_error_msg → "parse error. <msg>" ("the keywords "parse error" will be used in FE to
determine the error type"). The FE then aborts the task with TxnStatusChangeReason PARSE_ERROR:
progress is not updated, the job stays RUNNING with the reason in OtherMsg and retries the same
offsets, unless `pause_on_fatal_parse_error` (RoutineLoadJob.shouldPauseOnTxnStateChange, PR #56062,
3.3.12/3.4.2+). StarRocks' own result: test/sql/test_routine_load/R/test_pause_on_fatal_parse_error.
"""
from __future__ import annotations

import json
from typing import Optional

PREFIX = "parse error. "
ARRAY_MSG = ("The value is array type in json document stream, you can set strip_outer_array=true to parse each "
             "element of the array as individual rows")
NOT_OBJECT_MSG = "The value should be object type in json document stream"
MAX_RAW_JSON_LEN = 64


def fatal_parse_error(value: Optional[bytes], strip_outer_array: bool) -> Optional[str]:
    """The task-aborting reason for one Kafka message, or None when it parses into rows (or row errors)."""
    if not value:
        return None                       # tombstones: the stand-in's documented error-row decision
    try:
        text = value.decode("utf-8")
        docs = list(_documents(text))
    except (UnicodeDecodeError, ValueError) as e:
        # simdjson's own error text differs (UNCONFIRMED); the FE only needs the "parse error" keyword
        return PREFIX + f"Failed to iterate document stream as object. error: {e}"
    for doc in docs:
        if strip_outer_array:
            if not isinstance(doc, list):
                raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))[:MAX_RAW_JSON_LEN]
                return PREFIX + f"the value should be array type with strip_outer_array=true, value: {raw}"
        elif isinstance(doc, list):
            return PREFIX + ARRAY_MSG
        elif not isinstance(doc, dict):
            return PREFIX + NOT_OBJECT_MSG
    return None


def _documents(text: str):
    dec = json.JSONDecoder()
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return
        doc, i = dec.raw_decode(text, i)
        yield doc
