"""Every refusal a person or an integrator can read has its English: the constant Chinese message
of every domain error raised in app/, the errors' own default texts and the error handlers' texts
(pages and the API answer in English on ?lang=en or Accept-Language: en)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "app/translations/en/LC_MESSAGES/messages.po"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in (ROOT / "app").rglob("*.py")}


def _refusal_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """DomainError and every class that derives from it, by name, across app/."""
    names = {"DomainError"}
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        (isinstance(b, ast.Name) and b.id in names) or (isinstance(b, ast.Attribute) and b.attr in names)
                        for b in node.bases):
                    names.add(node.name)
                    grew = True
    return names


def _branches(node: ast.AST) -> list[ast.AST]:
    return [*_branches(node.body), *_branches(node.orelse)] if isinstance(node, ast.IfExp) else [node]


def _chinese_texts(trees: dict[Path, ast.Module]) -> dict[str, str]:
    """text → where: refusal messages, refusal classes' docstrings, the handlers' tables."""
    classes = _refusal_classes(trees)
    found: dict[str, str] = {}

    def keep(text: object, where: str) -> None:
        # A text that carries its English already ("中文。 English.") needs no entry.
        if isinstance(text, str) and CHINESE.search(text) and not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", text):
            found.setdefault(text.strip(), where)

    for path, tree in trees.items():
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in classes and node.args and isinstance(node.args[0], ast.Constant):
                    keep(node.args[0].value, f"{where}:{node.lineno}")
                if name in classes:  # the field messages written in the refusal itself
                    for keyword in node.keywords:
                        if keyword.arg == "fields" and isinstance(keyword.value, ast.Dict):
                            for said in keyword.value.values:
                                for text in getattr(said, "elts", ()):
                                    keep(getattr(text, "value", None), f"{where}:{node.lineno}")
                if name in ("_refuse", "_respond") and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    keep(node.args[1].value, f"{where}:{node.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "fail" and len(node.args) > 1:
                for text in _branches(node.args[1]):  # a field validator's message (Fields.fail)
                    keep(getattr(text, "value", None), f"{where}:{node.lineno}")
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.List) and any(
                    isinstance(t, ast.Subscript) and getattr(t.value, "id", None) in ("fields", "errors", "problems")
                    for t in node.targets):  # fields["title"] = ["请填写标题。"]
                for text in node.value.elts:
                    keep(getattr(text, "value", None), f"{where}:{node.lineno}")
            elif isinstance(node, ast.ClassDef) and node.name in classes:
                keep(ast.get_docstring(node), f"{where}:{node.lineno}")
    errors = trees[ROOT / "app/api/errors.py"]
    for node in ast.walk(errors):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            for value in node.value.values:
                if isinstance(value, ast.Constant):
                    keep(value.value, f"app/api/errors.py:{node.lineno}")
    return found


def _formatted_refusals(trees: dict[Path, ast.Module]) -> list[str]:
    """Refusals whose message is an f-string: those carry their English as `Said(zh, en)`
    (the engine's own errors are for the incident log and stay technical)."""
    classes = _refusal_classes(trees)
    found = []
    for path, tree in trees.items():
        if path.is_relative_to(ROOT / "app/engine"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) \
                    in classes and node.args and isinstance(node.args[0], ast.JoinedStr):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_formatted_refusals_carry_their_english():
    assert not _formatted_refusals(_trees())


def test_every_refusal_has_its_english():
    with CATALOGUE.open("rb") as po:
        english = {m.id for m in read_po(po) if m.id and m.string}
    texts = _chinese_texts(_trees())
    missing = {text: where for text, where in texts.items() if text not in english}
    assert len(texts) > 150  # the scan sees the refusals
    assert not missing, "no English in messages.po for:\n" + "\n".join(f"{w}: {t}" for t, w in sorted(missing.items()))
