"""CSV framing exactly as the StarRocks BE splits Stream Load CSV (reference §2, §2.1, §10.2.5).

Two readers, like the BE:
* v1 (no `enclose`, no `escape`): records end at the row delimiter; fields are split at the
  column separator; `trim_space` strips spaces on both sides (CSVReader::split_record).
* v2 (`enclose` and/or `escape` set): a port of the state machine in
  `be/src/formats/csv/csv_reader.cpp` (CSVReader::more_rows) including its quirks:
  - a doubled enclose inside an enclosed field is one literal enclose;
  - separators and row delimiters inside an enclosed field are data;
  - the escape byte makes the next byte literal (enclose, escape, separator, delimiter) and is
    removed; before any other byte it is simply dropped;
  - an enclose byte inside an *unenclosed* field is dropped and the byte after it kept literally;
  - the enclosing quotes are stripped before the field reaches the type converter, so an enclosed
    `"\\N"` is NULL exactly like a bare `\\N` (NullableConverter compares the stripped slice with
    `\\N`; reference §2.1 marks this UNCONFIRMED, resolved from the source);
  - with `trim_space`, leading spaces of every field and spaces after a closing enclose are
    trimmed, trailing spaces of an unenclosed field are kept (v2 only).
Blank lines are always skipped. A final record without a row delimiter is accepted (the BE
appends the delimiter at end of file).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat
from typing import List, Optional, Tuple


class DelimiterError(Exception):
    pass


def decode_delimiter(value: str, what: str) -> bytes:
    """FE analysis/Delimiter.java: `\\xHH..`/`0xHH..` is hex (even length), otherwise the UTF-8
    bytes of the string itself (no C-escape decoding), at most 50 bytes."""
    if value is None or value == "":
        raise DelimiterError(f"Delimiter cannot be empty or null")
    if value[:2].upper() in ("\\X", "0X"):
        hx = value[2:]
        if not hx:
            raise DelimiterError(f"Invalid delimiter '{value}': empty hex string")
        if len(hx) % 2:
            raise DelimiterError(f"Invalid delimiter '{value}': hex length must be a even number")
        try:
            b = bytes.fromhex(hx)
        except ValueError:
            raise DelimiterError(f"Invalid delimiter '{value}': hex str format error") from None
    else:
        b = value.encode("utf-8")
    if len(b) > 50:
        raise DelimiterError(f"the {what} is limited to a maximum of 50 bytes")
    return b


@dataclass
class CsvOptions:
    column_sep: bytes = b"\t"
    row_delim: bytes = b"\n"
    enclose: Optional[int] = None     # single byte value
    escape: Optional[int] = None
    trim_space: bool = False
    skip_header: int = 0


Record = Tuple[List[bytes], bytes]   # (fields, raw record bytes without the row delimiter)

_INCOMPLETE = object()


class CsvReader:
    """Incremental CSV reader: feed() body chunks, get complete records back."""

    def __init__(self, opts: CsvOptions):
        self.o = opts
        self.buf = b""
        self.v2 = opts.enclose is not None or opts.escape is not None
        self.to_skip = opts.skip_header
        self.skipped = 0
        if self.v2:
            interesting = {opts.column_sep[0], opts.row_delim[0]}
            if opts.enclose is not None:
                interesting.add(opts.enclose)
            if opts.escape is not None:
                interesting.add(opts.escape)
            self._ord_re = re.compile(b"[" + b"".join(re.escape(bytes([c])) for c in sorted(interesting)) + b"]")
            enc_set = {c for c in (opts.enclose, opts.escape) if c is not None}
            self._enc_re = re.compile(b"[" + b"".join(re.escape(bytes([c])) for c in sorted(enc_set)) + b"]")
            self._fast = None
            if (opts.escape is None and not opts.trim_space and len(opts.column_sep) == 1
                    and len(opts.row_delim) == 1 and opts.enclose not in (opts.column_sep[0], opts.row_delim[0])):
                # Fast path for well-formed records: every field is either fully enclosed (doubled
                # enclose inside) and followed by a separator/delimiter, or contains no enclose byte.
                # Anything else falls back to the faithful state machine below.
                q = re.escape(bytes([opts.enclose]))
                sp = re.escape(opts.column_sep)
                dl = re.escape(opts.row_delim)
                self._fast = re.compile(b"(?:" + q + b"((?:[^" + q + b"]|" + q + q + b")*)" + q + b"|([^" + q + sp
                                        + dl + b"]*))(" + sp + b"|" + dl + b")")
                self._qq = bytes([opts.enclose]) * 2
                self._q1 = bytes([opts.enclose])

    @property
    def buffered(self) -> int:
        return len(self.buf)

    # ------------------------------------------------------------------------------------------
    def feed(self, data: bytes) -> List[Record]:
        if not data:
            return []
        self.buf = self.buf + data if self.buf else bytes(data)
        return self._drain(final=False)

    def finish(self) -> List[Record]:
        return self._drain(final=True)

    def _emit(self, recs: List[Record], fields: List[bytes], raw: bytes) -> None:
        if self.to_skip > 0:
            self.to_skip -= 1
            self.skipped += 1
            return
        recs.append((fields, raw))

    def _drain(self, final: bool) -> List[Record]:
        return self._drain_v2(final) if self.v2 else self._drain_v1(final)

    # ---- v1 -----------------------------------------------------------------------------------
    def _drain_v1(self, final: bool) -> List[Record]:
        o = self.o
        dl = o.row_delim
        buf = self.buf
        recs: List[Record] = []
        last = buf.rfind(dl)
        if last < 0:
            lines = []
            rest = buf
        else:
            lines = buf[:last].split(dl)
            rest = buf[last + len(dl):]
        if final:
            if rest:
                lines.append(rest)
            rest = b""
        self.buf = rest
        sep = o.column_sep
        trim = o.trim_space
        for line in lines:
            if self.to_skip > 0:        # skip_header counts physical lines in the v1 reader
                self.to_skip -= 1
                self.skipped += 1
                continue
            if not line:
                continue                # always skip blank lines (CSVScanner::_parse_csv)
            fields = line.split(sep)
            if trim:
                fields = [f.strip(b" ") for f in fields]
            recs.append((fields, line))
        return recs

    # ---- v2 -----------------------------------------------------------------------------------
    def _drain_v2(self, final: bool) -> List[Record]:
        buf = self.buf
        dl = self.o.row_delim
        if final and buf and not buf.endswith(dl):
            buf = buf + dl               # the BE appends the row delimiter at end of file
        recs: List[Record] = []
        p = 0
        end = len(buf)
        fast = self._fast
        dlb = dl[0] if len(dl) == 1 else -1
        while p < end:
            if fast is not None:
                if buf[p] == dlb:            # blank line
                    p += 1
                    continue
                j = buf.find(dl, p)
                if j >= 0 and buf.find(self._q1, p, j) < 0:
                    # no enclose byte in this line: a plain split is exact
                    self._emit(recs, buf[p:j].split(self.o.column_sep), buf[p:j])
                    p = j + 1
                    continue
                fields = []
                q = p
                m = None
                while True:
                    m = fast.match(buf, q)
                    if m is None:
                        break
                    g = m.group(1)
                    if g is not None:
                        fields.append(g.replace(self._qq, self._q1) if self._qq in g else g)
                    else:
                        fields.append(m.group(2))
                    q = m.end()
                    if m.group(3)[0] == dlb:
                        break
                if m is not None:
                    self._emit(recs, fields, buf[p:q - 1])
                    p = q
                    continue
            r = self._record_v2(buf, p, end, final)
            if r is _INCOMPLETE:
                if final:
                    # unterminated enclose at end of data: take the rest as the last field
                    raw = buf[p:end - len(dl)] if buf.endswith(dl) else buf[p:end]
                    f = raw[1:] if raw[:1] == bytes([self.o.enclose or 0]) else raw
                    self._emit(recs, [f], raw)
                    p = end
                break
            fields, newp = r
            if fields:
                self._emit(recs, fields, buf[p:newp - len(dl)])
            p = newp
        self.buf = buf[p:] if p < end else b""
        return recs

    def _at(self, b: bytes, p: int, end: int, pat: bytes, final: bool):
        """True/False, or None when more data is needed to decide."""
        n = len(pat)
        if n == 1:
            return b[p] == pat[0]
        if end - p >= n:
            return b.startswith(pat, p)
        if not final and pat.startswith(b[p:end]):
            return None
        return False

    def _record_v2(self, b: bytes, p: int, end: int, final: bool):
        o = self.o
        sep, dl = o.column_sep, o.row_delim
        enc = o.enclose if o.enclose is not None else -1
        esc = o.escape if o.escape is not None else -1
        trim = o.trim_space
        fields: List[bytes] = []
        ORD, ENC, ESC = 1, 2, 3
        while True:
            # ---------------- START state ----------------
            if trim:
                while p < end and b[p] == 32:
                    p += 1
            if p >= end:
                return _INCOMPLETE
            col_start = p
            esc_pos: List[int] = []
            is_enc = False
            ws_start = -1
            pre = ORD
            done = None       # "row" or "col"
            a = self._at(b, p, end, dl, final)
            if a is None:
                return _INCOMPLETE
            if a:
                p += len(dl)
                if not fields:
                    return [], p            # blank line
                done = "row"
            else:
                a = self._at(b, p, end, sep, final)
                if a is None:
                    return _INCOMPLETE
                if a:
                    p += len(sep)
                    done = "col"
                elif b[p] == esc:
                    esc_pos.append(p)
                    p += 1
                    state, pre = ESC, ORD
                elif b[p] == enc:
                    p += 1
                    if p >= end:
                        return _INCOMPLETE
                    col_start = p
                    if b[p] != enc:
                        state, is_enc = ENC, True
                    else:
                        p += 1           # `""` – empty enclosed field or a literal quote
                        if p >= end:
                            return _INCOMPLETE
                        a = self._at(b, p, end, dl, final)
                        if a is None:
                            return _INCOMPLETE
                        if a:
                            p += len(dl)
                            is_enc = True
                            done = "row"
                        else:
                            a = self._at(b, p, end, sep, final)
                            if a is None:
                                return _INCOMPLETE
                            if a:
                                p += len(sep)
                                is_enc = True
                                done = "col"
                            else:
                                state = ORD
                else:
                    p += 1
                    state = ORD
            # ---------------- field body ----------------
            while done is None:
                if p >= end:
                    return _INCOMPLETE
                if state == ENC:
                    m = self._enc_re.search(b, p)
                    if m is None:
                        return _INCOMPLETE
                    p = m.start()
                    if b[p] == enc:
                        p += 1
                        if p >= end:
                            return _INCOMPLETE
                        if b[p] == enc:            # doubled enclose → literal
                            esc_pos.append(p - 1)
                            p += 1
                        else:                      # closing enclose
                            pre, state = ENC, ORD
                    else:                          # escape inside enclose
                        pre = ENC
                        esc_pos.append(p)
                        p += 1
                        state = ESC
                elif state == ESC:
                    c = b[p]
                    if c == enc or c == esc:
                        p += 1
                        state = pre
                        continue
                    a = self._at(b, p, end, dl, final)
                    if a is None:
                        return _INCOMPLETE
                    if a:
                        p += len(dl)
                        state = pre
                        continue
                    a = self._at(b, p, end, sep, final)
                    if a is None:
                        return _INCOMPLETE
                    if a:
                        p += len(sep)
                        state = pre
                        continue
                    # falls through to ORDINARY in the source: an ordinary byte
                    if trim and pre == ENC:
                        if b[p] == 32:
                            ws_start = p
                        pre = ORD
                    p += 1
                    state = ORD
                else:  # ORD
                    if trim and pre == ENC:
                        if b[p] == 32:
                            ws_start = p
                        pre = ORD
                    m = self._ord_re.search(b, p)
                    if m is None:
                        return _INCOMPLETE
                    p = m.start()
                    a = self._at(b, p, end, dl, final)
                    if a is None:
                        return _INCOMPLETE
                    if a:
                        p += len(dl)
                        done = "row"
                        break
                    a = self._at(b, p, end, sep, final)
                    if a is None:
                        return _INCOMPLETE
                    if a:
                        p += len(sep)
                        done = "col"
                        break
                    c = b[p]
                    if c == esc:
                        pre = ORD
                        esc_pos.append(p)
                        p += 1
                        state = ESC
                    elif c == enc:
                        # ENCLOSE_ESCAPE: the enclose byte is dropped, the next byte is literal
                        pre = ORD
                        esc_pos.append(p)
                        p += 1
                        if p >= end:
                            return _INCOMPLETE
                        p += 1
                        state = ORD
                    else:
                        p += 1          # first byte of a multi-byte delimiter that didn't match
            # ---------------- push column ----------------
            dlen = len(dl) if done == "row" else len(sep)
            col_end = ws_start if (trim and ws_start >= 0) else p
            if esc_pos:
                skip = set(esc_pos)
                base = bytes(b[i] for i in range(col_start, col_end) if i not in skip)
                cs, ce = 0, len(base)
            else:
                base, cs, ce = b, col_start, col_end
            if is_enc:
                ln = (ce - cs - 1) if (trim and ws_start >= 0) else (ce - dlen - cs - 1)
            elif trim and ws_start >= 0:
                ln = ce - cs
            else:
                ln = ce - dlen - cs
            fields.append(base[cs:cs + max(ln, 0)])
            if done == "row":
                return fields, p


def iter_fields_text(fields: List[bytes]) -> Optional[List[str]]:
    """Decode fields as UTF-8; None if the row is not valid UTF-8 ("Invalid UTF-8 row")."""
    try:
        return [f.decode("utf-8") for f in fields]
    except UnicodeDecodeError:
        return None


class CsvRowCounter:
    """--discard mode: count records without splitting fields or converting values.
    Plain CSV counts row delimiters; with `enclose` (single-byte delimiters, no `escape`) it
    counts delimiters outside enclosed sections (RFC 4180 parity); anything else uses the real
    reader."""

    def __init__(self, opts: CsvOptions):
        self.o = opts
        self.rows = 0
        self.carry = b""
        self.to_skip = opts.skip_header
        self.inside = False          # inside an enclosed section at the current position
        self.at_line_start = True    # previous byte (outside quotes) was a row delimiter / start
        self.pending = False         # a non-empty record is open
        simple_enclose = (opts.enclose is not None and len(opts.row_delim) == 1)
        if simple_enclose:
            keep = {opts.enclose, opts.row_delim[0]}
            self._drop = bytes(b for b in range(256) if b not in keep)   # translate() deletes these
        if opts.escape is not None or (opts.enclose is not None and not simple_enclose):
            self.full = CsvReader(opts)
        else:
            self.full = None

    @property
    def buffered(self) -> int:
        return self.full.buffered if self.full else len(self.carry)

    def feed(self, data: bytes) -> None:
        if self.full is not None:
            self.rows += len(self.full.feed(data))
            return
        if self.o.enclose is None:
            self._feed_plain(data)
        else:
            self._feed_enclosed(data)

    def finish(self) -> int:
        if self.full is not None:
            self.rows += len(self.full.finish())
        elif self.o.enclose is None:
            if self.carry:
                self._count_lines(self.carry + self.o.row_delim)
                self.carry = b""
        elif self.pending:
            self.rows += 1
            self.pending = False
        if self.full is None and self.to_skip:
            self.rows = max(0, self.rows - self.to_skip) if self.o.enclose is not None else self.rows
        return self.rows

    def _count_lines(self, head: bytes) -> None:
        dl = self.o.row_delim
        n = head.count(dl)
        blanks = 1 if head.startswith(dl) else 0
        dd = dl + dl
        if dd in head:
            blanks += len(re.findall(b"(?=" + re.escape(dd) + b")", head))
        lines = n - blanks
        if self.to_skip:
            k = min(self.to_skip, lines)
            self.to_skip -= k
            lines -= k
        self.rows += lines

    def _feed_plain(self, data: bytes) -> None:
        dl = self.o.row_delim
        buf = self.carry + data if self.carry else data
        last = buf.rfind(dl)
        if last < 0:
            self.carry = bytes(buf)
            return
        self._count_lines(buf[:last + len(dl)])
        self.carry = bytes(buf[last + len(dl):])

    def _feed_enclosed(self, data: bytes) -> None:
        if not data:
            return
        dl = self.o.row_delim
        q = bytes([self.o.enclose])
        if (dl + dl) not in data and not (self.at_line_start and data[:1] == dl):
            # no blank lines in this chunk: only the enclose/delimiter bytes matter
            red = data.translate(None, self._drop)
            if self.inside:
                red = q + red
            red = red.replace(q + q, b"")
            if q not in red:
                n = red.count(dl)
                inside_end = False
            else:
                parts = red.split(q)
                n = sum(map(bytes.count, parts[0::2], repeat(dl)))
                inside_end = len(parts) % 2 == 0
            self.rows += n
            self.inside = inside_end
            if not inside_end and data.endswith(dl):
                self.at_line_start, self.pending = True, False
            else:
                self.at_line_start, self.pending = False, True
            return
        self._feed_enclosed_exact(data)

    def _feed_enclosed_exact(self, data: bytes) -> None:
        dl = self.o.row_delim
        parts = data.split(bytes([self.o.enclose]))
        first_outside = 0 if not self.inside else 1
        outside = parts[first_outside::2]
        n = sum(map(bytes.count, outside, repeat(dl)))
        blanks = 0
        dd = dl + dl
        for k, part in enumerate(outside):
            if dd in part:
                blanks += len(re.findall(b"(?=" + re.escape(dd) + b")", part))
        # a blank line right at the start of this chunk (or of the data)
        if first_outside == 0 and self.at_line_start and parts[0][:1] == dl:
            blanks += 1
        self.rows += n - blanks
        self.inside = self.inside ^ ((len(parts) - 1) % 2 == 1)
        last = parts[-1]
        last_is_outside = (len(parts) - 1 - first_outside) % 2 == 0
        if last_is_outside and last:
            self.at_line_start = last.endswith(dl)
            self.pending = not self.at_line_start
        else:
            self.at_line_start = False
            self.pending = True
