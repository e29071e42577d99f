"""Hostile outputs: where ``-o`` points, characters XML forbids, and text that would steer a terminal.

Three faults of issue 11 (items 1, 10, 11), each with tests that failed before the fix:

- ``export -o`` / ``viz -o`` replaced whatever the path was (a FIFO, a symlink, a device node)
  with a regular file and lost an existing file's mode;
- GraphML export died on a control character or U+FFFE in a label;
- ``query``, ``stats``, ``path``, ``queries`` and command messages printed escape sequences
  and bidi overrides from a release raw to the terminal.

CLI tests run the command with CliRunner and check the written file through rdflib or networkx.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import re
import stat
import threading
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import fixture_graphs
from rdflib import RDFS, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import SKOS

from mobkg import (
    Entity,
    EntityType,
    ExportFormat,
    Extraction,
    Fact,
    Predicate,
    Release,
    SourceFormat,
    build_release_graph,
    export_store,
    open_store,
    render_html,
)
from mobkg.cli import cli
from mobkg.errors import OutputError
from mobkg.escapes import terminal_safe, xml_safe
from mobkg.outputs import write_output
from mobkg.vocab import MOB
from conftest import opened_store as opened

pytestmark = pytest.mark.adversarial

# --- shared helpers ------------------------------------------------------------

# Every character XML 1.0 forbids that a store can hold (lone surrogates cannot be stored: not UTF-8).
XML_FORBIDDEN = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))
# Legal XML, but hostile to terminals: DEL, C1 (U+0085 NEL, U+009B CSI) and the bidi controls.
TERMINAL_HOSTILE = "\x7f\x85\x9b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
EVERY_ODD_CHARACTER = XML_FORBIDDEN + TERMINAL_HOSTILE
ESCAPE_SEQUENCE = "\x1b]0;PWNED-TITLE\x07"
RAW_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HTML_PARSE_ERRORS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


@pytest.fixture(autouse=True)
def in_scratch_folder(tmp_path, monkeypatch):
    """Run each test in its own folder, so nothing a command writes (a file called "-") lands in the checkout."""
    monkeypatch.chdir(tmp_path)


def run(*args):
    """``mobkg ARGS``; exceptions other than exits propagate, so a traceback fails the test."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def assert_one_line_error(result, exit_code: int) -> None:
    """A failure is one ``Error:`` line; a usage mistake (exit 2) may come after click's usage hint."""
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.strip().splitlines()
    if exit_code == 2:
        lines = [line for line in lines if not line.startswith(("Usage:", "Try ")) and line]
    assert len(lines) == 1 and lines[0].startswith("Error:") and "Traceback" not in result.output, result.stderr


def assert_terminal_safe(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in RAW_TERMINAL_CONTROL.findall(text)})
    assert found == [], f"raw terminal controls in the output: {found}"


def hostile_release_graph(text: str, tag: str) -> Graph:
    """A release graph whose headline, labels, aliases and evidence sentence all contain ``text``."""
    release = Release(
        source=f"hostile-{tag}.txt", title=f"Kestrova Opens Plant {text} {tag}", body=(f"Body {text}",),
        sha256=f"{tag:0>64}", format=SourceFormat.TEXT, published=date(2025, 3, 4),
    )
    company = Entity(f"Kestrova{text}Motors {tag}", EntityType.COMPANY, {f"Kestrova alias {text} {tag}"})
    alliance = Entity(f"Open{text}Charge Alliance {tag}", EntityType.ALLIANCE)
    fact = Fact(company.key, Predicate.MEMBER_OF, alliance.key, f"Kestrova {text} is a member. {tag}", "test")
    return build_release_graph(release, Extraction([company, alliance], [fact]))


def labels_in(dataset: Dataset) -> set[str]:
    return {str(q[2]) for q in dataset.quads((None, RDFS.label, None, None))} | {
        str(q[2]) for q in dataset.quads((None, SKOS.altLabel, None, None))
    }


def stored(path, graphs) -> Path:
    with opened(path) as store:
        store.replace_graphs(graphs)
    return path


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    """A closed store with one release carrying every odd character, one carrying a terminal escape sequence."""
    return stored(tmp_path_factory.mktemp("hostile") / "store", [hostile_release_graph(EVERY_ODD_CHARACTER, "odd"),
                                                                hostile_release_graph(ESCAPE_SEQUENCE, "esc")])


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    """The shared fixture graph in a closed store."""
    return stored(tmp_path_factory.mktemp("fixture") / "store", fixture_graphs())


def exported(path, fmt: ExportFormat = ExportFormat.NQUADS) -> bytes:
    with opened(path) as store:
        return export_store(store, fmt)


def page(path) -> bytes:
    with opened(path) as store:
        return render_html(store).encode("utf-8")


# --- 1. -o keeps what the path is --------------------------------------------

COMMANDS = {
    "export": ["export", "--format", "nquads"],
    "viz": ["viz"],
}


@pytest.fixture(params=sorted(COMMANDS))
def command(request, fixture_store):
    """A command that takes ``-o`` (with its store) and the bytes it should write."""
    name = request.param
    expected = exported(fixture_store) if name == "export" else page(fixture_store)
    return [*COMMANDS[name], "--store", fixture_store], expected


def test_a_fifo_stays_a_fifo_and_its_reader_gets_everything(command, tmp_path):
    args, expected = command
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []

    def read_all():
        with open(fifo, "rb") as reader:
            received.append(reader.read())

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    result = run(*args, "-o", fifo)
    reader.join(timeout=8)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert received == [expected]


def test_a_fifo_nobody_reads_fails_in_one_line_instead_of_hanging(fixture_store, tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.import_module("mobkg.outputs"), "FIFO_READER_WAIT", 0.2, raising=False)
    fifo = tmp_path / "unread"
    os.mkfifo(fifo)
    result = run("export", "--store", fixture_store, "--format", "nquads", "-o", fifo)
    assert_one_line_error(result, 1)
    assert "start the reader first" in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("elsewhere", [False, True], ids=["same-folder", "other-folder"])
def test_a_symlink_stays_a_link_and_its_target_gets_the_data(command, tmp_path, elsewhere):
    args, expected = command
    folder = tmp_path / "elsewhere" if elsewhere else tmp_path
    folder.mkdir(exist_ok=True)
    target = folder / "real-output"
    target.write_bytes(b"old content")
    link = tmp_path / "link"
    link.symlink_to(os.path.relpath(target, tmp_path))
    result = run(*args, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(target, tmp_path)
    assert target.read_bytes() == expected
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_a_dangling_symlink_creates_its_target(fixture_store, tmp_path):
    link = tmp_path / "link.ttl"
    link.symlink_to("made-by-export.ttl")
    result = run("export", "--store", fixture_store, "--format", "turtle", "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and len(Graph().parse(tmp_path / "made-by-export.ttl", format="turtle")) > 0


def test_a_private_file_keeps_its_mode_and_owner(command, tmp_path):
    args, expected = command
    private = tmp_path / "private.out"
    private.write_bytes(b"secret")
    private.chmod(0o600)
    owner = (os.getuid(), os.getgid())
    if os.geteuid() == 0:  # as root, prove the owner is kept too, not just taken from the writer
        owner = (4242, 4343)
        os.chown(private, *owner)
    result = run(*args, "-o", private)
    assert result.exit_code == 0, result.output
    status = os.stat(private)
    assert stat.S_IMODE(status.st_mode) == 0o600
    assert (status.st_uid, status.st_gid) == owner
    assert private.read_bytes() == expected


def test_a_new_file_gets_the_umask_mode(fixture_store, tmp_path):
    old = os.umask(0o027)
    try:
        result = run("export", "--store", fixture_store, "--format", "turtle", "-o", tmp_path / "new.ttl")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(tmp_path / "new.ttl").st_mode) == 0o640


def test_dash_writes_the_data_to_stdout_and_the_message_to_stderr(fixture_store):
    result = run("export", "--store", fixture_store, "--format", "nquads", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == exported(fixture_store)
    dataset = Dataset()
    dataset.parse(data=result.stdout_bytes, format="nquads")
    graphs = {str(q[3]) for q in dataset.quads((None, None, None, None))}
    assert len(graphs - {str(DATASET_DEFAULT_GRAPH_ID)}) == len(fixture_graphs())  # and the merged default graph
    assert "wrote stdout" in result.stderr


def test_viz_to_dash_writes_the_page_to_stdout(fixture_store):
    result = run("viz", "--store", fixture_store, "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == page(fixture_store)


def test_a_private_character_device_stays_a_device(command, tmp_path):
    args, _ = command
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private copy of /dev/null
    except PermissionError:
        pytest.skip("creating a device node needs root (or CAP_MKNOD)")
    result = run(*args, "-o", node)
    assert result.exit_code == 0, result.output
    status = os.lstat(node)
    assert stat.S_ISCHR(status.st_mode) and status.st_rdev == os.makedev(1, 3)


def test_dev_null_through_a_link_is_written_into_not_replaced(command, tmp_path):
    args, _ = command
    link = tmp_path / "discard"
    link.symlink_to("/dev/null")
    result = run(*args, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and stat.S_ISCHR(os.stat(link).st_mode)
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_full_device_fails_in_one_line(fixture_store, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    link = tmp_path / "full"
    link.symlink_to("/dev/full")
    result = run("export", "--store", fixture_store, "--format", "nquads", "-o", link)
    assert_one_line_error(result, 1)
    assert "No space left on device" in result.stderr
    assert link.is_symlink()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_folder_is_a_usage_error_and_stays_a_folder(name, fixture_store, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(*COMMANDS[name], "--store", fixture_store, "-o", folder)
    assert_one_line_error(result, 2)
    assert folder.is_dir() and list(folder.iterdir()) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_missing_folder_is_a_usage_error_naming_it(name, fixture_store, tmp_path):
    result = run(*COMMANDS[name], "--store", fixture_store, "-o", tmp_path / "no-such-folder" / "out")
    assert_one_line_error(result, 2)
    assert "no-such-folder" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "no-such-folder").exists()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "kept.ttl"
    target.write_bytes(b"old")

    def disk_full(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_output(target, b"new data")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.ttl"]


def test_a_closed_stdout_pipe_is_a_one_line_error():
    class ClosedPipe(io.BytesIO):
        def write(self, data):
            raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(OutputError, match="^stdout: the program reading it closed the pipe"):
        write_output("-", b"data", stdout=ClosedPipe())


# --- 10. every XML output is legal XML 1.0 ------------------------------------

RDF_SYNTAX = {ExportFormat.TURTLE: "turtle", ExportFormat.NQUADS: "nquads", ExportFormat.TRIG: "trig",
              ExportFormat.JSONLD: "json-ld", ExportFormat.NTRIPLES: "nt"}


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=lambda f: f.value)
def test_every_export_format_writes_odd_characters_and_parses_back(fmt, hostile_store, tmp_path):
    output = tmp_path / f"out.{fmt.value}"
    result = run("export", "--store", hostile_store, "--format", fmt.value, "-o", output)
    assert result.exit_code == 0, result.output
    label = f"Kestrova{EVERY_ODD_CHARACTER}Motors odd"
    alias = f"Kestrova alias {EVERY_ODD_CHARACTER} odd"
    if fmt in (ExportFormat.GRAPHML, ExportFormat.GEXF):
        graph = nx.read_graphml(output) if fmt is ExportFormat.GRAPHML else nx.read_gexf(output)
        nodes = {data["label"]: data for _, data in graph.nodes(data=True)}
        assert xml_safe(label) in nodes, "the label is not there, escaped"
        assert xml_safe(alias) in nodes[xml_safe(label)]["aliases"].split("|")
        assert graph.number_of_edges() == 2
    else:
        dataset = Dataset()
        dataset.parse(output, format=RDF_SYNTAX[fmt])
        triples = {q[:3] for q in dataset.quads((None, None, None, None))}
        assert {label, alias} <= labels_in(dataset), "an RDF format lost or changed a character"
        evidence = {str(o) for _, p, o in triples if p == MOB.evidence}
        assert f"Kestrova {EVERY_ODD_CHARACTER} is a member. odd" in evidence


def test_graphml_of_a_built_release_with_a_control_character(tmp_path):
    release = tmp_path / "ctl.txt"
    release.write_text("Kestrova Motors Opens Plant\n\nLYON, France, March 4, 2025 -- Kestrova Motors is a member "
                       "of the Open\x1f Charge Europe Alliance.\n", encoding="utf-8")
    store = tmp_path / "store"
    assert run("build", release, "--store", store).exit_code == 0
    result = run("export", "--store", store, "--format", "graphml", "-o", tmp_path / "g.graphml")
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() > 0


def test_xml_safe_escapes_exactly_what_xml_forbids():
    def legal(c: int) -> bool:
        return c in (0x9, 0xA, 0xD) or 0x20 <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD or 0x10000 <= c <= 0x10FFFF

    samples = [*range(0x10000), 0x10000, 0x1FFFE, 0x10FFFF]
    changed = [c for c in samples if xml_safe(chr(c)) != chr(c)]
    assert changed == [c for c in samples if not legal(c)]
    assert all(legal(ord(ch)) for c in changed for ch in xml_safe(chr(c)))
    assert xml_safe("a\x00b\ud800c\ufffe") == "a\\u0000b\\ud800c\\ufffe"


def test_the_viz_page_is_well_formed_and_carries_odd_characters_exactly(hostile_store, tmp_path):
    label = f"Kestrova{EVERY_ODD_CHARACTER}Motors odd"
    result = run("viz", "--store", hostile_store, "--focus", label, "-o", tmp_path / "page.html")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert HTML_PARSE_ERRORS.findall(page) == []
    (title,) = re.findall(r"<title>(.*?)</title>", page, re.DOTALL)
    assert RAW_TERMINAL_CONTROL.findall(title) == [] and "Kestrova\\u0000" in title
    (data,) = re.findall(r'<script type="application/json" id="mobkg-data">(.*?)</script>', page, re.DOTALL)
    nodes = {node["label"]: node for node in json.loads(data)["nodes"]}
    assert label in nodes and f"Kestrova alias {EVERY_ODD_CHARACTER} odd" in nodes[label]["aliases"]


# --- 11. terminal output never carries raw control sequences ------------------


def test_query_table_escapes_a_headline_escape_sequence(hostile_store):
    result = run("query", "release-timeline", "--store", hostile_store)
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.stdout)
    assert "\\u001b]0;PWNED-TITLE\\u0007" in result.stdout
    assert "\\u202e" in result.stdout and "\\u009b" in result.stdout


def test_query_table_keeps_its_columns_aligned(hostile_store):
    result = run("query", "SELECT ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l",
                 "--store", hostile_store)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 + 4 + 1, "a label broke the table into extra lines"
    assert_terminal_safe(result.stdout)


def test_construct_in_table_format_is_safe_turtle_of_the_same_graph(hostile_store):
    sparql = "CONSTRUCT { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    result = run("query", sparql, "--store", hostile_store)
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.stdout)
    shown = {str(o) for o in Graph().parse(data=result.stdout, format="turtle").objects()}
    assert f"Kestrova{ESCAPE_SEQUENCE}Motors esc" in shown and f"Kestrova{EVERY_ODD_CHARACTER}Motors odd" in shown


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_machine_formats_keep_the_data_exact(fmt, hostile_store):
    result = run("query", "release-timeline", "--store", hostile_store, "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        headlines = {row["headline"] for row in json.loads(result.stdout)}
    else:
        headlines = {row["headline"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert f"Kestrova Opens Plant {ESCAPE_SEQUENCE} esc" in headlines


def test_stats_escapes_names(hostile_store):
    result = run("stats", "--store", hostile_store)
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.stdout)
    assert "Kestrova\\u001b]0;PWNED-TITLE\\u0007Motors esc (Company)" in result.stdout


def test_path_escapes_names(hostile_store):
    result = run("path", f"Kestrova{ESCAPE_SEQUENCE}Motors esc", f"Open{ESCAPE_SEQUENCE}Charge Alliance esc",
                 "--store", hostile_store)
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.stdout)
    assert "--memberOf--> Open\\u001b]0;PWNED-TITLE\\u0007Charge Alliance esc" in result.stdout


def test_path_with_no_chain_escapes_the_names_in_its_error(hostile_store):
    result = run("path", f"Kestrova{ESCAPE_SEQUENCE}Motors esc", f"Kestrova{EVERY_ODD_CHARACTER}Motors odd",
                 "--store", hostile_store)
    assert_one_line_error(result, 1)
    assert_terminal_safe(result.stderr)


def test_queries_listing_escapes_descriptions(tmp_path, monkeypatch):
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "hostile.rq").write_text(f"# Lists {ESCAPE_SEQUENCE}\u202eeverything.\nSELECT * WHERE {{ ?s ?p ?o }}\n",
                                       encoding="utf-8")
    monkeypatch.setattr(importlib.import_module("mobkg.saved"), "data_dir", lambda name: folder)
    result = run("queries")
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.stdout)
    assert "hostile" in result.stdout and "Lists \\u001b]0;PWNED-TITLE\\u0007\\u202eeverything." in result.stdout


def test_build_messages_escape_file_and_store_names(tmp_path):
    release = tmp_path / "good.txt"
    release.write_text("Kestrova Motors Opens Battery Plant in Lyon\n\nLYON, France, March 4, 2025 -- Kestrova "
                       "Motors today opened a battery plant in Lyon.\n", encoding="utf-8")
    empty = tmp_path / f"empty{ESCAPE_SEQUENCE}.txt"
    empty.write_bytes(b"")
    result = run("build", release, empty, "--skip-bad", "--store", tmp_path / f"store{ESCAPE_SEQUENCE}\u202e")
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.stdout + result.stderr)
    assert "store\\u001b]0;PWNED-TITLE\\u0007\\u202e" in result.stdout
    assert "empty\\u001b]0;PWNED-TITLE\\u0007.txt" in result.stderr


def test_validate_report_escapes_data_but_keeps_its_lines(tmp_path):
    release = URIRef("https://w3id.org/mobkg/release/bad-date")
    graph = Graph(identifier=release)
    graph.parse(data=f"""
        @prefix mob: <https://w3id.org/mobkg/ontology#> .
        @prefix schema: <https://schema.org/> .
        <{release}> a mob:Release ; schema:headline "Headline" ;
            schema:datePublished {json.dumps("2025" + ESCAPE_SEQUENCE + chr(0x202E))} .
    """, format="turtle")
    store_path = tmp_path / "store"
    store = open_store(str(store_path))
    store.replace_graphs([graph])
    store.close()
    result = run("validate", "--store", store_path)
    assert result.exit_code == 3, result.output
    assert len(result.stderr.splitlines()) > 1, "the report should still span lines"
    assert_terminal_safe(result.stderr)


def test_export_and_viz_messages_escape_the_file_name(fixture_store, tmp_path):
    for args in (["export", "--format", "turtle"], ["viz"]):
        result = run(*args, "--store", fixture_store, "-o", tmp_path / f"out{ESCAPE_SEQUENCE}")
        assert result.exit_code == 0, result.output
        assert_terminal_safe(result.stdout + result.stderr)
        assert "out\\u001b]0;PWNED-TITLE\\u0007" in result.stdout


def test_terminal_safe_escapes_every_steering_character_and_nothing_else():
    steering = {*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                0x2028, 0x2029, *range(0xD800, 0xE000)}
    changed = {c for c in range(0x10000) if terminal_safe(chr(c)) != chr(c)}
    assert changed == steering
    assert terminal_safe("a\nb", multiline=True) == "a\nb" and terminal_safe("a\nb") == "a\\nb"
    assert terminal_safe("a\rb", multiline=True) == "a\\rb"
    assert "Kestrova Motors" == terminal_safe("Kestrova Motors")
