"""JSON bodies the APIs accept: bounded nesting, no NUL character (PostgreSQL cannot store it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Deeper than any body the APIs define; json.loads would hit Python's recursion limit
# (a RecursionError, hence a 500) at about 1,000 levels.
MAX_DEPTH = 32


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing with a 400 what it would turn into a 500."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels") from exc
        check(data)
        return data


def check(data: Any) -> None:
    """Walk the parsed body without recursion; the error names where the fault is."""
    pending: list[tuple[Any, str, int]] = [(data, "", 0)]
    while pending:
        value, where, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(f"{where or 'body'}: contains a NUL character (U+0000)")
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else str(key)
                if "\x00" in key:
                    raise ParseError(f"{path[:80]!r}: a key contains a NUL character (U+0000)")
                pending.append((item, path, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))
