"""The garbage collector's share of a request, and whether freezing the heap changes it (issue 19).

    .venv/bin/python bench/request_gc.py --instance DIR [--mode all|none|freeze|thresh] [--rounds 2]

Serves `GET /api/v1/tasks` and `/inbox` with Flask's test client in this process, as
bench/request_cpu.py does, on a folder seeded by bench/http_load.py's `seed` (copy it first:
requests may write sessions). Each mode runs in a fresh process, the modes interleaved `--rounds`
times: `none` as served today, `freeze` moves the warmed heap to the permanent generation
(`gc.freeze()`), `thresh` does that and raises the gen-0 threshold to 10,000. Prints per request
the CPU of the quickest of 8 batches of 40 and the collections' own CPU time and counts (a gc
callback), with the load average.
"""
from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MODES = ("none", "freeze", "thresh")


def _one(instance: str, mode: str) -> None:
    os.environ.update(SITECASE_INSTANCE_DIR=instance, SITECASE_DEMO_PASSWORD="Bench@2026")
    os.environ.pop("DATABASE_URL", None)
    from app import create_app
    from bench.request_cpu import signed_in

    app = create_app()
    web, token = signed_in(app, "contractor_pm")
    api = app.test_client()
    spent = {"cpu": 0.0, "started": 0.0, "count": [0, 0, 0]}

    def on_collection(phase: str, info: dict) -> None:
        if phase == "start":
            spent["started"] = time.thread_time()
        else:
            spent["cpu"] += time.thread_time() - spent["started"]
            spent["count"][info["generation"]] += 1

    gc.callbacks.append(on_collection)
    targets = {"GET /api/v1/tasks": lambda: api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}),
               "/inbox page": lambda: web.get("/inbox")}
    for get in targets.values():
        for _ in range(10):
            assert get().status_code == 200
    if mode in ("freeze", "thresh"):
        gc.freeze()
    if mode == "thresh":
        gc.set_threshold(10_000, 20, 20)
    for name, get in targets.items():
        best = None
        for _ in range(8):
            spent.update(cpu=0.0, count=[0, 0, 0])
            cpu = time.process_time()
            for _ in range(40):
                get()
            per = (time.process_time() - cpu) / 40
            if best is None or per < best[0]:
                best = (per, spent["cpu"] / 40, list(spent["count"]))
        print(f"| {mode} | {name} | {best[0] * 1000:.2f} | {best[1] * 1000:.3f} | {best[2]} | "
              f"{os.getloadavg()[0]:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", required=True, help="a folder seeded by bench/http_load.py's seed")
    parser.add_argument("--mode", default="all", choices=("all", *MODES))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.mode != "all":
        _one(args.instance, args.mode)
        return
    print("| mode | URL | CPU ms/request (quickest batch) | collections' CPU ms/request | collections "
          "per 40 (gen 0, 1, 2) | load avg |\n|---|---|---|---|---|---|", flush=True)
    for _ in range(args.rounds):
        for mode in MODES:
            subprocess.run([sys.executable, __file__, "--instance", args.instance, "--mode", mode],
                           check=True, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
