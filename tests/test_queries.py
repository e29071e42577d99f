"""Every saved query in queries/ runs on the hand-written fixture graph and gives the expected rows.

The fixture (tests/data/fixture-graph.trig) is described in its header comment;
the rows below were worked out by hand from it. A new .rq file fails
``test_saved_query`` until its expected rows are added to ``EXPECTED``.
"""

from __future__ import annotations

import socket

import pyoxigraph
import pytest
from click.testing import CliRunner
from conftest import fixture_graphs

from mobkg import QueryError, UnknownEntity, open_store, run_query, saved_queries
from mobkg.cli import cli
from mobkg.query import load_query
from mobkg.validate import validate_graphs

FX = "https://w3id.org/mobkg/release/fx0"
HELIX = "Kestrova Group Unveils Helix Platform for Its Brisa and Vantor Marques"
LUMEN = "Tarnwell and Kestrova Form Lumen Drive Joint Venture"
QUARTZ = "Ostrel Cells to Supply Quartz Cells for Brisa One"
OGCA = "Open Grid Charging Alliance Welcomes Ostrel Cells and Announces Grid Summit 2025"
NIGHT = "Brisa One Launch Night Draws Crowds in Graz"
MODELS = "The first model on Helix will be the Brisa One compact crossover, followed by the Vantor V8 delivery van."
UNIT = ("Kestrova Charging, a unit of Kestrova Mobility, which is itself part of Kestrova Group, "
        "will supply hardware for the pilot.")
JOINS = "Ostrel Cells joins Kestrova Group and Tarnwell Energy as a member of the Open Grid Charging Alliance."

# query name -> list of (parameters, expected rows in order); "" stands for an unbound cell.
EXPECTED: dict[str, list[tuple[dict[str, str], list[tuple[str, ...]]]]] = {
    "brands-of-company": [
        ({"company": "kestrova"}, [("Kestrova Group", "Brisa", "1"), ("Kestrova Group", "Vantor", "1")]),
        ({"company": "KESTROVA GROUP AG"}, [("Kestrova Group", "Brisa", "1"), ("Kestrova Group", "Vantor", "1")]),
        ({"company": "Tarnwell Energy"}, []),
    ],
    "parent-chain": [
        ({"company": "Kestrova Charging"}, [
            ("Kestrova Charging", "Kestrova Mobility", "true"),
            ("Kestrova Charging", "Kestrova Group", "false"),
        ]),
        ({"company": "lumen drive jv"}, [("Lumen Drive", "Kestrova Group", "true"), ("Lumen Drive", "Tarnwell Energy", "true")]),
        ({"company": "Kestrova Group"}, []),
    ],
    "subsidiaries-of-company": [
        ({"company": "Kestrova"}, [
            ("Kestrova Charging", "Kestrova Mobility"),
            ("Kestrova Mobility", "Kestrova Group"),
            ("Lumen Drive", "Kestrova Group"),
        ]),
        ({"company": "Tarnwell"}, [("Lumen Drive", "Tarnwell Energy")]),
    ],
    "joint-ventures": [
        ({}, [("Lumen Drive", "Kestrova Group"), ("Lumen Drive", "Tarnwell Energy")]),
    ],
    "alliance-members": [
        ({"member": "Ostrel"}, [
            ("Open Grid Charging Alliance", "Kestrova Group", "Company"),
            ("Open Grid Charging Alliance", "Tarnwell Energy", "Company"),
        ]),
        ({"member": "Ada Linnqvist"}, []),  # she works for the alliance; she is not a member
    ],
    "technologies-of-company": [
        ({"company": "Kestrova Group"}, [
            ("Helix Platform", "true", "true", "Brisa One"),
            ("Helix Platform", "true", "true", "Vantor V8"),
        ]),
        ({"company": "ostrel cells"}, [("Quartz LFP Cell", "true", "false", "Brisa One")]),
    ],
    "products-using-technology": [
        ({"technology": "Helix"}, [("Helix Platform", "Brisa One", "Brisa"), ("Helix Platform", "Vantor V8", "Vantor")]),
        ({"technology": "quartz lfp cell"}, [("Quartz LFP Cell", "Brisa One", "Brisa")]),
    ],
    "products-of-company": [
        ({"company": "Kestrova Group"}, [
            ("Brisa One", "Brisa", "Helix Platform"),
            ("Brisa One", "Brisa", "Quartz LFP Cell"),
            ("Vantor V8", "Vantor", "Helix Platform"),
        ]),
        ({"company": "Vantor"}, [("Vantor V8", "Vantor", "Helix Platform")]),
    ],
    "initiatives-and-events-by-organiser": [
        ({}, [
            ("Brisa", "Brisa One Launch Night", "Event", "organizedBy"),
            ("Open Grid Charging Alliance", "Grid Summit 2025", "Event", "organizedBy"),
            ("Tarnwell Energy", "Green Corridor Pilot", "Initiative", "launched"),
        ]),
    ],
    "people-and-affiliations": [
        ({}, [
            ("Ada Linnqvist", "worksFor", "Open Grid Charging Alliance", "Alliance"),
            ("Jonas Pereck", "worksFor", "Tarnwell Energy", "Company"),
            ("Mira Halden", "worksFor", "Kestrova Group", "Company"),
            ("Theo Varga", "", "", ""),
        ]),
    ],
    "partners-of-company": [
        ({"company": "Kestrova Group"}, [("Ostrel Cells", "Company", QUARTZ), ("Tarnwell Energy", "Company", LUMEN)]),
        ({"company": "tarnwell"}, [("Kestrova Group", "Company", LUMEN)]),  # stated the other way round
        ({"company": "Brisa"}, []),
    ],
    "companies-in-sector": [
        ({"sector": "EV"}, [("electric vehicles", "Brisa", "Brand"), ("electric vehicles", "Kestrova Group", "Company")]),
        ({"sector": "Charging Infrastructure"}, [
            ("charging infrastructure", "Kestrova Charging", "Company"),
            ("charging infrastructure", "Tarnwell Energy", "Company"),
        ]),
    ],
    "company-headquarters": [
        ({}, [("Kestrova Group", "Graz"), ("Tarnwell Energy", "Lyon")]),
    ],
    "entity-provenance": [
        ({"entity": "Brisa One"}, [
            ("Brisa", "produces", "Brisa One", "", NIGHT, "Brisa will build the Brisa One alongside the Vantor V8 from March."),
            ("Brisa", "produces", "Brisa One", "2025-01-15", HELIX, MODELS),
            ("Brisa One", "usesTechnology", "Helix Platform", "2025-01-15", HELIX, MODELS),
            ("Brisa One", "usesTechnology", "Quartz LFP Cell", "2025-03-05", QUARTZ,
             "From 2026 every Brisa One will carry Quartz LFP Cell packs."),
        ]),
        # the alias comes from fx01 only; the facts come from every release
        ({"entity": "Kestrova Group AG"}, [
            ("Kestrova Group", "activeIn", "electric vehicles", "2025-01-15", HELIX,
             "Kestrova Group builds electric vehicles for private and fleet customers."),
            ("Kestrova Group", "develops", "Helix Platform", "2025-01-15", HELIX,
             "The Helix Platform was engineered in-house by Kestrova Group over four years."),
            ("Kestrova Group", "hasBrand", "Brisa", "2025-01-15", HELIX,
             "Kestrova Group sells its cars under the Brisa and Vantor marques."),
            ("Kestrova Group", "hasBrand", "Vantor", "2025-01-15", HELIX,
             "Kestrova Group sells its cars under the Brisa and Vantor marques."),
            ("Kestrova Group", "headquarteredIn", "Graz", "2025-01-15", HELIX,
             "Kestrova Group today presented the Helix Platform at its Graz headquarters."),
            ("Kestrova Group", "launched", "Helix Platform", "2025-01-15", HELIX,
             "Kestrova Group today presented the Helix Platform at its Graz headquarters."),
            ("Mira Halden", "worksFor", "Kestrova Group", "2025-01-15", HELIX,
             '"Helix is the backbone of our next decade," said Mira Halden, chief executive of Kestrova Group.'),
            ("Lumen Drive", "subsidiaryOf", "Kestrova Group", "2025-02-10", LUMEN,
             "Lumen Drive is a joint venture owned equally by Tarnwell Energy and Kestrova Group."),
            ("Tarnwell Energy", "partnerOf", "Kestrova Group", "2025-02-10", LUMEN,
             "Tarnwell Energy and Kestrova Group have worked together on fleet charging since 2022."),
            ("Kestrova Group", "partnerOf", "Ostrel Cells", "2025-03-05", QUARTZ,
             "The supply agreement makes Kestrova Group and Ostrel Cells long-term partners."),
            ("Kestrova Group", "memberOf", "Open Grid Charging Alliance", "2025-04-22", OGCA, JOINS),
            ("Kestrova Mobility", "subsidiaryOf", "Kestrova Group", "2025-04-22", OGCA, UNIT),
        ]),
        ({"entity": "Theo Varga"}, []),
    ],
    "corrected-releases": [
        ({}, [
            (f"{FX}3", "2025-03-05", QUARTZ, "Brisa One", "usesTechnology", "Quartz LFP Cell",
             "From 2026 every Brisa One will carry Quartz LFP Cell packs."),
            (f"{FX}3", "2025-03-05", QUARTZ, "Kestrova Group", "partnerOf", "Ostrel Cells",
             "The supply agreement makes Kestrova Group and Ostrel Cells long-term partners."),
            (f"{FX}3", "2025-03-05", QUARTZ, "Ostrel Cells", "develops", "Quartz LFP Cell",
             "Ostrel Cells designed the Quartz LFP Cell at its pilot line."),
        ]),
    ],
    "most-mentioned-entities": [
        ({}, [
            ("Kestrova Group", "Company", "4"),
            ("Brisa One", "Product", "3"),
            ("Brisa", "Brand", "2"),
            ("charging infrastructure", "Sector", "2"),
            ("Graz", "Place", "2"),
            ("Lyon", "Place", "2"),
            ("Ostrel Cells", "Company", "2"),
            ("Tarnwell Energy", "Company", "2"),
            ("Vantor", "Brand", "2"),
            ("Vantor V8", "Product", "2"),
            ("Ada Linnqvist", "Person", "1"),
            ("Brisa One Launch Night", "Event", "1"),
            ("electric vehicles", "Sector", "1"),
            ("Green Corridor Pilot", "Initiative", "1"),
            ("Grid Summit 2025", "Event", "1"),
            ("Helix Platform", "Technology", "1"),
            ("Jonas Pereck", "Person", "1"),
            ("Kestrova Charging", "Company", "1"),
            ("Kestrova Mobility", "Company", "1"),
            ("Lumen Drive", "Company", "1"),
        ]),
    ],
    "release-timeline": [
        ({}, [
            ("", NIGHT, "markdown", "false", "3"),
            ("2025-01-15", HELIX, "text", "false", "12"),
            ("2025-02-10", LUMEN, "html", "false", "6"),
            ("2025-03-05", QUARTZ, "text", "true", "3"),
            ("2025-04-22", OGCA, "rss", "false", "9"),
        ]),
    ],
    "find-entity": [
        ({"text": "KESTROVA"}, [
            ("Kestrova Charging", "Company", "Kestrova Charging"),
            ("Kestrova Group", "Company", "Kestrova"),
            ("Kestrova Group", "Company", "Kestrova Group"),
            ("Kestrova Group", "Company", "Kestrova Group AG"),
            ("Kestrova Mobility", "Company", "Kestrova Mobility"),
            ("Kestrova Mobility", "Company", "Kestrova Mobility GmbH"),
        ]),
        ({"text": "gca"}, [("Open Grid Charging Alliance", "Alliance", "OGCA")]),
    ],
}

SAVED = saved_queries()
CASES = [(name, params, rows) for name in sorted(EXPECTED) for params, rows in EXPECTED[name]]
NASTY_VALUES = [
    'Kestrova" } ?x ?y ?z { "',
    "Kestrova\" . } } ; DROP ALL ; #",
    "x\"\n} INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
    "{ } ( ) . ; , \\\" \\\\ '''",
    'Brisa"@en',
    "Helix\r\n\t",
    "') } UNION { ?org ?p ?o } #",
]


def _text(value) -> str:
    """A row's cell as the CSV shows it (rows hold Python values: booleans print as true/false there)."""
    return "" if value is None else ("true" if value else "false") if isinstance(value, bool) else str(value)


def cells(result) -> list[tuple[str, ...]]:
    return [tuple(_text(value) for value in row) for row in result.rows]


def test_fixture_graph_conforms_to_the_shapes():
    assert validate_graphs(fixture_graphs()).conforms


def test_there_are_at_least_twelve_saved_queries():
    assert len(SAVED) >= 12


@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_query(fixture_store, name):
    assert name in EXPECTED, f"queries/{name}.rq has no expected rows in tests/test_queries.py EXPECTED"
    saved = SAVED[name]
    assert saved.description and not saved.description.startswith("@param"), f"{name}: first line must describe it"
    for params, rows in EXPECTED[name]:
        assert set(params) == set(saved.params), f"{name}: the expectation binds {sorted(params)}"
        assert cells(run_query(fixture_store, name, params)) == rows, f"{name} with {params}"


def test_every_expectation_has_a_query():
    assert sorted(set(EXPECTED) - set(SAVED)) == []


@pytest.mark.parametrize("name", sorted(n for n in SAVED if SAVED[n].params))
@pytest.mark.parametrize("value", NASTY_VALUES)
def test_parameters_cannot_change_the_query(fixture_store, name, value):
    before = fixture_store.dump_nquads()
    params = {param: value for param in SAVED[name].params}
    if set(params) <= SAVED[name].text_params:
        assert cells(run_query(fixture_store, name, params)) == []
    else:  # a value naming no entity is said to be so, never answered with no rows
        with pytest.raises(UnknownEntity, match="no entity is named"):
            run_query(fixture_store, name, params)
    assert fixture_store.dump_nquads() == before


def test_a_parameter_is_matched_as_a_whole_name(fixture_store):
    # "Kestrova Group" is a name; "Kestrova Gr" is not, even though it is a prefix of one
    with pytest.raises(UnknownEntity) as raised:
        run_query(fixture_store, "brands-of-company", {"company": "Kestrova Gr"})
    assert raised.value.suggestions[0] == "Kestrova Group"


@pytest.mark.parametrize("update", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX ex: <urn:ex:>\nDELETE WHERE { ?s ?p ?o }",
    "# a comment first\nDROP ALL",
    "CLEAR DEFAULT",
])
def test_query_command_refuses_updates(fixture_store, update):
    before = fixture_store.dump_nquads()
    result = CliRunner().invoke(cli, ["query", update, "--store", fixture_store.location])
    assert result.exit_code == 2, result.output
    assert fixture_store.dump_nquads() == before


def test_query_command_runs_a_saved_query_with_a_parameter(fixture_store):
    result = CliRunner().invoke(
        cli, ["query", "brands-of-company", "--param", "company=Kestrova", "--format", "csv", "--store", fixture_store.location]
    )
    assert result.exit_code == 0, result.output
    expected = cells(run_query(fixture_store, "brands-of-company", {"company": "Kestrova"}))
    assert result.output.splitlines()[1:] == [",".join(row) for row in expected]


def test_query_command_names_a_missing_parameter(fixture_store):
    result = CliRunner().invoke(cli, ["query", "brands-of-company", "--store", fixture_store.location])
    assert result.exit_code == 2
    assert "--param company=" in result.output


def test_queries_command_lists_every_file_with_its_description():
    result = CliRunner().invoke(cli, ["queries"])
    assert result.exit_code == 0
    listed = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert sorted(listed) == sorted(SAVED)
    for name, saved in SAVED.items():
        assert saved.description in listed[name]
        for param in saved.params:
            assert f"--param {param}=" in listed[name]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An Oxigraph server over a copy of the fixture graph."""
    from mobkg.server import OxigraphServer

    path = tmp_path_factory.mktemp("served") / "store"
    store = open_store(str(path))
    store.replace_graphs(fixture_graphs())
    store.close()
    with OxigraphServer(path, port=free_port()) as running:
        yield running


@pytest.mark.server
def test_saved_queries_give_the_same_rows_on_a_sparql_server(server):
    from mobkg.stores.remote import RemoteStore

    remote = RemoteStore(server.url)
    for name, params, rows in CASES:
        assert cells(run_query(remote, name, params)) == rows, f"{name} with {params} over HTTP"


def test_queries_read_the_merged_default_graph_not_a_union_with_duplicates(fixture_store):
    """The default graph holds each merged fact once, however many releases state it."""
    plain = pyoxigraph.Store()
    plain.load(fixture_store.dump_nquads(), format=pyoxigraph.RdfFormat.N_QUADS)
    union_rows = len(list(plain.query("SELECT ?s WHERE { ?s a ?c }", use_default_graph_as_union=True)))
    merged_rows = len(fixture_store.query("SELECT ?s WHERE { ?s a ?c }").rows)
    distinct_rows = len(list(plain.query("SELECT DISTINCT ?s ?c WHERE { GRAPH ?g { ?s a ?c } }")))
    assert merged_rows == distinct_rows < union_rows


@pytest.mark.parametrize(("name", "hint"), [("brand-of-company", "did you mean brands-of-company"), ("frobnicate", "")])
def test_a_misspelt_saved_query_is_named_with_the_closest_names(name, hint):
    with pytest.raises(QueryError) as error:
        load_query(name)
    message = str(error.value)
    assert message.startswith(f"{name}: no saved query") and hint in message and "\n" not in message


# --- unknown entities: exit 2 with the closest names, never "(0 rows)" -------------------------

def test_an_unknown_entity_is_a_usage_error_with_the_closest_names(fixture_store):
    result = CliRunner().invoke(cli, ["query", "brands-of-company", "--param", "company=Kestrova Grup",
                                      "--store", fixture_store.location])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert "no entity is named 'Kestrova Grup'; did you mean 'Kestrova Group'" in line
    assert "(0 rows)" not in result.output


def test_an_unknown_entity_far_from_every_name_gets_no_suggestion(fixture_store):
    with pytest.raises(UnknownEntity) as raised:
        run_query(fixture_store, "brands-of-company", {"company": "Zzyzx Quarternion"})
    assert raised.value.suggestions == () and "did you mean" not in str(raised.value)


# --- an analyst's own saved queries ----------------------------------------------------------------

PROJECTED = ("# Brands of a company, with the company itself.\n# @param company: a company\n"
             "PREFIX mob: <https://w3id.org/mobkg/ontology#>\n"
             "SELECT ?company ?brand WHERE { ?company mob:hasBrand ?b . "
             "?b <http://www.w3.org/2000/01/rdf-schema#label> ?brand } ORDER BY ?brand\n")


@pytest.fixture
def my_queries(tmp_path):
    folder = tmp_path / "my-queries"
    folder.mkdir()
    (folder / "company-brands.rq").write_text(PROJECTED, encoding="utf-8")
    # same name as a bundled query: this one replaces it
    (folder / "release-timeline.rq").write_text("# Only the headlines.\nSELECT ?h WHERE { ?r <https://schema.org/headline> ?h } "
                                                "ORDER BY ?h\n", encoding="utf-8")
    return folder


def test_an_analysts_query_with_a_projected_parameter_runs_from_its_folder(fixture_store, my_queries):
    result = CliRunner().invoke(cli, ["query", "company-brands", "--queries", str(my_queries), "--param",
                                      "company=Kestrova", "--format", "csv", "--store", fixture_store.location])
    assert result.exit_code == 0, result.output
    rows = run_query(fixture_store, "company-brands", {"company": "Kestrova"}, queries=[my_queries]).rows
    group = "https://w3id.org/mobkg/id/company/kestrova-group"
    assert [tuple(map(str, row)) for row in rows] == [(group, "Brisa"), (group, "Vantor")]
    assert result.output.splitlines() == ["company,brand", *[f"{c},{b}" for c, b in rows]]


def test_an_analysts_query_replaces_the_bundled_one_of_its_name(fixture_store, my_queries):
    mine = saved_queries([my_queries])
    assert mine["release-timeline"].origin == str(my_queries) and mine["release-timeline"].params == {}
    assert mine["brands-of-company"].origin == "bundled" and set(saved_queries([])) < set(mine)
    rows = run_query(fixture_store, "release-timeline", queries=[my_queries]).rows
    assert [str(h) for (h,) in rows] == sorted([HELIX, LUMEN, QUARTZ, OGCA, NIGHT])


def test_queries_lists_each_with_its_origin(my_queries):
    result = CliRunner().invoke(cli, ["queries", "--queries", str(my_queries)])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0]: line for line in result.output.splitlines()}
    assert listed["company-brands"].endswith(f"[--param company=...]  ({my_queries})")
    assert listed["release-timeline"].endswith(f"({my_queries}, replaces the bundled one)")
    assert "(" not in listed["parent-chain"].split("]")[-1]  # bundled: no origin note


def test_the_environment_and_the_config_file_name_the_folder(fixture_store, my_queries, tmp_path, monkeypatch):
    monkeypatch.setenv("MOBKG_QUERIES", str(my_queries))
    assert "company-brands" in saved_queries()
    monkeypatch.delenv("MOBKG_QUERIES")
    config = tmp_path / "config.toml"
    config.write_text(f'queries = ["{my_queries.name}"]\n', encoding="utf-8")  # relative to the config file
    monkeypatch.setenv("MOBKG_CONFIG", str(config))
    assert saved_queries()["company-brands"].origin == str(my_queries)
    config.write_text("queries = 3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["queries"])
    assert result.exit_code == 2 and "`queries` must be a folder path" in result.output
    config.write_text("queries = [\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["queries"])
    assert result.exit_code == 2 and "not valid TOML" in result.output


@pytest.mark.parametrize(("text", "message"), [
    ("SELECT ?x WHERE { ?x ?p }", "SPARQL syntax error"),
    ("# A query.\n# @param\nSELECT ?x WHERE { ?x ?p ?o }", "line 2: malformed @param line"),
    ("# A query.\n# @param a: one\n# @param a: again\nSELECT ?a WHERE { ?a ?p ?o }", "@param a is declared twice"),
    ("# A query.\n# @param company: a company\nSELECT ?x WHERE { ?x ?p ?o }", "declares @param company but"),
    ("DELETE WHERE { ?s ?p ?o }", "SPARQL UPDATE is not allowed"),
    (b"# caf\xe9\nSELECT * WHERE { ?s ?p ?o }", "cannot read query file"),
])
def test_a_bad_query_in_the_folder_is_named_at_load(tmp_path, text, message):
    folder = tmp_path / "q"
    folder.mkdir()
    path = folder / "mine.rq"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(QueryError, match=message):
        saved_queries([folder])
    result = CliRunner().invoke(cli, ["queries", "--queries", str(folder)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {path}:") and message in line


# --- rows as Python values, formats ---------------------------------------------------------------

def test_rows_are_python_values(fixture_store, my_queries):
    import datetime

    from rdflib import URIRef

    result = run_query(fixture_store, "release-timeline")
    dated = [row for row in result.rows if row[0] is not None]
    assert dated and all(isinstance(row[0], datetime.date) for row in dated)
    assert all(isinstance(row[3], bool) and isinstance(row[4], int) for row in result.rows)
    (company, brand) = run_query(fixture_store, "company-brands", {"company": "Kestrova"}, queries=[my_queries]).rows[0]
    assert isinstance(company, URIRef) and type(brand) is str


def test_json_keeps_numbers_and_booleans_tsv_escapes(fixture_store):
    import json

    runner = CliRunner()
    out = runner.invoke(cli, ["query", "release-timeline", "--format", "json", "--store", fixture_store.location])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {type(r["facts"]) for r in rows} == {int} and {type(r["correction"]) for r in rows} == {bool}
    dates = [row[0] for row in run_query(fixture_store, "release-timeline").rows]
    assert None in dates and [r["date"] for r in rows] == [d and d.isoformat() for d in dates]  # unbound: null
    lines = runner.invoke(cli, ["query", "release-timeline", "--format", "jsonl", "--store", fixture_store.location])
    assert [json.loads(line) for line in lines.output.splitlines()] == rows
    query = 'SELECT ?a ?n WHERE { VALUES (?a ?n) { ("x\\ty\\nz\\\\w" 2) } }'
    tsv = runner.invoke(cli, ["query", query, "--format", "tsv", "--store", fixture_store.location])
    assert tsv.exit_code == 0, tsv.output
    assert tsv.output == "a\tn\nx\\ty\\nz\\\\w\t2\n"


def test_to_dataframe(fixture_store, monkeypatch):
    import sys

    from mobkg import MobkgError

    result = run_query(fixture_store, "release-timeline")
    frame = result.to_dataframe()
    assert list(frame.columns) == result.variables and len(frame) == len(result.rows)
    assert frame["facts"].sum() == sum(row[4] for row in result.rows)
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    with pytest.raises(MobkgError, match=r"pip install 'mobkg\[pandas\]'"):
        result.to_dataframe()
