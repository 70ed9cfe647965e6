"""A refused request form: every mistake at once, next to its field, by its label, in French;
what was picked survives; amounts typed the French way are amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from saas.errors import UserError
from tenants.campaigns.services import Refused, money
from tenants.requests.models import EquipmentRequest
from tests.tenants.requests.test_pages import parts_data

MODEL = "0b9f2c4e-5d1a-4c3b-9e8f-7a6b5c4d3e2f"


def new_request(client, campaign, **data):  # type: ignore[no-untyped-def]
    return client.post(f"/campaigns/{campaign.pk}/requests/new/", data)


def test_every_mistake_shows_at_once_next_to_its_field(tenant, chain, web):
    response = new_request(
        web["requester"],
        chain["campaign"],
        uf="1101",
        title="",
        priority="2",
        **parts_data(("investment", "0", "12"), ("maintenance", "2", "douze")),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field="title"' in body
    assert 'data-field="parts-0-quantity"' in body and "Quantité" in body
    assert 'data-field="parts-1-unit_price"' in body and "douze" in body
    assert "pas un montant en euros" in body and "'douze'" not in body
    assert "parts[" not in body and "unit_price:" not in body
    # The choices made on the page are still there.
    assert '<option value="2" selected>' in body
    assert '<option value="maintenance" selected>' in body


def test_a_picked_model_survives_a_refused_submit(tenant, chain, web):
    response = new_request(
        web["requester"],
        chain["campaign"],
        uf="1101",
        title="Moniteur",
        priority="3",
        reference_model=MODEL,
        reference_model__label="Philips IntelliVue MP50",
        **parts_data(("investment", "1", "-5")),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert f'value="{MODEL}"' in body and 'value="Philips IntelliVue MP50"' in body


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234,50", Decimal("1234.50")),
        ("1 234,50", Decimal("1234.50")),
        ("1\u00a0234,50", Decimal("1234.50")),
        ("1\u202f234,50 €", Decimal("1234.50")),
        ("1234.5", Decimal("1234.50")),
        ("1.234.567", Decimal("1234567")),
    ],
)
def test_amounts_typed_the_french_way_are_amounts(typed, amount):
    assert money(typed, "amount") == amount


def test_a_part_typed_with_thousands_is_saved(tenant, chain, web):
    response = new_request(
        web["requester"],
        chain["campaign"],
        uf="1101",
        title="Échographe",
        priority="3",
        **parts_data(("investment", "1", "1.234,50")),
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        saved = EquipmentRequest.objects.get(title="Échographe")
        assert saved.parts.get().unit_price == Decimal("1234.50")


def test_refusals_share_one_base_with_their_status():
    assert issubclass(Refused, UserError)
    assert Refused("by", "no").status == 403
    assert Refused("version", "reload").status == 409
    assert Refused("title", "required").status == 400


def test_the_api_answers_a_user_error_with_its_status_and_field():
    from saas.errors import api_exception_handler

    answer = api_exception_handler(Refused("by", "not yours"), {})
    assert answer is not None and answer.status_code == 403
    # DRF's own shape for refusals, as every other 4xx of the APIs answers.
    assert answer.data == {"by": ["not yours"]}
