"""View benchmark: time to interactive and frame rate of the `mobkg viz` page at 1,000 and 10,000 entities.

For each size it writes a synthetic graph into a fresh embedded store (entities of every
type, facts attached by preferential attachment so a few hubs have many facts, each fact
reified with an evidence sentence in a dated release, as build.py writes them), renders
the page through the same ``render_html`` as ``mobkg viz``, opens it in headless Debian
chromium (WebGL through its software renderer, SwiftShader: there is no GPU here) and
measures:

* time to interactive: navigation start until the page has drawn the graph and wired its
  controls (``mobkgView.timings.ready``), and until the bounded ForceAtlas2 layout is done;
* frames per second while zooming and panning: for ``--seconds`` the mouse drags the graph
  round in circles and turns the wheel in and out (real input events, as a user gives them),
  and every frame sigma actually rendered is counted (its ``afterRender`` event), with the
  longest gap between two;
* while the layout is still running, right after the page is interactive: the same with the
  wheel only.

    python benchmarks/viz.py                      # 1000 and 10000 entities
    python benchmarks/viz.py --sizes 1000 --seconds 3

Results are printed and written as a section of ``benchmarks/results.md`` (between the
``viz`` markers; the rest of the file is kept) with the machine and the load average.
Nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mobkg import open_store  # noqa: E402
from mobkg.viz import render_html  # noqa: E402
from mobkg.vocab import MOB, PROV, SCHEMA  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TYPES = ["Company", "Brand", "Technology", "Product", "Person", "Place", "Sector", "Initiative", "Event", "Alliance"]
PREDICATES = ["partnerOf", "subsidiaryOf", "develops", "produces", "worksFor", "headquarteredIn",
              "activeIn", "usesTechnology", "launched", "memberOf", "hasBrand", "organizedBy"]
ID = "https://w3id.org/mobkg/id/"
RELEASE = "https://w3id.org/mobkg/release/"
START, END = "<!-- viz benchmark: start -->", "<!-- viz benchmark: end -->"


def synthetic_graphs(entities: int, seed: int = 7) -> list[Graph]:
    """Release graphs holding ``entities`` entities and about 1.5 facts per entity."""
    rng = random.Random(seed)
    nodes = [URIRef(f"{ID}{TYPES[i % len(TYPES)].lower()}/e{i}") for i in range(entities)]
    ends: list[int] = []  # one entry per fact end: picking from it favours entities with many facts
    facts = []
    for i in range(1, entities):
        for _ in range(1 if rng.random() < 0.5 else 2):
            j = rng.choice(ends) if ends and rng.random() < 0.7 else rng.randrange(i)
            facts.append((i, rng.choice(PREDICATES), j))
            ends += [i, j]
    per_release = 25
    graphs = []
    for r in range(0, len(facts), per_release):
        release = URIRef(f"{RELEASE}bench{r // per_release:05d}")
        graph = Graph(identifier=release)
        graph.add((release, RDF.type, MOB.Release))
        graph.add((release, SCHEMA.headline, Literal(f"Synthetic release {r // per_release}")))
        day = date(2024, 1, 1) + timedelta(days=(r // per_release) % 700)
        graph.add((release, SCHEMA.datePublished, Literal(day.isoformat(), datatype=XSD.date)))
        graph.add((release, PROV.hadPrimarySource, URIRef(f"https://bench.example/{r // per_release}")))
        for k, (s, predicate, o) in enumerate(facts[r:r + per_release]):
            for n in (s, o):
                graph.add((nodes[n], RDF.type, MOB[TYPES[n % len(TYPES)]]))
                graph.add((nodes[n], RDFS.label, Literal(f"{TYPES[n % len(TYPES)]} {n}")))
                graph.add((nodes[n], SCHEMA.subjectOf, release))
            graph.add((nodes[s], MOB[predicate], nodes[o]))
            statement = URIRef(f"{release}/statement/{k}")
            graph.add((statement, RDF.type, RDF.Statement))
            graph.add((statement, RDF.subject, nodes[s]))
            graph.add((statement, RDF.predicate, MOB[predicate]))
            graph.add((statement, RDF.object, nodes[o]))
            graph.add((statement, MOB.evidence, Literal(f"Entity {s} {predicate} entity {o}.")))
        graphs.append(graph)
    return graphs


COUNT_FRAMES = """() => {
    const r = mobkgView.renderer;
    window.benchFrames = {rendered: 0, last: null, longest: 0, start: performance.now()};
    window.benchCount = () => {
        const f = window.benchFrames, now = performance.now();
        if (f.last !== null) f.longest = Math.max(f.longest, now - f.last);
        f.last = now; f.rendered += 1;
    };
    r.on("afterRender", window.benchCount);
}"""
FRAMES = """() => {
    const f = window.benchFrames, seconds = (performance.now() - f.start) / 1000;
    mobkgView.renderer.off("afterRender", window.benchCount);
    return {fps: f.rendered / seconds, longestGapMs: f.longest, frames: f.rendered, seconds: seconds};
}"""


EMPTY_SPOT = """([width, height]) => {
    const r = mobkgView.renderer, points = mobkgView.graph.mapNodes(id => r.framedGraphToViewport(r.getNodeDisplayData(id)));
    let best = [width * 0.6, height / 2], bestDistance = -1;
    for (let x = width * 0.3; x <= width * 0.7; x += width / 40)
        for (let y = height * 0.3; y <= height * 0.7; y += height / 40) {
            let nearest = Infinity;
            for (const p of points) nearest = Math.min(nearest, (p.x - x) ** 2 + (p.y - y) ** 2);
            if (nearest > bestDistance) { bestDistance = nearest; best = [x, y]; }
        }
    return best;
}"""


def zoom_and_pan(page, seconds: float, drag: bool = True) -> dict:
    """Real mouse input, as a user gives it: drag the graph round in circles, wheel in and out.

    Without ``drag``, only the wheel: while the layout runs, entities move under the pointer,
    and pressing one and dragging it would end the layout (as it does for a user).
    """
    box = page.locator("#graph").bounding_box()
    x, y = page.evaluate(EMPTY_SPOT, [box["width"], box["height"]])
    cx, cy = box["x"] + x, box["y"] + y  # dragging an entity would move it, not the view
    page.evaluate(COUNT_FRAMES)
    start, step = time.monotonic(), 0
    while time.monotonic() - start < seconds:
        page.mouse.move(cx, cy)
        if drag:
            page.mouse.down()
            for k in range(1, 13):
                angle = k * math.pi / 6
                page.mouse.move(cx + 120 * math.cos(angle), cy + 120 * math.sin(angle), steps=2)
            page.mouse.up()
        for _ in range(3):
            page.mouse.wheel(0, -240 if step % 2 == 0 else 240)
            page.wait_for_timeout(50)
        step += 1
    return page.evaluate(FRAMES)


BLANK = """<!DOCTYPE html><html><body style="margin:0"><canvas id="c" style="width:100vw;height:100vh"></canvas>
<script>
const canvas = document.getElementById("c");
canvas.width = innerWidth; canvas.height = innerHeight;
const gl = canvas.getContext("webgl2");
window.blank = seconds => new Promise(done => {
    let frames = 0;
    const start = performance.now();
    const step = () => {
        const t = (performance.now() - start) / 1000;
        if (t >= seconds) { done(frames / t); return; }
        gl.clearColor(t % 1, 0.5, 0.5, 1); gl.clear(gl.COLOR_BUFFER_BIT); frames += 1;
        requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
});
</script></body></html>"""


def measure(page_path: Path, seconds: float) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            result = {}
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_content(BLANK)
            result["blank_fps"] = page.evaluate("s => blank(s)", seconds)  # the most this browser draws now
            page.close()
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(page_path.as_uri(), timeout=300_000)
            page.wait_for_selector("body[data-ready=true]", timeout=300_000)
            result["during_layout"] = zoom_and_pan(page, seconds, drag=False)
            page.wait_for_selector("body[data-layout=done]", timeout=600_000)
            result.update(page.evaluate("mobkgView.timings"))
            result["layout"] = page.evaluate("mobkgView.layout")
            result["after_layout"] = zoom_and_pan(page, seconds)
            result["renderer"] = page.evaluate("""() => {
                const gl = document.createElement("canvas").getContext("webgl2");
                const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
                return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : "unknown";
            }""")
            page.close()
            return result
        finally:
            browser.close()


def run(size: int, seconds: float, workdir: Path) -> dict:
    store = open_store(str(workdir / f"store-{size}"))
    try:
        store.replace_graphs(synthetic_graphs(size))
        started = time.perf_counter()
        html = render_html(store)
        render_seconds = time.perf_counter() - started
    finally:
        store.close()
    page_path = workdir / f"graph-{size}.html"
    page_path.write_text(html, encoding="utf-8")
    result = measure(page_path, seconds)
    result.update(size=size, render_html_s=render_seconds, page_mib=len(html.encode()) / 2**20,
                  facts=html.count('"predicate":'))
    return result


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} CPUs ({cpu}), {memory:.1f} GiB RAM, Linux {platform.release()}, {version}, headless"


def report(results: list[dict], command: str, load_before, load_after) -> str:
    lines = [
        START,
        "## View (`benchmarks/viz.py`: the `mobkg viz` page in headless chromium)",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- command: `{command}`",
        f"- machine: {machine()}",
        f"- WebGL: {results[0]['renderer']} (software rendering on the CPU; a real GPU is faster)",
        f"- load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.2f}' for x in load_after)} (other work on the machine slows every figure)",
        "- graph: synthetic (`synthetic_graphs`), ~1.5 facts per entity by preferential attachment, "
        "25 facts per dated release, each with an evidence sentence; page written by `render_html`",
        "- interactive: navigation start until the graph is drawn and the controls work; layout: until the "
        "bounded ForceAtlas2 run (in a web worker) ends. Frames/s: frames sigma rendered while the mouse "
        "dragged the graph in circles and wheeled in and out (headless chromium caps it at 60); blank: frames/s of a "
        "page that only clears one full-window WebGL canvas, measured just before in the same browser (the most "
        "this browser could draw at that moment)",
        "",
        "| entities | facts | page MiB | render_html s | interactive s | layout done s | FA2 iterations "
        "| frames/s zoom+pan | longest frame gap ms | frames/s zooming during layout | frames/s blank |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['facts']:,} | {r['page_mib']:.1f} | {r['render_html_s']:.1f} | {r['ready'] / 1000:.2f} "
            f"| {r['layoutDone'] / 1000:.1f} | {r['layout']['iterations']} ({r['layout']['mode']}) "
            f"| {r['after_layout']['fps']:.1f} | {r['after_layout']['longestGapMs']:.0f} "
            f"| {r['during_layout']['fps']:.1f} | {r['blank_fps']:.1f} |"
        )
    lines += ["", END]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated entity counts (default 1000,10000)")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to zoom and pan (default 5)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.md")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing; install Debian's chromium package")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="mobkg-viz-bench-") as workdir:
        results = []
        for size in (int(s) for s in args.sizes.split(",")):
            results.append(run(size, args.seconds, Path(workdir)))
            print(json.dumps(results[-1]), flush=True)
    command = "python benchmarks/viz.py" + ("".join(f" {a}" for a in argv) if argv else "")
    section = report(results, command, load_before, os.getloadavg())
    write_section(args.output, section)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
