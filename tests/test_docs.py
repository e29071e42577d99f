"""Documentation stays complete: help texts, README coverage, docstrings and ``__all__``."""

from __future__ import annotations
import __future__

import importlib
import pkgutil
import re
import types
from pathlib import Path

import click
import pytest

import mobkg
from mobkg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
COMMANDS = sorted(cli.commands)
MODULES = sorted(m.name for m in pkgutil.walk_packages(mobkg.__path__, "mobkg."))


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name):
    command = cli.commands[name]
    assert (command.help or "").strip(), f"`mobkg {name}` has no help text: give the function a docstring"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help(name):
    missing = [
        param.opts[0] for param in cli.commands[name].params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert missing == [], f"`mobkg {name}` options without help: {missing}"


def test_every_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8") if README.is_file() else ""
    missing = [name for name in COMMANDS if not re.search(rf"\bmobkg {re.escape(name)}\b", text)]
    assert missing == [], f"README.md does not show these commands (as `mobkg NAME`): {missing}"


def test_all_names_exist():
    assert [name for name in mobkg.__all__ if not hasattr(mobkg, name)] == []


def test_all_lists_every_public_name():
    public = {
        name for name, value in vars(mobkg).items()
        if not name.startswith("_") and not isinstance(value, (types.ModuleType, __future__._Feature))
    }
    assert sorted(public - set(mobkg.__all__)) == []
    assert len(mobkg.__all__) == len(set(mobkg.__all__)), "mobkg.__all__ lists a name twice"


@pytest.mark.parametrize("name", [n for n in mobkg.__all__ if callable(getattr(mobkg, n, None))])
def test_public_names_have_docstrings(name):
    assert (getattr(mobkg, name).__doc__ or "").strip(), f"mobkg.{name} has no docstring"


@pytest.mark.parametrize("module", MODULES)
def test_module_all_names_exist(module):
    imported = importlib.import_module(module)
    assert (imported.__doc__ or "").strip(), f"{module} has no module docstring"
    assert [name for name in getattr(imported, "__all__", []) if not hasattr(imported, name)] == []


def test_import_mobkg_does_not_load_the_heavy_modules():
    # `import mobkg` and `mobkg --help` stay fast: public names are imported on first use.
    import subprocess
    import sys

    code = ("import sys, mobkg, mobkg.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'rdflib', 'networkx', 'trafilatura', 'pyshacl'}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_a_lazily_imported_name_is_the_object_not_its_module():
    import mobkg.ingestion  # noqa: F401 - a submodule loaded first must not shadow a public name

    from mobkg import ingest
    assert callable(ingest) and ingest.__module__ == "mobkg.ingestion"
