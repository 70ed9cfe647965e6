"""What the tenant uses of the central catalogue: the features that link to reference entities
say so here, and the sync subscribes to whatever is used but not yet subscribed to.

Each feature registers a function returning the UUIDs of the entities of one type it links to
(the inventory: the device models of its devices). Keeping the question here, asked at each
sync, means a link made while the reference server was down is subscribed at the next sync.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

UsageSource = Callable[[], Iterable[Any]]  # UUIDs, as UUID or str
_SOURCES: dict[str, list[UsageSource]] = defaultdict(list)


def register_usage(entity_type: str, source: UsageSource) -> None:
    if source not in _SOURCES[entity_type]:
        _SOURCES[entity_type].append(source)


def entities_in_use() -> dict[str, set[str]]:
    """Every central entity the tenant links to, by type."""
    used: dict[str, set[str]] = {}
    for entity_type, sources in _SOURCES.items():
        used[entity_type] = {str(u) for source in sources for u in source()}
    return used
