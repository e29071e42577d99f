"""A loopback HTTP proxy for the remote-store tests: in front of a real Oxigraph server, it can ask for
credentials, map a split server's paths onto Oxigraph's, and misbehave on purpose on chosen requests.

Only ever 127.0.0.1: it listens there and forwards only to the server it is given (also loopback).
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import ssl
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


@dataclass
class Proxy:
    url: str
    target: str
    seen: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    """Set when the proxy shuts down: a fault that hangs waits on it."""

    def kinds(self) -> list[str]:
        """``update`` / ``query`` / ... for each request seen, in order."""
        return [r.path.lstrip("/").split("?")[0] for r in self.seen]


# A fault takes the request, a function that forwards it to the real server (and returns its answer)
# and the handler; it answers the client itself, or not at all.
Fault = Callable[[Request, Callable[[], Answer], http.server.BaseHTTPRequestHandler], None]


def forward(target: str, request: Request, path: str, timeout: float = 60) -> Answer:
    parts = urllib.parse.urlsplit(target)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        headers = {name: value for name, value in request.headers.items()
                   if name.lower() in {"content-type", "accept"}}
        connection.request(request.method, path, body=request.body or None, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.getheader("Content-Type") or "", response.read())
    finally:
        connection.close()


def relay(handler: http.server.BaseHTTPRequestHandler, answer: Answer) -> None:
    handler.send_response(answer.status)
    if answer.content_type:
        handler.send_header("Content-Type", answer.content_type)
    handler.send_header("Content-Length", str(len(answer.body)))
    handler.end_headers()
    handler.wfile.write(answer.body)


@contextlib.contextmanager
def proxy(target: str, *, authorization: str | None = None, routes: dict[str, str] | None = None,
          fault: Fault | None = None, faulty: Callable[[Request], bool] = lambda request: True) -> Iterator[Proxy]:
    """A proxy to ``target`` on 127.0.0.1.

    ``authorization``: the only ``Authorization`` header let through; any other gets 401, with a body that
    repeats the header it got (as careless servers do), so that tests can check it is never shown.
    ``routes``: path prefixes to rewrite (``{"/sparql": "/query"}``). ``fault`` handles each request for
    which ``faulty(request)`` holds instead of forwarding it.
    """
    state = Proxy("", target)
    routes = routes or {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            request = Request(self.command, self.path, dict(self.headers), body)
            state.seen.append(request)
            if authorization is not None and self.headers.get("Authorization") != authorization:
                got = self.headers.get("Authorization") or "nothing"
                relay(self, Answer(401, "text/plain", f"denied: got {got}\n".encode()))
                return
            path = self.path
            for prefix, replacement in routes.items():
                if path.startswith(prefix):
                    path = replacement + path[len(prefix):]
                    break
            else:
                if routes:
                    relay(self, Answer(404, "text/plain", b"no such path here"))
                    return
            forwarded = lambda: forward(target, request, path)  # noqa: E731
            if fault is not None and faulty(request):
                fault(request, forwarded, self)
            else:
                relay(self, forwarded())

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def fixed_answer_server(body: bytes, content_type: str, *, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """A loopback server answering every GET and POST with ``body``; yields its base URL (https with ``tls``)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
