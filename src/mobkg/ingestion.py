"""Run the whole pipeline over release files and write the result to a store.

Each release is read, extracted, built into its named graph and validated
against the shapes; only graphs that conform are written.

When things are written (the atomicity rule):

* Graphs are written in batches of ``batch_size`` (default 200), each batch in
  one store transaction (for a remote store see :mod:`mobkg.stores.remote`).
* So a build that writes at most ``batch_size`` graphs -- any everyday build --
  is all or nothing: an unreadable file (unless ``skip_bad``) or a graph that
  violates the shapes stops it before anything is written.
* A bigger build streams, so that memory stays flat however many releases
  there are: it stops at the first failure; the batches written before it stay
  (complete, validated releases, never part of one) and nothing after it is
  written. Fix the file and build again: what was written is skipped as unchanged.
* A feed counts by its items, not as one file: its items are read one at a time
  (:func:`~mobkg.readers.iter_release_file`) and written in batches like
  separate files, so a feed of 10,000 items holds at most one batch of graphs in
  memory, and a feed of more than ``batch_size`` items is *not* all or nothing:
  a bad item stops the build after the batches before it (or, with ``skip_bad``,
  is skipped on its own while the rest of the feed is written). A feed of at
  most ``batch_size`` items, like any small build, is all or nothing.

Incremental builds: a release whose source bytes are unchanged since the last
build is not rebuilt; a *file* whose sha256 is already the hash of graphs in
the store is not even read. ``force`` rebuilds everything: use it after
upgrading mobkg, whose new extractor would otherwise only see changed files.

Corrections and duplicates, whatever the order of the files: a correction
replaces the graph of the release it corrects; an original never replaces a
correction; of two releases with the same URL and the same status, the later
file wins; a changed file replaces its own earlier version. Any other two
releases that share a headline (different files, different text) are two
releases: the second gets an identity of its own (its headline and its source)
and is listed in ``IngestSummary.collisions``. Two items of one feed are one
release only if their text is the same (or one corrects the other): items that
share a link or a headline but not their text are kept apart the same way. No release is dropped without a
word: what a correction or a later copy replaced is listed in
``IngestSummary.superseded``, what could not be read or built in ``skipped``.
(A file skipped because its bytes are unchanged takes part only through the
graphs it won last time; after deleting or renaming files, rebuild with ``force``.)

Internal errors: an unexpected exception while extracting, building or
validating one release becomes that release's :class:`~mobkg.errors.ReleaseFault`
(naming the file and the stage): the build stops with nothing more written, or,
with ``skip_bad``, goes on without it.

Parallel builds: with ``jobs`` > 1 (and at least ``MIN_FILES_FOR_WORKERS``
files to build), worker processes read, extract, build and validate files; the
parent takes their results in file order and writes them, so the store ends up
the same for every ``jobs``. A feed (``.xml``, ``.rss``, ``.atom``) is read by the
parent, which hands its items to the workers in parts of ``FEED_PART`` items, so a
big feed is built in parallel and never returned from a worker in one piece.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import RDF, Graph
from rdflib.namespace import SH

from .build import build_release_graph, release_iri, source_iri
from .errors import InvalidRelease, LexiconError, MobkgError, ReleaseError, ReleaseFault, ShapeViolation, StoreError
from .extract import extract_release
from .extract.lexicon import _ACTIVE_ADDITIONS, lexicon_additions
from .resources import analyst_dirs
from .extract.pipeline import ExtractionFault
from .processes import worker_context
from .readers import MAX_BYTES, find_release_files, iter_release_file
from .release import Release
from .stores import GraphStore
from .stores.base import StoredRelease
from .stores.embedded import SerializedGraph
from .validate import validate_graph
from .vocab import MOB, EntityType

__all__ = ["IngestSummary", "ingest", "release_graph", "DEFAULT_BATCH_SIZE", "MIN_FILES_FOR_WORKERS", "FEED_PART"]

DEFAULT_BATCH_SIZE = 200
"""Graphs per store transaction; builds that write no more than this are all or nothing."""

MIN_FILES_FOR_WORKERS = 50
"""Fewer files to build than this and ``jobs`` is ignored: starting workers (~1 s) would cost more than it saves."""

FEED_PART = 8
"""Feed items per piece of work handed to a worker process."""

_FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
_PROGRESS_EVERY = 100
"""Within a big file (a feed), report progress every this many releases."""

_ENTITY_CLASSES = frozenset(t.iri for t in EntityType)


@dataclass
class IngestSummary:
    """What a build did."""

    files: int = 0
    releases: int = 0
    written: int = 0
    unchanged: int = 0
    entities: int = 0
    facts: int = 0
    corrections: int = 0
    skipped: list[ReleaseError] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    """Different releases that share a headline: each was kept as a release of its own."""
    superseded: list[str] = field(default_factory=list)
    """Releases not written because a correction or a later copy of the same release replaced them."""
    warnings: int = 0


@dataclass(frozen=True)
class Collision:
    """A release whose headline another release already has; it was kept apart, under its own identity."""

    source: str
    headline: str
    other: str

    def __str__(self) -> str:
        return (f"{self.source}: same headline as {self.other or 'a stored release'} but a different text "
                f"({self.headline[:60]!r}); kept as a release of its own")


def release_graph(release: Release) -> Graph:
    """Extract one release and build its named graph.

    :raises ReleaseFault: if extraction fails unexpectedly (a bug), naming the release and the stage.
    """
    try:
        extraction = extract_release(release)
    except ExtractionFault as fault:
        raise ReleaseFault(release.source, "extraction", fault.stage) from fault
    return build_release_graph(release, extraction)


@dataclass
class _Built:
    """One release after extract + build + validate (``graph`` is None if it was not built or failed)."""

    release: Release
    graph: SerializedGraph | None = None
    error: ReleaseError | None = None
    entities: int = 0
    facts: int = 0


_Item = _Built | ReleaseError
"""What building a file yields, release by release: a built release, or the error of one that could not be read."""


def _build_one(release: Release) -> _Built:
    """Extract, build and validate one release; whatever goes wrong is this release's error, never the build's."""
    stage = "graph building"
    try:
        graph = release_graph(release)
        stage = "validation"
        report = validate_graph(graph, report_warnings=False)  # warnings never stop a release
    except ReleaseError as error:
        return _Built(release, error=error)
    except LexiconError:
        raise  # the lexicon is every release's: the build's error, not this release's
    except Exception as error:  # noqa: BLE001 - a bug in one release must not take down the build
        return _Built(release, error=ReleaseFault(release.source, stage, type(error).__name__))
    if not report.conforms:
        violations = sum(1 for _ in report.results.subjects(SH.resultSeverity, SH.Violation))  # not warnings
        return _Built(release, error=InvalidRelease(release.source, report.text, violations))
    entities = len({s for s, o in graph.subject_objects(RDF.type) if o in _ENTITY_CLASSES})
    facts = sum(1 for _ in graph.subjects(MOB.extractedBy, None))
    try:
        serialized = SerializedGraph(graph)  # what the writer process receives: text, not an rdflib graph
    except ValueError as error:
        return _Built(release, error=ReleaseError(release.source, f"holds a term that is not valid RDF ({error})"))
    return _Built(release, serialized, None, entities, facts)


@dataclass(frozen=True)
class _Plan:
    """What the store held before this build, as far as deciding who wins a graph needs it.

    ``stored`` maps a graph to (index in this build's file order of the file that
    holds it, -1 if that file is not part of the build; whether it is a correction).
    """

    stored: dict[str, tuple[int, bool]] = field(default_factory=dict)
    lexicon: tuple[Path, ...] = ()
    """An analyst's lexicon additions, which the workers load too."""

    def loses(self, release: Release, index: int) -> bool:
        """Whether the release of file ``index`` cannot win its graph, so building it is wasted.

        It loses to a correction in the store (an original never replaces one),
        and to the release of a later file that holds its graph unchanged if both
        have the same URL (the later file wins, unless only this release is a
        correction). Releases known only by their headline do not lose to a later
        file: two files with one headline are two releases, kept apart.
        """
        holder, correction = self.stored.get(str(release_iri(release)), (-1, False))
        if correction and not release.corrects:
            return True
        return bool(release.url) and holder > index and (correction or not release.corrects)


def _build_file(index: int, path: Path, plan: _Plan) -> Iterator[_Item]:
    """Read one file and build each of its releases that can win its graph, one release at a time."""
    try:
        for item in iter_release_file(path):
            yield item if isinstance(item, ReleaseError) else _build_release(index, item, plan)
    except ReleaseError as error:
        yield error


def _build_release(index: int, release: Release, plan: _Plan) -> _Built:
    return _Built(release) if plan.loses(release, index) else _build_one(release)


_worker_plan = _Plan()


def _init_worker(plan: _Plan) -> None:
    global _worker_plan
    _worker_plan = plan
    _ACTIVE_ADDITIONS.set(plan.lexicon)  # this worker's extraction uses the build's lexicon additions


def _build_in_worker(task: tuple[int, Path, list | None, bool]) -> tuple[bool, list[_Item]]:
    """A whole file (``part`` None), or a part of a feed the parent read: (last part of its file?, items)."""
    index, path, part, last = task
    if part is None:
        return True, list(_build_file(index, path, _worker_plan))
    return last, [item if isinstance(item, ReleaseError) else _build_release(index, item, _worker_plan)
                  for item in part]


@dataclass
class _Decision:
    """What this build does with one graph: keep what the store holds, or write a new release."""

    correction: bool
    write: bool = False
    entities: int = 0
    facts: int = 0
    sha256: str = ""
    source: str = ""
    origin: str = ""
    """Where this build read the release (a feed item: the feed path and ``#item``)."""
    text: str = ""
    """Digest of the release's headline and body."""


def _same_release(release: Release, owner: _Decision | StoredRelease) -> bool:
    """Whether ``release`` may take the graph ``owner`` holds (they share an identity).

    Only a correction and the release it corrects, two releases with the same URL,
    the same bytes, or a new version of the same file are one release; two different
    files with the same headline are two releases (and must not overwrite each other).
    Two items of one feed come from the same bytes: they are one release only if
    their text is the same, whatever link or headline they share.
    """
    if release.corrects or owner.correction:
        return True
    if isinstance(owner, _Decision) and _one_file(owner.origin, release.source):
        return owner.text == _text_digest(release)
    return bool(release.url or owner.sha256 == release.sha256 or not owner.source
                or _one_file(owner.source, str(source_iri(release))))


def _one_file(one: str, other: str) -> bool:
    """Whether two sources (paths or IRIs, a feed item's with ``#item``) name the same file."""
    return one.partition("#")[0] == other.partition("#")[0]


def _text_digest(release: Release) -> str:
    return hashlib.sha256("\x00".join((release.title, *release.body)).encode("utf-8", "surrogatepass")).hexdigest()


class _Run:
    """The state of one ingest: what the store held, what this build decided, what is pending."""

    def __init__(self, store: GraphStore, known: dict[str, StoredRelease], batch_size: int):
        self.store = store
        self.known = known
        self.by_sha: dict[str, list[str]] = {}
        for name, stored in known.items():
            self.by_sha.setdefault(stored.sha256, []).append(name)
        self.batch_size = max(1, batch_size)
        self.decisions: dict[str, _Decision] = {}
        self.pending: dict[str, SerializedGraph] = {}
        self.flushed: set[str] = set()
        self.collisions: list[Collision] = []
        self.superseded: list[str] = []

    def _wins(self, name: str, correction: bool) -> bool:
        current = self.decisions.get(name)
        return current is None or correction or not current.correction

    def skip_unchanged_file(self, sha: str) -> bool:
        """Account for a file whose bytes the store already holds, without reading it, if that is safe."""
        names = self.by_sha.get(sha, [])
        if not names:
            return False
        winning = [name for name in names if self._wins(name, self.known[name].correction)]
        if any(name in self.flushed for name in winning):
            return False  # this build already overwrote one of its graphs: rebuild the file to win it back
        for name in winning:
            self._keep_stored(name)
        return True

    def _keep_stored(self, name: str) -> None:
        """The store already holds the winning release of ``name``: drop what this build queued for it."""
        self.pending.pop(name, None)
        stored = self.known[name]
        self.decisions[name] = _Decision(stored.correction, sha256=stored.sha256, source=stored.source)

    def _apart(self, built: _Built) -> _Built:
        """``built`` itself, or, if its identity is held by a different release, ``built`` under an identity of its own."""
        release = built.release
        name = str(release_iri(release))
        owner = self.decisions.get(name) or self.known.get(name)
        if owner is None or _same_release(release, owner):
            return built
        apart = replace(release, variant=str(source_iri(replace(release, url=None))))  # where it was read
        self.collisions.append(Collision(release.source, release.title, owner.source))
        return _Built(apart)

    def take(self, built: _Built, doomed: bool) -> ReleaseError | None:
        """Decide what to do with one release (in file order) and queue its graph if it must be written.

        A ``doomed`` release loses to what the store holds (see :meth:`_Plan.loses`). Returns the
        release's error if it had to be written but could not be built or does not validate.
        """
        built = self._apart(built)
        release = built.release
        name = str(release_iri(release))
        correction = bool(release.corrects)
        stored = self.known.get(name)
        if name not in self.decisions and stored and stored.correction and not correction:
            self._keep_stored(name)  # the store's correction stays
            self.superseded.append(f"{release.source}: corrected by a release already in the store; kept the correction")
            return None
        if doomed:
            self.superseded.append(f"{release.source}: a later file holds the same release ({release.url}); kept that one")
            return None  # the later file that holds this graph decides it
        if not self._wins(name, correction):
            self.superseded.append(f"{release.source}: corrected by a release earlier in this build; kept the correction")
            return None
        if stored and stored.sha256 == release.sha256 and name not in self.flushed:
            self._keep_stored(name)
            return None
        if built.graph is None and built.error is None:
            built = _build_one(release)
        if built.error is not None:
            return built.error
        previous = self.decisions.get(name)
        if previous is not None and previous.write and not correction:
            self.superseded.append(f"{previous.origin}: a later file or item holds the same release ({release.source}); "
                                   f"kept that one")
        self.decisions[name] = _Decision(correction, True, built.entities, built.facts, release.sha256,
                                         str(source_iri(release)), release.source, _text_digest(release))
        self.pending.pop(name, None)
        self.pending[name] = built.graph
        if len(self.pending) >= self.batch_size:
            self.flush()
        return None

    def failed(self, error: ReleaseError) -> MobkgError:
        """The error that stops this build at ``error``; a shapes violation also says what was kept."""
        if not isinstance(error, InvalidRelease):
            return error
        kept = len(self.flushed)
        outcome = f"the {kept} releases written before it were kept" if kept else "nothing was written"
        return ShapeViolation(f"{error}; {outcome}", error.report)

    def flush(self) -> None:
        if self.pending:
            try:
                self.store.replace_graphs(list(self.pending.values()))
            except StoreError as error:
                raise type(error)(f"{error}; {self._landed()}") from None
            self.flushed.update(self.pending)
            self.pending.clear()

    def _landed(self) -> str:
        """Which releases a failed write leaves in the store: the batches before it, whole; this one whole or not at all."""
        kept, pending = len(self.flushed), len(self.pending)
        before = f"the earlier batches ({kept} release{'s' if kept != 1 else ''}) were written" if kept \
            else "no earlier batch"
        return f"{before}; this batch of {pending} release{'s' if pending != 1 else ''} was not confirmed: " \
               "build again to finish"

    def summary(self, files: int, skipped: list[ReleaseError]) -> IngestSummary:
        """What this build did (a release is counted once, under the identity it ended up with)."""
        written = [d for d in self.decisions.values() if d.write]
        return IngestSummary(
            files=files,
            releases=len(self.decisions),
            written=len(written),
            unchanged=len(self.decisions) - len(written),
            entities=sum(d.entities for d in written),
            facts=sum(d.facts for d in written),
            corrections=sum(1 for d in written if d.correction),
            skipped=skipped,
            collisions=self.collisions,
            superseded=self.superseded,
        )


def _file_sha(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None  # a FIFO or device would block or never end: read_release_file refuses it
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # read_release_file will report it


def ingest(
    paths: Iterable[str | os.PathLike],
    store: GraphStore,
    *,
    skip_bad: bool = False,
    force: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
    jobs: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    lexicon: Sequence[str | os.PathLike] | None = None,
    scheduler: str | None = None,
) -> IngestSummary:
    """Read, extract, build, validate and store every release under ``paths``.

    Releases whose source bytes are unchanged since the last build are skipped
    unless ``force``. A correction replaces the graph of the release it corrects;
    an original never overwrites a correction already in the store. ``jobs``
    worker processes do the reading, extraction and validation; see the module
    docstring for what is written when a build fails (a feed's items count one by
    one). ``progress(files_done, files_total, releases)`` is called before the first
    file, after each one, and every 100 releases within a file. ``lexicon``: an analyst's
    folders of gazetteer additions (``None``: the configured ones, see
    :func:`mobkg.resources.analyst_dirs`); they add names, never change the IRI of a name.
    ``scheduler``: the address of a Dask scheduler whose workers build the releases instead
    of ``jobs`` local processes (see :mod:`mobkg.cluster`); the writes stay here, in order.

    :raises ReleaseError: for an unreadable file, or a release that an internal error stopped
        (:class:`~mobkg.errors.ReleaseFault`), unless ``skip_bad``.
    :raises ShapeViolation: if a release graph violates the shapes (unless ``skip_bad``).
    :raises StoreError: if the store cannot be written.
    :raises LexiconError: if a lexicon file is malformed (nothing is read or written).
    :raises ConfigError: if a configured lexicon folder does not exist.
    :raises MobkgError: if the Dask scheduler cannot be reached or fails (``scheduler``).
    :raises ValueError: if ``jobs`` or ``batch_size`` is less than 1.
    """
    if jobs < 1 or batch_size < 1:
        raise ValueError("jobs and batch_size must be at least 1")
    additions = analyst_dirs("lexicon", None if lexicon is None else list(lexicon))
    # a broken lexicon is named as such, before anything is read or written
    with lexicon_additions(additions):
        return _ingest(paths, store, skip_bad, force, progress, (jobs, scheduler), batch_size, additions)


def _ingest(paths, store, skip_bad, force, progress, workers, batch_size, additions) -> IngestSummary:
    files = find_release_files(paths)
    known = {} if force else store.release_hashes()
    run = _Run(store, known, batch_size)
    report = progress or (lambda files_done, files_total, releases: None)
    report(0, len(files), 0)
    shas = {path: _file_sha(path) for path in files} if run.by_sha else {}
    last_with_sha = {sha: index for index, path in enumerate(files) if (sha := shas.get(path)) in run.by_sha}
    plan = _Plan({name: (last_with_sha.get(stored.sha256, -1), stored.correction) for name, stored in known.items()},
                 additions)
    to_build = [(index, path) for index, path in enumerate(files) if shas.get(path) not in run.by_sha]
    skipped: list[ReleaseError] = []
    with _built_files(to_build, plan, *workers) as results:
        for index, path in enumerate(files):
            if index:
                report(index, len(files), len(run.decisions))
            if shas.get(path) in run.by_sha:
                if run.skip_unchanged_file(shas[path]):
                    continue
                items = _build_file(index, path, _Plan())  # rare: this build took one of its graphs
            else:
                items = next(results)
            for count, item in enumerate(items, 1):
                error = item if isinstance(item, ReleaseError) else run.take(item, plan.loses(item.release, index))
                if error is not None:
                    if not skip_bad:
                        raise run.failed(error)
                    skipped.append(error)
                if count % _PROGRESS_EVERY == 0:
                    report(index, len(files), len(run.decisions))
    run.flush()
    report(len(files), len(files), len(run.decisions))
    return run.summary(len(files), skipped)


@contextlib.contextmanager
def _built_files(items: list[tuple[int, Path]], plan: _Plan, jobs: int,
                 scheduler: str | None = None) -> Iterator[Iterator[Iterator[_Item]]]:
    """For each of ``items`` (index, path) in order, its built releases, lazily: here, from ``jobs``
    workers, or from the workers of a Dask ``scheduler``.

    Workers start for ``MIN_FILES_FOR_WORKERS`` files, or for any feed (which may hold thousands of releases).
    """
    if scheduler:
        from .cluster import cluster_results

        with cluster_results(scheduler, _tasks(items), plan) as results:
            yield _per_file(results, items)
        return
    if jobs == 1 or (len(items) < MIN_FILES_FOR_WORKERS and not any(_is_feed(path) for _, path in items)):
        yield (_build_file(index, path, plan) for index, path in items)
        return
    with worker_context().Pool(jobs, initializer=_init_worker, initargs=(plan,)) as pool:
        yield _per_file(pool.imap(_build_in_worker, _tasks(items), chunksize=4), items)


def _per_file(results: Iterator[tuple[bool, list[_Item]]], items: list) -> Iterator[Iterator[_Item]]:
    """Results of the tasks (a file, or the parts of a feed) regrouped by file."""
    def one_file() -> Iterator[_Item]:
        last = False
        while not last:
            last, built = next(results)
            yield from built

    return (one_file() for _ in items)


def _is_feed(path: Path) -> bool:
    return path.suffix.lower() in _FEED_SUFFIXES


def _tasks(items: list[tuple[int, Path]]) -> Iterator[tuple[int, Path, list | None, bool]]:
    """Work for the pool: a whole file, or a feed that this process reads, in parts of ``FEED_PART`` items.

    (The pool's feeder thread runs this ahead of the workers, so a feed's releases -- text,
    not graphs -- may all be read before they are built.)
    """
    for index, path in items:
        if not _is_feed(path):
            yield index, path, None, True
            continue
        part: list[Release | ReleaseError] = []
        try:
            for item in iter_release_file(path):
                part.append(item)
                if len(part) == FEED_PART:
                    yield index, path, part, False
                    part = []
        except ReleaseError as error:
            part.append(error)
        yield index, path, part, True
