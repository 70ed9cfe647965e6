"""How nomenclature labels read and are searched.

EMDN labels come in capitals: they are shown in sentence case, keeping acronyms (IVD, ENT, MRI),
units (mmHg), codes with digits and Roman numerals. Searching ignores case and accents: the
same folding is applied to the query here and to the labels by PostgreSQL (a generated
column), so "defibrillateur" finds "Défibrillateur" and "DÉFIBRILLATEUR" alike.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db.models import Expression, F, Model, QuerySet, TextField, Value
from django.db.models.expressions import Func
from django.db.models.functions import Concat, Lower, Replace

_M = TypeVar("_M", bound=Model)

# Acronyms of the EMDN labels that stay in capitals (the rest of a capital word is lower-cased).
ACRONYMS = frozenset(
    [
        "ABO",
        "AG",
        "ANCA",
        "DIV",
        "EPI",
        "IRM",
        "ORL",
        "NIBP",
        "NIPB",
        "APD",
        "AST",
        "BMS",
        "CAPD",
        "CC",
        "CMUT",
        "CMV",
        "CPAP",
        "CSF",
        "CT",
        "DBS",
        "DCM",
        "DES",
        "DNA",
        "EBV",
        "ECG",
        "ECMO",
        "EEG",
        "EMG",
        "ENT",
        "ERCP",
        "ESBL",
        "ESU",
        "GDH",
        "HAV",
        "HBV",
        "HCV",
        "HEV",
        "HGV",
        "HIV",
        "HLA",
        "HPV",
        "HSV",
        "HTLV",
        "HXV",
        "IABP",
        "ICD",
        "IGA",
        "IGE",
        "IGG",
        "IGM",
        "IOL",
        "ISE",
        "IVD",
        "LDH",
        "LDL",
        "LED",
        "MR",
        "MRI",
        "MRSA",
        "NA",
        "NAT",
        "NIV",
        "PCR",
        "PET",
        "PMMA",
        "POC",
        "PPE",
        "PTA",
        "PTCA",
        "PTFE",
        "RBC",
        "RNA",
        "RSV",
        "RT",
        "TDM",
        "TENS",
        "TNF",
        "UFC",
        "USB",
        "UV",
    ]
)
_WORD = re.compile(r"[^\W_]+")
_ROMAN = re.compile(r"^[IVX]{2,}$")


def sentence_case(label: str) -> str:
    """``NEEDLES FOR IVD USE`` → ``Needles for IVD use``; mixed-case labels are left alone."""
    upper = sum(c.isupper() for c in label)
    if upper <= sum(c.islower() for c in label):
        # Written in lower case already (a curator's label, French ones especially). EMDN's
        # few mixed labels ("... ml/h/mmHg") are mostly capitals and are lowered below.
        return label

    def lower(match: re.Match[str]) -> str:
        word = match.group(0)
        if (
            not word.isupper()  # a unit or a mixed-case name: mmHg, pH, IOLs
            or len(word) == 1  # vitamin A, cat. D - Z, X-ray
            or word in ACRONYMS
            or _ROMAN.match(word)
            or any(c.isdigit() for c in word)
        ):
            return word
        return word.lower()

    text = _WORD.sub(lower, label)
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + char.upper() + text[index + 1 :]
    return text


def display_label(label_fr: str, label_en: str) -> str:
    """What a person reads: the French label when there is one, else the English one."""
    return label_fr or sentence_case(label_en)


# Accented letters and typographic apostrophes, folded the same way in Python and in SQL.
_FOLD_PAIRS = (
    ("ÀÂÄÁÃÅàâäáãå", "a"),
    ("Çç", "c"),
    ("ÉÈÊËéèêë", "e"),
    ("ÍÌÎÏíìîï", "i"),
    ("Ññ", "n"),
    ("ÓÒÔÖÕóòôöõ", "o"),
    ("ÚÙÛÜúùûü", "u"),
    ("ÝŸýÿ", "y"),
    ("\u2019\u2018\u02bc", "'"),  # typographic apostrophes
)
FOLD_FROM = "".join(chars for chars, _ in _FOLD_PAIRS)
FOLD_TO = "".join(plain * len(chars) for chars, plain in _FOLD_PAIRS)
_FOLD_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)
_LIGATURES = (("Œ", "oe"), ("œ", "oe"), ("Æ", "ae"), ("æ", "ae"))


def fold(text: str) -> str:
    """Lower case, without accents: what the search column holds and a query is turned into."""
    for ligature, plain in _LIGATURES:
        text = text.replace(ligature, plain)
    return text.translate(_FOLD_TABLE).lower()


def search_words(query: str) -> list[str]:
    """The folded words of a query; each must appear in a term's code or labels. A NUL byte
    (which PostgreSQL text cannot hold) separates words like a space."""
    return fold(query.replace("\x00", " ")).split()


def matching_words(queryset: QuerySet[_M], query: str) -> QuerySet[_M]:
    """The rows whose ``search_text`` holds every word of the query, in any order."""
    for word in search_words(query):
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def folded_search_expression(*fields: str) -> Expression:
    """SQL computing ``fold()`` of the fields joined by spaces (immutable: a generated column).

    ``translate`` folds the accents before ``lower`` so that the result does not depend on the
    database's locale (``lower`` of ``É`` is ``É`` under the C locale).
    """
    parts: list[Any] = []  # F and Value
    for name in fields:
        if parts:
            parts.append(Value(" "))
        parts.append(F(name))
    text: Expression = Concat(*parts, output_field=TextField()) if len(parts) > 1 else parts[0]
    for ligature, plain in _LIGATURES:
        text = Replace(text, Value(ligature), Value(plain))
    return Lower(
        Func(text, Value(FOLD_FROM), Value(FOLD_TO), function="translate", output_field=TextField())
    )
