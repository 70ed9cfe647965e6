"""The campaign pages and their envelopes, driven through HTTP by one user per role."""

from __future__ import annotations

import datetime

from django_tenants.utils import tenant_context

from tenants.campaigns.models import Campaign, Envelope
from tenants.campaigns.services import add_envelope
from tenants.requests import workflow


def test_campaigns_are_created_and_their_envelopes_warn_when_exceeded(tenant, chain, web):
    today = datetime.date.today()
    form = {
        "name": "Programme recherche",
        "kind": "programme",
        "nature": "equipment",
        "year": str(today.year + 1),
        "opens": today.strftime("%d/%m/%Y"),
        "closes": (today + datetime.timedelta(days=20)).strftime("%d/%m/%Y"),
        "establishments": [str(chain["site"].pk)],
        "steps": ["pole_opinion", "expertise", "arbitration"],
    }
    assert web["requester"].post("/campaigns/new/", form).status_code == 403
    created = web["admin"].post("/campaigns/new/", form)
    assert created.status_code == 302
    with tenant_context(tenant):
        campaign = Campaign.objects.get(name="Programme recherche")
        assert campaign.steps == ["pole_opinion", "expertise", "arbitration"]
    skipping = web["admin"].post("/campaigns/new/", {**form, "steps": ["pole_opinion"]})
    assert skipping.status_code == 400 and "ne peut pas être sauté" in skipping.content.decode()
    # An envelope for the pôle, smaller than what is asked.
    campaign = chain["campaign"]
    added = web["admin"].post(
        f"/campaigns/{campaign.pk}/",
        {"scope": f"pole:{chain['pole'].pk}", "amount": "20 000", "source": "own_funds"},
    )
    assert added.status_code == 302
    negative = web["admin"].post(
        f"/campaigns/{campaign.pk}/",
        {"scope": f"pole:{chain['pole'].pk}", "amount": "-1", "source": "own_funds"},
    )
    assert negative.status_code == 400 and "doit être positif ou nul" in negative.content.decode()
    with tenant_context(tenant):
        assert Envelope.objects.filter(campaign=campaign).count() == 1
        workflow.submit(chain["request"], by=chain["users"]["requester"])
    page = web["admin"].get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-over="requested"' in page  # 30 000 € asked of a 20 000 € envelope
    # The request's own page shows the envelope it draws on, exceeded.
    detail = web["requester"].get(f"/requests/{chain['request'].pk}/").content.decode()
    envelopes = detail[detail.index("data-envelopes") :]
    assert "Pôle réanimation" in envelopes and "table-warning" in envelopes


def test_a_campaign_is_extended_but_its_steps_stay_once_requests_are_sent(tenant, chain, web):
    campaign = chain["campaign"]
    closes, steps = campaign.closes, list(campaign.steps)
    with tenant_context(tenant):
        other_site = type(chain["site"]).objects.create(
            name="Site B",
            finess="800000051",
            legal_entity_name="A",
            legal_entity_finess="800000044",
        )
        workflow.submit(chain["request"], by=chain["users"]["requester"])
    form = {
        "name": campaign.name,
        "kind": campaign.kind,
        "nature": campaign.nature,
        "year": str(campaign.year),
        "opens": campaign.opens.strftime("%d/%m/%Y"),
        "closes": (campaign.closes + datetime.timedelta(days=7)).strftime("%d/%m/%Y"),
        "establishments": [str(chain["site"].pk), str(other_site.pk)],
        "steps": list(campaign.steps),
    }
    url = f"/campaigns/{campaign.pk}/edit/"
    assert web["requester"].post(url, form).status_code == 403
    assert web["admin"].get(url).status_code == 200
    assert web["admin"].post(url, form).status_code == 302
    with tenant_context(tenant):
        campaign.refresh_from_db()
        assert campaign.closes == closes + datetime.timedelta(days=7)
        assert campaign.establishments.count() == 2
    fewer_steps = web["admin"].post(url, {**form, "steps": ["expertise", "arbitration"]})
    assert fewer_steps.status_code == 400
    assert 'data-field="steps"' in fewer_steps.content.decode()
    left_out = web["admin"].post(url, {**form, "establishments": [str(other_site.pk)]})
    assert left_out.status_code == 400
    with tenant_context(tenant):
        campaign.refresh_from_db()
        assert campaign.steps == steps
        assert campaign.establishments.count() == 2


def test_an_envelope_is_removed_by_management_only(tenant, chain, web):
    with tenant_context(tenant):
        envelope = add_envelope(
            chain["campaign"], chain["pole"], "1000", "own_funds", by=chain["admin"]
        )
    url = f"/campaigns/envelopes/{envelope.pk}/remove/"
    assert web["requester"].post(url).status_code == 403
    assert web["admin"].get(url).status_code == 405
    assert web["admin"].post(url).status_code == 302
    with tenant_context(tenant):
        assert not Envelope.objects.filter(pk=envelope.pk).exists()


def test_the_campaigns_message_greets_whoever_starts_a_request(tenant, chain, web):
    campaign = chain["campaign"]
    form = {
        "name": campaign.name,
        "kind": campaign.kind,
        "nature": campaign.nature,
        "year": str(campaign.year),
        "opens": campaign.opens.strftime("%d/%m/%Y"),
        "closes": campaign.closes.strftime("%d/%m/%Y"),
        "establishments": [str(chain["site"].pk)],
        "steps": list(campaign.steps),
        "message": "Joindre un devis.\nDate limite : 15/01.",
    }
    assert web["admin"].post(f"/campaigns/{campaign.pk}/edit/", form).status_code == 302
    page = web["requester"].get(f"/campaigns/{campaign.pk}/requests/new/").content.decode()
    assert "data-campaign-message" in page and "Joindre un devis.<br>Date limite" in page
    for bad in ("a\x00", "x" * 5001):
        refused = web["admin"].post(f"/campaigns/{campaign.pk}/edit/", {**form, "message": bad})
        assert refused.status_code == 400
    with tenant_context(tenant):
        assert Campaign.objects.get(pk=campaign.pk).message == form["message"]
