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
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from mobkg import open_store
from mobkg.cli import cli
from mobkg.errors import QueryError
from mobkg.viz import embed_json, render_html, viz_data
from mobkg.vocab import MOB, SCHEMA

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
        "url": "https://news.kestrova.example/2025/helix",
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


@pytest.mark.parametrize("name", ["graph.js", "details.js", "graph.css", "vendor/sigma-bundle.min.js"])
def test_script_assets_cannot_close_their_element(name):
    text = (ASSETS / name).read_text(encoding="utf-8").lower()
    assert "</script" not in text and "<!--" not in text and "__mobkg_" not in text


def test_page_inlines_the_vendored_renderer(fixture_store):
    page = render_html(fixture_store)
    assert page.count((ASSETS / "vendor" / "sigma-bundle.min.js").read_text(encoding="utf-8")) == 1
    assert "window.mobkgVendor" in page and "<script src" not in page


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
    assert page.count("</script>") == 3  # the data, the vendored libraries, mobkg's own script


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
# The page is checked through its own state (window.mobkgView: the graphology graph, the
# sigma renderer and what the filters show), never by reading pixels. Expected counts are
# worked out here from viz_data, independently of the page's script.

LOCAL_SCHEMES = ("file:", "blob:", "data:")  # the page itself, the layout's worker, the PNG


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
    """Open a rendered page, wait for its layout to finish; collect page errors and requested URLs."""
    opened = []

    def open_(html: str):
        path = tmp_path / "graph.html"
        path.write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page.set_default_timeout(30_000)
        page.errors, page.requests = [], []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("request", lambda request: page.requests.append(request.url))
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_selector("body[data-layout=done]", timeout=180_000)  # bounded iterations; a busy machine is slow
        opened.append(page)
        return page

    yield open_
    for page in opened:
        page.close()


def state(page) -> dict:
    return page.evaluate("mobkgView.state()")


def click_entity(page, iri: str) -> None:
    """Pan so the entity is in the middle of the graph, then click it there with the mouse."""
    page.evaluate("""id => new Promise(done => {
        const shown = mobkgView.renderer.getNodeDisplayData(id);
        mobkgView.renderer.getCamera().setState({x: shown.x, y: shown.y});
        requestAnimationFrame(() => requestAnimationFrame(done));
    })""", iri)
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def shown_after(data: dict, keep_node, keep_edge, min_degree: int = 0) -> tuple[set, int]:
    """Entities and number of facts a filter should leave, from the page's data."""
    nodes = {n["id"] for n in data["nodes"] if keep_node(n)}
    edges = [e for e in data["edges"] if keep_edge(e) and e["source"] in nodes and e["target"] in nodes]
    degree = {n: 0 for n in nodes}
    for e in edges:
        degree[e["source"]] += 1
        degree[e["target"]] += 1
    nodes = {n for n in nodes if degree[n] >= min_degree}
    return nodes, sum(1 for e in edges if e["source"] in nodes and e["target"] in nodes)


@pytest.mark.browser
def test_every_entity_and_fact_is_drawn_without_any_network(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    data = viz_data(fixture_store)
    drawn = page.evaluate("""() => {
        const r = mobkgView.renderer, g = mobkgView.graph;
        return {order: g.order, size: g.size, canvases: document.querySelectorAll("#graph canvas").length,
                shown: g.nodes().filter(id => r.getNodeDisplayData(id) && !r.getNodeDisplayData(id).hidden).length,
                edges: g.edges().filter(key => r.getEdgeDisplayData(key) && !r.getEdgeDisplayData(key).hidden).length,
                webgl: !!r.getCanvases().nodes.getContext("webgl2") || !!r.getCanvases().nodes.getContext("webgl")};
    }""")
    assert drawn == {"order": 24, "size": 31, "canvases": drawn["canvases"], "shown": 24, "edges": 31, "webgl": True}
    assert drawn["canvases"] >= 3  # sigma's WebGL layers plus its label canvas
    assert state(page)["shownNodes"] == sorted(n["id"] for n in data["nodes"])
    assert page.locator("#legend-items .legend-item").count() == 10
    assert page.locator("#legend-items .legend-item").first.get_attribute("data-type") == "Company"
    assert page.locator("#shown").inner_text() == "24 of 24 entities · 31 of 31 facts shown"
    assert page.errors == []
    assert [url for url in page.requests if not url.startswith(LOCAL_SCHEMES)] == []


def distinct_positions(page) -> int:
    return page.evaluate("new Set(mobkgView.graph.mapNodes((id, a) => a.x + ',' + a.y)).size")


@pytest.mark.browser
def test_layout_runs_a_bounded_number_of_iterations(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    layout = state(page)["layout"]
    assert layout["iterations"] == layout["target"] > 0 and layout["running"] is False
    assert layout["mode"] == "main thread"  # a small graph: a few ms, not worth a worker
    assert distinct_positions(page) == 24  # no two entities left on one spot


@pytest.fixture
def ring_store(tmp_path):
    """600 companies in a ring, each also partnered with the one seven along: enough for the worker."""
    release = URIRef("https://w3id.org/mobkg/release/ring")
    graph = Graph(identifier=release)
    graph.add((release, RDF.type, MOB.Release))
    graph.add((release, SCHEMA.headline, Literal("Six hundred companies form a ring")))
    companies = [URIRef(f"{ID}company/ring-{i}") for i in range(600)]
    for i, company in enumerate(companies):
        graph.add((company, RDF.type, MOB.Company))
        graph.add((company, RDFS.label, Literal(f"Ring Company {i}")))
        graph.add((company, SCHEMA.subjectOf, release))
        graph.add((company, MOB.partnerOf, companies[(i + 1) % 600]))
        graph.add((company, MOB.partnerOf, companies[(i + 7) % 600]))
    store = open_store(str(tmp_path / "ring"))
    store.replace_graphs([graph])
    yield store
    store.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_larger_graph_is_laid_out_in_a_web_worker(ring_store, open_page):
    page = open_page(render_html(ring_store))
    now = state(page)
    assert (now["nodes"], now["edges"]) == (600, 1200)
    assert now["layout"]["mode"] == "worker"
    assert now["layout"]["iterations"] == now["layout"]["target"] > 0
    assert distinct_positions(page) == 600
    assert page.errors == []


@pytest.mark.browser
def test_type_filter_hides_entities_and_their_facts(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    data = viz_data(fixture_store)
    page.locator('#legend-items .legend-item[data-type="Person"]').click()
    nodes, edges = shown_after(data, lambda n: n["type"] != "Person", lambda e: True)
    assert (state(page)["nodes"], state(page)["edges"]) == (len(nodes), edges) == (20, edges)
    assert page.evaluate(f"mobkgView.renderer.getNodeDisplayData('{ID}person/mira-halden').hidden") is True
    page.locator('#legend-items .legend-item[data-type="Person"]').click()
    assert (state(page)["nodes"], state(page)["edges"]) == (24, 31)


@pytest.mark.browser
def test_predicate_filter_hides_facts(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    data = viz_data(fixture_store)
    page.locator('#predicate-items .predicate-item[data-predicate="subsidiaryOf"]').click()
    nodes, edges = shown_after(data, lambda n: True, lambda e: e["predicate"] != "subsidiaryOf")
    assert (state(page)["nodes"], state(page)["edges"]) == (24, edges)
    assert edges == 31 - sum(e["predicate"] == "subsidiaryOf" for e in data["edges"]) < 31


@pytest.mark.browser
def test_minimum_degree_filter_keeps_well_connected_entities(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    data = viz_data(fixture_store)
    page.focus("#min-degree")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.locator("#min-degree-value").inner_text() == "3"
    nodes, edges = shown_after(data, lambda n: True, lambda e: True, min_degree=3)
    assert set(state(page)["shownNodes"]) == nodes
    assert state(page)["edges"] == edges
    assert 0 < len(nodes) < 24


@pytest.mark.browser
def test_release_date_range_keeps_facts_and_entities_of_those_releases(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    data = viz_data(fixture_store)
    assert page.input_value("#date-from") == "2025-01-15" and page.input_value("#date-to") == "2025-04-22"
    page.fill("#date-from", "2025-02-01")
    page.fill("#date-to", "2025-03-31")
    in_range = {r for r, v in data["releases"].items() if v["date"] and "2025-02-01" <= v["date"] <= "2025-03-31"}
    assert len(in_range) == 2
    nodes, edges = shown_after(data, lambda n: bool(in_range & set(n["releases"])),
                               lambda e: bool(in_range & {s["release"] for s in e["sources"]}))
    assert set(state(page)["shownNodes"]) == nodes
    assert state(page)["edges"] == edges
    assert 0 < len(nodes) < 24 and 0 < edges < 31


@pytest.mark.browser
def test_search_lists_hits_by_name_and_alias(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    data = viz_data(fixture_store)
    page.fill("#search", "kestrova")
    expected = {n["id"] for n in data["nodes"] if any("kestrova" in name.lower() for name in [n["label"], *n["aliases"]])}
    hits = page.locator("#search-hits button")
    assert {b.get_attribute("data-id") for b in hits.all()} == set(state(page)["hits"]) == expected
    assert page.locator("#search-count").inner_text() == f"{len(expected)} matches"
    page.fill("#search", "OGCA")  # an alias
    assert [b.get_attribute("data-id") for b in hits.all()] == [f"{ID}alliance/open-grid-charging-alliance"]
    hits.first.click()  # a hit opens that entity
    assert state(page)["focus"] == f"{ID}alliance/open-grid-charging-alliance"
    assert page.locator("#details .entity-label").inner_text() == "Open Grid Charging Alliance"
    page.fill("#search", "")
    assert page.locator("#search-results").is_hidden() and state(page)["hits"] == []


@pytest.mark.browser
def test_clicking_an_entity_focuses_on_its_neighbourhood(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    data = viz_data(fixture_store)
    click_entity(page, KESTROVA)
    neighbours = {KESTROVA} | {e["target"] for e in data["edges"] if e["source"] == KESTROVA} \
        | {e["source"] for e in data["edges"] if e["target"] == KESTROVA}
    now = state(page)
    assert now["focus"] == KESTROVA
    assert set(now["focused"]) == neighbours
    assert now["dimmedNodes"] == 24 - len(neighbours) > 0
    (far,) = [n["id"] for n in data["nodes"] if n["label"] == "Theo Varga"]
    assert far not in neighbours
    far_shown = page.evaluate(f"mobkgView.renderer.getNodeDisplayData('{far}')")
    assert far_shown["label"] == "" and far_shown["hidden"] is False  # dimmed, still there
    page.keyboard.press("Escape")
    assert state(page)["focus"] is None and state(page)["dimmedNodes"] == 0
    assert page.locator("#details").is_hidden()


@pytest.mark.browser
def test_details_panel_links_each_fact_to_its_release(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    assert page.locator("#details").is_hidden()
    click_entity(page, KESTROVA)
    details = page.locator("#details")
    assert details.is_visible()
    assert details.locator(".entity-label").inner_text() == "Kestrova Group"
    assert details.locator(".alias").all_inner_texts() == ["Kestrova", "Kestrova Group AG"]
    assert details.locator(".fact").count() == 12
    text = details.inner_text()
    assert "Kestrova Group sells its cars under the Brisa and Vantor marques." in text
    assert "Tarnwell and Kestrova Form Lumen Drive Joint Venture" in text and "2025-02-10" in text
    link = details.locator(".fact a.headline", has_text="Tarnwell and Kestrova Form Lumen Drive Joint Venture").first
    assert link.get_attribute("href") == "https://tarnwell.example/press/lumen-drive"
    assert link.get_attribute("rel") == "noopener noreferrer"
    details.locator("a.other", has_text="Mira Halden").click()  # follow a fact to the other end
    assert details.locator(".entity-label").inner_text() == "Mira Halden"
    assert state(page)["focus"] == f"{ID}person/mira-halden"
    assert page.errors == []


@pytest.mark.browser
def test_png_export_downloads_a_png(fixture_store, open_page):
    page = open_page(render_html(fixture_store))
    with page.expect_download() as download:
        page.click("#png")
    assert download.value.suggested_filename == "mobkg-graph.png"
    image = Path(download.value.path()).read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and image[12:16] == b"IHDR"
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert width > 100 and height > 100
    assert page.errors == []
    assert [url for url in page.requests if not url.startswith(LOCAL_SCHEMES)] == []


@pytest.mark.browser
def test_markup_in_labels_is_shown_as_text(nasty_store, open_page):
    page = open_page(render_html(nasty_store))
    assert state(page)["nodes"] == 25
    assert page.evaluate("window.pwned") is None
    click_entity(page, f"{ID}company/nasty")
    assert page.locator("#details .entity-label").inner_text() == NASTY
    assert page.errors == []
