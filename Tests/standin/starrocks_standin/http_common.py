"""HTTP plumbing shared by the FE and BE listeners (stdlib http.server, one thread per
connection). Responses are written by hand so status lines, headers and `100 Continue` are under
full control; `disable_nagle_algorithm` avoids the 40 ms delayed-ACK stall (test-bed.md)."""
from __future__ import annotations

import socket
import ssl
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit


class BodyIncomplete(Exception):
    """The client closed (or reset) before the declared body arrived."""

    def __init__(self, received: int):
        super().__init__(f"received {received} bytes")
        self.received = received


class BodyTooLarge(Exception):
    pass


class BadChunk(Exception):
    pass


class StandinHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, addr, handler, srv, role: str, be_index: int = -1, tls=None):
        self.srv = srv
        self.role = role
        self.be_index = be_index
        self.tls = tls                       # ssl.SSLContext: this port speaks HTTPS only
        super().__init__(addr, handler)

    def finish_request(self, request, client_address):
        """Runs on the connection's own thread, so a slow TLS handshake blocks nobody else."""
        if self.tls is None:
            return super().finish_request(request, client_address)
        try:
            request.settimeout(30)
            conn = self.tls.wrap_socket(request, server_side=True)
            conn.settimeout(None)
        except (ssl.SSLError, OSError):
            return                              # a plain-HTTP client or a failed handshake: just close
        try:
            super().finish_request(conn, client_address)
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if self.srv.cfg.verbose:
            super().handle_error(request, client_address)


class BaseHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: StandinHTTPServer

    # Never let http.server answer `Expect: 100-continue` by itself: the FE never sends it and
    # the BE sends it only after header validation succeeded (§1.2, §1.3).
    def handle_expect_100(self):
        return True

    def log_message(self, fmt, *args):
        if self.server.srv.cfg.verbose:
            sys.stderr.write(f"[{self.server.role}] {self.address_string()} {fmt % args}\n")

    @property
    def srv(self):
        return self.server.srv

    # ---- request helpers ------------------------------------------------------------------------
    def split_path(self) -> Tuple[List[str], dict, str]:
        u = urlsplit(self.path)
        parts = [unquote(p) for p in u.path.split("/") if p != ""]
        return parts, parse_qs(u.query, keep_blank_values=True), u.query

    def content_length(self) -> Optional[int]:
        v = self.headers.get("Content-Length")
        if v is None:
            return None
        try:
            return int(v.strip())
        except ValueError:
            return -1

    def is_chunked(self) -> bool:
        return "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()

    def expects_continue(self) -> bool:
        return (self.headers.get("Expect") or "").strip().lower() == "100-continue"

    # ---- response helpers -----------------------------------------------------------------------
    def send_raw(self, code: int, reason: str, headers: List[Tuple[str, str]], body: bytes = b"",
                 close: bool = False) -> None:
        lines = [f"HTTP/1.1 {code} {reason}"]
        has_len = False
        for k, v in headers:
            if k.lower() == "content-length":
                has_len = True
            lines.append(f"{k}: {v}")
        if not has_len:
            lines.append(f"Content-Length: {len(body)}")
        if close:
            lines.append("Connection: close")
            self.close_connection = True
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.wfile.write(head + body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def send_text(self, code: int, reason: str, text: str, ctype: str = "text/plain; charset=utf-8",
                  close: bool = False, extra: Optional[List[Tuple[str, str]]] = None) -> None:
        self.send_raw(code, reason, [("Content-Type", ctype)] + (extra or []), text.encode("utf-8"), close)

    def send_json(self, text: str, code: int = 200, reason: str = "OK", close: bool = False,
                  extra: Optional[List[Tuple[str, str]]] = None) -> None:
        self.send_text(code, reason, text, "application/json; charset=utf-8", close, extra)

    def send_continue(self) -> None:
        try:
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def reset_connection(self) -> None:
        """Abort the TCP connection with RST (SO_LINGER 0)."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def drain_unread_body(self, limit: int = 64 * 1024 * 1024, timeout: float = 2.0) -> None:
        """After an early reply to a client that is sending a body without waiting for
        100-continue, read and drop what it sends so that our close does not turn into a RST that
        could destroy the reply in flight."""
        n = self.content_length()
        if n is None or n <= 0 or n > limit or self.is_chunked():
            return
        try:
            self.connection.settimeout(timeout)
            left = n
            while left > 0:
                d = self.rfile.read1(min(left, 1 << 16))
                if not d:
                    break
                left -= len(d)
        except OSError:
            pass

    # ---- body reading ---------------------------------------------------------------------------
    def iter_body(self, max_bytes: int, rate: Optional[float] = None, slice_size: int = 1 << 18) -> Iterator[bytes]:
        """Yield the request body (Content-Length or chunked). Raises BodyIncomplete when the peer
        goes away early, BodyTooLarge when a chunked body grows past max_bytes."""
        if rate:
            slice_size = max(1024, min(slice_size, int(rate / 20) or 1024))
        t0 = time.monotonic()
        sent = 0

        def pace(n):
            nonlocal sent
            if rate:
                sent += n
                ahead = sent / rate - (time.monotonic() - t0)
                if ahead > 0:
                    time.sleep(ahead)

        rf = self.rfile
        if self.is_chunked():
            total = 0
            while True:
                line = rf.readline(65537)
                if not line:
                    raise BodyIncomplete(total)
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise BadChunk(line[:40])
                if size == 0:
                    while True:                      # trailers
                        t = rf.readline(65537)
                        if not t:
                            raise BodyIncomplete(total)
                        if t in (b"\r\n", b"\n"):
                            break
                    return
                if total + size > max_bytes:
                    raise BodyTooLarge()
                left = size
                while left > 0:
                    d = rf.read1(min(left, slice_size))
                    if not d:
                        raise BodyIncomplete(total)
                    left -= len(d)
                    total += len(d)
                    pace(len(d))
                    yield d
                crlf = rf.readline(65537)
                if not crlf:
                    raise BodyIncomplete(total)
            return
        n = self.content_length()
        if not n or n <= 0:
            return
        left = n
        while left > 0:
            d = rf.read1(min(left, slice_size))
            if not d:
                raise BodyIncomplete(n - left)
            left -= len(d)
            pace(len(d))
            yield d


def start_http_server(srv, host: str, port: int, handler, role: str, be_index: int = -1) -> StandinHTTPServer:
    return StandinHTTPServer((host, port), handler, srv, role, be_index)
