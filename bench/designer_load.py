"""The process modeler's weight and load time (issue 14): bundle sizes (raw and gzip) and the time
from navigation to a diagram drawn with the properties panel ready, against the prebuilt bpmn-js
modeler alone (no panel, no SiteCase modules) measured in the same run on the same diagram.

    .venv/bin/python bench/designer_load.py --runs 10 [--diagram hazardous_plan_review]

Needs `make assets` and Debian's Chromium. Pages are served from a temp dir by a local HTTP server
on 127.0.0.1 only; the run is bounded by --runs."""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "app" / "web" / "static" / "vendor"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

PAGE = """<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="{css}">
<div id="c" style="width:1100px;height:700px"></div><div id="p" style="width:360px"></div>
<script src="{js}"></script><script src="diagram.js"></script>
<script>
const t0 = performance.timeOrigin;
const m = {create};
m.importXML(window.DIAGRAM).then(() => {{ {after} document.title = String(performance.now()); }});
</script>"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 9))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--diagram", default="hazardous_plan_review")
    args = parser.parse_args()
    site = Path(tempfile.mkdtemp(prefix="designer-bench-"))
    shutil.copytree(VENDOR, site / "vendor")
    xml = (ROOT / "processes" / f"{args.diagram}.bpmn").read_text(encoding="utf-8")
    (site / "diagram.js").write_text(f"window.DIAGRAM = {json.dumps(xml)};", encoding="utf-8")
    (site / "sitecase.html").write_text(PAGE.format(
        css="vendor/designer/designer.bundle.css", js="vendor/designer/designer.bundle.js",
        create="window.SiteCaseModeler({container: '#c', panel: '#p'})",
        after="m.get('selection').select(m.get('elementRegistry').get('give_opinion'));"), encoding="utf-8")
    (site / "baseline.html").write_text(PAGE.format(
        css="vendor/bpmn-js/assets/bpmn-js.css", js="vendor/bpmn-js/bpmn-modeler.production.min.js",
        create="new window.BpmnJS({container: '#c'})", after=""), encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    times: dict[str, list[float]] = {"sitecase": [], "baseline": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(args.runs):
            for name in ("baseline", "sitecase"):
                context = browser.new_context()  # cold cache each time
                page = context.new_page()
                page.goto(f"{base}/{name}.html")
                page.wait_for_function("document.title !== ''", timeout=60_000)
                times[name].append(float(page.title()))
                context.close()
        browser.close()
    server.shutdown()
    shutil.rmtree(site)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for label, path in (("SiteCase modeler bundle (js)", VENDOR / "designer" / "designer.bundle.js"),
                        ("SiteCase modeler bundle (css, fonts inlined)", VENDOR / "designer" / "designer.bundle.css"),
                        ("prebuilt bpmn-js modeler (js)", VENDOR / "bpmn-js" / "bpmn-modeler.production.min.js")):
        raw, gz = _size(path)
        print(f"{label}: {raw / 1024:.0f} KiB, gzip {gz / 1024:.0f} KiB")
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.0f} ms (min {min(values):.0f}, max {max(values):.0f}, n={len(values)})")
    print(f"ratio sitecase/baseline (median): {statistics.median(times['sitecase']) / statistics.median(times['baseline']):.2f}")


if __name__ == "__main__":
    main()
