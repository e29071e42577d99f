"""Scale benchmark: build, rebuild, query and memory at N = 100, 1,000 and 10,000 releases.

For each size it generates a synthetic corpus (``generate.py``), then measures:

* ``mobkg build`` into a fresh embedded store (read + extract + validate + store),
  once per ``--jobs`` value, as a child process: wall time, releases/s, peak RSS
  (``os.wait4``), store size on disk;
* the same command again on the unchanged corpus (skipped by content hash) and
  its speed-up over the first build;
* every saved query in ``queries/*.rq`` (median of ``--runs`` runs after one
  warm-up, parameters bound to names that occur in the corpus);
* a baseline that keeps everything in one in-memory rdflib Dataset (read +
  extract + validate + add, no store), also as a child process;
* where the time of one release goes (read, extract, build, validate, and
  validation the plain pySHACL way, for comparison) on a sample.

Results go to ``benchmarks/results.md`` (and ``results.json``) with the machine,
the command and the date::

    python benchmarks/run.py                       # 100, 1000, 10000 releases
    python benchmarks/run.py --sizes 100,1000      # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TARGETS = {"build releases/s at 10,000": 50, "unchanged rebuild speed-up": 20, "saved query ms at 10,000": 100}


def mobkg_command() -> list[str]:
    script = Path(sys.executable).parent / "mobkg"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from mobkg.cli import main; main()"]


def run_child(command: list[str]) -> dict:
    """Run ``command``; return wall seconds, peak RSS (MiB) of it and its waited-for children, and its output."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Read the pipes before waiting (a full pipe would block the child), then reap it with wait4 for its rusage.
    out, err = process.stdout.read(), process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {err.strip()[-500:]}")
    return {"seconds": seconds, "peak_mib": usage.ru_maxrss / 1024, "stdout": out.strip()}


def folder_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    versions = {name: metadata.version(name) for name in ("mobkg", "rdflib", "pyshacl", "pyoxigraph")}
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True)
    return {
        "cpus": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem / 2**20, 1), "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}", "versions": versions,
        "commit": commit.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else ""),
    }


_PARAM_TYPES = {"company": "Company", "member": "Company", "entity": "Company", "brand": "Brand", "alliance": "Alliance",
                "technology": "Technology", "product": "Product", "person": "Person", "event": "Event",
                "sector": "Sector", "text": "Company"}


def pick_params(store_path: str) -> None:
    """Child mode: print, per saved-query parameter, the label of the entity of its type most releases mention."""
    from mobkg import open_store

    store = open_store(store_path, read_only=True)
    picked = {}
    for entity_type in sorted(set(_PARAM_TYPES.values())):
        rows = store.query(
            "PREFIX mob: <https://w3id.org/mobkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            f"SELECT ?label (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?e a mob:{entity_type} ; rdfs:label ?label }} }} "
            "GROUP BY ?label ORDER BY DESC(?n) ?label LIMIT 1"
        ).rows
        picked[entity_type] = str(rows[0][0]) if rows else "nothing of this type"
    store.close()
    params = {name: picked[entity_type] for name, entity_type in _PARAM_TYPES.items()}
    params["text"] = params["text"].split()[0].lower()  # find-entity: part of a name
    print(json.dumps(params))


def time_query(store_path: str, params_json: str, name: str, runs: int, budget: float) -> None:
    """Child mode: time one saved query (median of up to ``runs`` runs after a warm-up) and print JSON."""
    from mobkg import open_store, run_query, saved_queries

    values = json.loads(params_json)
    params = {p: values.get(p, values["company"]) for p in saved_queries()[name].params}
    store = open_store(store_path, read_only=True)
    started = time.perf_counter()
    rows = len(run_query(store, name, params).rows)  # warm-up: caches, lazy loading
    warm_up = (time.perf_counter() - started) * 1000
    times = []
    while len(times) < runs and (time.perf_counter() - started) < budget:
        begin = time.perf_counter()
        run_query(store, name, params)
        times.append((time.perf_counter() - begin) * 1000)
    store.close()
    print(json.dumps({"ms": statistics.median(times) if times else warm_up, "runs": len(times), "rows": rows,
                      "params": params}))


def time_queries(store: Path, runs: int, timeout: float) -> dict[str, dict]:
    """Time every saved query, each in its own process so that a runaway one can be stopped."""
    me = [sys.executable, str(Path(__file__).resolve())]
    params = run_child([*me, "--pick-params", str(store)])["stdout"]
    print(f"    parameters: {params}", flush=True)
    timings = {}
    for name in sorted(p.stem for p in (ROOT / "queries").glob("*.rq")):
        command = [*me, "--time-query", str(store), params, name, str(runs), str(timeout / 2)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
            timings[name] = json.loads(done.stdout)
        except subprocess.TimeoutExpired:
            timings[name] = {"ms": None, "runs": 0, "rows": None, "timeout_s": timeout}
        except subprocess.CalledProcessError as error:
            timings[name] = {"ms": None, "runs": 0, "rows": None, "error": error.stderr.strip().splitlines()[-1:]}
        print(f"    {name}: {timings[name]}", flush=True)
    return timings


def baseline(corpus: str) -> None:
    """Child mode: build everything into one in-memory rdflib Dataset (no store) and print counts."""
    from rdflib import Dataset

    from mobkg import read_release_file, validate_graph
    from mobkg.ingestion import release_graph
    from mobkg.readers import find_release_files

    dataset = Dataset()
    releases = 0
    for path in find_release_files([corpus]):
        for release in read_release_file(path):
            graph = release_graph(release)
            if not validate_graph(graph).conforms:
                raise SystemExit(f"{release.source}: violates the shapes")
            target = dataset.graph(graph.identifier)
            target.remove((None, None, None))  # a correction replaces the graph of its original
            target += graph
            releases += 1
    print(json.dumps({"releases": releases, "graphs": len(list(dataset.graphs())) - 1, "quads": len(dataset)}))


def stage_profile(corpus: Path, sample: int) -> dict[str, float]:
    """Milliseconds per release of each stage, in this process, on the first ``sample`` releases."""
    from pyshacl import validate as shacl_validate

    from mobkg import build_release_graph, extract_release, read_release_file, validate_graph
    from mobkg.readers import find_release_files
    from mobkg.validate import load_shapes
    from mobkg.vocab import load_ontology

    totals = dict.fromkeys(["read", "extract", "build graph", "validate (mobkg)", "serialise N-Triples"], 0.0)
    plain, plain_count, count, triples = 0.0, 0, 0, 0
    for path in find_release_files([corpus]):
        if count >= sample:
            break
        started = time.perf_counter()
        releases = read_release_file(path)
        totals["read"] += time.perf_counter() - started
        for release in releases:
            count += 1
            marks = [time.perf_counter()]
            extraction = extract_release(release)
            marks.append(time.perf_counter())
            graph = build_release_graph(release, extraction)
            marks.append(time.perf_counter())
            validate_graph(graph)
            marks.append(time.perf_counter())
            graph.serialize(format="nt")
            marks.append(time.perf_counter())
            for stage, (a, b) in zip(list(totals)[1:], zip(marks, marks[1:])):
                totals[stage] += b - a
            triples += len(graph)
            if plain_count < 20:  # the way validate_graph called pySHACL before it was made faster
                started = time.perf_counter()
                shacl_validate(graph, shacl_graph=load_shapes(), ont_graph=load_ontology(), inference="none",
                               advanced=True, allow_warnings=True)
                plain += time.perf_counter() - started
                plain_count += 1
    profile = {stage: seconds * 1000 / count for stage, seconds in totals.items()}
    profile["validate (plain pySHACL call, for comparison)"] = plain * 1000 / max(plain_count, 1)
    profile["triples per release"] = triples / count
    profile["releases sampled"] = count
    return profile


def benchmark(sizes: list[int], jobs_list: list[int], workdir: Path, runs: int, sample: int,
              query_timeout: float) -> dict:
    results: dict = {"sizes": {}, "machine": machine(), "load_before": os.getloadavg()}
    mobkg = mobkg_command()
    for size in sizes:
        corpus = workdir / f"corpus-{size}"
        layouts = generate(size, corpus)
        files = sum(1 for p in corpus.rglob("*") if p.suffix in {".txt", ".html", ".rss"})
        entry = {"layouts": layouts, "files": files, "builds": {}}
        print(f"N={size}: {files} files ({layouts})", flush=True)
        for jobs in jobs_list:
            store = workdir / f"store-{size}-j{jobs}"
            shutil.rmtree(store, ignore_errors=True)
            command = [*mobkg, "build", str(corpus), "--store", str(store), "--jobs", str(jobs)]
            first = run_child(command)
            again = run_child(command)
            graphs = int(first["stdout"].split(" releases read")[0])
            entry["builds"][jobs] = {
                "graphs": graphs, "seconds": first["seconds"], "releases_per_s": graphs / first["seconds"],
                "peak_mib": first["peak_mib"], "store_mib": folder_mib(store), "summary": first["stdout"].splitlines()[0],
                "rebuild_seconds": again["seconds"], "rebuild_summary": again["stdout"].splitlines()[0],
                "speedup": first["seconds"] / again["seconds"],
            }
            print(f"  jobs={jobs}: {entry['builds'][jobs]}", flush=True)
        entry["queries"] = time_queries(workdir / f"store-{size}-j{jobs_list[0]}", runs, query_timeout)
        base = run_child([sys.executable, str(Path(__file__).resolve()), "--baseline", str(corpus)])
        counts = json.loads(base["stdout"])
        entry["baseline"] = {**counts, "seconds": base["seconds"], "releases_per_s": counts["graphs"] / base["seconds"],
                             "peak_mib": base["peak_mib"]}
        print(f"  baseline: {entry['baseline']}", flush=True)
        results["sizes"][size] = entry
    profile_corpus = workdir / f"corpus-{min(sizes, key=lambda n: abs(n - 1000))}"
    stages = run_child([sys.executable, str(Path(__file__).resolve()), "--stages", str(profile_corpus), str(sample)])
    results["stages_ms"] = json.loads(stages["stdout"])
    results["benchmark_process_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["load_after"] = os.getloadavg()
    return results


def report(results: dict, command: str) -> str:
    m = results["machine"]
    sizes = results["sizes"]
    lines = [
        "# Scale benchmark results",
        "",
        f"- date: {results['date']}",
        f"- command: `{command}`",
        f"- machine: {m['cpus']} CPUs ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}, Python {m['python']}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + f"; commit {m['commit']}",
        f"- load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in results['load_before'])}; "
        f"after: {', '.join(f'{x:.2f}' for x in results['load_after'])} (other work on the machine slows every figure)",
        "- corpus: synthetic (`benchmarks/generate.py`), ~80% wire text, 5% HTML pages, RSS feeds of 3-5 items, "
        "2% corrections; releases sharing a headline or corrected share one graph, so graphs < N",
        "",
        "## Build (`mobkg build`, embedded store, read + extract + validate + store)",
        "",
        "| N | files | graphs | jobs | seconds | releases/s | peak RSS MiB | store MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, entry in sizes.items():
        for jobs, build in entry["builds"].items():
            lines.append(f"| {size} | {entry['files']} | {build['graphs']} | {jobs} | {build['seconds']:.1f} | "
                         f"{build['releases_per_s']:.1f} | {build['peak_mib']:.0f} | {build['store_mib']:.1f} |")
    lines += ["", "Wall time of the whole command, Python start-up (~0.6 s) included. Peak RSS is the build "
              "process's (with jobs > 1, each worker process has its own, similar to jobs = 1's).", "",
              "## Unchanged rebuild (same command again; files skipped by content hash)", "",
              "| N | jobs | first build s | rebuild s | speed-up |", "|---:|---:|---:|---:|---:|"]
    for size, entry in sizes.items():
        for jobs, build in entry["builds"].items():
            lines.append(f"| {size} | {jobs} | {build['seconds']:.1f} | {build['rebuild_seconds']:.2f} | "
                         f"{build['speedup']:.0f}x |")
    lines += ["", "## Baseline: everything in one in-memory rdflib Dataset (read + extract + validate + add, no store)",
              "", "| N | graphs | quads | seconds | releases/s | peak RSS MiB |", "|---:|---:|---:|---:|---:|---:|"]
    for size, entry in sizes.items():
        b = entry["baseline"]
        lines.append(f"| {size} | {b['graphs']} | {b['quads']} | {b['seconds']:.1f} | {b['releases_per_s']:.1f} | "
                     f"{b['peak_mib']:.0f} |")
    names = sorted(next(iter(sizes.values()))["queries"])
    lines += ["", "## Saved queries (median ms of up to "
              f"{results['runs']} runs after a warm-up, and the number of rows; one process per query; embedded store)",
              "",
              "| query | " + " | ".join(f"N={s}" for s in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(query_cell(sizes[s]["queries"].get(name)) for s in sizes) + " |")
    lines += ["", "A time in *italics* is a single run (the query was too slow to repeat within the budget); "
              "`> N s` means it was stopped after N seconds. Parameters name the entity of the right type that "
              "most releases mention (the heaviest case), e.g. at the largest size: "
              + ", ".join(f"{k}={v!r}" for k, v in _params_used(sizes[max(sizes, key=int)]["queries"]).items()) + "."]
    if results.get("queries_timed"):
        lines += [f"Queries timed again on {results['queries_timed']} (saved queries changed after the builds)."]
    stages = results["stages_ms"]
    lines += ["", f"## Where the time of one release goes (ms per release, one process, "
              f"{stages['releases sampled']} releases, {stages['triples per release']:.0f} triples each)", "",
              "| stage | ms/release |", "|---|---:|"]
    for stage, value in stages.items():
        if stage not in {"releases sampled", "triples per release"}:
            lines.append(f"| {stage} | {value:.1f} |")
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for line in targets(results):
        lines.append(line)
    return "\n".join(lines) + "\n"


def _params_used(timings: dict) -> dict[str, str]:
    used: dict[str, str] = {}
    for timing in timings.values():
        used.update(timing.get("params") or {})
    return used


def query_cell(timing: dict | None) -> str:
    if timing is None:
        return "n/a"
    if timing.get("timeout_s"):
        return f"> {timing['timeout_s']:g} s"
    if timing.get("ms") is None:
        return "error"
    text = f"{timing['ms']:.1f}"
    text = text if timing["runs"] else f"*{text}*"
    return f"{text} ({timing['rows']})" if timing.get("rows") is not None else text


def slowest_query(timings: dict) -> tuple[str, float]:
    def cost(item):
        timing = item[1]
        return float("inf") if timing.get("ms") is None else timing["ms"]

    name, timing = max(timings.items(), key=cost)
    return name, cost((name, timing))


def targets(results: dict) -> list[str]:
    sizes = results["sizes"]
    rows = []
    biggest = max(sizes, key=int)
    best = max(sizes[biggest]["builds"].values(), key=lambda b: b["releases_per_s"])
    rows.append(f"| build >= 50 releases/s at {biggest} (incl. validation) | {best['releases_per_s']:.1f}/s | "
                f"{'yes' if best['releases_per_s'] >= 50 else 'no'} |")
    speedup = min(b["speedup"] for b in sizes[biggest]["builds"].values())
    rows.append(f"| unchanged rebuild >= 20x faster than the first build at {biggest} | {speedup:.0f}x | "
                f"{'yes' if speedup >= 20 else 'no'} |")
    name, ms = slowest_query(sizes[biggest]["queries"])
    slow = sum(1 for t in sizes[biggest]["queries"].values() if t.get("ms") is None or t["ms"] >= 100)
    cell = query_cell(sizes[biggest]["queries"][name])
    rows.append(f"| every saved query < 100 ms at {biggest} | slowest {name}: "
                f"{cell if cell.startswith('>') else cell + ' ms'}; {slow} queries at or over 100 ms | "
                f"{'yes' if ms < 100 else 'no'} |")
    order = sorted(sizes, key=int)
    peaks = [sizes[s]["builds"][min(sizes[s]["builds"], key=int)]["peak_mib"] for s in order]
    base = [sizes[s]["baseline"]["peak_mib"] for s in order]
    # Below one batch (200 graphs) a build never holds a full batch, so compare the two largest sizes.
    flat = len(peaks) < 2 or peaks[-1] <= 1.5 * peaks[-2]
    rows.append(f"| build memory flat in N: peak RSS at {order[-1]} <= 1.5 x at {order[-2] if len(order) > 1 else '-'} "
                f"(jobs=1; per size: {' / '.join(f'{p:.0f}' for p in peaks)} MiB; in-memory baseline: "
                f"{' / '.join(f'{p:.0f}' for p in base)} MiB) | {peaks[-1] / peaks[-2] if len(peaks) > 1 else 1:.2f}x | "
                f"{'yes' if flat else 'no'} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="mobkg scale benchmark")
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--jobs", default=f"1,{os.cpu_count() or 1}", help="comma-separated --jobs values to build with")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/mobkg-bench"), help="where corpora and stores go")
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per saved query")
    parser.add_argument("--sample", type=int, default=200, help="releases in the per-stage profile")
    parser.add_argument("--query-timeout", type=float, default=60.0, help="seconds before a saved query is stopped")
    parser.add_argument("--baseline", metavar="CORPUS", help=argparse.SUPPRESS)
    parser.add_argument("--time-query", nargs=5, metavar="ARG", help=argparse.SUPPRESS)
    parser.add_argument("--stages", nargs=2, metavar="ARG", help=argparse.SUPPRESS)
    parser.add_argument("--render", type=Path, metavar="JSON", help="only rewrite --output from a results.json")
    parser.add_argument("--retime-queries", type=Path, metavar="JSON",
                        help="time the saved queries again on the stores in --workdir, update JSON and --output")
    parser.add_argument("--pick-params", metavar="STORE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pick_params:
        pick_params(args.pick_params)
        return
    if args.render or args.retime_queries:
        path = args.render or args.retime_queries
        results = json.loads(path.read_text(encoding="utf-8"))
        if args.retime_queries:
            jobs = list(dict.fromkeys(int(j) for j in args.jobs.split(",")))
            for size, entry in results["sizes"].items():
                print(f"N={size}", flush=True)
                entry["queries"] = time_queries(args.workdir / f"store-{size}-j{jobs[0]}", args.runs, args.query_timeout)
            results["queries_timed"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        args.output.write_text(report(results, results.get("command", "python benchmarks/run.py")), encoding="utf-8")
        return
    if args.baseline:
        baseline(args.baseline)
        return
    if args.time_query:
        store, params, name, runs, budget = args.time_query
        time_query(store, params, name, int(runs), float(budget))
        return
    if args.stages:
        print(json.dumps(stage_profile(Path(args.stages[0]), int(args.stages[1]))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    jobs = list(dict.fromkeys(int(j) for j in args.jobs.split(",")))
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = benchmark(sizes, jobs, args.workdir, args.runs, args.sample, args.query_timeout)
    results["runs"] = args.runs
    results["date"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    results["command"] = ("python benchmarks/run.py " + " ".join(sys.argv[1:])).strip()
    args.output.write_text(report(results, results["command"]), encoding="utf-8")
    args.output.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
