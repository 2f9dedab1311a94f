"""BE HTTP listener (reference §1.3, §1.4, §3, §4, §10.2).

PUT /api/{db}/{table}/_stream_load              Stream Load (stream_load.StreamLoadJob)
GET|HEAD /api/_load_error_log?file=...          error log text behind ErrorURL
POST|PUT /api/transaction/{begin,prepare,commit,rollback,list}, PUT /api/transaction/load
anything else → 404 "Not Found"
"""
from __future__ import annotations

import json
import time

from .http_common import BadChunk, BaseHandler, BodyIncomplete, BodyTooLarge
from .stream_load import LoadFail, StreamLoadJob


class BEHandler(BaseHandler):
    def _not_found(self):
        self.send_text(404, "Not Found", "Not Found", close=True)

    def _reject_bad_expect(self) -> bool:
        """libevent: an Expect value other than 100-continue → 417 (§1.3, UNCONFIRMED)."""
        e = self.headers.get("Expect")
        if e is not None and e.strip().lower() != "100-continue":
            self.send_text(417, "Expectation Failed", "Expectation Failed", close=True)
            return True
        return False

    def do_PUT(self):
        self.srv.stats.request("be")
        parts, qs, query = self.split_path()
        if len(parts) == 4 and parts[0] == "api" and parts[3] == "_stream_load":
            if self._reject_bad_expect():
                return
            return self._stream_load(parts[1], parts[2])
        if len(parts) == 3 and parts[:2] == ["api", "transaction"]:
            if self._reject_bad_expect():
                return
            return self.srv.txn_mgr.handle(self, parts[2])
        self._not_found()

    def do_POST(self):
        self.srv.stats.request("be")
        parts, qs, query = self.split_path()
        if len(parts) == 3 and parts[:2] == ["api", "transaction"] and parts[2] != "load":
            return self.srv.txn_mgr.handle(self, parts[2])
        self._not_found()

    def do_GET(self):
        self.srv.stats.request("be")
        parts, qs, query = self.split_path()
        if parts == ["api", "_load_error_log"]:
            name = (qs.get("file") or [""])[0]
            text = self.srv.read_error_log(name)
            if text is None:
                return self.send_text(404, "Not Found", "Not Found", close=False)
            return self.send_text(200, "OK", text)
        if parts == ["api", "health"]:
            return self.send_json(json.dumps({"status": "OK", "msg": "To Be Added"}))
        self._not_found()

    def do_HEAD(self):
        parts, qs, query = self.split_path()
        if parts == ["api", "_load_error_log"]:
            name = (qs.get("file") or [""])[0]
            text = self.srv.read_error_log(name)
            code, reason = (200, "OK") if text is not None else (404, "Not Found")
            n = len(text.encode("utf-8")) if text is not None else 0
            self.send_raw(code, reason, [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", str(n))], b"")
            return
        self._not_found()

    # ---- Stream Load ----------------------------------------------------------------------------
    def early_reply(self, text: str) -> None:
        """Reply before the body (no 100 Continue was sent) and close (§1.3)."""
        self.send_json(text, close=True)
        if not self.expects_continue():
            self.drain_unread_body()

    def _stream_load(self, db: str, table: str) -> None:
        self._job = None
        try:
            self._stream_load_inner(db, table)
        except Exception as e:           # a stand-in bug must not leave a txn (and its label) hanging
            job = self._job
            if job is not None and not job.done:
                text = job.fail(f"stand-in internal error: {e!r}")
                self.send_json(text, close=True)
            else:
                self.close_connection = True
            if self.srv.cfg.verbose:
                import traceback
                traceback.print_exc()

    def _stream_load_inner(self, db: str, table: str) -> None:
        srv = self.srv
        cl = self.content_length()
        if cl is not None and cl < 0:
            return self.send_text(400, "Bad Request", "Bad Request: invalid Content-Length", close=True)
        job = StreamLoadJob(srv, self.server.be_index, db, table, self.headers, cl, self.client_address[0])
        self._job = job
        if job.hits.get("http_500_nth") and job.hits.get("param_http_500_phase", "header") == "header":
            job.status, job.message = "Fail", "injected HTTP 500"
            job.done = True
            srv.stats.outcome(db, job.label, -1, "HTTP 500", "injected", False, False, {}, 0)
            self.send_text(500, "Internal Server Error", "Internal Server Error", close=True)
            if not self.expects_continue():
                self.drain_unread_body()
            return
        early = job.start()
        if early is not None:
            return self.early_reply(early)
        if self.expects_continue():
            self.send_continue()
        rate = srv.faults.get("read_rate_bytes_per_s")
        reset_after = None
        if job.hits.get("reset_mid_body_nth"):
            reset_after = job.hits.get("param_reset_after_bytes")
            if reset_after is None:
                reset_after = max(1, (cl or 2) // 2)
        max_bytes = srv.cfg.max_body_mb * 1024 * 1024
        try:
            for chunk in self.iter_body(max_bytes, float(rate) if rate else None,
                                        slice_size=(min(1 << 18, max(1, int(reset_after))) if reset_after else 1 << 18)):
                srv.stats.add_bytes(len(chunk))
                job.feed(chunk)
                if reset_after is not None and job.load_bytes >= reset_after:
                    job.abort("connection reset by stand-in fault reset_mid_body_nth")
                    self.reset_connection()
                    return
        except BodyIncomplete:
            # client disconnect mid-body: rollback, label reusable (§1.4); try to tell a half-closed peer
            text = job.fail("receive body don't equal with body bytes")
            self.send_json(text, close=True)
            return
        except BodyTooLarge:
            job.abort("body too large")
            self.send_text(413, "Request Entity Too Large", "Request Entity Too Large", close=True)
            return
        except BadChunk:
            job.abort("bad chunk")
            self.send_text(400, "Bad Request", "Bad Request", close=True)
            return
        except LoadFail as e:
            # e.g. decompression failure: reply and drop the rest of the body
            self.send_json(job.fail(e.message, e.status), close=True)
            return
        except OSError:
            job.abort("connection error while reading body")
            self.close_connection = True
            return
        if job.hits.get("http_500_nth"):
            job.fail("injected HTTP 500")
            self.send_text(500, "Internal Server Error", "Internal Server Error", close=True)
            return
        text = job.finish()
        stall = srv.faults.get("stall_before_reply_s")
        if stall:
            time.sleep(float(stall))
        self.send_json(text)
