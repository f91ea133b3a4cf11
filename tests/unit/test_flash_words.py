"""Every flash a page shows reads in the page's language: a constant with its English in the
catalogue, a gettext() call, or a message handed to `flash_said` (which writes it in words before
the session carries it: a Said's English would not survive the cookie). No f-string flashes."""
from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _flashes():
    for path in sorted((ROOT / "app/web").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("flash", "flash_said") \
                    and node.args:
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.func.id, node.args[0]


def test_every_flash_reads_in_the_pages_language():
    with (ROOT / "app/translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        english = {m.id for m in read_po(po) if m.id and m.string}
    wrong, flashes = [], list(_flashes())
    assert len(flashes) > 40  # the scan sees the pages' flashes
    for where, how, said in flashes:
        constants = [said] if isinstance(said, ast.Constant) else \
            [v for v in getattr(said, "values", ()) if isinstance(v, ast.Constant)]  # a dict of constants
        if constants:
            wrong += [f"{where}: {c.value}" for c in constants if c.value not in english]
        elif isinstance(said, ast.JoinedStr):
            wrong.append(f"{where}: an f-string (write Said(zh, en) through flash_said)")
        elif how == "flash" and not all(isinstance(s, ast.Call) and getattr(s.func, "id", None) in
                                        ("gettext", "_", "_what_happens_next", "in_language")
                                        for s in ([said.body, said.orelse] if isinstance(said, ast.IfExp) else [said])):
            wrong.append(f"{where}: {ast.unparse(said)} (hand it to flash_said)")
    assert not wrong, "\n".join(wrong)
