"""Hostile scripts and expressions: every finding about the sandbox adds an entry here.

`test_hostile_corpus.py` runs each entry in every place where a designer's code runs (script
task, gateway condition, timer expression; at run time and at validation/deploy). An entry is
data only:

- kind: "expression" (also used as a script `value = (...)`, a condition and a timer
  expression) or "script" (script tasks only);
- expect: how the sandbox stops it. "refused" at compile time (validation reports it),
  "unsafe" by a size guard or policy check at run time, "timeout" by the time budget, "error"
  as the script's own exception. All four end as an EngineError, hence an incident of the case.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

TEMPLATE = Path(__file__).resolve().parents[2] / "fixtures" / "bpmn" / "hostile_probe.bpmn.template"
HARMLESS = {"script": "checked = True", "condition": "False", "timer": '"PT1H"'}


@dataclass(frozen=True)
class Hostile:
    id: str
    source: str
    expect: str            # refused | unsafe | timeout | error
    kind: str = "expression"


def _script(id: str, source: str, expect: str) -> Hostile:
    return Hostile(id, source, expect, "script")


CORPUS = [
    # --- escapes ------------------------------------------------------------------------
    Hostile("subclasses_walk", "().__class__.__bases__[0].__subclasses__()", "refused"),
    Hostile("dunder_import", "__import__('os').system('id')", "refused"),
    Hostile("open_file", "open('/etc/passwd').read()", "refused"),
    Hostile("getattr_trick", "getattr(1, '__class__')", "refused"),
    Hostile("helper_globals", "add_days.__globals__", "refused"),
    Hostile("generator_frame", "(x for x in []).gi_frame", "refused"),
    Hostile("mro_walk", "Exception.mro()[1]", "refused"),
    Hostile("format_attribute", "'{0.__class__}'.format(1)", "unsafe"),
    Hostile("real_clock", "today().today()", "unsafe"),
    _script("bare_except_swallows_deadline",
            "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass",
            "refused"),
    _script("mro_except_swallows_deadline",
            "while True:\n    try:\n        while True:\n            pass\n"
            "    except Exception.mro()[1]:\n        pass", "refused"),
    _script("finally_continue_swallows_deadline",
            "while True:\n    try:\n        while True:\n            pass\n    finally:\n        continue",
            "refused"),
    _script("class_statement", "class A:\n    pass", "error"),
    # --- the parser -----------------------------------------------------------------------
    Hostile("deep_unary_nesting", "-" * 5000 + "1", "refused"),
    Hostile("deep_attribute_nesting", "a." * 3000 + "b", "refused"),
    Hostile("huge_source", "1 + " * 30_000 + "1", "refused"),
    # --- CPU: one C-level operation -------------------------------------------------------
    Hostile("power_tower", "10 ** 10 ** 8", "unsafe"),
    Hostile("big_power", "2 ** (10 ** 7)", "unsafe"),
    Hostile("big_shift", "1 << 10 ** 10", "unsafe"),
    Hostile("int_of_huge_decimal", "int(decimal('1e999999'))", "unsafe"),
    Hostile("round_of_huge_decimal", "round(decimal('1e999999'))", "unsafe"),
    Hostile("percent_d_of_huge_decimal", "'%d' % decimal('1e999999')", "unsafe"),
    Hostile("ratio_of_huge_decimal", "decimal('1e999999').as_integer_ratio()", "unsafe"),
    Hostile("round_to_huge_ndigits", "round(12345, -10 ** 9)", "unsafe"),
    Hostile("huge_int_to_str", "str(10 ** 5000)", "error"),
    Hostile("working_days_loop", "add_working_days(today(), 10 ** 9)", "error"),
    _script("squaring_chain", "x = 2\nfor i in range(60):\n    x = x * x", "unsafe"),
    # --- memory: one C-level allocation ---------------------------------------------------
    Hostile("string_repetition", "'x' * 10 ** 10", "unsafe"),
    Hostile("list_repetition", "[0] * 10 ** 9", "unsafe"),
    Hostile("reversed_repetition", "10 ** 9 * (0,)", "unsafe"),
    Hostile("ljust", "'x'.ljust(10 ** 10)", "unsafe"),
    Hostile("center", "'x'.center(10 ** 10, '-')", "unsafe"),
    Hostile("zfill", "'1'.zfill(10 ** 10)", "unsafe"),
    Hostile("expandtabs", "'\\t'.expandtabs(10 ** 9)", "unsafe"),
    Hostile("replace_empty", "'ab'.replace('', 'x' * 10 ** 6)", "unsafe"),
    Hostile("translate", "('x' * 10 ** 6).translate({120: 'y' * 10 ** 6})", "unsafe"),
    Hostile("to_bytes", "(1).to_bytes(10 ** 10, 'big')", "unsafe"),
    Hostile("fstring_width", "f'{1:>999999999}'", "unsafe"),
    Hostile("fstring_nested_width", "f'{1:>{10 ** 9}}'", "unsafe"),
    Hostile("fstring_precision", "f'{1.5:.999999999f}'", "unsafe"),
    Hostile("fstring_date_width", "f'{today():%999999999Y}'", "unsafe"),
    Hostile("strftime_width", "today().strftime('%999999999Y')", "unsafe"),
    Hostile("percent_width", "'%0999999999d' % 1", "unsafe"),
    Hostile("percent_star_width", "'%*d' % (10 ** 9, 1)", "unsafe"),
    Hostile("join_shared_strings", "','.join(['x' * 10 ** 6] * 10 ** 6)", "unsafe"),
    Hostile("str_of_shared_strings", "str(['x' * 10 ** 6] * 10 ** 6)", "unsafe"),
    Hostile("fstring_of_shared_strings", "f\"{['x' * 10 ** 6] * 10 ** 6}\"", "unsafe"),
    Hostile("sum_of_lists", "sum([[0] * 1000] * 10 ** 6, [])", "unsafe"),
    Hostile("sorted_huge_string", "sorted('x' * 10 ** 7)", "unsafe"),
    Hostile("huge_range", "list(range(10 ** 9))", "unsafe"),
    Hostile("double_unpacking", "[*([0] * 10 ** 6), *([0] * 10 ** 6)]", "unsafe"),
    Hostile("nul_character", "'a\\x00b'", "unsafe"),
    _script("doubling_concatenation", "s = 'x'\nfor i in range(60):\n    s = s + s", "unsafe"),
    _script("doubling_inplace", "s = 'x'\nfor i in range(60):\n    s += s", "unsafe"),
    _script("doubling_extend", "l = [0] * 1000\nfor i in range(40):\n    l.extend(l)", "unsafe"),
    _script("doubling_slice_assignment",
            "l = [0] * 1000\nfor i in range(40):\n    l[len(l):] = l", "unsafe"),
    _script("doubling_unpacking", "l = [0] * 1000\nfor i in range(40):\n    l = [*l, *l]", "unsafe"),
    _script("doubling_by_zip", "l = [0]\nfor i in range(60):\n    l += zip(l, l)", "unsafe"),
    _script("doubling_unpacking_zip",
            "l = [0] * 600000\nfor i in range(60):\n    l = [*zip(l, l), *zip(l, l)]", "unsafe"),
    _script("doubling_extend_zip", "l = [0] * 600000\nfor i in range(60):\n    l.extend(zip(l, l))",
            "unsafe"),
    _script("allocation_loop", "d = {}\nwhile True:\n    d[len(d)] = 'x' * 100000", "unsafe"),
    _script("concatenation_loop", "s = ''\nwhile True:\n    s = s + 'x'", "unsafe"),
    _script("shared_data_written_back", "big = ['x' * 10 ** 6] * 10 ** 6", "unsafe"),
    _script("deep_data_written_back", "a = []\nfor i in range(1000):\n    a = [a]", "unsafe"),
    _script("str_of_deep_data", "a = []\nfor i in range(5000):\n    a = [a]\nb = len(str(a))",
            "unsafe"),
    _script("nul_written_back", "x = 'a\\x00b'", "unsafe"),
    # --- time --------------------------------------------------------------------------------
    _script("endless_loop", "while True:\n    pass", "timeout"),
    _script("endless_loop_catching_exception",
            "while True:\n    try:\n        pass\n    except Exception:\n        pass", "timeout"),
    Hostile("endless_generator", "sum(1 for i in range(10 ** 5) for j in range(10 ** 5))",
            "timeout"),
    # --- exceptions ---------------------------------------------------------------------------
    Hostile("lambda_recursion", "(lambda f: f(f))(lambda f: f(f))", "error"),
    Hostile("zero_division", "1 / 0", "error"),
    _script("function_recursion", "def f(n):\n    return f(n + 1)\nf(0)", "error"),
    _script("violation_caught_as_exception",
            "try:\n    x = 'a' * 10 ** 10\nexcept Exception:\n    x = 1", "unsafe"),
    _script("own_error_with_nul", "raise ValueError('a\\x00b')", "error"),
]


def placed(entry: Hostile, place: str) -> str:
    """The entry's source as the code of `place` (script, condition or timer)."""
    return f"value = ({entry.source})" if place == "script" and entry.kind == "expression" \
        else entry.source


def hostile_bundle(place: str, source: str) -> dict[str, bytes]:
    """The hostile_probe diagram with `source` at `place` and harmless code elsewhere."""
    code = {**HARMLESS, place: source}
    text = TEMPLATE.read_text()
    for name, value in code.items():
        text = text.replace("{" + name + "}", escape(value))
    return {"hostile_probe.bpmn": text.encode()}
