"""Serve a store over HTTP with the Oxigraph server, so a team can query one graph.

The ``oxigraph`` command comes from the PyPI package ``oxigraph`` (extra
``mobkg[server]``). It opens the same on-disk format as the embedded store, so
``mobkg serve --store DIR`` publishes a store built with ``mobkg build --store
DIR`` as it is (release graphs, and the merged graph as the default graph that
queries read).

Read-only unless asked: by default the server is ``oxigraph serve-read-only``,
which answers every write -- SPARQL UPDATE (``INSERT``, ``DELETE``, ``LOAD``,
``CLEAR``, ``DROP``...) and every Graph Store ``PUT`` / ``POST`` / ``DELETE`` --
with HTTP 403, so nobody who can reach the port can change the graph around the
shapes and the provenance. ``writable=True`` (``mobkg serve --writable``) serves
``oxigraph serve`` instead, for ``mobkg build --endpoint URL``. Either way the
server holds the store's lock, so no other mobkg process writes to the folder
while it is served. It listens on 127.0.0.1 unless ``bind`` says otherwise::

    >>> server_command("mobkg-store", port=7979)[1:]
    ['serve-read-only', '--location', 'mobkg-store', '--bind', '127.0.0.1:7979']
    >>> server_command("mobkg-store", port=7979, writable=True)[1]
    'serve'
"""

from __future__ import annotations

import ctypes
import ctypes.util
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .errors import StoreError
from .stores.folder import StoreFolder

__all__ = ["OxigraphServer", "oxigraph_executable", "server_command", "is_loopback", "DEFAULT_PORT"]

DEFAULT_PORT = 7878


def oxigraph_executable() -> str:
    """Path of the ``oxigraph`` command: next to this Python first, then on ``PATH``.

    :raises StoreError: if the command is not installed.
    """
    name = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("oxigraph")
    if found is None:
        raise StoreError("the oxigraph server is not installed; run: pip install 'mobkg[server]'")
    return found


def server_command(store: str | os.PathLike, *, port: int = DEFAULT_PORT, bind: str = "127.0.0.1",
                   executable: str = "oxigraph", writable: bool = False) -> list[str]:
    """The command line that serves ``store`` on ``bind:port``, read-only unless ``writable``."""
    host = f"[{bind}]" if ":" in bind else bind
    mode = "serve" if writable else "serve-read-only"
    return [executable, mode, "--location", str(store), "--bind", f"{host}:{port}"]


def is_loopback(bind: str) -> bool:
    """Whether ``bind`` is an address only this machine can reach (127.0.0.0/8, ``::1``, ``localhost``).

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if bind.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


class OxigraphServer:
    """An Oxigraph server process over a store folder; a context manager that stops it on exit.

    Read-only (every write refused with HTTP 403) unless ``writable``; a read-only server
    needs a store that exists, a writable one creates a missing folder.

    >>> server = OxigraphServer("mobkg-store", port=7979)
    >>> server.url, server.writable
    ('http://127.0.0.1:7979', False)
    """

    def __init__(self, store: str | os.PathLike, *, port: int = DEFAULT_PORT, bind: str = "127.0.0.1",
                 writable: bool = False):
        self.store = Path(store)
        self.port = port
        self.bind = bind
        self.writable = writable
        host = "127.0.0.1" if bind in {"0.0.0.0", ""} else ("[::1]" if bind == "::" else bind)
        self.url = f"http://{host}:{port}"
        self.process: subprocess.Popen | None = None
        self._log = None
        self._folder: StoreFolder | None = None
        self._served = False

    def start(self, *, attempts: int = 100, interval: float = 0.1) -> OxigraphServer:
        """Start the server and return once it answers queries.

        Polls the query endpoint at most ``attempts`` times, ``interval`` seconds apart.

        :raises StoreError: if the store is not a folder (or, read-only, holds no store yet),
            the command is missing, the server exits (port in use, store locked) or never answers.
        """
        _check_port_free(self.bind, self.port)
        # The same folder rules as the embedded store (a user's folder is refused untouched), and
        # the folder stays locked, by this process, while the server runs: even a read-only
        # server, since RocksDB does not define what a reader sees while another process writes.
        self._folder = StoreFolder.check(self.store, read_only=not self.writable, lock=True)
        try:
            command = server_command(self.store, port=self.port, bind=self.bind, executable=oxigraph_executable(),
                                     writable=self.writable)
            # A file, not a pipe: nobody reads a long-running server's pipe, and a full one would block it.
            self._log = tempfile.TemporaryFile()
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log,
                                            stderr=subprocess.STDOUT, preexec_fn=_die_with_parent(os.getpid()))
        except BaseException:
            self.stop()
            raise
        for _ in range(attempts):
            if self.process.poll() is not None:
                self._log.seek(0)
                message = self._log.read().decode("utf-8", "replace").strip().splitlines()
                self.stop()
                reason = message[-1][:300] if message else "no message"
                raise StoreError(f"{self.url}: the oxigraph server exited at start ({reason}); "
                                 "is the port in use or the store open in another process?")
            if self.answers() and self.process.poll() is None:
                self._served = self.writable  # only a writer adds table files to record
                try:
                    if self.writable:
                        self._folder.mark()
                except StoreError:
                    self.stop()
                    raise
                return self
            time.sleep(interval)
        self.stop()
        raise StoreError(f"{self.url}: the oxigraph server did not answer after {attempts * interval:g} s")

    def answers(self) -> bool:
        """Whether the query endpoint answers an ASK right now."""
        request = urllib.request.Request(
            f"{self.url}/query", data=b"ASK {}", method="POST",
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait(self) -> int:
        """Block until the server exits and return its exit status; Ctrl-C or SIGTERM stop it (status 0)."""
        if self.process is None:
            return 0
        in_main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None
        try:
            return self.process.wait()
        except KeyboardInterrupt:
            self.stop()
            return 0
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous)

    def stop(self, *, grace: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``grace`` seconds) and wait for it."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._folder is not None:
            folder, self._folder = self._folder, None
            if self._served:
                folder.record_tables()  # the server has exited: its table files are final
            self._served = False
            folder.release()

    def __enter__(self) -> OxigraphServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc_info) -> None:
        self.stop()


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int):
    """A ``preexec_fn`` that has the kernel SIGKILL the server when ``parent`` dies (Linux).

    Without it, a ``mobkg serve`` killed with SIGKILL leaves the server running, holding the
    port and the store's lock. Elsewhere (no ``prctl``) this does nothing.
    """
    name = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
    libc = ctypes.CDLL(name, use_errno=True) if name else None

    def preexec() -> None:
        if libc is None:
            return
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec if libc is not None else None


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _check_port_free(bind: str, port: int) -> None:
    """Fail early, with a clear message, when another program already listens on the port.

    :raises StoreError: if ``bind:port`` cannot be bound.
    """
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As servers do: a port whose last connections linger in TIME_WAIT is free to listen on.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((bind, port))
        except OSError as error:
            raise StoreError(f"{bind}:{port}: cannot listen there ({error.strerror or error}); "
                             "is another server running? choose another --port") from None
