"""XML bodies from outside (device data, agencies' test reports): parsed safely and validated
against an XSD, every problem reported with its line.

Safety: the body is bounded (`max_bytes`); defusedxml refuses any DTD, entity declaration or
external reference before lxml (no network, no entity resolution, no huge trees, comments and
processing instructions dropped) parses it again for validation with line numbers.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from lxml import etree

XML_TYPES = frozenset({"application/xml", "text/xml"})
MAX_PROBLEMS = 20


class XmlProblemsError(Exception):
    """A body that is not safe, well-formed XML valid against its XSD; `problems` are
    "line N: …" texts."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@cache
def load_schema(path: Path) -> etree.XMLSchema:
    """The XSD at `path`, compiled once per process."""
    return etree.XMLSchema(etree.parse(str(path)))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_valid(body: bytes, schema: etree.XMLSchema, max_bytes: int) -> etree._Element:
    """The root element of `body`, valid against `schema`. Raises XmlProblemsError (with
    line numbers) for a body too large, unsafe, malformed or invalid."""
    if len(body) > max_bytes:
        raise XmlProblemsError([f"body of {len(body)} bytes exceeds {max_bytes}"])
    try:
        SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise XmlProblemsError([f"refused: {type(exc).__name__} (no DTD, entities or external references)"]) from None
    except SafeET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise XmlProblemsError([f"line {line}: not well-formed XML ({exc})"]) from None
    root = etree.fromstring(body, _parser())
    if not schema.validate(root):
        raise XmlProblemsError([f"line {e.line}: {e.message}" for e in schema.error_log][:MAX_PROBLEMS])
    return root
