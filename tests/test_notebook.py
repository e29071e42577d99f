"""examples/analyst.ipynb runs from a clean start (nbclient, a real kernel) and answers its questions."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "analyst.ipynb"


def outputs(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        texts.append(output.get("text", ""))
        texts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # Run from the examples folder, as Jupyter would; the notebook writes only to a temporary folder.
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_the_committed_notebook_keeps_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    stored = [cell for cell in notebook.cells if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert stored == [], "clear the outputs of examples/analyst.ipynb before committing it"


@pytest.mark.slow  # a kernel start and a build: ~9 s alone, ~21 s on a loaded 2-core machine
def test_the_notebook_builds_the_examples(executed):
    assert "8 releases from 6 files" in outputs(executed[0])


@pytest.mark.slow
def test_the_notebook_answers_its_three_questions_as_dataframes(executed):
    brands, members, provenance = (outputs(cell) for cell in executed[2:5])
    for brand in ("Ardena", "Corsaro", "Valmora"):
        assert brand in brands
    assert "Open Charge Europe Alliance" in members and "Rheinstrom Energie" in members
    assert "Voltaro Charging" in provenance and "headquarteredIn" in provenance
    html = [o for cell in executed[2:5] for o in cell.outputs if "text/html" in o.get("data", {})]
    assert len(html) == 3, "each answer is shown as a DataFrame"


@pytest.mark.slow
def test_the_notebook_plots_the_graph_over_time(executed):
    (plot,) = [cell for cell in executed if "plt.subplots" in cell.source]
    assert any("image/png" in output.get("data", {}) for output in plot.outputs)
    assert "facts known" in outputs(plot) and "2025-09" in outputs(plot)
