"""Reading and writing nomenclatures as HL7 FHIR R4 ``CodeSystem`` resources.

Reading validates the whole file before anything is written: a malformed or foreign file is
refused with every place at fault (a JSON path such as ``concept[12].concept[3].code``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shared_reference.models import Hierarchy

CODE_PREFIX_RE = re.compile(r"^[A-Z](\d{2})*$")


@dataclass(frozen=True)
class Problem:
    place: str
    reason: str

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}"


@dataclass
class ImportRefused(Exception):
    """The file cannot be imported; nothing was changed."""

    problems: list[Problem]

    def __str__(self) -> str:
        shown = "; ".join(str(p) for p in self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        return f"Import refused, nothing changed: {shown}{more}"


@dataclass(frozen=True)
class ParsedTerm:
    code: str
    display: str
    label_fr: str
    parent_code: str | None
    level: int
    place: str


@dataclass
class ParsedCodeSystem:
    url: str
    name: str
    title: str
    version: str
    publisher: str
    description: str
    hierarchy: str
    terms: list[ParsedTerm] = field(default_factory=list)


def code_prefix_parent(code: str) -> str | None:
    """EMDN: ``A`` → none, ``A01`` → ``A``, ``A0101`` → ``A01``."""
    if len(code) <= 1:
        return None
    return code[:1] if len(code) == 3 else code[:-2]


def default_hierarchy(resource: dict[str, Any]) -> str:
    name = f"{resource.get('name', '')} {resource.get('url', '')}".lower()
    return Hierarchy.CODE_PREFIX if "emdn" in name or "medicaldevice" in name else Hierarchy.NESTING


def parse_codesystem(raw: bytes | str, *, hierarchy: str | None = None) -> ParsedCodeSystem:
    try:
        resource = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [Problem(f"line {exc.lineno} column {exc.colno}", f"not JSON: {exc.msg}")]
        ) from exc
    except UnicodeDecodeError as exc:
        raise ImportRefused([Problem("file", "not UTF-8 text")]) from exc
    if not isinstance(resource, dict):
        raise ImportRefused([Problem("file", "expected a JSON object (a FHIR resource)")])
    problems: list[Problem] = []
    kind = resource.get("resourceType")
    if kind != "CodeSystem":
        raise ImportRefused([Problem("resourceType", f"expected CodeSystem, found {kind!r}")])
    for key in ("url", "name"):
        if not isinstance(resource.get(key), str) or not resource[key].strip():
            problems.append(Problem(key, "missing"))
    if resource.get("content", "complete") != "complete":
        problems.append(
            Problem(
                "content",
                f"only complete code systems can be imported, not {resource['content']!r}",
            )
        )
    concepts = resource.get("concept")
    if not isinstance(concepts, list) or not concepts:
        problems.append(Problem("concept", "missing or empty"))
        raise ImportRefused(problems)

    chosen = hierarchy or default_hierarchy(resource)
    terms: list[ParsedTerm] = []
    seen: dict[str, str] = {}
    for place, concept, nesting_parent, depth in _walk(concepts, "concept", None, 1):
        if not isinstance(concept, dict):
            problems.append(Problem(place, "a concept must be an object"))
            continue
        code, display = concept.get("code"), concept.get("display")
        if not isinstance(code, str) or not code.strip():
            problems.append(Problem(f"{place}.code", "missing"))
            continue
        if not isinstance(display, str) or not display.strip():
            problems.append(Problem(f"{place}.display", f"missing for code {code}"))
        if code in seen:
            problems.append(Problem(f"{place}.code", f"{code} already at {seen[code]}"))
            continue
        seen[code] = place
        if chosen == Hierarchy.CODE_PREFIX:
            if not CODE_PREFIX_RE.match(code):
                problems.append(
                    Problem(f"{place}.code", f"{code} is not a letter followed by pairs of digits")
                )
                continue
            parent, level = code_prefix_parent(code), 1 + (len(code) - 1) // 2
        else:
            parent, level = nesting_parent, depth
        terms.append(
            ParsedTerm(code, (display or "").strip(), _french(concept), parent, level, place)
        )
    known = {t.code for t in terms}
    for term in terms:
        if term.parent_code is not None and term.parent_code not in known:
            problems.append(
                Problem(
                    f"{term.place}.code",
                    f"parent {term.parent_code} of {term.code} is not in the file",
                )
            )
    count = resource.get("count")
    if isinstance(count, int) and count != len(seen):
        problems.append(Problem("count", f"says {count} concepts but the file holds {len(seen)}"))
    if problems:
        raise ImportRefused(problems)
    return ParsedCodeSystem(
        url=resource["url"].strip(),
        name=resource["name"].strip(),
        title=str(resource.get("title") or resource["name"]).strip(),
        version=str(resource.get("version") or ""),
        publisher=str(resource.get("publisher") or ""),
        description=str(resource.get("description") or ""),
        hierarchy=chosen,
        terms=sorted(terms, key=lambda t: (t.level, t.code)),
    )


def _walk(
    concepts: list[Any], place: str, parent: str | None, depth: int
) -> Iterator[tuple[str, Any, str | None, int]]:
    for index, concept in enumerate(concepts):
        here = f"{place}[{index}]"
        yield here, concept, parent, depth
        if isinstance(concept, dict) and isinstance(concept.get("concept"), list):
            code = concept.get("code") if isinstance(concept.get("code"), str) else None
            yield from _walk(concept["concept"], f"{here}.concept", code, depth + 1)


def _french(concept: dict[str, Any]) -> str:
    for designation in concept.get("designation") or []:
        if isinstance(designation, dict) and str(
            designation.get("language", "")
        ).lower().startswith("fr"):
            return str(designation.get("value") or "").strip()
    return ""
