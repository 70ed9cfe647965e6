"""The one map of scope kinds: which row each kind names, how it reads, how a UF reaches it.

A scope is the whole tenant or a target: an establishment, a pôle, a service, an UF or an
expertise domain. Grants, the grant and mapping forms, the permission function, budget
envelopes and suggestions all read this map; each stores a target in a field named after its
kind (``RoleGrant.uf``, ``Envelope.service``) and writes it in forms as ``<kind>:<id>``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Model

from tenants.access.models import ExpertiseDomain, ScopeKind
from tenants.structure.labels import place_label
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service


@dataclass(frozen=True)
class ScopeTarget:
    kind: str  # also the name of the field holding the target ("pole": RoleGrant.pole)
    model: type[Model]
    # What the target's label reads beyond its row (in a GHT: the establishment), for
    # select_related; "" when the row is enough.
    label_path: str
    # From an UF to this target's id (scope_filter); None for what is not a place of the
    # structure (an expertise domain).
    from_uf: str | None


TARGETS: dict[str, ScopeTarget] = {
    target.kind: target
    for target in (
        ScopeTarget("establishment", Establishment, "", "service__pole__establishment_id"),
        ScopeTarget("pole", Pole, "establishment", "service__pole_id"),
        ScopeTarget("service", Service, "pole__establishment", "service_id"),
        ScopeTarget("uf", FunctionalUnit, "service__pole__establishment", "id"),
        ScopeTarget("domain", ExpertiseDomain, "", None),
    )
}
# What a role is granted on, besides the whole tenant (ScopeKind, in its order).
GRANT_TARGETS: dict[str, ScopeTarget] = {
    kind: TARGETS[kind] for kind in ScopeKind.values if kind != ScopeKind.TENANT
}
# Where a budget envelope sits.
ENVELOPE_TARGETS: dict[str, ScopeTarget] = {
    kind: TARGETS[kind] for kind in ("establishment", "pole", "service")
}


def held_paths(targets: Collection[ScopeTarget]) -> list[str]:
    """select_related paths, from a row holding these targets in fields named after their
    kinds (a RoleGrant), to the targets and what their labels read."""
    return [f"{t.kind}__{t.label_path}" if t.label_path else t.kind for t in targets]


def kind_of(obj: Model) -> str | None:
    """The kind of scope a row is ("pole" for a Pole), None for no target of the map."""
    return next((t.kind for t in TARGETS.values() if type(obj) is t.model), None)


def target_label(obj: Model) -> str:
    """A target as people read it: "UF 1101 Réanimation — CHU Nord", "Expertise domain X"."""
    if isinstance(obj, ExpertiseDomain):
        return f"{ScopeKind.DOMAIN.label} {obj}"
    return place_label(obj)


def scope_label(kind: str, target: Model | None) -> str:
    """A scope as a name, never its key: the whole tenant's label, or its target's."""
    return str(ScopeKind(kind).label) if target is None else target_label(target)


def parse_target(value: str, targets: dict[str, ScopeTarget]) -> tuple[str, Model | None]:
    """``<kind>:<id>`` into its kind and row (None: the row no longer exists).

    Raises ValueError when the value names no kind of ``targets`` followed by an id.
    """
    kind, _sep, pk = value.partition(":")
    target = targets.get(kind)
    if target is None or not pk.isdigit():
        raise ValueError(f"no scope of these kinds: {value[:80]!r}")
    return kind, target.model._default_manager.filter(pk=int(pk)).first()
