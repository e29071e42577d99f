"""The ``mobkg`` command line: a thin layer over the library.

Each command parses options, calls one library function, prints, and maps
:class:`~mobkg.errors.MobkgError` to a one-line message and its exit code
(0 ok, 1 failure, 2 usage, 3 data violates the shapes).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import warnings

import click

from . import __version__
from .errors import MobkgError, OutputError, ShapeViolation
from .escapes import terminal_safe
from .formats import DEFAULT_TIMEOUT, ExportFormat, OutputFormat
from .outputs import STDOUT, check_output_path, write_output
from .resources import FOLDER_ENV

# Each command imports the library modules it needs when it runs: `mobkg --help`
# must not wait for rdflib, pyshacl, networkx and trafilatura (see benchmarks/startup.py).

ENDPOINT_ENV = "MOBKG_ENDPOINT"


class MobkgClickError(click.ClickException):
    """A library error shown as one line, with the error's own exit code."""

    def __init__(self, error: MobkgError):
        # A shapes report is meant to span lines; any other message is one line, even when a
        # file name or a parser's reason holds newlines or bytes that are not UTF-8. Neither
        # lets a terminal escape sequence from the data through.
        message = str(error)
        super().__init__(terminal_safe(message, multiline=True) if isinstance(error, ShapeViolation) else _one_line(message))
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def _one_line(message: str) -> str:
    return terminal_safe(message)


@contextlib.contextmanager
def reported():
    """Turn library errors into click errors (one line, right exit code)."""
    try:
        yield
    except MobkgError as error:
        raise MobkgClickError(error) from None


def store_options(command):
    """Add ``--store`` / ``--endpoint`` to ``command``; an option given on the command line wins over the environment."""
    @functools.wraps(command)
    def with_store(*args, store_path, endpoint, **kwargs):
        store_path, endpoint = _chosen_store(store_path, endpoint)
        return command(*args, store_path=store_path, endpoint=endpoint, **kwargs)

    with_endpoint = click.option(
        "--endpoint", envvar=ENDPOINT_ENV, metavar="URL",
        help=f"SPARQL endpoint of a remote store instead of the embedded one (env {ENDPOINT_ENV}).",
    )(with_store)
    return click.option(
        "--store", "store_path", default="mobkg-store", show_default=True, type=click.Path(file_okay=True),
        help="Folder of the embedded on-disk store.",
    )(with_endpoint)


def folder_option(kind: str, what: str):
    """``--queries DIR`` / ``--lexicon DIR`` (repeatable): an analyst's own folders, merged with the bundled data."""
    return click.option(f"--{kind}", f"{kind}_dirs", multiple=True, metavar="DIR",
                        type=click.Path(exists=True, file_okay=False),
                        help=f"A folder of your own {what}, merged with the bundled ones (repeatable; "
                             f"default: env {FOLDER_ENV[kind]} or `{kind}` in the config file).")


def _chosen_store(store_path: str, endpoint: str | None) -> tuple[str, str | None]:
    """The store a command uses: an explicit ``--store`` beats ``MOBKG_ENDPOINT``; both options at once is a mistake."""
    source = click.get_current_context().get_parameter_source
    explicit_store = source("store_path") == click.core.ParameterSource.COMMANDLINE
    if not store_path.strip():
        raise click.BadParameter("an empty path; give the store's folder, e.g. --store mobkg-store", param_hint="--store")
    if source("endpoint") == click.core.ParameterSource.COMMANDLINE:
        if explicit_store:
            raise click.UsageError("--store and --endpoint name two different stores; give only one")
        if not (endpoint or "").strip():
            raise click.BadParameter("an empty URL; give the server's URL, e.g. http://127.0.0.1:7878",
                                     param_hint="--endpoint")
        from .stores.endpoint import redact

        if redact(endpoint) != endpoint.strip():  # a user name or password in the URL
            raise click.BadParameter(
                f"{_one_line(redact(endpoint))}: no credentials on the command line (other users see them in ps, "
                "the shell keeps them in its history); set MOBKG_ENDPOINT_TOKEN, or MOBKG_ENDPOINT_USER and "
                "MOBKG_ENDPOINT_PASSWORD, or [remote] in the config file", param_hint="--endpoint")
    elif explicit_store:
        endpoint = None  # the command line says which store; MOBKG_ENDPOINT is only a default
    return store_path, endpoint


class OutputPath(click.ParamType):
    """An ``-o`` target: a file, a symlink, a FIFO, a device or ``-``; a folder or a missing folder is a usage error."""

    name = "file"

    def convert(self, value, param, ctx):
        try:
            check_output_path(value)
        except OutputError as error:
            self.fail(_one_line(str(error)), param, ctx)
        return value


def write_reported(output: str, data: bytes, what: str = "") -> None:
    """Write ``data`` to ``output`` and say so (on stderr when the data itself goes to stdout)."""
    with reported():
        write_output(output, data)
    shown = "stdout" if output == STDOUT else _one_line(output)
    click.echo(f"wrote {shown} ({len(data)} bytes){what}", err=output == STDOUT)


@contextlib.contextmanager
def opened(store_path: str, endpoint: str | None, *, read_only: bool = False):
    from .stores import open_store
    from .stores.settings import InsecureEndpointWarning

    with reported(), warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always", InsecureEndpointWarning)
        store = open_store(store_path, endpoint=endpoint, read_only=read_only)
    for warning in warned:
        if issubclass(warning.category, InsecureEndpointWarning):
            click.echo(f"warning: {_one_line(str(warning.message))}", err=True)
    with reported():
        try:
            yield store
        finally:
            store.close()


@click.group()
@click.version_option(__version__, prog_name="mobkg")
def cli():
    """Turn mobility-industry press releases into a validated RDF knowledge graph."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_options
@click.option("--skip-bad", is_flag=True, help="Write the good releases and report unreadable files instead of failing.")
@click.option("--force", is_flag=True, help="Rebuild releases even when their source is unchanged.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes that read, extract and validate releases in parallel.")
@click.option("--scheduler", envvar="MOBKG_SCHEDULER", metavar="ADDRESS",
              help="Build on the workers of this Dask scheduler (tcp://HOST:PORT; needs mobkg[dask]) "
                   "instead of --jobs local processes (env MOBKG_SCHEDULER).")
@folder_option("lexicon", "gazetteer files (organizations*.tsv, places*.tsv)")
def build(paths, store_path, endpoint, skip_bad, force, jobs, scheduler, lexicon_dirs):
    """Read release files or folders (text, HTML, Markdown, RSS/Atom) into the store."""
    from .ingestion import ingest

    with opened(store_path, endpoint) as store, reported(), progress_bar("building", "file") as bar:
        def progress(files_done: int, files_total: int, releases: int) -> None:
            bar.total = files_total
            bar.set_postfix_str(f"{releases} releases", refresh=False)
            bar.update(files_done - bar.n)

        summary = ingest(paths, store, skip_bad=skip_bad, force=force, progress=progress, jobs=jobs,
                         scheduler=scheduler, lexicon=lexicon_dirs or None)
    for error in summary.skipped:
        click.echo(f"skipped {_one_line(str(error))}", err=True)
    for collision in summary.collisions:
        click.echo(f"kept apart {_one_line(str(collision))}", err=True)
    for note in summary.superseded:
        click.echo(f"superseded {_one_line(note)}", err=True)
    extra = "".join(
        f", {count} {what}" for count, what in (
            (len(summary.collisions), "kept apart (same headline, different release)"),
            (len(summary.superseded), "superseded"),
            (len(summary.skipped), "skipped"),
        ) if count
    )
    click.echo(
        f"{summary.releases} releases read from {summary.files} files: {summary.written} written, "
        f"{summary.unchanged} unchanged, {summary.corrections} corrections{extra}, "
        f"{summary.entities} entities, {summary.facts} facts; validation: conforms"
    )
    click.echo(f"store: {_one_line(store.location if endpoint else os.path.abspath(store_path))}")


class _NoBar:
    """What a progress bar offers, doing nothing: output is not a terminal."""

    n = 0
    total = None

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        pass


@contextlib.contextmanager
def progress_bar(description: str, unit: str, total: int | None = None):
    """A tqdm bar on stderr when stderr is a terminal (done / total, rate, ETA), else a silent stand-in."""
    if not sys.stderr.isatty():
        yield _NoBar()
        return
    from tqdm import tqdm

    # delay: nothing is drawn for a command that finishes at once, nor before the total is known.
    with tqdm(desc=description, unit=unit, total=total, leave=False, file=sys.stderr, dynamic_ncols=True,
              delay=0.3) as bar:
        yield bar


@cli.command()
@store_options
def validate(store_path, endpoint):
    """Validate every release graph in the store against the SHACL shapes (exit 3 if not; warnings keep exit 0)."""
    from .validate import validate_store

    with opened(store_path, endpoint, read_only=True) as store, reported():
        with progress_bar("validating", "release", total=len(store.graph_names())) as bar:
            report = validate_store(store, progress=bar.update)
        if not report.conforms:
            raise ShapeViolation(f"{len(report.failing)} of {report.graphs} release graphs violate the shapes:\n{report.text}")
    for warning in report.warnings[:SHOWN_WARNINGS]:
        click.echo(f"warning {_one_line(warning)}", err=True)
    if len(report.warnings) > SHOWN_WARNINGS:
        click.echo(f"... and {len(report.warnings) - SHOWN_WARNINGS} more warnings", err=True)
    click.echo(f"{_conforms(report.warnings)}: {report.graphs} release graphs validated")


SHOWN_WARNINGS = 20
"""Warnings ``mobkg validate`` lists one by one (a store of undated releases has one per release)."""


def _conforms(warnings: list) -> str:
    """"conforms", with the number of warnings (which do not change the exit code) when there are any."""
    count = len(warnings)
    return f"conforms, {count} warning{'' if count == 1 else 's'}" if count else "conforms"


@cli.command()
@click.argument("query")
@store_options
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a saved query's parameter.")
@click.option("--format", "fmt", type=click.Choice([f.value for f in OutputFormat]), default="table", show_default=True,
              help="How to print the results (csv, tsv, json and jsonl are streamed row by row).")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True, metavar="SECONDS",
              help="Stop the query after this many seconds (0: no limit).")
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses call other SPARQL endpoints.")
@folder_option("queries", "saved queries (.rq files)")
def query(query, store_path, endpoint, params, fmt, timeout, allow_service, queries_dirs):
    """Run QUERY: a saved query name (see `mobkg queries`), a .rq file, SPARQL text, or - to read it from stdin."""
    bound = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        bound[name.strip()] = value
    from .query import read_query_text, stream_query, write_result

    with opened(store_path, endpoint, read_only=True) as store, reported():
        if query == "-":
            query = read_query_text(sys.stdin.buffer.read(2 * 1024 * 1024))
        answer = stream_query(store, query, bound, timeout=timeout or None, allow_service=allow_service,
                              queries=queries_dirs or None)
        write_result(answer, OutputFormat(fmt), sys.stdout)


@cli.command()
@folder_option("queries", "saved queries (.rq files)")
def queries(queries_dirs):
    """List the saved queries, what each answers and where it comes from (bundled or your folder)."""
    from .query import saved_queries

    with reported():
        saved = saved_queries(queries_dirs or None)
        bundled = saved_queries([])
    width = max((len(name) for name in saved), default=0)
    for name, query_ in saved.items():
        params = " ".join(f"--param {p}=..." for p in query_.params)
        replaced = ", replaces the bundled one" if query_.origin != "bundled" and name in bundled else ""
        origin = "" if query_.origin == "bundled" else f"  ({query_.origin}{replaced})"
        click.echo(_one_line(f"{name:{width}}  {query_.description}" + (f"  [{params}]" if params else "") + origin))


@cli.command()
@store_options
@click.option("--format", "fmt", type=click.Choice([f.value for f in ExportFormat]), required=True,
              help="Serialisation to write.")
@click.option("-o", "--output", type=OutputPath(), required=True,
              help="File, symlink, FIFO or device to write; - for stdout.")
def export(store_path, endpoint, fmt, output):
    """Export the store as Turtle, N-Triples, N-Quads, TriG, JSON-LD, GraphML or GEXF."""
    from .export import EXPORT_STEPS, export_store

    with opened(store_path, endpoint, read_only=True) as store, reported(), \
            progress_bar(f"exporting {fmt}", "step", total=EXPORT_STEPS) as bar:
        data = export_store(store, ExportFormat(fmt), progress=bar.update)
    write_reported(output, data)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@store_options
def load(files, store_path, endpoint):
    """Load release graphs from N-Quads, TriG, Turtle or N-Triples FILES (validated; all or nothing)."""
    from .load import load_files

    with opened(store_path, endpoint) as store, reported(), progress_bar("validating", "release") as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        summary = load_files(files, store, progress=progress)
    for note in summary.superseded:
        click.echo(f"superseded {_one_line(note)}", err=True)
    click.echo(f"{summary.releases} release graphs read from {summary.files} files: {summary.written} written, "
               f"{summary.unchanged} unchanged; validation: conforms")
    click.echo(f"store: {_one_line(store.location if endpoint else os.path.abspath(store_path))}")


@cli.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("releases_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.option("-v", "--verbose", is_flag=True, help="List missed and spurious entities and relations per file.")
@folder_option("lexicon", "gazetteer files (organizations*.tsv, places*.tsv)")
def eval_command(gold_dir, releases_dir, as_json, verbose, lexicon_dirs):
    """Score extraction on RELEASES_DIR against the gold annotations in GOLD_DIR."""
    from .evaluate import evaluate, format_report

    with reported():
        report = evaluate(gold_dir, releases_dir, lexicon=lexicon_dirs or None)
    click.echo(json.dumps(report.as_dict(verbose), indent=2) if as_json
               else terminal_safe(format_report(report, verbose), multiline=True))


@cli.command()
@click.option("--store", "store_path", default="mobkg-store", show_default=True, type=click.Path(),
              help="Folder of the on-disk store to serve (must exist, unless --writable).")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="TCP port to listen on.")
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface; warns unless loopback).")
@click.option("--writable", is_flag=True,
              help="Accept SPARQL UPDATE and Graph Store writes (for build --endpoint); refused by default.")
def serve(store_path, port, bind, writable):
    """Serve the store as a read-only SPARQL endpoint (Oxigraph server) until Ctrl-C; needs mobkg[server]."""
    from .server import OxigraphServer, is_loopback

    with reported(), OxigraphServer(store_path, port=port, bind=bind, writable=writable) as server:
        if not is_loopback(bind):
            click.echo(f"warning: listening on {_one_line(bind)}, not loopback: anyone who can reach port {port} "
                       f"can query the store{' and change it (--writable)' if writable else ''}", err=True)
        mode = "writable" if writable else "read-only (writes refused; --writable accepts them)"
        click.echo(f"serving {_one_line(os.path.abspath(store_path))} {mode} at {server.url} "
                   f"(SPARQL: {server.url}/query); use --endpoint {server.url}; Ctrl-C stops")
        status = server.wait()
    if status:
        raise click.ClickException(f"the oxigraph server exited with status {status}")


@cli.command()
@store_options
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many of the most central entities to list.")
def stats(store_path, endpoint, top):
    """Summarise the store: releases, entities per type, facts per predicate, most central entities."""
    from .analysis import format_stats, graph_stats

    with opened(store_path, endpoint, read_only=True) as store, reported():
        summary = graph_stats(store, top=top)
    click.echo(format_stats(summary))


@cli.command()
@click.argument("source")
@click.argument("target")
@store_options
def path(source, target, store_path, endpoint):
    """Show the shortest chain of facts linking SOURCE and TARGET (names or aliases, either direction)."""
    from .analysis import format_path, shortest_path

    with opened(store_path, endpoint, read_only=True) as store, reported():
        hops = shortest_path(store, source, target)
    if hops is None:
        raise click.ClickException(f"no chain of facts links {source!r} and {target!r}")
    click.echo(format_path(hops))


@cli.command()
@store_options
@click.option("--focus", metavar="NAME", help="Show only the neighbourhood of the entity with this name or alias.")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True,
              help="With --focus: how many facts away from it to show.")
@click.option("-o", "--output", type=OutputPath(), default="graph.html",
              show_default=True, help="HTML file (or symlink, FIFO, device) to write; - for stdout.")
def viz(store_path, endpoint, focus, depth, output):
    """Write the graph as one self-contained interactive HTML page (no network needed to view it)."""
    from .viz import render_html

    with opened(store_path, endpoint, read_only=True) as store, reported():
        page = render_html(store, focus=focus, depth=depth)
    write_reported(output, page.encode("utf-8"), "; open it in a browser")


def main() -> None:
    cli(prog_name="mobkg")
