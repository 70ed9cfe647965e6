"""Nomenclature labels read in sentence case, and searches ignore case and accents."""

from __future__ import annotations

import pytest

from saas.labels import display_label, fold, search_words, sentence_case


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        (
            "DEVICES FOR ADMINISTRATION, WITHDRAWAL AND COLLECTION",
            "Devices for administration, withdrawal and collection",
        ),
        ("IVD INSTRUMENTS", "IVD instruments"),
        ("ENT DEVICES", "ENT devices"),
        (
            "STERILISATION DEVICES (EXCLUDING CAT. D - Z)",
            "Sterilisation devices (excluding cat. D - Z)",
        ),
        ("X-RAY FILMS", "X-ray films"),
        (
            "PRODUCTS WITHOUT AN INTENDED MEDICAL PURPOSE (Annex XVI)",
            "Products without an intended medical purpose (Annex XVI)",
        ),
        (
            "DIALYSERS - UFC < 18 ml/h/mmHg, CELLULOSE MEMBRANES",
            "Dialysers - UFC < 18 ml/h/mmHg, cellulose membranes",
        ),
        ("HIV 1/2 ANTIBODIES IGG", "HIV 1/2 antibodies IGG"),
        ("Instruments d\u2019ORL réutilisables", "Instruments d\u2019ORL réutilisables"),
        ("", ""),
    ],
)
def test_capital_labels_read_in_sentence_case_keeping_acronyms_and_units(label, shown):
    assert sentence_case(label) == shown


def test_the_french_label_wins_and_the_english_one_is_shown_in_sentence_case():
    assert display_label("Aiguilles", "NEEDLES") == "Aiguilles"
    assert display_label("", "NEEDLES") == "Needles"


def test_searches_fold_case_accents_ligatures_and_apostrophes():
    assert fold("Défibrillateur CŒUR d\u2019Anesthésie") == "defibrillateur coeur d'anesthesie"
    assert search_words("  Réa\x00VENTIL ") == ["rea", "ventil"]
