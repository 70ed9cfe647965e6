"""Matching the CMMS's spellings to the reference mirror: exact, proposed, none, remembered."""

import pytest
from django_tenants.utils import tenant_context

from tenants.inventory.matching import Matcher, match_key, normalise
from tenants.inventory.models import MatchState, ModelMatch
from tests.tenants.inventory.factories import catalogue


@pytest.fixture
def models(tenant):
    with tenant_context(tenant):
        yield catalogue()


def test_names_lose_accents_case_punctuation_and_legal_forms():
    assert normalise("Dräger Medical GmbH", company=True) == "DRAGER MEDICAL"
    assert normalise("Philips France SAS", company=True) == "PHILIPS"
    assert normalise("IntelliVue MX-450") == "INTELLIVUE MX 450"
    # A model keeps its words: "SE" or "AS" may be part of its name.
    assert normalise("Logiq E10 SE") == "LOGIQ E10 SE"
    assert match_key("B. Braun", "Perfusor  Space") == "BBRAUN|PERFUSORSPACE"


@pytest.mark.parametrize(
    ("manufacturer", "model", "expected"),
    [
        ("Philips", "IntelliVue MX450", "mx450"),
        ("PHILIPS HEALTHCARE", "INTELLIVUE MX-450", "mx450"),  # alias and punctuation
        ("DRAEGER", "EVITA V500", "v500"),  # alias without the umlaut
        ("Hamilton Medical AG", "Hamilton C6", "c6"),  # legal form and hyphen
        ("B BRAUN", "Perfusor Space", "perfusor"),
    ],
)
def test_an_exact_spelling_links_the_model(models, manufacturer, model, expected):
    found = Matcher().match(manufacturer, model)
    assert (found.state, found.model_id) == (MatchState.EXACT, models[expected].pk)


@pytest.mark.parametrize(
    ("manufacturer", "model", "expected"),
    [
        ("Philips", "MX450", "mx450"),  # the CMMS drops the range name
        ("B.Braun Melsungen", "Perfusor Spaces", "perfusor"),  # unknown alias, plural typo
        ("Philps", "IntelliVue MP50", "mp50"),  # manufacturer typo: only proposed
    ],
)
def test_a_close_spelling_is_only_proposed(models, manufacturer, model, expected):
    found = Matcher().match(manufacturer, model)
    assert (found.state, found.model_id) == (MatchState.PROPOSED, models[expected].pk)


def test_a_model_absent_from_the_reference_has_no_match(models):
    assert Matcher().match("Getinge", "Servo-u").state == MatchState.NONE
    assert Matcher().match("Philips", "").state == MatchState.NONE


def test_a_persons_decision_wins_over_the_matcher(models):
    ModelMatch.objects.create(
        match_key=match_key("Philips", "MX450"),
        manufacturer_name="Philips",
        model_name="MX450",
        reference_model=models["mp50"],
    )
    ModelMatch.objects.create(
        match_key=match_key("Philips", "IntelliVue MX450"),
        manufacturer_name="Philips",
        model_name="IntelliVue MX450",
        reference_model=None,
    )
    matcher = Matcher()
    assert matcher.match("Philips", "MX450") == (
        matcher.match("PHILIPS", "mx 450")  # same spelling once normalised
    )
    assert matcher.match("Philips", "MX450").model_id == models["mp50"].pk
    assert matcher.match("Philips", "MX450").state == MatchState.CONFIRMED
    assert matcher.match("Philips", "IntelliVue MX450").state == MatchState.NONE
