"""The acceptance check of issue 3 on the real seed release, end to end through the CLI."""

from __future__ import annotations

from click.testing import CliRunner
from rdflib import Graph, Namespace, RDF, RDFS
from rdflib.namespace import SKOS

import pytest

from mobkg.cli import cli

from conftest import SHARED

MOB = Namespace("https://w3id.org/mobkg/ontology#")


def test_seed_builds_validates_and_exports_its_entities(tmp_path):
    seed = sorted((SHARED / "seed").glob("*.txt"))
    if not seed:
        pytest.skip("the shared seed release is not on this machine")
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", *map(str, seed), "--store", store]).exit_code == 0
    assert runner.invoke(cli, ["validate", "--store", store]).exit_code == 0
    out = tmp_path / "seed.ttl"
    assert runner.invoke(cli, ["export", "--store", store, "--format", "turtle", "-o", str(out)]).exit_code == 0

    graph = Graph().parse(out)
    names = {}
    for node, cls in graph.subject_objects(RDF.type):
        for prop in (RDFS.label, SKOS.altLabel):
            for name in graph.objects(node, prop):
                names.setdefault(str(name), set()).add(cls)
    expected = {
        "Chery": MOB.Company, "OMODA & JAECOO": MOB.Brand, "EXEED": MOB.Brand, "LUXEED": MOB.Brand,
        "ESG Advisory Alliance": MOB.Alliance, "Mars Architecture Hybrid Platform": MOB.Technology,
        "Yin Tongyue": MOB.Person, "Zhang Guibing": MOB.Person,
    }
    for name, cls in expected.items():
        assert cls in names.get(name, set()), f"{name} is not a {cls.fragment} in the exported graph"
