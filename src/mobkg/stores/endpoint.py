"""One SPARQL server's address, checked, and bounded HTTP exchanges with it.

An :class:`Endpoint` is a checked ``http(s)`` URL: a malformed one (spaces or
control characters, a bad port or IPv6 literal, a query string) is refused when
the store is opened, with :class:`~mobkg.errors.EndpointError` (exit 2).
Credentials in the URL (``https://user:secret@host/``) are sent as HTTP Basic
authentication and never shown: every message and ``repr`` uses
:attr:`Endpoint.display`, ``https://user:***@host/``. (The command line refuses
them; tokens and passwords come from :mod:`mobkg.stores.settings`.)

:func:`exchange` makes one request and reads the whole answer, within limits:

* **deadline**: the whole exchange (connect, send, headers, body) must finish
  within ``deadline`` seconds (default :data:`DEFAULT_DEADLINE`, or the
  ``MOBKG_REMOTE_DEADLINE`` environment variable), however the server drips
  its bytes; ``timeout`` still bounds each silence (connect, one read).
* **size cap**: an answer longer than ``max_bytes`` (default
  :data:`DEFAULT_MAX_RESPONSE_BYTES`, or ``MOBKG_REMOTE_MAX_BYTES``) is refused
  before or while it is read, never buffered beyond the cap.
* **no redirects**: a ``3xx`` is returned as it is, never followed, so a write
  cannot turn into a ``GET`` elsewhere and credentials never go to another host.

Proxy settings from the environment (``http_proxy``...) are not used: mobkg
connects to the server it was given.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import EndpointError, StoreError

__all__ = [
    "Endpoint", "Answer", "parse_endpoint", "exchange", "limits_from_environment", "redact",
    "DEFAULT_DEADLINE", "DEFAULT_MAX_RESPONSE_BYTES", "DEADLINE_ENV", "MAX_RESPONSE_ENV",
]

DEFAULT_DEADLINE = 30.0
"""Seconds one request may take in all, from connecting to the last byte of the answer."""

DEFAULT_MAX_RESPONSE_BYTES = 1 << 30
"""Bytes one answer may have (1 GiB): a whole-store dump of ~2 million quads fits."""

DEADLINE_ENV = "MOBKG_REMOTE_DEADLINE"
MAX_RESPONSE_ENV = "MOBKG_REMOTE_MAX_BYTES"

_CHUNK = 1 << 16
_ERROR_BODY_BYTES = 1 << 16
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")
_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*")
_HOST = re.compile(r"[A-Za-z0-9\-._]+")


@dataclass(frozen=True)
class Endpoint:
    """A server's checked base URL (without credentials) and what to show of it."""

    url: str
    """``scheme://host[:port]/path`` with no credentials, no trailing slash."""
    display: str
    """:attr:`url` with any credentials redacted: what every message shows."""
    authorization: str | None = field(default=None, repr=False)
    """The ``Authorization`` header the URL's credentials make, if it had any."""

    def __repr__(self) -> str:
        return f"Endpoint({self.display!r})"

    def join(self, path: str) -> str:
        """The URL of ``path`` (e.g. ``"query"``) under this endpoint."""
        return f"{self.url}/{path.strip('/')}"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: its status, media type (lower case, no parameters), ``Location``, body and ``Server``."""

    status: int
    reason: str
    media_type: str
    location: str
    body: bytes
    server: str = ""


def parse_endpoint(text: str, *, query_path: str = "query") -> Endpoint:
    """Check an endpoint URL; a trailing ``/<query_path>`` is taken off (it names the same server).

    :raises EndpointError: if ``text`` is not a usable http(s) URL; the message says what to fix.
    """
    shown = redact(text)
    if _UNSAFE.search(text.strip()):
        raise EndpointError(f"{shown!r}: an endpoint URL cannot hold spaces or control characters; "
                            "percent-encode them (%20 for a space)")
    try:
        parts = urllib.parse.urlsplit(text.strip())
        port = parts.port
    except ValueError as error:
        raise EndpointError(f"{shown}: not a valid URL ({error}); give the server's URL, "
                            "e.g. http://127.0.0.1:7878 or http://[::1]:7878") from None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise EndpointError(f"{shown}: not an http(s) URL; give the server's URL, e.g. http://127.0.0.1:7878")
    host = parts.hostname or ""
    netloc = _bracketed(host) + (f":{port}" if port is not None else "")
    display = f"{parts.scheme}://{_redacted_userinfo(parts)}{netloc}"
    if not _valid_host(host):
        raise EndpointError(f"{display}: {host or 'an empty host'!r} is not a host name or IP address; "
                            "check the endpoint URL")
    if port == 0:
        raise EndpointError(f"{display}: port 0 is not a server's port; check the endpoint URL")
    if parts.query or parts.fragment or text.strip().endswith(("?", "#")):
        raise EndpointError(f"{display}: an endpoint URL takes no query string or fragment; "
                            f"give the server's URL, e.g. {parts.scheme}://{netloc}")
    if not _PATH.fullmatch(parts.path):
        raise EndpointError(f"{display}{parts.path}: the path holds characters a URL cannot; percent-encode them")
    path = parts.path.rstrip("/")
    suffix = "/" + query_path.strip("/")
    if query_path.strip("/") and path.endswith(suffix):
        path = path[: -len(suffix)]
    authorization = None
    if parts.username is not None or parts.password is not None:
        user = urllib.parse.unquote(parts.username or "")
        password = urllib.parse.unquote(parts.password or "")
        authorization = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return Endpoint(f"{parts.scheme}://{netloc}{path}", display + path, authorization)


def limits_from_environment(environ: Mapping[str, str] = os.environ) -> tuple[float, int]:
    """The deadline (seconds) and size cap (bytes) set by the environment, else the defaults.

    :raises EndpointError: if a variable is set to something that is not a positive number.
    """
    deadline, max_bytes = DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES
    if raw := environ.get(DEADLINE_ENV, "").strip():
        try:
            deadline = float(raw)
        except ValueError:
            deadline = -1.0
        if not 0 < deadline < float("inf"):
            raise EndpointError(f"{DEADLINE_ENV}={raw!r} is not a number of seconds; set it to e.g. 600")
    if raw := environ.get(MAX_RESPONSE_ENV, "").strip():
        try:
            max_bytes = int(raw)
        except ValueError:
            max_bytes = -1
        if max_bytes <= 0:
            raise EndpointError(f"{MAX_RESPONSE_ENV}={raw!r} is not a number of bytes; set it to e.g. 1073741824")
    return deadline, max_bytes


def exchange(endpoint: Endpoint, method: str, url: str, *, body: bytes | None = None,
             headers: Mapping[str, str] | None = None, timeout: float, deadline: float, max_bytes: int,
             tls: ssl.SSLContext | None = None) -> Answer:
    """Send one request to ``url`` (under ``endpoint``) and read its whole answer, within the limits.

    Any status is returned (a redirect is not followed); for a status that is not 2xx, only the
    first 64 KiB of the body are read. ``https`` is verified with ``tls``, by default the
    system's trust store; an ``Authorization`` in ``headers`` wins over the URL's credentials.

    :raises StoreError: if the server cannot be reached, breaks the protocol, goes silent for
        ``timeout`` seconds, does not finish within ``deadline`` seconds or answers more than
        ``max_bytes`` bytes; the message names the endpoint (credentials redacted).
    """
    parts = urllib.parse.urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = dict(headers or {})
    if endpoint.authorization and "Authorization" not in sent:
        sent["Authorization"] = endpoint.authorization
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=min(timeout, deadline),
                                                 context=tls or ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=min(timeout, deadline))
    watchdog = _Watchdog(deadline)
    started = time.monotonic()
    try:
        with watchdog:
            connection.connect()
            watchdog.watch(connection.sock)
            connection.request(method, target, body=body, headers=sent)
            response = connection.getresponse()
            ok = 200 <= response.status < 300
            data = _read_body(response, max_bytes if ok else _ERROR_BODY_BYTES, endpoint, cap_is_error=ok)
    except StoreError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        if watchdog.expired or time.monotonic() - started >= deadline:
            raise _late(endpoint, deadline) from None
        raise StoreError(f"{endpoint.display}: {_describe(error, timeout)}") from None
    finally:
        connection.close()
    if watchdog.expired:
        raise _late(endpoint, deadline)  # the watchdog cut the body short and the server's framing hid it
    media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    return Answer(response.status, response.reason or "", media_type, response.getheader("Location") or "", data,
                  response.getheader("Server") or "")


# -- helpers ----------------------------------------------------------------------------------

class _Watchdog:
    """Cuts the connection when the deadline passes, wherever the exchange is blocked."""

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            if self.expired:
                raise TimeoutError("deadline passed")
            if sock is not None:
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                try:
                    # socket.socket's own shutdown, also for an SSLSocket: it only cuts the file descriptor.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass


def _read_body(response: http.client.HTTPResponse, limit: int, endpoint: Endpoint, *, cap_is_error: bool) -> bytes:
    declared = response.getheader("Content-Length")
    if cap_is_error and declared and declared.strip().isdigit() and int(declared) > limit:
        raise _too_big(endpoint, limit)
    chunks, size = [], 0
    while size <= limit:
        chunk = response.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        if cap_is_error:
            raise _too_big(endpoint, limit)
        return b"".join(chunks)[:limit]
    return b"".join(chunks)


def _too_big(endpoint: Endpoint, limit: int) -> StoreError:
    return StoreError(f"{endpoint.display}: the answer is larger than {_size(limit)}; "
                      f"raise {MAX_RESPONSE_ENV} (bytes) if the server is right to send that much")


def _late(endpoint: Endpoint, deadline: float) -> StoreError:
    return StoreError(f"{endpoint.display}: no complete answer within {deadline:g} s; is the server overloaded? "
                      f"({DEADLINE_ENV} sets the limit per request)")


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"


def _describe(error: BaseException, timeout: float) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused; is the server running?"
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s; is the server overloaded?"
    if isinstance(error, socket.gaierror):
        return "unknown host; check the endpoint URL"
    if isinstance(error, (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError)):
        return "connection closed by the server before it answered"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error}); check the endpoint URL and the server's certificate"
    if isinstance(error, http.client.IncompleteRead):
        return "the server closed the connection in the middle of its answer"
    if isinstance(error, (http.client.HTTPException, ValueError)):
        return f"not a valid HTTP answer ({type(error).__name__}); is it an HTTP server?"
    text = getattr(error, "strerror", None) or str(error)
    return f"cannot reach the server ({text})"


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _valid_host(host: str) -> bool:
    if not host:
        return False
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    if _HOST.fullmatch(host):
        return all(host.split(".")[:-1]) and len(host) <= 253
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


def _redacted_userinfo(parts: urllib.parse.SplitResult) -> str:
    if parts.password is not None:
        return f"{parts.username}:***@"
    if parts.username is not None:
        return "***@"
    return ""


def redact(text: str) -> str:
    """``text`` (a URL, or something that does not even parse as one) with its password, or a lone
    user name, replaced by ``***``; the last ``@`` before the path ends the userinfo, as for urllib.

    >>> redact("https://ana:s3cr@t@sparql.example/ds")
    'https://ana:***@sparql.example/ds'
    """
    text = text.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    userinfo, at, host = rest[:end].rpartition("@")
    if not at:
        return text
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}://{user + ':' if colon else ''}***@{host}{rest[end:]}"
