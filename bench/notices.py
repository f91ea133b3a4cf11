"""Benchmark of notice rendering: cold and warm render time, PDF size.

Run from the project root:  .venv/bin/python bench/notices.py [--runs 20]

Cold = first render in a fresh interpreter (fontconfig, stylesheet and Jinja
compile included; Python imports reported separately). Warm = median of N
renders in the same process, which is what a Celery worker sees after its first
notice. Targets for the one-page rectification notice: ≤ 500 ms, ≤ 300 KB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MS = 500
TARGET_BYTES = 300 * 1024


def _cases() -> dict[str, tuple[str, dict]]:
    from app.rendering import sample_context
    from app.rendering.samples import many_problems

    one_page = sample_context("rectification_notice")
    long = sample_context("rectification_notice") | {"problems": many_problems(40)}
    return {"one_page": ("rectification_notice", one_page),
            "forty_problems": ("rectification_notice", long)}


def _pages(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def cold(case: str) -> dict:
    """Runs in a fresh interpreter: import time and first render time."""
    started = time.perf_counter()
    from app.rendering import render_pdf

    imported = time.perf_counter()
    template, context = _cases()[case]
    render_pdf(template, context)
    done = time.perf_counter()
    return {"import_ms": (imported - started) * 1000, "first_render_ms": (done - imported) * 1000}


def warm(case: str, runs: int) -> dict:
    from app.rendering import render_pdf
    from app.rendering.render import html_to_pdf, render_html

    template, context = _cases()[case]
    pdf = render_pdf(template, context)  # warm-up
    totals, html_times = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        html = render_html(template, context)
        t1 = time.perf_counter()
        pdf = html_to_pdf(html, template)
        t2 = time.perf_counter()
        html_times.append((t1 - t0) * 1000)
        totals.append((t2 - t0) * 1000)
    return {"runs": runs, "median_ms": statistics.median(totals), "min_ms": min(totals),
            "max_ms": max(totals), "html_median_ms": statistics.median(html_times),
            "bytes": len(pdf), "pages": _pages(pdf)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        print(json.dumps(cold(args.cold)))
        return
    for case in _cases():
        runs = args.runs if case == "one_page" else max(3, args.runs // 4)
        out = subprocess.run([sys.executable, __file__, "--cold", case], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout
        result = json.loads(out) | warm(case, runs)
        print(f"{case}: pages={result['pages']} size={result['bytes'] / 1024:.0f} KB "
              f"cold={result['first_render_ms']:.0f} ms (+imports {result['import_ms']:.0f} ms) "
              f"warm median={result['median_ms']:.0f} ms "
              f"[min {result['min_ms']:.0f}, max {result['max_ms']:.0f}, n={runs}; "
              f"Jinja {result['html_median_ms']:.1f} ms]")
        if case == "one_page":
            ok_time = result["median_ms"] <= TARGET_MS
            ok_size = result["bytes"] <= TARGET_BYTES
            print(f"  targets: warm ≤ {TARGET_MS} ms {'MET' if ok_time else 'NOT MET'}; "
                  f"size ≤ 300 KB {'MET' if ok_size else 'NOT MET'}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
