"""What the FE answers itself on `/api/transaction/{op}` before (or instead of) redirecting to a BE.

Sources (newest FE): `http/rest/TransactionLoadAction.java` (dispatch, error shape),
`http/rest/transaction/TransactionWithoutChannelHandler.java` (commit/rollback of finished labels),
`http/rest/TransactionLoadCoordinatorMgr.java` (label → BE), `http/rest/TransactionResult.java`
(pretty Gson over a HashMap). StarRocks' own regression results pin the statuses:
test/sql/test_stream_load/R/test_stream_load_basic_txn and R/test_stream_load_exception_handling.

* commit of a COMMITTED/VISIBLE label → OK `Transaction <id> has already committed, label is <l>`
* commit of an ABORTED label → FAILED `Can not commit ABORTED transaction <id>, label is <l>`
* rollback of an ABORTED label → OK `Transaction <id> has already aborted, label is <l>`
* rollback of a COMMITTED/VISIBLE label → FAILED `Can not abort <STATE> transaction <id>, label is <l>`
* commit/prepare/rollback of a label the FE never saw → FAILED `No transaction found with db[d] and label[l]`
* load of such a label → FAILED `Can't find the transaction with db [d] and label[l]. ...`
* PREPARE (open) transactions, `begin`, and `load` of a known label → 307 to the label's BE.
FE errors are `{"Status": "FAILED", "Message": "class com.starrocks.common.StarRocksException: <msg>"}`
(`e.getClass() + ": " + e.getMessage()`).
"""
from __future__ import annotations

from typing import Optional, Tuple

from .java_json import gson_pretty
from .labels import ABORTED, COMMITTED, PREPARE, PREPARED, VISIBLE

EXC = "class com.starrocks.common.StarRocksException: "
OPS = ("begin", "prepare", "commit", "rollback", "load")


def result(status: str, message: str, txn_id: Optional[int] = None, label: Optional[str] = None) -> str:
    """TransactionResult.toJson(): result entries first, then Status and Message, in HashMap order."""
    items = []
    if txn_id is not None:
        items.append(("TxnId", txn_id))
    if label is not None:
        items.append(("Label", label))
    items += [("Status", status), ("Message", message)]
    return gson_pretty(items)


def failed(message: str) -> str:
    return result("FAILED", EXC + message)


def answer(srv, op: str, db: str, label: str) -> Tuple[Optional[str], Optional[int]]:
    """(reply JSON, None) when the FE answers itself; (None, be_index) to redirect to that BE."""
    if op not in OPS:
        return failed(f"Unknown transaction operation: {op}"), None
    if not db.strip():
        return failed("No database selected."), None
    if not label.strip():
        return failed("Empty label."), None
    mgr = srv.txn_mgr
    cached = mgr.be_for_label(db, label)
    if op == "begin":
        if cached is None:                               # TransactionLoadCoordinatorMgr.allocate
            cached = srv.choose_be()
            mgr.remember_be(db, label, cached)
        return None, cached
    if op == "load":
        if cached is not None:
            return None, cached
        if not srv.catalog.has_db(db):
            return failed(f"Can't find db[{db}] for label[{label}]. The db may be dropped."), None
        rec = srv.labels.find(db, label)
        if rec is None:
            return failed(f"Can't find the transaction with db [{db}] and label[{label}]. The possible reasons: "
                          f"1. FE leader is started or switched; 2. The transaction timeouts and is cleaned."), None
        return None, rec.be
    # commit / prepare / rollback: TransactionLoadAction.getTxnOperationHandler, then the handler
    if not srv.catalog.has_db(db):
        return failed(f"Database[{db}] does not exist."), None
    rec = srv.labels.find(db, label)
    if rec is None:
        if cached is None:
            return failed(f"No transaction found with db[{db}] and label[{label}]"), None
        return failed(f"No transaction found by label {label}"), None
    be = cached if cached is not None else rec.be
    if op == "prepare" or rec.state in (PREPARE, PREPARED):
        return None, be                                   # the BE owns it (or the 2PC commit/abort)
    if op == "commit":
        if rec.state in (COMMITTED, VISIBLE):
            return result("OK", f"Transaction {rec.txn_id} has already committed, label is {label}",
                          rec.txn_id, label), None
        return failed(f"Can not commit {ABORTED} transaction {rec.txn_id}, label is {label}"), None
    if rec.state == ABORTED:
        return result("OK", f"Transaction {rec.txn_id} has already aborted, label is {label}",
                      rec.txn_id, label), None
    return failed(f"Can not abort {rec.state} transaction {rec.txn_id}, label is {label}"), None
