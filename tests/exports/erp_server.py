"""A real HTTP server on 127.0.0.1 standing in for the ERP: it checks each delivery's
signature, keeps what it took, and fails on request."""

import hashlib
import hmac
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "erp-feed-test-secret"


@dataclass
class Erp:
    url: str = ""
    received: list[dict] = field(default_factory=list)  # every request, in arrival order
    fail_orders: set[str] = field(default_factory=set)  # answer 503 for these order numbers
    fail_all: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def taken(self) -> list[dict]:
        """What the ERP kept: each event id once, in arrival order (it drops repeats)."""
        seen, kept = set(), []
        for request in self.received:
            if request["status"] == 200 and request["id"] not in seen:
                seen.add(request["id"])
                kept.append(request)
        return kept


def _handler(erp: Erp):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            timestamp = self.headers["X-Store-Timestamp"]
            expected = (
                "sha256="
                + hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            )
            document = json.loads(body)
            signed = hmac.compare_digest(expected, self.headers["X-Store-Signature"])
            failing = erp.fail_all or document["data"].get("order_number") in erp.fail_orders
            status = 401 if not signed else 503 if failing else 200
            with erp.lock:
                erp.received.append(
                    {
                        "id": self.headers["X-Store-Event-Id"],
                        "body": body,
                        "document": document,
                        "signed": signed,
                        "status": status,
                    }
                )
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"try later")

        def log_message(self, *args):
            pass

    return Handler


@contextmanager
def erp_server():
    erp = Erp()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(erp))
    erp.url = f"http://127.0.0.1:{server.server_address[1]}/store-events"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield erp
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
