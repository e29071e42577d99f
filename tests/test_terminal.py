"""The CLI in a real pseudo-terminal, as a user runs it (captured output hides progress-bar bugs).

Each command runs as a child process whose stdin, stdout and stderr are the slave
end of a pty, so ``isatty()`` is true and tqdm draws its bar; the test reads
everything the terminal would have shown.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MOBKG = [sys.executable, "-c", "from mobkg.cli import main; main()"]


def in_terminal(*args: str, timeout: float = 120) -> tuple[int, str]:
    """Run ``mobkg ARGS`` on a 100-column pseudo-terminal; return its exit status and what it showed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen([*MOBKG, *args], stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, close_fds=True)
    os.close(slave)
    shown = b""
    try:
        while select.select([master], [], [], timeout)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
        status = process.wait(timeout=30)
    return status, shown.decode("utf-8", "replace")


def frames(shown: str, prefix: str) -> list[str]:
    """The successive states of the bar whose description is ``prefix``."""
    return [f for f in re.split(r"[\r\n]", shown) if f.startswith(prefix + ":")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    store = tmp_path_factory.mktemp("pty") / "store"
    # Many copies of the examples so that the build lasts long enough for the bar to be drawn.
    corpus = tmp_path_factory.mktemp("pty-corpus")
    for index in range(12):
        folder = corpus / f"copy{index}"
        folder.mkdir()
        for path in EXAMPLES.iterdir():
            if path.suffix in {".txt", ".html", ".md", ".xml"}:
                text = path.read_text(encoding="utf-8")
                # Another headline per copy, so each copy is a release of its own.
                (folder / path.name).write_text(text.replace("Valmora", f"Valmora{index}"), encoding="utf-8")
    status, shown = in_terminal("build", str(corpus), "--store", str(store))
    return store, corpus, status, shown


def test_build_in_a_terminal_shows_a_bar_of_files_done_out_of_the_total(built):
    store, corpus, status, shown = built
    total = sum(1 for p in corpus.rglob("*.*") if p.name.lower() != "readme.md")
    assert status == 0, shown
    assert "Traceback" not in shown
    states = frames(shown, "building")
    assert states, shown
    counts = [tuple(map(int, m.groups())) for s in states if (m := re.search(r"\| *(\d+)/(\d+) \[", s))]
    assert counts and all(of == total for _, of in counts)
    done = [d for d, _ in counts]
    assert done == sorted(done) and max(done) <= total  # never overcounts, never goes back
    assert any(re.search(r"<\d\d:\d\d", s) for s in states)  # an ETA
    assert re.search(r"\d+ releases read from %d files: \d+ written" % total, shown)


def test_validate_in_a_terminal_shows_progress_and_exits_0(built):
    store, _, _, _ = built
    from mobkg import open_store

    opened = open_store(str(store), read_only=True)
    try:
        graphs = len(opened.graph_names())
    finally:
        opened.close()
    status, shown = in_terminal("validate", "--store", str(store))
    assert status == 0 and "Traceback" not in shown
    counts = [tuple(map(int, m.groups())) for s in frames(shown, "validating")
              if (m := re.search(r"\| *(\d+)/(\d+) \[", s))]
    assert counts and {of for _, of in counts} == {graphs}, shown  # graphs done out of the store's graphs
    assert [done for done, _ in counts] == sorted(done for done, _ in counts)
    # the bar is erased before the summary, which is the last line and stands alone on it
    *before, last = shown.rstrip("\r\n").split("\r")
    assert last.lstrip("\n") == f"conforms: {graphs} release graphs validated"
    assert before and before[-1].strip() == ""


def test_piped_output_has_no_bar(built, tmp_path):
    run = subprocess.run([*MOBKG, "build", str(EXAMPLES), "--store", str(tmp_path / "s")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "building:" not in run.stderr and "\r" not in run.stdout + run.stderr
    assert "releases read from" in run.stdout
