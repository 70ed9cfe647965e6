"""Linking the CMMS's manufacturer and model spellings to the tenant's reference mirror.

Names are normalised (accents, case, punctuation, company-law suffixes) and compared with the
reference's names and aliases. An exact match links the device; a close one (rapidfuzz) is
only proposed, for a person to confirm; a person's decision is remembered by spelling
(ModelMatch) and wins over everything else on the next import.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from tenants.inventory.models import MatchState, ModelMatch
from tenants.mirror.models import ModelOverlay, ReferenceDeviceModel, ReferenceManufacturer

# fmt: off
COMPANY_SUFFIXES = frozenset((
    "SA", "SAS", "SASU", "SARL", "EURL", "GMBH", "AG", "KG", "KGAA", "SE", "INC", "LTD",
    "LIMITED", "CORP", "CORPORATION", "CO", "LLC", "PLC", "BV", "NV", "AB", "SPA", "SRL", "OY",
    "AS", "FRANCE",
))
# fmt: on
MANUFACTURER_CUTOFF = 88
MODEL_CUTOFF = 85


@cache
def normalise(text: str, *, company: bool = False) -> str:
    """'IntelliVue MX-450' -> 'INTELLIVUE MX 450'; a company also loses its legal form:
    'Dräger Medical GmbH' -> 'DRAGER MEDICAL'."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    words = re.sub(r"[^A-Z0-9]+", " ", ascii_text).split()
    while company and len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def compact(text: str, *, company: bool = False) -> str:
    return normalise(text, company=company).replace(" ", "")


def match_key(manufacturer: str, model: str) -> str:
    return f"{compact(manufacturer, company=True)}|{compact(model)}"


@dataclass(frozen=True)
class Match:
    state: str  # a MatchState value
    model_id: int | None = None  # linked (exact or confirmed) or proposed


class Matcher:
    """Built once per import from the mirror and the remembered decisions; cached by spelling."""

    def __init__(self) -> None:
        self.remembered = dict(ModelMatch.objects.values_list("match_key", "reference_model_id"))
        self.manufacturers: dict[str, int] = {}  # compact spelling -> pk
        self.manufacturer_words: dict[str, int] = {}  # spelling with its spaces -> pk
        for pk, name, aliases in ReferenceManufacturer.objects.values_list("pk", "name", "aliases"):
            for spelling in [name, *(aliases or [])]:
                self.manufacturers.setdefault(compact(spelling, company=True), pk)
                self.manufacturer_words.setdefault(normalise(spelling, company=True), pk)
        self.models_of: dict[int, dict[str, int]] = {}
        self.labels: dict[str, int] = {}  # "MANUFACTURER MODEL" of every model, for a wide search
        manufacturer_names = dict(ReferenceManufacturer.objects.values_list("pk", "name"))
        rows = ReferenceDeviceModel.objects.values_list(
            "pk", "manufacturer_id", "commercial_name", "catalogue_reference", "status"
        )
        for pk, manufacturer_id, name, reference, status in rows:
            if status == "deleted":
                continue
            spellings = self.models_of.setdefault(manufacturer_id, {})
            for spelling in (name, reference):
                if spelling:
                    spellings.setdefault(compact(spelling), pk)
            self.labels[normalise(f"{manufacturer_names[manufacturer_id]} {name}")] = pk
        # The hospital's own names for a model (tenants.mirror.overlays) match like its name.
        overlays = ModelOverlay.objects.exclude(aliases=[]).values_list(
            "model_id", "model__manufacturer_id", "aliases"
        )
        for pk, manufacturer_id, aliases in overlays:
            spellings = self.models_of.setdefault(manufacturer_id, {})
            for alias in aliases:
                spellings.setdefault(compact(alias), pk)
        self._cache: dict[str, Match] = {}

    def match(self, manufacturer: str, model: str) -> Match:
        key = match_key(manufacturer, model)
        if key not in self._cache:
            self._cache[key] = self._match(key, manufacturer, model)
        return self._cache[key]

    def _match(self, key: str, manufacturer: str, model: str) -> Match:
        if key in self.remembered:
            decided = self.remembered[key]
            return Match(MatchState.CONFIRMED, decided) if decided else Match(MatchState.NONE)
        if not compact(model):
            return Match(MatchState.NONE)
        manufacturer_id, sure_of_manufacturer = self._manufacturer(manufacturer)
        if manufacturer_id is not None:
            models = self.models_of.get(manufacturer_id, {})
            exact = models.get(compact(model))
            if exact is not None:
                state = MatchState.EXACT if sure_of_manufacturer else MatchState.PROPOSED
                return Match(state, exact)
            found = process.extractOne(
                compact(model),
                {pk: spelling for spelling, pk in models.items()},
                scorer=fuzz.WRatio,
                processor=None,
                score_cutoff=MODEL_CUTOFF,
            )
            if found:
                return Match(MatchState.PROPOSED, found[2])
        found = process.extractOne(
            normalise(f"{manufacturer} {model}"),
            {pk: label for label, pk in self.labels.items()},
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=90,
        )
        return Match(MatchState.PROPOSED, found[2]) if found else Match(MatchState.NONE)

    def _manufacturer(self, text: str) -> tuple[int | None, bool]:
        key = compact(text, company=True)
        if not key:
            return None, False
        if key in self.manufacturers:
            return self.manufacturers[key], True
        # "B BRAUN MELSUNGEN" for "B BRAUN": a known name followed by more words.
        words = normalise(text, company=True)
        longer = [
            (len(known), pk)
            for known, pk in self.manufacturer_words.items()
            if words.startswith(f"{known} ") or known.startswith(f"{words} ")
        ]
        if longer:
            return max(longer)[1], False
        found = process.extractOne(
            key,
            list(self.manufacturers),
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=MANUFACTURER_CUTOFF,
        )
        return (self.manufacturers[found[0]], False) if found else (None, False)
