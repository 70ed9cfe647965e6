"""The money tags: amounts in the house format, and a minimum and maximum either may lack."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render(text: str, **context: object) -> str:
    with translation.override("fr"):
        return Template("{% load money %}" + text).render(Context(context))


def test_bounds_say_what_is_known_without_a_dash_for_what_is_not():
    tag = "{% bounds low high %}"
    assert render(tag, low=Decimal("1000"), high=Decimal("9000000")) == (
        "1\u202f000,00\u00a0€ \u2013 9\u202f000\u202f000,00\u00a0€"
    )
    assert render(tag, low=None, high=Decimal("9000000")) == "au plus 9\u202f000\u202f000,00\u00a0€"
    assert render(tag, low=Decimal("5"), high=None) == "au moins 5,00\u00a0€"
    assert render(tag, low=None, high=None) == ""
    assert render("{% bounds low high False %}", low=10, high=None) == "au moins 10"
    assert render("{% bounds low high False %}", low=0, high=20) == "0 \u2013 20"
