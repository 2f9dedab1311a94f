"""Tokenizer for the StarRocks SQL subset (MySQL-style lexical rules: backtick identifiers,
'single' and "double" quoted strings – StarRocks treats double quotes as strings – backslash
escapes, x'hex' literals, -- # and /* */ comments)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


class SqlError(Exception):
    """An error reported to the MySQL client (code 1064 unless told otherwise)."""

    def __init__(self, msg: str, code: int = 1064):
        super().__init__(msg)
        self.msg = msg
        self.code = code


def syntax_error(tok: "Token", detail: str = "") -> SqlError:
    what = tok.text if tok.kind != "eof" else "<EOF>"
    d = detail or f"Unexpected input '{what}'"
    return SqlError(f"Getting syntax error at line {tok.line}, column {tok.col}. Detail message: {d}.")


def analysis_error(msg: str) -> SqlError:
    return SqlError(f"Getting analyzing error. Detail message: {msg}.")


@dataclass
class Token:
    kind: str          # ident, qident (backtick), str, num, hex, op, eof, var (@x / @@x)
    text: str          # identifier name / string value / operator / number text
    pos: int
    line: int = 1
    col: int = 0

    def is_kw(self, *words: str) -> bool:
        return self.kind == "ident" and self.text.upper() in words


_ESC = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "Z": "\x1a", "\\": "\\",
        "'": "'", '"': '"', "%": "\\%", "_": "\\_"}
_OPS3 = ("<=>",)
_OPS2 = ("<=", ">=", "!=", "<>", "||", "&&", ":=", "->")
_OPS1 = "=<>+-*/%(),.;![]{}:|&^~?"


def tokenize(sql: str) -> List[Token]:
    toks: List[Token] = []
    i, n = 0, len(sql)
    line, line_start = 1, 0

    def add(kind, text, start):
        toks.append(Token(kind, text, start, line, start - line_start))

    while i < n:
        c = sql[i]
        if c == "\n":
            line += 1
            line_start = i + 1
            i += 1
            continue
        if c.isspace():
            i += 1
            continue
        if c == "#" or (c == "-" and sql.startswith("--", i) and (i + 2 >= n or sql[i + 2] in " \t\r\n")):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "/" and sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            if j < 0:
                raise SqlError("Getting syntax error. Detail message: unclosed comment.")
            line += sql.count("\n", i, j)
            i = j + 2
            continue
        start = i
        if c == "`":
            j = i + 1
            out = []
            while True:
                k = sql.find("`", j)
                if k < 0:
                    raise SqlError(f"Getting syntax error at line {line}, column {start - line_start}. "
                                   f"Detail message: unclosed identifier.")
                out.append(sql[j:k])
                if k + 1 < n and sql[k + 1] == "`":
                    out.append("`")
                    j = k + 2
                    continue
                i = k + 1
                break
            add("qident", "".join(out), start)
            continue
        if c in ("'", '"'):
            q = c
            j = i + 1
            out = []
            while True:
                if j >= n:
                    raise SqlError(f"Getting syntax error at line {line}, column {start - line_start}. "
                                   f"Detail message: unclosed string literal.")
                ch = sql[j]
                if ch == "\\" and j + 1 < n:
                    out.append(_ESC.get(sql[j + 1], sql[j + 1]))
                    j += 2
                    continue
                if ch == q:
                    if j + 1 < n and sql[j + 1] == q:
                        out.append(q)
                        j += 2
                        continue
                    j += 1
                    break
                if ch == "\n":
                    line += 1
                    line_start = j + 1
                out.append(ch)
                j += 1
            i = j
            add("str", "".join(out), start)
            continue
        if c in "xX" and i + 1 < n and sql[i + 1] == "'":
            j = sql.find("'", i + 2)
            if j < 0:
                raise SqlError("Getting syntax error. Detail message: unclosed hex literal.")
            add("hex", sql[i + 2:j], start)
            i = j + 1
            continue
        if c.isdigit() or (c == "." and i + 1 < n and sql[i + 1].isdigit()):
            j = i
            while j < n and sql[j].isdigit():
                j += 1
            if j < n and sql[j] == ".":
                j += 1
                while j < n and sql[j].isdigit():
                    j += 1
            if j < n and sql[j] in "eE" and j + 1 < n and (sql[j + 1].isdigit() or
                                                         (sql[j + 1] in "+-" and j + 2 < n and sql[j + 2].isdigit())):
                j += 2
                while j < n and sql[j].isdigit():
                    j += 1
            if j < n and (sql[j].isalpha() or sql[j] == "_"):
                # identifiers may start with digits (e.g. 1abc)
                while j < n and (sql[j].isalnum() or sql[j] in "_$"):
                    j += 1
                add("ident", sql[i:j], start)
            else:
                add("num", sql[i:j], start)
            i = j
            continue
        if c.isalpha() or c == "_" or ord(c) > 127 or c == "$":
            j = i
            while j < n and (sql[j].isalnum() or sql[j] in "_$" or ord(sql[j]) > 127):
                j += 1
            add("ident", sql[i:j], start)
            i = j
            continue
        if c == "@":
            j = i + 1
            if j < n and sql[j] == "@":
                j += 1
            k = j
            while k < n and (sql[k].isalnum() or sql[k] in "_.$"):
                k += 1
            add("var", sql[i:k], start)
            i = k
            continue
        three = sql[i:i + 3]
        if three in _OPS3:
            add("op", three, start)
            i += 3
            continue
        two = sql[i:i + 2]
        if two in _OPS2:
            add("op", two, start)
            i += 2
            continue
        if c in _OPS1:
            add("op", c, start)
            i += 1
            continue
        raise SqlError(f"Getting syntax error at line {line}, column {i - line_start}. "
                       f"Detail message: Unexpected character '{c}'.")
    toks.append(Token("eof", "", n, line, n - line_start))
    return toks


class TokenStream:
    def __init__(self, sql: str):
        self.sql = sql
        self.toks = tokenize(sql)
        self.i = 0

    @property
    def cur(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        j = min(self.i + k, len(self.toks) - 1)
        return self.toks[j]

    def next(self) -> Token:
        t = self.toks[self.i]
        if t.kind != "eof":
            self.i += 1
        return t

    def at_kw(self, *words: str) -> bool:
        return self.cur.is_kw(*words)

    def at_op(self, *ops: str) -> bool:
        return self.cur.kind == "op" and self.cur.text in ops

    def accept_kw(self, *words: str) -> bool:
        if self.at_kw(*words):
            self.i += 1
            return True
        return False

    def accept_kws(self, *seq: str) -> bool:
        """Accept a keyword sequence only if all match."""
        for k, w in enumerate(seq):
            if not self.peek(k).is_kw(w):
                return False
        self.i += len(seq)
        return True

    def accept_op(self, *ops: str) -> bool:
        if self.at_op(*ops):
            self.i += 1
            return True
        return False

    def expect_kw(self, *words: str) -> Token:
        if not self.at_kw(*words):
            raise syntax_error(self.cur)
        return self.next()

    def expect_op(self, op: str) -> Token:
        if not self.at_op(op):
            raise syntax_error(self.cur)
        return self.next()

    def ident(self) -> str:
        t = self.cur
        if t.kind in ("ident", "qident"):
            self.i += 1
            return t.text
        raise syntax_error(t)

    def at_end(self) -> bool:
        while self.at_op(";"):
            self.i += 1
        return self.cur.kind == "eof"

    def expect_end(self) -> None:
        if not self.at_end():
            raise syntax_error(self.cur)

    def string(self) -> str:
        t = self.cur
        if t.kind == "str":
            self.i += 1
            return t.text
        raise syntax_error(t)

    def qualified_name(self) -> tuple[Optional[str], str]:
        a = self.ident()
        if self.accept_op("."):
            b = self.ident()
            return a, b
        return None, a

    def rest_text(self) -> str:
        return self.sql[self.cur.pos:]
