"""A bounded, thread-safe cache of deserialised specs, keyed by the sha256 of the spec text.

Why it is safe to share one spec between instances: SpiffWorkflow keeps every per-run value on
tasks (`data`, `internal_data`) and workflows, never on task specs; the one thing a run adds to a
spec is the multi-instance `completed_event -> merge_child` connection, which deserialisation
already makes and which is the same for every instance. Ad-hoc sub-processes are the exception
(a run may connect new paths to the spec's start), so specs containing one are never cached.
tests/unit/engine/test_spec_cache.py runs instances interleaved from one cached spec.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import AdHocSubprocessSpec

Specs = tuple[Any, dict[str, Any]]
DEFAULT_SIZE = 64  # deployed versions in use at once; a miss costs one deserialisation


def _shareable(specs: Specs) -> bool:
    spec, subprocess_specs = specs
    return not any(isinstance(s, AdHocSubprocessSpec) for s in (spec, *subprocess_specs.values()))


class SpecCache:
    """LRU of `load(spec_json)` results; `hits`/`misses` count lookups (for tests and tuning)."""

    def __init__(self, load: Callable[[str], Specs], size: int = DEFAULT_SIZE):
        self._load, self._size = load, size
        self._entries: OrderedDict[str, Specs] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, spec_json: str) -> Specs:
        """The deserialised (spec, subprocess_specs); raises whatever `load` raises."""
        key = hashlib.sha256(spec_json.encode("utf-8")).hexdigest()
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        specs = self._load(spec_json)  # outside the lock: a slow load does not block others
        if _shareable(specs):
            with self._lock:
                self._entries[key] = specs
                self._entries.move_to_end(key)
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
        return specs

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
