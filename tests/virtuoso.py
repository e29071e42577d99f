"""Start and stop a throwaway OpenLink Virtuoso server on loopback (Debian's ``virtuoso-opensource``).

Used by the ``server`` tests of the remote store against a second SPARQL server, and by hand::

    python tests/virtuoso.py        # prints the endpoint URL; Ctrl-C stops the server and deletes its files

The server gets a fresh database in a temporary folder, a generated ``virtuoso.ini``
(HTTP and SQL ports on 127.0.0.1, free ports; no row cap on SPARQL answers, which
Debian's own configuration sets to 10,000), and the ``SPARQL`` account (the one the
``/sparql`` endpoint runs as) is granted ``SPARQL_UPDATE`` through ``isql-vt``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from mobkg.server import _die_with_parent  # the kernel kills the server if this process dies

START_TIMEOUT = 60.0
"""Seconds a server may take to answer its first query (a fresh database takes ~7 s here)."""

STOP_TIMEOUT = 20.0

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 0
MaxQueryExecutionTime = 0
"""


class VirtuosoUnavailable(RuntimeError):
    """Virtuoso is not installed here, or did not start: the reason, in one line."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class VirtuosoServer:
    """A Virtuoso process over a temporary database; a context manager that stops it and deletes its files.

    :raises VirtuosoUnavailable: on entry, if ``virtuoso-t`` or ``isql-vt`` is missing or the
        server does not answer within :data:`START_TIMEOUT` seconds.
    """

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        self.http_port = self.sql_port = 0

    @property
    def url(self) -> str:
        """The SPARQL endpoint, as given to ``mobkg --endpoint``."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def __enter__(self) -> VirtuosoServer:
        server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        if server is None or isql is None:
            raise VirtuosoUnavailable("virtuoso-t / isql-vt not installed (apt-get install virtuoso-opensource)")
        self.folder = Path(tempfile.mkdtemp(prefix="mobkg-virtuoso-"))
        self.http_port, self.sql_port = free_port(), free_port()
        ini = self.folder / "virtuoso.ini"
        ini.write_text(_INI.format(dir=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        log = (self.folder / "stdout.log").open("wb")
        try:
            self.process = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=self.folder,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            preexec_fn=_die_with_parent(os.getpid()))
        finally:
            log.close()
        try:
            self._wait_until_ready()
            grant = subprocess.run([isql, f"127.0.0.1:{self.sql_port}", "dba", "dba",
                                    'exec=grant SPARQL_UPDATE to "SPARQL";'],
                                   capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
            if grant.returncode != 0 or "Error" in grant.stdout + grant.stderr:
                raise VirtuosoUnavailable(f"granting SPARQL_UPDATE failed: {(grant.stdout + grant.stderr).strip()[:200]}")
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_until_ready(self) -> None:
        ask = f"{self.url}?query=ASK%7B%7D"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise VirtuosoUnavailable(f"virtuoso-t exited with status {self.process.returncode}: {self._log_tail()}")
            try:
                with urllib.request.urlopen(ask, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise VirtuosoUnavailable(f"virtuoso-t did not answer within {START_TIMEOUT:g} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            lines = (self.folder / "stdout.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1][:200] if lines else "no log"

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after :data:`STOP_TIMEOUT` s) and delete its files."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the server and deletes its files too
    with VirtuosoServer() as running:
        print(running.url, flush=True)
        try:
            running.process.wait()
        except KeyboardInterrupt:
            pass
