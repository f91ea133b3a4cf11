"""In-process cache of a deployed definition's blobs: the compiled spec text and the sources.

Every engine step needs the spec text and every completion the task's form; reading them from
the row each time costs a large column (and a JSON decode of `sources`) per step. A deployed
ProcessDefinition never changes (a new upload is a new version), so its blobs are cached by
(id, content_hash): the hash guards against a reused id (a database emptied and refilled, as the
tests do), since equal sources compile to the same spec. The columns are deferred on the model,
so a cache hit reads neither of them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from app.models import ProcessDefinition

SIZE = 128  # definition versions kept; a miss costs one SELECT of the two columns


@dataclass(frozen=True)
class Blobs:
    spec_json: str
    sources: dict[str, str]


_entries: OrderedDict[tuple[int, str], Blobs] = OrderedDict()
_lock = threading.Lock()


def blobs(definition: ProcessDefinition) -> Blobs:
    """The spec text and sources of `definition` (read from the row on the first call only).

    The returned sources dict is shared: callers must not modify it.
    """
    key = (definition.id, definition.content_hash)
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            return found
    found = Blobs(definition.spec_json, dict(definition.sources or {}))
    if definition.id is not None:
        with _lock:
            _entries[key] = found
            while len(_entries) > SIZE:
                _entries.popitem(last=False)
    return found


def spec_json(definition: ProcessDefinition) -> str:
    return blobs(definition).spec_json


def sources(definition: ProcessDefinition) -> dict[str, str]:
    return blobs(definition).sources


def clear() -> None:
    with _lock:
        _entries.clear()
