"""Statistics, centrality and shortest paths over the hand-written fixture graph."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import networkx as nx
import pytest
from click.testing import CliRunner

from mobkg.analysis import (
    EntityRef,
    Hop,
    find_entities,
    format_path,
    format_stats,
    graph_stats,
    shortest_path,
)
from mobkg.cli import cli
from mobkg.errors import QueryError
from mobkg.export import entity_graph
from mobkg.vocab import EntityType, Predicate

ID = "https://w3id.org/mobkg/id/"


@pytest.fixture(scope="module")
def stats(fixture_store):
    return graph_stats(fixture_store, top=5)


def test_release_counts_and_date_range(stats):
    assert (stats.releases, stats.corrections, stats.undated) == (5, 1, 1)
    assert (stats.first_date, stats.last_date) == (date(2025, 1, 15), date(2025, 4, 22))


def test_entities_per_type(stats):
    assert stats.classes == {
        "Company": 6, "Brand": 2, "Alliance": 1, "Technology": 2, "Initiative": 1,
        "Person": 4, "Event": 2, "Sector": 2, "Product": 2, "Place": 2,
    }
    assert list(stats.classes) == [t.value for t in EntityType]
    assert stats.entities == 24


def test_facts_per_predicate_count_a_fact_stated_twice_once(stats):
    # fx01 and fx05 both state that Brisa produces the Brisa One and Vantor the Vantor V8
    assert stats.predicates["produces"] == 2
    assert stats.predicates == {
        "hasBrand": 2, "subsidiaryOf": 4, "memberOf": 3, "launched": 2, "develops": 2, "partnerOf": 2,
        "worksFor": 3, "organizedBy": 2, "activeIn": 4, "produces": 2, "headquarteredIn": 2, "usesTechnology": 3,
    }
    assert list(stats.predicates) == [p.value for p in Predicate]
    assert (stats.facts, stats.statements) == (31, 33)


def test_most_central_entity_is_the_hub(stats):
    assert len(stats.central) == 5
    hub = stats.central[0]
    assert hub.entity == EntityRef(f"{ID}company/kestrova-group", "Kestrova Group", "Company")
    assert hub.degree == 12
    betweenness = [c.betweenness for c in stats.central]
    assert betweenness == sorted(betweenness, reverse=True)
    assert not stats.betweenness_sampled


def test_entities_off_every_shortest_path_have_no_betweenness(fixture_store):
    everyone = graph_stats(fixture_store, top=100).central
    assert len(everyone) == 24
    by_label = {c.entity.label: c for c in everyone}
    for leaf in ("Theo Varga", "Mira Halden", "Graz", "Green Corridor Pilot"):
        assert by_label[leaf].betweenness == 0
    assert by_label["Theo Varga"].degree == 0


def test_stats_of_an_empty_store(store):
    empty = graph_stats(store)
    assert (empty.releases, empty.entities, empty.facts, empty.central) == (0, 0, 0, [])
    assert empty.first_date is None
    assert "no dated releases" in format_stats(empty)


def test_stats_command(fixture_store, stats):
    result = CliRunner().invoke(cli, ["stats", "--top", "5", "--store", fixture_store.location])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == format_stats(stats)


def test_find_entities_matches_label_and_alias_ignoring_case(fixture_store):
    graph = entity_graph(fixture_store)
    assert [e.label for e in find_entities(graph, "  kestrova   group ag ")] == ["Kestrova Group"]
    assert [e.label for e in find_entities(graph, "ogca")] == ["Open Grid Charging Alliance"]
    assert find_entities(graph, "Kestrova Gr") == []


def test_shortest_path_follows_facts_both_ways(fixture_store):
    hops = shortest_path(fixture_store, "Ada Linnqvist", "Quartz")
    assert [(h.start.label, h.predicate, h.end.label, h.forward) for h in hops] == [
        ("Ada Linnqvist", "worksFor", "Open Grid Charging Alliance", True),
        ("Open Grid Charging Alliance", "memberOf", "Ostrel Cells", False),
        ("Ostrel Cells", "develops", "Quartz LFP Cell", True),
    ]


def test_shortest_path_is_shortest(fixture_store):
    graph = nx.Graph(entity_graph(fixture_store).to_undirected())
    for source, target in [("Mira Halden", "Jonas Pereck"), ("Graz", "Lyon"), ("Vantor V8", "Grid Summit 2025")]:
        hops = shortest_path(fixture_store, source, target)
        ends = [e.iri for name in (source, target) for e in find_entities(entity_graph(fixture_store), name)]
        assert len(hops) == nx.shortest_path_length(graph, *ends)
        assert hops[0].start.label == source and hops[-1].end.label == target
        assert all(a.end == b.start for a, b in pairwise(hops))


def test_path_to_itself_is_empty_and_no_path_is_none(fixture_store):
    assert shortest_path(fixture_store, "Kestrova", "Kestrova Group AG") == []
    assert shortest_path(fixture_store, "Theo Varga", "Kestrova Group") is None


def test_unknown_name_is_a_query_error(fixture_store):
    with pytest.raises(QueryError, match="no entity is named 'Nobody'"):
        shortest_path(fixture_store, "Nobody", "Kestrova Group")


def test_path_command_prints_the_chain(fixture_store):
    result = CliRunner().invoke(cli, ["path", "Mira Halden", "OGCA", "--store", fixture_store.location])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == format_path(shortest_path(fixture_store, "Mira Halden", "OGCA"))
    assert "--worksFor--> Kestrova Group (Company)" in result.output


def test_path_command_exit_codes(fixture_store):
    unknown = CliRunner().invoke(cli, ["path", "Nobody", "Brisa", "--store", fixture_store.location])
    assert unknown.exit_code == 2
    assert "no entity is named 'Nobody'" in unknown.output
    unlinked = CliRunner().invoke(cli, ["path", "Theo Varga", "Brisa", "--store", fixture_store.location])
    assert unlinked.exit_code == 1


def test_format_path_shows_direction():
    a, b, c = (EntityRef(f"urn:{n}", n, "Company") for n in "abc")
    text = format_path([Hop(a, "partnerOf", b, True), Hop(b, "subsidiaryOf", c, False)])
    assert text.splitlines() == ["a (Company)", "  --partnerOf--> b (Company)", "  <--subsidiaryOf-- c (Company)"]
