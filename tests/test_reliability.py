"""Try to break mobkg: bad input, partial failure, crashes, concurrent builds, injection.

Every failure must keep the same promises: a documented exit code (1 failure,
2 usage, 3 shapes violated), exactly one line on stderr naming the file and the
reason, no traceback, and a store whose N-Quads dump is byte-for-byte what it
was. After a SIGKILL the store opens, validates, and holds only complete
release graphs. All inputs are generated here; format-level cases of the
readers are in ``test_readers.py``.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from mobkg import EntityType, entity_iri, ingest, release_iri, run_query, saved_queries
from mobkg.extract.normalise import slug
from mobkg.ingestion import release_graph
from mobkg.readers import read_release_file
from mobkg.vocab import SCHEMA
from conftest import opened_store as opened, run_mobkg as mobkg

GOOD_RELEASE = """Kestrova Motors Opens Battery Plant in Lyon

LYON, France, March 4, 2025 /PRNewswire/ -- Kestrova Motors, the electric van maker, today opened a \
battery plant in Lyon that will supply its Kestrova Vela van.

"This plant brings our cells close to our customers," said Ines Calloway, Chief Executive Officer of Kestrova Motors.

Kestrova Motors is a member of the Open Charge Europe Alliance.
"""

COMPANIES = ["Brightwater Motors", "Kestrel Mobility", "Nordlys Batteries", "Orvane Automotive", "Tessaly Charging",
             "Quillon Robotics", "Marrowby Trucks", "Altavia Aerospace", "Solberg Cells", "Vireo Transit"]
PLACES = [("LYON", "France"), ("GRAZ", "Austria"), ("PORTO", "Portugal"), ("OSAKA", "Japan"), ("TAMPERE", "Finland")]
PEOPLE = ["Ines Calloway", "Tomas Verhoek", "Priya Anand", "Lukas Brenner", "Mei Tanaka"]
MONTHS = ["January", "February", "March", "April", "May", "June",
          "July", "August", "September", "October", "November", "December"]


def release_text(number: int) -> str:
    """A small wire release, different for every ``number`` (its headline names it)."""
    company, partner = COMPANIES[number % 10], COMPANIES[(number * 7 + 3) % 10]
    if partner == company:
        partner = COMPANIES[(number + 1) % 10]
    city, country = PLACES[number % 5]
    return (
        f"{company} and {partner} Sign Supply Agreement Number {number}\n\n"
        f"{city}, {country}, {MONTHS[number % 12]} {1 + number % 28}, 2025 /PRNewswire/ -- {company} today signed "
        f"a supply agreement with {partner} covering battery modules for its plant in {city.title()}.\n\n"
        f"The agreement, number {number} of its kind, runs for five years.\n\n"
        f"\"This deal strengthens our supply chain,\" said {PEOPLE[number % 5]}, "
        f"Chief Executive Officer of {company}.\n"
    )


def write_corpus(folder: Path, numbers) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in numbers:
        path = folder / f"release-{number:04d}.txt"
        path.write_text(release_text(number), encoding="utf-8")
        paths.append(path)
    return paths


def dump(path: Path) -> bytes:
    with opened(path) as store:
        return store.dump_nquads()


def graph_names(path: Path) -> set[str]:
    with opened(path) as store:
        return set(store.graph_names())


def assert_one_error_line(result, *expected: str) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    for part in expected:
        assert part in lines[0]
    return lines[0]


@pytest.fixture
def seeded(tmp_path):
    """A store holding one good release, and its dump."""
    good = tmp_path / "good" / "kestrova.txt"
    good.parent.mkdir()
    good.write_text(GOOD_RELEASE, encoding="utf-8")
    store = tmp_path / "store"
    assert mobkg("build", good, "--store", store).exit_code == 0
    before = dump(store)
    assert before, "the seed release wrote nothing"
    return store, before


# --- the bad-input matrix ------------------------------------------------------------------------
# Each maker writes its input under ``base`` and returns (paths to build, the name the error
# must show, what the reason must say). Every case exits 1: a release that cannot be read.

def _file(base: Path, name: str, data: bytes) -> Path:
    path = base / name
    path.write_bytes(data)
    return path


def _one(name: str, data: bytes, reason: str):
    return lambda base: ([_file(base, name, data)], name, reason)


def _sparse_200mb(base: Path):
    path = base / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    return [path], "huge.txt", "files larger than 50 MiB are refused"


def _page_50mb(base: Path):
    path = base / "huge-page.html"
    chunk = b"<p>Kestrova Motors opened another charging hub today, the company said in Lyon.</p>\n" * 1000
    with path.open("wb") as handle:
        handle.write(b"<!DOCTYPE html><html><body><article>")
        while handle.tell() < 50 * 1000 * 1000:
            handle.write(chunk)
    return [path], "huge-page.html", "single releases larger than 5 MiB are refused"


def _nested_divs(base: Path):
    page = "<html><body>" + "<div>Kestrova Motors opened a plant in Lyon. " * 100_000 + "</body></html>"
    return [_file(base, "nested.html", page.encode())], "nested.html", "levels deep"


def _folder_in_list(base: Path):
    good = _file(base, "fine.txt", GOOD_RELEASE.encode())
    (base / "looks-like.txt").mkdir()
    return [good, base / "looks-like.txt"], "looks-like.txt", "holds no release files"


def _fifo(base: Path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs POSIX FIFOs")
    os.mkfifo(base / "pipe.txt")
    return [base / "pipe.txt"], "pipe.txt", "not a regular file"


def _unreadable(base: Path):
    path = _file(base, "secret.txt", GOOD_RELEASE.encode())
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not deny reads")
    return [path], "secret.txt", "permission denied"


def _newline_in_name(base: Path):
    return [_file(base, "two\nlines.txt", b"")], "two\\nlines.txt", "empty"


BOMB = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8))
        + ']><rss version="2.0"><channel><title>&i;</title><item><title>&i;</title><description>x</description>'
        "</item></channel></rss>")
XXE = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0">'
       "<channel><title>News</title><item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>")

BAD_INPUTS = {
    "empty": _one("empty.txt", b"", "file is empty"),
    "whitespace": _one("blank.txt", b" \n\t\n   \r\n", "file is empty"),
    "random-bytes": _one("noise.txt", random.Random(1).randbytes(50_000), "binary file"),
    "nul-bytes": _one("nul.txt", b"Kestrova Motors\x00 opened a plant.\n" * 50, "binary file"),
    "invalid-utf8": _one("damaged.txt", "Renée Müller of Citroën said.\n".encode() * 5 + b"\xff\xfe cut \xe2\x82",
                         "damaged UTF-8"),
    "html-deeply-nested": _nested_divs,
    "200mb-sparse": _sparse_200mb,
    "50mb-page": _page_50mb,
    "billion-laughs": _one("bomb.rss", BOMB.encode(), "possible XML bomb"),
    "external-entity": _one("xxe.rss", XXE.encode(), "possible XML bomb"),
    "rss-zero-items": _one("none.rss", b'<rss version="2.0"><channel><title>News</title></channel></rss>',
                           "feed has no items"),
    "malformed-feed": _one("broken.rss", b'<rss version="2.0"><channel><item><title>x</channel>', "malformed XML"),
    "folder-in-list": _folder_in_list,
    "fifo": _fifo,
    "unreadable": _unreadable,
    "newline-in-name": _newline_in_name,
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_fails_cleanly_and_leaves_the_store_alone(tmp_path, seeded, case):
    store, before = seeded
    base = tmp_path / "input"
    base.mkdir()
    paths, name, reason = BAD_INPUTS[case](base)
    try:
        result = mobkg("build", *paths, "--store", store)
    finally:
        for path in paths:
            if path.exists() and not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
    assert result.exit_code == 1
    assert_one_error_line(result, name, reason)
    assert dump(store) == before


ACCENTED_RELEASE = GOOD_RELEASE.replace("Opens", "Öffnet").replace("Ines Calloway", "Renée Müller")


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_odd_but_readable_encodings_build(tmp_path, encoding):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(ACCENTED_RELEASE.encode(encoding))
    store = tmp_path / "store"
    assert mobkg("build", path, "--store", store).exit_code == 0
    with opened(store) as opened_store:
        (name,) = opened_store.graph_names()
        graph = opened_store.graph(name)
    assert {str(o) for o in graph.objects(None, SCHEMA.headline)} == {"Kestrova Motors Öffnet Battery Plant in Lyon"}
    assert any(str(o) == "Renée Müller" for _, _, o in graph)


# --- partial failure -----------------------------------------------------------------------------

@pytest.fixture
def nine_good_one_bad(tmp_path):
    folder = tmp_path / "releases"
    good = write_corpus(folder, range(9))
    bad = folder / "release-0004b.txt"
    bad.write_bytes(b"\x00\x01\x02 not a release")
    return folder, good, bad


def test_one_bad_file_writes_nothing(tmp_path, seeded, nine_good_one_bad):
    store, before = seeded
    folder, _, bad = nine_good_one_bad
    result = mobkg("build", folder, "--store", store)
    assert result.exit_code == 1
    assert_one_error_line(result, str(bad), "binary file")
    assert dump(store) == before


def test_skip_bad_writes_the_good_ones_and_reports_the_bad_one(tmp_path, seeded, nine_good_one_bad):
    store, _ = seeded
    folder, good, bad = nine_good_one_bad
    seed_graphs = graph_names(store)
    result = mobkg("build", folder, "--store", store, "--skip-bad")
    assert result.exit_code == 0
    assert_one_error_line(result, "skipped", str(bad), "binary file")
    expected = {str(uri) for uri in release_iris(good)}
    assert len(expected) == 9
    assert graph_names(store) == seed_graphs | expected


@pytest.mark.parametrize("skip_bad", [False, True])
def test_parallel_build_reports_a_bad_file(tmp_path, seeded, nine_good_one_bad, skip_bad):
    """Workers hand errors to the parent by pickle; an error that does not survive it hung the build."""
    store, before = seeded
    folder, good, bad = nine_good_one_bad
    args = ["build", str(folder), "--store", str(store), "--jobs", "2"] + (["--skip-bad"] if skip_bad else [])
    process = subprocess.run([*_mobkg_command(), *args], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in process.stderr
    assert len(process.stderr.splitlines()) == 1 and str(bad) in process.stderr
    if skip_bad:
        assert process.returncode == 0
        assert graph_names(store) >= {str(uri) for uri in release_iris(good)}
    else:
        assert process.returncode == 1
        assert dump(store) == before


def release_iris(paths) -> list[URIRef]:
    return [release_iri(r) for p in paths for r in read_release_file(p)]


def clean_graphs(paths) -> dict[str, Graph]:
    """The graph a clean build makes of each release in ``paths``, by graph name."""
    return {str(release_iri(r)): release_graph(r) for p in paths for r in read_release_file(p)}


# --- queries and stores that are wrong -----------------------------------------------------------

@pytest.mark.parametrize(
    "query, reason",
    [
        ("SELECT ?s WHERE { ?s ?p ", "SPARQL syntax error"),
        ("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .", "SPARQL syntax error"),
        ("DROP ALL", "UPDATE is not allowed"),
        ("PREFIX ex: <http://example.org/>\n# a comment\nINSERT DATA { ex:a ex:b ex:c }", "UPDATE is not allowed"),
        ("SELECT * WHERE { ?s ?p ?o } ; DROP ALL", "SPARQL syntax error"),
        ("missing-query.rq", "no such query file"),
    ],
)
def test_bad_query_exits_2_and_changes_nothing(seeded, query, reason):
    store, before = seeded
    result = mobkg("query", query, "--store", store)
    assert result.exit_code == 2
    assert_one_error_line(result, reason)
    assert dump(store) == before


def test_turtle_in_a_query_file_exits_2(tmp_path, seeded):
    store, before = seeded
    path = tmp_path / "not-sparql.rq"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b \"c\" .\n", encoding="utf-8")
    result = mobkg("query", path, "--store", store)
    assert result.exit_code == 2
    assert_one_error_line(result, "SPARQL syntax error")
    assert dump(store) == before


def _fifo_query(path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs POSIX FIFOs")
    os.mkfifo(path)


def _sparse_query(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)


BAD_QUERY_FILES = {
    "folder": (Path.mkdir, "not a regular file"),
    "fifo": (_fifo_query, "not a regular file"),
    "too-large": (_sparse_query, "larger than 1024 KiB"),
    "not-utf8": (lambda path: path.write_bytes(b"SELECT * WHERE { ?s ?p \xff }"), "cannot read query file"),
}


@pytest.mark.parametrize("case", BAD_QUERY_FILES)
def test_bad_query_file_exits_2(tmp_path, seeded, case):
    store, before = seeded
    make, reason = BAD_QUERY_FILES[case]
    path = tmp_path / f"{case}.rq"
    make(path)
    result = mobkg("query", path, "--store", store)
    assert result.exit_code == 2
    assert_one_error_line(result, path.name, reason)
    assert dump(store) == before


def _store_missing_manifest(base: Path) -> Path:
    store = base / "broken-store"
    store.mkdir()
    (store / "CURRENT").write_text("MANIFEST-999999\n")
    return store


def _store_with_garbage(base: Path) -> Path:
    store = base / "garbage-store"
    store.mkdir()
    (store / "CURRENT").write_bytes(random.Random(3).randbytes(64))
    return store


def _store_with_damaged_manifest(base: Path) -> Path:
    store = base / "damaged-store"
    release = base / "seed.txt"
    release.write_text(GOOD_RELEASE, encoding="utf-8")
    assert mobkg("build", release, "--store", store).exit_code == 0
    for manifest in store.glob("MANIFEST-*"):
        manifest.write_bytes(random.Random(4).randbytes(manifest.stat().st_size or 64))
    return store


BROKEN_STORES = {"missing-manifest": _store_missing_manifest, "garbage": _store_with_garbage,
                 "damaged-manifest": _store_with_damaged_manifest}


def _file_as_store(base: Path) -> Path:
    path = base / "store.txt"
    path.write_text("not a store")
    return path


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda base: base / "absent-store", "no store here"),
        *((make, "store (") for make in BROKEN_STORES.values()),
        (_file_as_store, "not a store folder"),
    ],
    ids=["absent", *BROKEN_STORES, "a-file"],
)
@pytest.mark.parametrize("command", [["validate"], ["query", "SELECT * WHERE { ?s ?p ?o }"]])
def test_commands_on_a_missing_or_broken_store_exit_1(tmp_path, make, reason, command):
    store = make(tmp_path)
    result = mobkg(*command, "--store", store)
    assert result.exit_code == 1
    assert_one_error_line(result, str(store), reason)


@pytest.mark.parametrize("broken", BROKEN_STORES)
def test_build_into_a_broken_store_exits_1(tmp_path, broken):
    store = BROKEN_STORES[broken](tmp_path)
    release = tmp_path / "good.txt"
    release.write_text(GOOD_RELEASE, encoding="utf-8")
    result = mobkg("build", release, "--store", store)
    assert result.exit_code == 1
    assert_one_error_line(result, str(store), "store (")


# --- injection -----------------------------------------------------------------------------------

HOSTILE_RELEASE = """Acme<script> Motors Names Jane "Drop" O'Hara } ; DROP ALL ; # Chief Executive

LYON, France, March 4, 2025 /PRNewswire/ -- Acme<script> Motors today said Jane "Drop" O'Hara, CEO of \
Acme<script> Motors, will lead the company from Lyon.

"SELECT * WHERE { ?s ?p ?o } ; DROP ALL ; INSERT DATA { <a> <b> <c> }", said Jane "Drop" O'Hara, \
Chief Executive Officer of Acme<script> Motors.

\u13aa\u0441m\u0435 Motors (look-alike letters) and Acme Motors\u202e GmbH signed a partnership with \
Brightwater Motors > Ltd. and with "Quote\\" Motors.

Its new <b>Orbit</b> van uses the "}} UNION {{" platform, said Tom O'Neil, head of sales at Acme Motors.
"""

ENTITY_IRI = re.compile(r"^https://w3id\.org/mobkg/id/[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*$")


def test_hostile_names_in_a_release_stay_literals_and_safe_iris(tmp_path):
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE_RELEASE, encoding="utf-8")
    store = tmp_path / "store"
    assert mobkg("build", path, "--store", store).exit_code == 0
    assert mobkg("validate", "--store", store).exit_code == 0
    with opened(store) as opened_store:
        (name,) = opened_store.graph_names()
        graph = opened_store.graph(name)
    assert {str(o) for o in graph.objects(None, SCHEMA.headline)} == {HOSTILE_RELEASE.splitlines()[0]}
    entities = {s for s in graph.subjects() if str(s).startswith("https://w3id.org/mobkg/id/")}
    assert entities, "the extractor found no entity at all"
    for entity in entities:
        assert ENTITY_IRI.match(str(entity)), entity


def test_hostile_link_in_a_feed_becomes_a_safe_iri(tmp_path):
    feed = tmp_path / "news.rss"
    feed.write_text(
        '<rss version="2.0"><channel><title>News</title><item><title>Kestrova Opens Plant</title>'
        "<link>https://kestrova.example/a b&gt; &lt;x&gt; . } ; DROP ALL ; #</link>"
        "<description>LYON, France, March 4, 2025 -- Kestrova Motors opened a plant in Lyon.</description>"
        "</item></channel></rss>", encoding="utf-8")
    store = tmp_path / "store"
    assert mobkg("build", feed, "--store", store).exit_code == 0
    assert mobkg("validate", "--store", store).exit_code == 0
    with opened(store) as opened_store:
        iris = {str(t) for q in opened_store.dump_nquads().decode().splitlines() for t in re.findall(r"<([^>]*)>", q)}
    assert "https://kestrova.example/a%20b%3E%20%3Cx%3E%20.%20%7D%20;%20DROP%20ALL%20;%20#" in iris


HOSTILE_VALUE = 'x" } ; DROP ALL ; #'
PARAMETRISED = sorted(name for name, saved in saved_queries().items() if saved.params)


@pytest.mark.parametrize("query", PARAMETRISED)
def test_query_parameters_cannot_change_a_query(tmp_path, seeded, query):
    store, before = seeded
    saved = saved_queries()[query]
    params = dict.fromkeys(saved.params, HOSTILE_VALUE)
    result = mobkg("query", query, *[f"--param={k}={v}" for k, v in params.items()], "--store", store)
    if set(params) <= saved.text_params:
        assert result.exit_code == 0
        with opened(store) as opened_store:
            assert run_query(opened_store, query, params).rows == []
    else:  # the value names no entity: said so (exit 2), never run as part of the query
        assert result.exit_code == 2 and "no entity is named" in result.output
    assert dump(store) == before


def test_query_parameter_still_matches_a_real_name(seeded):
    """The control for the test above: the same mechanism finds what is there."""
    store, _ = seeded
    with opened(store) as opened_store:
        rows = run_query(opened_store, "find-entity", {"text": "kestrova"}).rows
    assert rows


HOSTILE_NAMES = [
    'Jane "Drop" O\'Hara', "Acme<script> Motors", "} ; DROP ALL ; #", "line\nbreak\r\ttab", "SELECT * WHERE",
    "\u13aa\u0441m\u0435 Motors", "Acme\u202e Motors", "Zero\u200bwidth", "   ", "", "\"<>\"", "\\u0022 escaped",
    "日本自動車", "Ωmega ∑ Motors", "\ud83d\ude97 Car Co", "a" * 5000,
]


def assert_safe_entity_iri(name: str) -> None:
    for entity_type in EntityType:
        iri = str(entity_iri(entity_type, name))
        assert ENTITY_IRI.match(iri), (name, iri)
        ox.NamedNode(iri)  # raises ValueError if it is not a valid IRI


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_entity_iris_of_hostile_names_are_safe(name):
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug(name)), slug(name)
    assert_safe_entity_iri(name)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_entity_iris_of_any_text_are_safe(name):
    assert_safe_entity_iri(name)


def test_different_hostile_names_get_different_iris():
    names = ["\u13aa\u0441m\u0435 Motors", "Acme Motors", "日本自動車", "日本自動", "Ωmega", "Ωmegа"]
    assert len({entity_iri(EntityType.COMPANY, n) for n in names}) == len(names)


# --- crash safety and concurrency (subprocesses) ------------------------------------------------

def _mobkg_command() -> list[str]:
    script = Path(sys.executable).with_name("mobkg")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from mobkg.cli import main; main()"]


def _holds_lock(pid: int, store: Path) -> bool:
    """Whether process ``pid`` holds the RocksDB lock of ``store`` (Linux /proc/locks)."""
    try:
        inode = (store / "LOCK").stat().st_ino
        locks = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return False
    return any(
        len(fields) > 5 and fields[4] == str(pid) and fields[5].endswith(f":{inode}")
        for fields in (line.split() for line in locks)
    )


def _start_build(corpus: Path, store: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*_mobkg_command(), "build", str(corpus), "--store", str(store), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_until_locked(process: subprocess.Popen, store: Path) -> bool:
    """Poll until the build holds the store's lock (it is about to write); False if it exited first."""
    while process.poll() is None:
        if _holds_lock(process.pid, store):
            return True
        time.sleep(0.002)
    return False


def _same_graph(got: Graph, expected: Graph) -> bool:
    if any(isinstance(term, BNode) for triple in expected for term in triple):
        return isomorphic(got, expected)
    return set(got) == set(expected)  # without blank nodes, isomorphism is equality of the triple sets


def _check_store(store: Path, expected: dict[str, Graph]) -> set[str]:
    """The store opens, validates, and every graph in it is complete; returns the names present."""
    with opened(store) as opened_store:
        names = set(opened_store.graph_names())
        assert names <= set(expected), f"unexpected graphs: {sorted(names - set(expected))[:3]}"
        for name in names:
            assert _same_graph(opened_store.graph(name), expected[name]), f"torn graph {name}"
    result = mobkg("validate", "--store", store)
    assert result.exit_code == 0, result.output
    return names


needs_proc = pytest.mark.skipif(not Path("/proc/locks").is_file(), reason="polls /proc/locks (Linux)")


@pytest.fixture(scope="module")
def corpus_300(tmp_path_factory):
    """300 generated releases and the graphs a clean (uninterrupted) CLI build makes of them."""
    base = tmp_path_factory.mktemp("corpus")
    corpus = base / "releases"
    files = write_corpus(corpus, range(300))
    store = base / "clean-store"
    process = _start_build(corpus, store)
    assert _wait_until_locked(process, store)
    opened_at = time.monotonic()
    _, stderr = process.communicate(timeout=300)
    window = time.monotonic() - opened_at  # used to spread kill points, never asserted on
    assert process.returncode == 0, stderr
    with opened(store) as clean:
        expected = {name: clean.graph(name) for name in clean.graph_names()}
    assert len(expected) == 300
    return corpus, files, expected, window


RANDOM_KILL_POINTS = 5
"""Kill points spread over the run (one at a random moment in each fifth of a clean build's time)."""
WRITE_KILL_POINTS = 2
"""Kill points at the first store write, as the write-ahead log grows (a batch takes ~5 ms to log)."""


def _log_sizes(store: Path) -> dict[str, int]:
    sizes = {}
    for log in store.glob("*.log"):
        with contextlib.suppress(OSError):
            sizes[log.name] = log.stat().st_size
    return sizes


def _wait_until_writing(process: subprocess.Popen, store: Path) -> bool:
    """Poll, without sleeping, until a write-ahead log of ``store`` grows by 64 KiB; False if the build exited."""
    baseline = _log_sizes(store)
    while process.poll() is None:
        if any(size - baseline.get(name, 0) >= 64 * 1024 for name, size in _log_sizes(store).items()):
            return True
    return False


@pytest.mark.slow
@needs_proc
def test_sigkill_never_leaves_a_torn_store(tmp_path, corpus_300):
    corpus, files, expected, window = corpus_300
    seed = tmp_path / "seed-store"
    with opened(seed) as store:  # a store already holding the first 100 releases
        ingest(files[:100], store)
    seeded = graph_names(seed)
    assert len(seeded) == 100
    rng = random.Random(20250304)
    plans = [("random", (i + rng.random()) / RANDOM_KILL_POINTS * window) for i in range(RANDOM_KILL_POINTS)]
    plans += [("first write", None)] * WRITE_KILL_POINTS
    outcomes = []
    for point, (kind, delay) in enumerate(plans):
        store = tmp_path / f"store-{point}"
        shutil.copytree(seed, store)
        process = _start_build(corpus, store, "--force")  # --force: every graph is dropped and rewritten
        assert _wait_until_locked(process, store)
        if delay is not None:
            time.sleep(delay)
        else:
            _wait_until_writing(process, store)
        killed = process.poll() is None
        if killed:
            process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        names = _check_store(store, expected)
        assert seeded <= names, "a graph the store held before the build was lost"
        outcomes.append((kind, "killed" if killed else "finished", len(names)))
    print(f"\nkill points: {len(plans)}; (kind, outcome, graphs present): {outcomes}")
    assert any(outcome == "killed" for _, outcome, _ in outcomes)


def _corpus_copy(folder: Path, files: list[Path]) -> tuple[Path, dict[str, Graph]]:
    folder.mkdir()
    copies = []
    for path in files:
        shutil.copy(path, folder / path.name)
        copies.append(folder / path.name)
    return folder, clean_graphs(copies)


@pytest.mark.slow
@needs_proc
def test_second_build_on_a_busy_store_fails_clearly(tmp_path, corpus_300):
    _, files, _, _ = corpus_300
    first, first_graphs = _corpus_copy(tmp_path / "first", files[:150])
    second, second_graphs = _corpus_copy(tmp_path / "second", files[150:170])
    seed, seed_graphs = _corpus_copy(tmp_path / "seed", files[170:175])
    store = tmp_path / "store"
    with opened(store) as seeded:  # an existing store: the reader below must not race its creation
        ingest([seed], seeded)
    holder = _start_build(first, store)
    assert _wait_until_locked(holder, store)
    holder.send_signal(signal.SIGSTOP)  # holds the store's lock, deterministically, while the second build runs
    try:
        contender = _start_build(second, store)
        _, contender_err = contender.communicate(timeout=120)
        reader = mobkg("validate", "--store", store)  # readers do not need the lock
    finally:
        holder.send_signal(signal.SIGCONT)
    _, holder_err = holder.communicate(timeout=300)
    assert holder.returncode == 0, holder_err
    assert contender.returncode == 1
    lines = contender_err.splitlines()
    assert len(lines) == 1 and "store is in use" in lines[0] and "Traceback" not in contender_err
    assert reader.exit_code == 0, reader.output
    assert _check_store(store, seed_graphs | first_graphs | second_graphs) == set(seed_graphs) | set(first_graphs)


@pytest.mark.slow
@needs_proc
def test_builds_started_together_never_mix(tmp_path, corpus_300):
    _, files, _, _ = corpus_300
    corpora = [_corpus_copy(tmp_path / "one", files[:40]), _corpus_copy(tmp_path / "two", files[40:80])]
    store = tmp_path / "store"
    processes = [_start_build(folder, store) for folder, _ in corpora]
    results = [(process.wait(timeout=300), process.stderr.read()) for process in processes]
    for process in processes:
        process.stderr.close()
    names = _check_store(store, corpora[0][1] | corpora[1][1])
    codes = [code for code, _ in results]
    print(f"\nbuilds started together: exit codes {codes}")
    if codes == [0, 0]:  # the second opened the store after the first had finished
        assert names == set(corpora[0][1]) | set(corpora[1][1])
        return
    assert sorted(codes) == [0, 1]
    winner = codes.index(0)
    loser_err = results[1 - winner][1]
    assert len(loser_err.splitlines()) == 1 and "store is in use" in loser_err, loser_err
    assert names == set(corpora[winner][1])
