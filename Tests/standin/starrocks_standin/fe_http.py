"""FE HTTP listener (reference §1.2, §5, §10.1) plus the stand-in control endpoints.

PUT /api/{db}/{table}/_stream_load
  1. Basic auth first: missing/bad → 401 + `WWW-Authenticate: Basic realm=""` + RestBaseResult JSON.
  2. HTTP/1.1 without `Expect: 100-continue` → 200 {"Status":"FAILED","Message":"class
     com.starrocks.common.DdlException: There is no 100-continue header"} (HTTP/1.0 skips this).
  3. Unknown database → 200 FAILED "unknown database, database=<db>" (older LoadAction; newer
     FEs redirect anyway and the BE fails the begin – see README).
  4. No backend → 200 FAILED "No backend alive." (fault knob).
  5. 307 to the next BE (round robin), `Location: http://<host>:<be_port><path>[?query]` without
     credentials, `Content-Length: 0`, `Connection: close`; never sends 100 Continue, never reads
     the body, closes the socket.
GET  /api/{db}/get_load_state?label=...     (§5)
POST|PUT /api/transaction/{op}              finished/unknown labels answered here (txn_fe), else 307
                                            to the BE owning the label (begin picks one)
GET|POST|DELETE /_standin/faults, GET /_standin/stats, POST /_standin/stats/reset
"""
from __future__ import annotations

import json

from . import txn_fe
from .faults import FaultError
from .http_common import BaseHandler
from .stream_load import parse_basic_auth

DDL_EXC = "class com.starrocks.common.DdlException: "


def rest_result(msg: str, status: str = "FAILED", code: str = "1") -> str:
    return json.dumps({"status": status, "code": code, "msg": msg, "message": msg})


def txn_result_failed(msg: str) -> str:
    return json.dumps({"Status": "FAILED", "Message": DDL_EXC + msg})


class FEHandler(BaseHandler):
    # ---- auth -----------------------------------------------------------------------------------
    def _auth(self) -> bool:
        """BaseAction.checkPassword: 401 on missing/bad credentials."""
        srv = self.srv
        auth = parse_basic_auth(self.headers.get("Authorization"))
        if auth is None:
            msg = "Need auth information."
        elif not srv.check_password(*auth):
            msg = f"Access denied for {auth[0]}@{self.client_address[0]}"
        else:
            return True
        self.send_json(rest_result(msg), 401, "Unauthorized", close=True,
                       extra=[("WWW-Authenticate", 'Basic realm=""')])
        return False

    def _not_found(self) -> None:
        self.send_text(404, "Not Found", "Not Found", close=True)

    def _head_too_large(self) -> bool:
        """Netty limits of the FE (§1.2): initial line ≤ 4096 bytes (http_max_initial_line_length),
        all headers ≤ 32768 bytes (http_max_header_size). The exact FE answer is UNCONFIRMED;
        the stand-in answers 400 and closes."""
        size = sum(len(k) + len(v) + 4 for k, v in self.headers.items())
        if len(self.requestline) > 4096 or size > 32768:
            self.send_text(400, "Bad Request",
                           f"request head too large (initial line {len(self.requestline)} bytes, "
                           f"headers {size} bytes; limits 4096/32768)", close=True)
            return True
        return False

    # ---- dispatch -------------------------------------------------------------------------------
    def do_PUT(self):
        self.srv.stats.request("fe")
        if self._head_too_large():
            return
        parts, qs, query = self.split_path()
        if len(parts) == 4 and parts[0] == "api" and parts[3] == "_stream_load":
            return self._stream_load(parts[1], parts[2])
        if len(parts) == 3 and parts[:2] == ["api", "transaction"]:
            return self._transaction(parts[2])
        self._not_found()

    def do_POST(self):
        self.srv.stats.request("fe")
        if self._head_too_large():
            return
        parts, qs, query = self.split_path()
        if len(parts) == 3 and parts[:2] == ["api", "transaction"]:
            return self._transaction(parts[2])
        if parts == ["_standin", "faults"]:
            return self._set_faults()
        if parts == ["_standin", "stats", "reset"]:
            self.srv.stats.reset()
            return self.send_json(json.dumps({"ok": True}))
        self._not_found()

    def do_GET(self):
        self.srv.stats.request("fe")
        parts, qs, query = self.split_path()
        if len(parts) == 3 and parts[0] == "api" and parts[2] == "get_load_state":
            return self._get_load_state(parts[1], qs)
        if parts == ["_standin", "faults"]:
            return self.send_json(json.dumps(self.srv.faults.snapshot()))
        if parts == ["_standin", "stats"]:
            return self.send_json(json.dumps(self.srv.stats.snapshot()))
        if parts in (["api", "health"], ["api", "bootstrap"]):
            return self.send_json(json.dumps({"status": "OK", "msg": "Success"}))
        self._not_found()

    def do_DELETE(self):
        self.srv.stats.request("fe")
        parts, qs, query = self.split_path()
        if parts == ["_standin", "faults"]:
            self.srv.faults.clear()
            return self.send_json(json.dumps({"ok": True, "faults": {}}))
        self._not_found()

    def do_HEAD(self):
        self._not_found()

    # ---- handlers -------------------------------------------------------------------------------
    def _redirect(self, be_index: int) -> None:
        """RestBaseAction.redirectTo builds `new URI("http", null, host, port, path, query, null)` in every
        release read: the scheme is `http` even when the FE was reached over HTTPS (--tls-cert), so a
        client on TLS must keep its own scheme and take only host, port and path from Location."""
        host = self.srv.cfg.advertise_host
        port = self.srv.be_ports[be_index]
        self.send_raw(307, "Temporary Redirect",
                      [("Location", f"http://{host}:{port}{self.path}"), ("Content-Length", "0")],
                      b"", close=True)

    def _stream_load(self, db: str, table: str) -> None:
        srv = self.srv
        if not self._auth():
            return
        if self.request_version != "HTTP/1.0" and not self.expects_continue():
            # TODO in the source says it should be 417; it is 200 + FAILED (§1.2 step 2)
            self.send_json(txn_result_failed("There is no 100-continue header"), close=True)
            return
        if not srv.catalog.has_db(db):
            self.send_json(txn_result_failed(f"unknown database, database={db}"), close=True)
            return
        if srv.faults.get("no_backend_alive"):
            self.send_json(txn_result_failed("No backend alive."), close=True)
            return
        self._redirect(srv.choose_be())     # the socket is closed without reading the body

    def _transaction(self, op: str) -> None:
        """TransactionLoadAction: the FE answers finished/unknown labels itself (txn_fe), else 307."""
        srv = self.srv
        if not self._auth():
            return
        if srv.faults.get("no_backend_alive"):
            self.send_json(txn_result_failed("No backend alive."), close=True)
            return
        if op == "list":
            return self._redirect(srv.choose_be())
        reply, be = txn_fe.answer(srv, op, self.headers.get("db") or "", self.headers.get("label") or "")
        if reply is not None:
            self.send_json(reply, close=True)
            return
        self._redirect(be)

    def _get_load_state(self, db: str, qs: dict) -> None:
        srv = self.srv
        if not self._auth():
            return
        label = (qs.get("label") or [""])[0]
        if not label:
            return self.send_json(rest_result("No label selected."))
        if not srv.catalog.has_db(db):
            return self.send_json(rest_result(f"unknown database, database={db}"))
        rec = srv.labels.find(db, label)
        state = rec.state if rec is not None else "UNKNOWN"
        reason = rec.reason if (rec is not None and rec.state == "ABORTED") else ""
        self.send_json(json.dumps({"state": state, "reason": reason, "status": "OK", "code": "0",
                                   "msg": "Success", "message": "OK"}))

    def _set_faults(self) -> None:
        n = self.content_length() or 0
        body = self.rfile.read(n) if n > 0 else b"{}"
        try:
            d = json.loads(body or b"{}")
            self.srv.faults.set(d)
        except (ValueError, FaultError) as e:
            return self.send_json(json.dumps({"ok": False, "error": str(e)}), 400, "Bad Request")
        self.send_json(json.dumps({"ok": True, "faults": self.srv.faults.snapshot()}))
