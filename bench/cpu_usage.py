"""CPU seconds used per kind of process while a benchmark phase runs (Linux /proc)."""
from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _kind(cmdline: str, name: str) -> str:
    if "-m devices" in cmdline:  # the workers, and a supervisor that idles after start-up
        return "sidecar processes"
    if name.startswith("postgres") or cmdline.startswith("postgres"):
        return "postgresql"
    if "mosquitto" in name:
        return "mosquitto"
    if "bench/devices.py" in cmdline:
        return "benchmark (publisher, polling)"
    return "other"


def snapshot() -> dict[int, tuple[str, float]]:
    """pid → (kind, user+system CPU seconds so far)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[int(entry.name)] = (_kind(cmdline, name), (int(fields[11]) + int(fields[12])) / TICKS)
    return out


def used_since(before: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds per kind since ``before`` (processes that exited meanwhile are not counted)."""
    totals: dict[str, float] = {}
    for pid, (kind, seconds) in snapshot().items():
        spent = seconds - before.get(pid, (kind, 0.0))[1]
        if spent > 0:
            totals[kind] = totals.get(kind, 0.0) + spent
    return totals
