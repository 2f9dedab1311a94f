"""The `[WHERE …] [ORDER BY col [ASC|DESC], …] [LIMIT …]` tail of SHOW statements over a string-valued result."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from . import query
from .expressions import ExprParser
from .query import VARCHAR
from .sqltokens import TokenStream, analysis_error


@dataclass
class ShowFilter:
    where: object = None
    order: List[Tuple[str, bool]] = field(default_factory=list)
    limit: Optional[int] = None
    offset: int = 0

    @staticmethod
    def parse(ts: TokenStream) -> "ShowFilter":
        """Reads the tail and the statement's end."""
        f = ShowFilter()
        if ts.accept_kw("WHERE"):
            f.where = ExprParser(ts).parse()
        if ts.accept_kws("ORDER", "BY"):
            while True:
                col = ts.ident()
                desc = bool(ts.accept_kw("DESC"))
                if not desc:
                    ts.accept_kw("ASC")
                f.order.append((col, desc))
                if not ts.accept_op(","):
                    break
        if ts.accept_kw("LIMIT"):
            f.limit, f.offset = query._parse_limit(ts)
        ts.expect_end()
        return f

    def apply(self, engine, session, columns: Sequence[str], rows: List[list],
              numeric: Sequence[str] = ()) -> List[list]:
        """WHERE over the columns as VARCHARs, ORDER BY a title (numbers for `numeric`), LIMIT."""
        if self.where is not None:
            src = query.Source(list(columns), [VARCHAR] * len(columns), rows, set())
            rows = [r for r in rows if query.truth(query._eval(self.where, query.RowEnv(engine, session, src, r))[0])]
        for col, desc in reversed(self.order):
            ci = next((i for i, c in enumerate(columns) if c.lower() == col.lower()), None)
            if ci is None:
                raise analysis_error(f"Title name[{col}] does not exist")
            is_num = columns[ci] in numeric
            rows.sort(key=lambda r: int(r[ci]) if is_num else r[ci], reverse=desc)
        rows = rows[self.offset:]
        return rows if self.limit is None else rows[:self.limit]
