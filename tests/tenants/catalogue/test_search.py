"""The catalogue's search: French words with or without accents, typos, codes, filters."""

from __future__ import annotations

from tenants.catalogue.models import Family, Product, SearchWord, refresh_vocabulary
from tenants.catalogue.selectors import Filters, corrections, search_page
from tenants.catalogue.services import toggle_favourite
from tenants.markets.models import Supplier


def codes(query: str, filters: Filters | None = None) -> list[str]:
    return [p.code for p in search_page(query, filters).products]


def test_electrode_without_accent_finds_the_accented_designations(catalogue):
    found = codes("electrode")
    assert set(found[:2]) == {"ECG-001", "ECG-002"}
    assert "SPO-001" not in found


def test_accented_query_finds_the_same_products(catalogue):
    assert set(codes("Électrode")) == set(codes("electrode")) == {"ECG-001", "ECG-002"}


def test_plural_and_partial_words_find_by_stem_and_prefix(catalogue):
    assert set(codes("électrodes")) >= {"ECG-001", "ECG-002"}
    assert set(codes("electr")) >= {"ECG-001", "ECG-002"}


def test_a_typo_is_forgiven(catalogue):
    assert set(codes("electorde")[:2]) == {"ECG-001", "ECG-002"}
    assert codes("capteur spo2")[0] == "SPO-001"
    assert "CIR-001" in codes("circiut")


def test_the_vocabulary_holds_pg_trgms_trigrams_of_each_word(catalogue):
    # pg_trgm's show_trgm('ecg'), computed without the extension.
    assert sorted(SearchWord.objects.get(word="ecg").trigrams) == ["  e", " ec", "cg ", "ecg"]
    assert not SearchWord.objects.filter(word="2248").exists()  # references are typed exactly


def test_typos_are_corrected_to_the_closest_words_only(catalogue):
    assert corrections("electorde")[0] == "electrode"
    assert corrections("zzyzx") == []  # shares no trigram
    assert corrections("elx") == []  # shares only its first letters: too far
    assert corrections("ecg5") == []  # codes are not corrected


def test_among_corrected_results_the_closest_word_comes_first(catalogue):
    farther = Product.objects.create(code="THM-002", designation="Sonde thermostat")
    closer = Product.objects.create(code="THM-001", designation="Sonde thermomètre")
    assert farther.pk < closer.pk
    refresh_vocabulary()
    assert corrections("thermoetre")[:2] == ["thermometre", "thermostat"]
    page = search_page("thermoetre")
    assert page.corrected
    assert [p.code for p in page.products] == ["THM-001", "THM-002"]


def test_every_word_must_match_in_full_text(catalogue):
    assert codes("electrode pediatrique")[0] == "ECG-002"


def test_exact_code_comes_first(catalogue):
    # "ECG-003" is a cable: the electrodes' words match "ecg" too, its code ranks it first.
    assert codes("ecg-003")[0] == "ECG-003"
    assert codes("SPO-001")[0] == "SPO-001"


def test_supplier_reference_is_searched(catalogue):
    assert codes("LNCS-ADT")[0] == "SPO-001"


def test_filters_by_supplier_market_family_and_favourites(catalogue):
    ge = Supplier.objects.get(name="GE Healthcare")
    assert set(codes("", Filters(supplier=ge.pk))) == {"BRA-001", "ECG-003"}
    market = catalogue["markets"]["second"]
    assert set(codes("", Filters(market=market.pk))) == {"SPO-001", "CIR-001"}
    assert codes("adulte", Filters(market=market.pk)) == ["SPO-001", "CIR-001"] or set(
        codes("adulte", Filters(market=market.pk))
    ) == {"SPO-001", "CIR-001"}
    electrodes = Family.objects.get(name="Électrodes")
    assert set(codes("", Filters(family=electrodes.pk))) == {"ECG-001", "ECG-002"}
    user = catalogue["users"]["cardio"]
    toggle_favourite(user, Product.objects.get(code="CIR-001"))
    assert codes("", Filters(favourites_of=user)) == ["CIR-001"]
    assert codes("", Filters(favourites_of=catalogue["users"]["neuro"])) == []


def test_nothing_found_for_unrelated_words_and_odd_input(catalogue):
    assert codes("scanner irm") == []
    # Nothing but punctuation is no query: the catalogue as it is browsed.
    assert len(codes("\x00'\"&|!:*()")) == 6
    assert codes("é" * 5000) == []


def test_paging(catalogue):
    for i in range(60):
        Product.objects.create(code=f"GANT-{i:03}", designation=f"Gant d'examen nitrile taille {i}")
    first = search_page("gant", page=1)
    assert first.total == 60 and first.pages == 3 and len(first.products) == 25
    last = search_page("gant", page=99)
    assert last.page == 3 and len(last.products) == 10


def test_beyond_the_counted_matches_the_exact_code_still_comes_first(catalogue, monkeypatch):
    from tenants.catalogue import selectors

    monkeypatch.setattr(selectors, "MAX_COUNTED", 40)
    for i in range(60):
        Product.objects.create(code=f"GANT-{i:03}", designation=f"Gant d'examen taille {i}")
    Product.objects.create(code="GANT", designation="Boîte de gants stériles")
    first = search_page("gant")
    assert first.more and first.total == 40 and first.pages == 2
    assert first.products[0].code == "GANT" and len(first.products) == 25
    second = search_page("gant", page=2)
    shown = [p.code for p in first.products + second.products]
    assert len(shown) == len(set(shown)) == 50  # no product twice across the pages
