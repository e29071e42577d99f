"""Shared fixtures: paths to the shared development material and small stores."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def store(tmp_path):
    from mobkg import open_store

    opened = open_store(str(tmp_path / "store"))
    yield opened
    opened.close()
