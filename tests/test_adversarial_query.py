"""Hostile queries and parameters: injection through --param, SERVICE, runaway queries, huge results.

Every test is bounded (well under 10 s) and uses loopback only.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time

import pytest
from click.testing import CliRunner
from conftest import fixture_graphs
from rdflib.plugins.sparql.parser import parseQuery

from mobkg import QueryError, UnknownEntity, open_store, run_query
from mobkg.cli import cli
from mobkg.query import OutputFormat, format_result

# New names are imported where they are used, so that this file also runs (and fails) on the unfixed code.


def stream_query(*args, **kwargs):
    from mobkg.query import stream_query as stream

    return stream(*args, **kwargs)


def federated(query):
    from mobkg.sparql import federated as detect

    return detect(query)

pytestmark = pytest.mark.adversarial

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
FILTERED = f"SELECT ?o WHERE {{ ?s {LABEL} ?o FILTER(STR(?o) = ?a || STR(?o) = ?b) }}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A store holding the fixture graph (never written by the tests)."""
    path = tmp_path_factory.mktemp("adversarial") / "store"
    with open_store(str(path)) as writer:
        writer.replace_graphs(fixture_graphs())
    # Read-only: the CLI opens the same folder while the tests hold it; a writer's background
    # compaction could delete the tables a read-only view still reads.
    store = open_store(str(path), read_only=True)
    yield store
    store.close()


def mobkg(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def _text(value) -> str:
    """A row's cell as the CSV shows it (rows hold Python values: booleans print as true/false there)."""
    return "" if value is None else ("true" if value else "false") if isinstance(value, bool) else str(value)


def cells(result):
    return [tuple(_text(t) for t in row) for row in result.rows]


# --- 5: parameters cannot rewrite each other or the query --------------------------------------

def test_a_parameter_value_naming_another_parameter_stays_a_literal(served):
    # before: ?a became "?b", then ?b's text was spliced over it: FILTER(... = "" || 1=1 || ?o = "") -> every label
    params = {"a": "?b", "b": " || 1=1 || ?o = "}
    assert run_query(served, FILTERED, params).rows == []
    result = mobkg("query", FILTERED, "--param", "a=?b", "--param", "b= || 1=1 || ?o = ", "--store", served.location)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("(0 rows)")


def test_the_injection_of_the_report_is_refused_not_run(served):
    query = f"SELECT ?o WHERE {{ ?s {LABEL} ?o FILTER(STR(?o) = ?a) }}"
    result = mobkg("query", query, "--param", "a=?b", "--param", "b= || 1=1 || ?o = ", "--store", served.location)
    assert result.exit_code == 2
    assert "--param b" in result.output and "Traceback" not in result.output


def test_literal_parameters_still_match(served):
    assert cells(run_query(served, FILTERED, {"a": "Graz", "b": "Lyon"})) == [("Graz",), ("Lyon",)]


def test_an_analysts_query_may_project_its_entity_parameter(served, tmp_path):
    # before: "SPARQL syntax error ... expected DISTINCT": the IRI was spliced into the SELECT list
    path = tmp_path / "brands.rq"
    path.write_text("# Brands, with the company itself.\n# @param company: a company\n"
                    "PREFIX mob: <https://w3id.org/mobkg/ontology#>\n"
                    f"SELECT ?company ?brand WHERE {{ ?company mob:hasBrand ?b . ?b {LABEL} ?brand }} ORDER BY ?brand\n",
                    encoding="utf-8")
    rows = cells(run_query(served, str(path), {"company": "kestrova"}))
    group = "https://w3id.org/mobkg/id/company/kestrova-group"
    assert rows == [(group, "Brisa"), (group, "Vantor")]
    result = mobkg("query", path, "--param", "company=Kestrova", "--format", "csv", "--store", served.location)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [",".join(row) for row in rows]


def test_an_entity_parameter_matching_several_entities_merges_their_rows(served, tmp_path):
    path = tmp_path / "labels.rq"
    path.write_text(f"# Label of an entity.\n# @param e: a name\nSELECT ?label WHERE {{ ?e {LABEL} ?label }}\n",
                    encoding="utf-8")
    # "Kestrova" names the group only; an unknown name is an error, not an empty answer
    assert cells(run_query(served, str(path), {"e": "Kestrova"})) == [("Kestrova Group",)]
    with pytest.raises(UnknownEntity, match="no entity is named 'no such company'"):
        run_query(served, str(path), {"e": "no such company"})


def test_a_parameter_only_inside_a_subquery_is_refused(served):
    query = f"SELECT ?o WHERE {{ {{ SELECT ?o WHERE {{ ?s {LABEL} ?o FILTER(?o = ?a) }} }} }}"
    with pytest.raises(QueryError, match="outside sub-queries"):
        run_query(served, query, {"a": "Graz"})


# --- 6: SERVICE never calls out unless asked -----------------------------------------------------

@pytest.fixture
def listener():
    """A loopback listener that counts connections, closing each at once (so a caller never waits)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    seen, stop = [], threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server, seen
    stop.set()
    thread.join(2)
    server.close()


@pytest.mark.parametrize("spelling", ["SERVICE", "service", "SeRvIcE SILENT"])
def test_a_federated_query_is_refused_and_makes_no_connection(served, listener, spelling):
    server, seen = listener
    port = server.getsockname()[1]
    query = f"SELECT * WHERE {{ {spelling} <http://127.0.0.1:{port}/sparql> {{ ?x ?y ?z }} }}"
    result = mobkg("query", query, "--store", served.location)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "SERVICE clauses are refused" in result.output
    time.sleep(0.2)  # not a timing assertion: lets the accepting thread record a late connection
    assert seen == []


def test_allowed_service_failure_is_one_line(served):
    result = mobkg("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?x ?y ?z } }", "--allow-service",
                   "--store", served.location)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output


QUIET = [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "SELECT * WHERE { ?s ?p '''a\nSERVICE <http://x/> { ?a ?b ?c }''' }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { ?a ?b ?c }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:SERVICE ?o . ?service ?p <http://x/#SERVICE> }",
    'SELECT * WHERE { ?s ?p "x"@service }',
]
LOUD = [
    "SELECT * WHERE { SERVICE <http://x/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o . OPTIONAL { SERVICE SILENT ?endpoint { ?a ?b ?c } } }",
    "PREFIX s: <http://x/>\n# a comment\nASK { FILTER(1<2) service<http://x/>{?a?b?c} }",
    'SELECT * WHERE { ?s ?p "a \\" SERVICE" . SERVICE <http://x/> { ?a ?b ?c } }',
]


def _rdflib_sees_service(query: str) -> bool:
    """An independent oracle: rdflib's SPARQL grammar."""
    return "ServiceGraphPattern" in repr(parseQuery(query))


@pytest.mark.parametrize("query", QUIET + LOUD)
def test_service_detection_agrees_with_a_real_parser(query):
    assert federated(query) == _rdflib_sees_service(query) == (query in LOUD)


# --- time limit ----------------------------------------------------------------------------------

CROSS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def test_a_runaway_count_is_stopped_by_the_timeout(served):
    started = time.monotonic()
    with pytest.raises(QueryError, match="stopped at its time limit"):
        run_query(served, CROSS_COUNT, timeout=0.5)
    assert time.monotonic() - started < 8


def test_the_timeout_option_gives_one_clean_line(served):
    result = mobkg("query", CROSS_COUNT, "--timeout", "0.5", "--store", served.location)
    assert result.exit_code == 2
    assert result.output.startswith("Error: query stopped at its time limit") and result.output.count("\n") == 1


def test_the_timeout_also_stops_a_stream_of_rows(served):
    stream = stream_query(served, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", timeout=0.5)
    with pytest.raises(QueryError, match="time limit"):
        for _ in stream.rows:
            pass


def test_a_query_under_its_time_limit_answers_as_without_one(served):
    for name, params in [("brands-of-company", {"company": "kestrova"}), ("release-timeline", {})]:
        assert cells(run_query(served, name, params, timeout=30)) == cells(run_query(served, name, params))
    assert run_query(served, "ASK { ?s ?p ?o }", timeout=30).boolean is True
    construct = "CONSTRUCT { ?s <urn:p> ?o } WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }"
    assert run_query(served, construct, timeout=30).graph.isomorphic(run_query(served, construct).graph)


def test_syntax_errors_keep_their_message_under_a_time_limit(served):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_query(served, "SELECT ?s WHERE { ?s ?p ", timeout=30)


# --- streaming output, stdin -----------------------------------------------------------------------

ROWS_QUERY = f"SELECT ?s ?o WHERE {{ ?s {LABEL} ?o }} ORDER BY ?o ?s"


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "table"])
def test_streamed_output_is_what_format_result_gives(served, fmt):
    result = mobkg("query", ROWS_QUERY, "--format", fmt, "--store", served.location)
    assert result.exit_code == 0, result.output
    expected = run_query(served, ROWS_QUERY)
    assert result.output == format_result(expected, OutputFormat(fmt)) + "\n"


def test_jsonl_has_one_object_per_row(served):
    result = mobkg("query", ROWS_QUERY, "--format", "jsonl", "--store", served.location)
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert [(o["s"], o["o"]) for o in objects] == cells(run_query(served, ROWS_QUERY))


def test_a_huge_table_is_capped_with_a_hint(served, monkeypatch):
    monkeypatch.setattr("mobkg.results.TABLE_MAX_ROWS", 3)
    result = mobkg("query", ROWS_QUERY, "--store", served.location)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2 + 3 + 1 and "use --format csv or jsonl" in lines[-1]


def test_csv_streams_a_million_rows_without_holding_them(served):
    query = "SELECT ?a ?b WHERE { ?a ?p ?x . ?b ?q ?y } LIMIT 1000000"
    stream = stream_query(served, query, timeout=60)
    out = io.StringIO()
    # the rows come from the store one at a time: the first arrive before the rest are computed
    first = next(stream.rows)
    assert len(first) == 2
    stream.close()
    small = "SELECT ?a WHERE { ?a ?p ?x } LIMIT 5"
    from mobkg.query import write_result

    write_result(stream_query(served, small, timeout=60), OutputFormat.CSV, out)
    assert list(csv.reader(io.StringIO(out.getvalue())))[0] == ["a"]


def test_query_text_from_stdin(served):
    result = mobkg("query", "-", "--format", "csv", "--store", served.location, input=ROWS_QUERY)
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 1 + len(run_query(served, ROWS_QUERY).rows)


def test_stdin_updates_and_bad_bytes_exit_2(served):
    before = served.dump_nquads()
    assert mobkg("query", "-", "--store", served.location, input="DROP ALL").exit_code == 2
    result = CliRunner().invoke(cli, ["query", "-", "--store", served.location], input=b"SELECT * { ?s ?p \xff }")
    assert result.exit_code == 2 and "not UTF-8" in result.output
    assert served.dump_nquads() == before
