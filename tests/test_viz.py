"""The HTML visualisation: its data (no browser) and the page itself in Debian's chromium.

Browser tests are marked ``browser``; they launch /usr/bin/chromium through
playwright (never a downloaded browser) and are skipped only when it is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import fixture_graphs
from rdflib import Graph

from mobkg import open_store
from mobkg.cli import cli
from mobkg.errors import QueryError
from mobkg.viz import embed_json, render_html, viz_data

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ASSETS = Path(__file__).resolve().parent.parent / "src" / "mobkg" / "viz_assets"
ID = "https://w3id.org/mobkg/id/"
KESTROVA = f"{ID}company/kestrova-group"
NASTY = '</script><script>window.pwned = 1</script><!-- & "quoted"'
DATA = re.compile(r'<script type="application/json" id="mobkg-data">(.*?)</script>', re.DOTALL)


def embedded(page: str) -> dict:
    """The JSON the page carries, read back the way a browser would (up to the first </script>)."""
    (text,) = DATA.findall(page)
    return json.loads(text)


# ------------------------------------------------------------------ data, no browser

def test_viz_data_has_every_entity_and_fact(fixture_store):
    data = viz_data(fixture_store)
    assert len(data["nodes"]) == 24
    assert len(data["edges"]) == 31
    assert sum(t["count"] for t in data["types"]) == 24
    assert len(data["releases"]) == 5


def test_edges_carry_headlines_dates_and_evidence(fixture_store):
    data = viz_data(fixture_store)
    (edge,) = [e for e in data["edges"] if e["source"] == f"{ID}brand/brisa" and e["predicate"] == "produces"]
    assert [s["release"][-4:] for s in edge["sources"]] == ["fx05", "fx01"]  # the undated one sorts first
    assert edge["sources"][0]["evidence"] == ["Brisa will build the Brisa One alongside the Vantor V8 from March."]
    assert data["releases"][edge["sources"][1]["release"]] == {
        "headline": "Kestrova Group Unveils Helix Platform for Its Brisa and Vantor Marques", "date": "2025-01-15",
    }


def test_nodes_carry_aliases_and_mentions(fixture_store):
    (node,) = [n for n in viz_data(fixture_store)["nodes"] if n["id"] == KESTROVA]
    assert node["aliases"] == ["Kestrova", "Kestrova Group AG"]
    assert len(node["releases"]) == 4


@pytest.mark.parametrize("depth, labels", [
    (0, {"Ada Linnqvist"}),
    (1, {"Ada Linnqvist", "Open Grid Charging Alliance"}),
    (2, {"Ada Linnqvist", "Open Grid Charging Alliance", "Grid Summit 2025", "Kestrova Group", "Ostrel Cells",
         "Tarnwell Energy"}),
])
def test_focus_keeps_the_neighbourhood(fixture_store, depth, labels):
    data = viz_data(fixture_store, focus="ada linnqvist", depth=depth)
    assert {n["label"] for n in data["nodes"]} == labels
    kept = {n["id"] for n in data["nodes"]}
    assert all(e["source"] in kept and e["target"] in kept for e in data["edges"])


def test_focus_on_an_unknown_name_is_an_error(fixture_store):
    with pytest.raises(QueryError, match="no entity is named"):
        viz_data(fixture_store, focus="Nobody")


def test_page_is_self_contained(fixture_store):
    page = render_html(fixture_store)
    assert embedded(page) == json.loads(json.dumps(viz_data(fixture_store)))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "the page must not load anything"
    assert "@import" not in page and "url(http" not in page


def test_script_assets_cannot_close_their_element():
    for name in ("graph.js", "graph.css"):
        assert "</script" not in (ASSETS / name).read_text(encoding="utf-8").lower()


def test_embed_json_escapes_markup():
    text = embed_json({"label": NASTY, "line": "a\u2028b"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"label": NASTY, "line": "a\u2028b"}


@pytest.fixture
def nasty_store(tmp_path):
    """The fixture graph plus one release naming an entity with markup in its label."""
    extra = Graph(identifier="https://w3id.org/mobkg/release/fx99")
    extra.parse(data=f"""
        @prefix mob: <https://w3id.org/mobkg/ontology#> .
        <https://w3id.org/mobkg/release/fx99> a mob:Release ;
            <https://schema.org/headline> "A headline with __MOBKG_JS__ in it" .
        <{ID}company/nasty> a mob:Company ; <http://www.w3.org/2000/01/rdf-schema#label> {json.dumps(NASTY)} ;
            <https://schema.org/subjectOf> <https://w3id.org/mobkg/release/fx99> .
    """, format="turtle")
    store = open_store(str(tmp_path / "store"))
    store.replace_graphs([*fixture_graphs(), extra])
    yield store
    store.close()


def test_markup_in_labels_stays_data(nasty_store):
    page = render_html(nasty_store)
    data = embedded(page)
    assert NASTY in {n["label"] for n in data["nodes"]}
    assert "A headline with __MOBKG_JS__ in it" in {r["headline"] for r in data["releases"].values()}
    assert page.count("</script>") == 2


def test_viz_command_writes_the_page(fixture_store, tmp_path):
    output = tmp_path / "graph.html"
    result = CliRunner().invoke(cli, ["viz", "--store", fixture_store.location, "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert embedded(output.read_text(encoding="utf-8")) == embedded(render_html(fixture_store))


def test_viz_command_with_focus(fixture_store, tmp_path):
    output = tmp_path / "ada.html"
    result = CliRunner().invoke(
        cli, ["viz", "--store", fixture_store.location, "--focus", "Ada Linnqvist", "--depth", "1", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert len(embedded(output.read_text(encoding="utf-8"))["nodes"]) == 2


def test_viz_command_unknown_focus_exits_2_and_writes_nothing(fixture_store, tmp_path):
    output = tmp_path / "none.html"
    result = CliRunner().invoke(cli, ["viz", "--store", fixture_store.location, "--focus", "Nobody", "-o", str(output)])
    assert result.exit_code == 2
    assert "no entity is named 'Nobody'" in result.output
    assert not output.exists()


# ------------------------------------------------------------------ the page in chromium

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser, tmp_path):
    """Open a rendered page; collect page errors and every URL it requests."""
    opened = []

    def open_(html: str):
        path = tmp_path / "graph.html"
        path.write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.errors, page.requests = [], []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("request", lambda request: page.requests.append(request.url))
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]")
        opened.append(page)
        return page

    yield open_
    for page in opened:
        page.close()


def node(page, iri: str):
    return page.locator(f'.node[data-id="{iri}"]')


@pytest.mark.browser
def test_every_entity_is_drawn_with_a_legend(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    assert page.locator("svg .node").count() == 24
    assert page.locator("svg .edge").count() == 31
    legend = page.locator("#legend .legend-item")
    assert legend.count() == 10
    assert legend.first.get_attribute("data-type") == "Company"
    assert page.errors == []
    assert [url for url in page.requests if not url.startswith("file:")] == []


@pytest.mark.browser
def test_search_highlights_matching_names_and_aliases(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    page.fill("#search", "tarnwell")
    assert page.locator(".node.match").count() == 1
    assert "match" in node(page, f"{ID}company/tarnwell-energy").get_attribute("class")
    page.fill("#search", "OGCA")  # an alias
    assert [n.get_attribute("data-id") for n in page.locator(".node.match").all()] == [
        f"{ID}alliance/open-grid-charging-alliance"
    ]
    assert page.locator(".node.dimmed").count() == 23
    page.fill("#search", "")
    assert page.locator(".node.match, .node.dimmed").count() == 0


@pytest.mark.browser
def test_clicking_a_node_shows_aliases_sources_and_evidence(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    assert page.locator("#details").is_hidden()
    node(page, KESTROVA).locator("circle").click()
    details = page.locator("#details")
    assert details.is_visible()
    assert details.locator(".entity-label").inner_text() == "Kestrova Group"
    assert details.locator(".alias").all_inner_texts() == ["Kestrova", "Kestrova Group AG"]
    assert details.locator(".fact").count() == 12
    text = details.inner_text()
    assert "Kestrova Group sells its cars under the Brisa and Vantor marques." in text
    assert "Tarnwell and Kestrova Form Lumen Drive Joint Venture" in text and "2025-02-10" in text
    details.locator("a.other", has_text="Mira Halden").click()  # follow a fact to the other end
    assert details.locator(".entity-label").inner_text() == "Mira Halden"
    assert page.errors == []


@pytest.mark.browser
def test_legend_hides_a_type(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    page.locator('#legend .legend-item[data-type="Person"]').click()
    assert page.locator(".node.hidden-type").count() == 4
    assert not node(page, f"{ID}person/mira-halden").is_visible()


@pytest.mark.browser
def test_markup_in_labels_is_shown_as_text(nasty_store, open_page):
    page = open_page(render_html(nasty_store))
    assert page.locator("svg .node").count() == 25
    assert page.evaluate("window.pwned") is None
    node(page, f"{ID}company/nasty").locator("circle").click()
    assert page.locator("#details .entity-label").inner_text() == NASTY
    assert page.errors == []
