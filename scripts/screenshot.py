"""Render a page written by `mobkg viz` to a PNG with Debian's chromium (no browser download).

    python scripts/screenshot.py [kg/graph.html] [docs/screenshot.png] [--select NAME] [--size 1400x900]

With --select, the entity whose label is NAME is clicked first (panned to the middle),
so the picture shows its neighbourhood in focus and its details panel too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# Pan so the entity labelled NAME is in the middle of the graph, as a user would, then report it.
CENTRE = """name => new Promise(done => {
    const view = window.mobkgView, id = view.graph.findNode((node, attrs) => attrs.label === name);
    if (!id) { done(false); return; }
    const shown = view.renderer.getNodeDisplayData(id);
    view.renderer.getCamera().setState({x: shown.x, y: shown.y});
    requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
})"""


def screenshot(page_path: Path, png_path: Path, select: str | None, width: int, height: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("body[data-ready=true]")
            page.wait_for_selector("body[data-layout=done]", timeout=600_000)
            if select:
                found = page.evaluate(CENTRE, select)
                if not found:
                    raise SystemExit(f"screenshot.py: no entity is labelled {select!r} in {page_path}")
                box = page.locator("#graph").bounding_box()
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_selector("#details:not([hidden])")
            png_path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(png_path))
        finally:
            browser.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", default="kg/graph.html", type=Path)
    parser.add_argument("png", nargs="?", default="docs/screenshot.png", type=Path)
    parser.add_argument("--select", metavar="NAME", help="click this entity first to open its details")
    parser.add_argument("--size", default="1400x900", help="viewport WIDTHxHEIGHT (default 1400x900)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing; install Debian's chromium package")
    if not args.page.is_file():
        parser.error(f"{args.page} is missing; write it first with `mobkg viz -o {args.page}`")
    width, _, height = args.size.partition("x")
    screenshot(args.page, args.png, args.select, int(width), int(height))
    print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
