"""Histories read in the hospital's French words: labels, choices, names, euros, dates."""

from __future__ import annotations

from decimal import Decimal

import pghistory
from django_tenants.utils import tenant_context

from saas.audit.history import history_of
from tenants.campaigns.models import Envelope
from tenants.requests.models import EquipmentRequest, RequestPart, RequestState
from tenants.requests.services import PartInput, save_draft
from tenants.sso.models import ClaimRoleMapping, IdentityProvider


def changes_of(entry) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(c.label, c.before, c.after) for c in entry.changes]


def test_a_campaign_history_names_steps_and_shows_envelopes_in_euros(tenant, chain, web):
    campaign = chain["campaign"]
    with tenant_context(tenant), pghistory.context(user=chain["admin"].pk, source="page"):
        campaign.steps = ["pole_opinion", "arbitration"]
        campaign.save()
        Envelope.objects.create(
            campaign=campaign, pole=chain["pole"], amount=Decimal("12345.5"), source="own_funds"
        )
    page = web["admin"].get(f"/campaigns/{campaign.pk}/").content.decode()
    history = page.split('id="history"')[1]
    assert "Avis du chef de pôle, Arbitrage de la commission" in history
    assert "pole_opinion" not in history
    assert "Enveloppe « Pôle réanimation »" in history
    assert "12\u202f345,50\u00a0€" in history
    # The envelope's campaign is the page's own: not repeated, and never in English.
    assert "Campaign" not in history and "Campagne" not in history
    assert "Pôle</span>" in history
    assert "Via</th>" in history and "la page" in history


def test_an_edited_draft_shows_one_change_of_its_line_without_bookkeeping(tenant, chain, web):
    request = chain["request"]
    requester = chain["users"]["requester"]
    with tenant_context(tenant):
        line = request.parts.get()
        with pghistory.context(user=requester.pk, source="page"):
            save_draft(
                by=requester,
                campaign=chain["campaign"],
                uf=chain["rea"],
                title="Respirateur 2",
                parts=[PartInput("investment", 2, "30000")],
                request=request,
            )
        assert request.parts.get().pk == line.pk  # changed in place, not deleted and recreated
        entries = history_of(request, children=[(RequestPart, "request", "")])
        newest = [e for e in entries if e.who == str(requester)]
        assert [(e.subject, e.action) for e in newest] == [
            ("Ligne de la demande « Investissement x 2 »", "modification"),
            ("", "modification"),
        ]
        assert changes_of(newest[0]) == [("Quantité", "1", "2")]
        assert changes_of(newest[1]) == [("Intitulé", "Respirateur", "Respirateur 2")]
        created = next(e for e in entries if e.subject and e.action == "création")
        assert ("Prix unitaire estimé (€)", "", "30\u202f000,00\u00a0€") in changes_of(created)
    page = web["requester"].get(f"/requests/{request.pk}/").content.decode()
    history = page.split('id="history"')[1]
    assert "suppression" not in history and "Updated" not in history
    assert "Version" not in history and "Request" not in history


def test_an_unchanged_line_records_nothing_and_an_extra_line_is_a_creation(tenant, chain):
    request = chain["request"]
    with tenant_context(tenant):
        save_draft(
            by=chain["users"]["requester"],
            campaign=chain["campaign"],
            uf=chain["rea"],
            title="Respirateur",
            parts=[PartInput("investment", 1, "30000"), PartInput("maintenance", 1, "500")],
            request=request,
        )
        assert [p.kind for p in request.parts.all()] == ["investment", "maintenance"]
        entries = history_of(request, children=[(RequestPart, "request", "")])
        assert [(e.subject, e.action) for e in entries[:1]] == [
            ("Ligne de la demande « Maintenance x 1 »", "création")
        ]
        save_draft(
            by=chain["users"]["requester"],
            campaign=chain["campaign"],
            uf=chain["rea"],
            title="Respirateur",
            parts=[PartInput("maintenance", 1, "500")],
            request=request,
        )
        assert [(p.kind, p.unit_price) for p in request.parts.all()] == [
            ("maintenance", Decimal("500.00"))
        ]


def test_the_state_a_question_returns_to_is_named(tenant, chain):
    request = chain["request"]
    with tenant_context(tenant):
        EquipmentRequest.objects.filter(pk=request.pk).update(
            state=RequestState.MORE_INFORMATION, resume_state=RequestState.SUBMITTED
        )
        entry = history_of(request)[0]
        assert ("État à la réponse", "—", "Soumise") in changes_of(entry)


def test_a_role_mapping_shows_its_role_and_scope_by_name(tenant, chain):
    with tenant_context(tenant):
        provider = IdentityProvider.objects.create(
            name="Keycloak", slug="kc", discovery_url="https://sso.example/", client_id="x"
        )
        ClaimRoleMapping.objects.create(
            provider=provider,
            claim_path="groups",
            value="admins",
            role="tenant_admin",
            scope=f"pole:{chain['pole'].pk}",
        )
        entry = history_of(provider, children=[(ClaimRoleMapping, "provider", "")])[0]
    assert entry.subject.startswith("Correspondance de rôle « groups = admins → Administrateur")
    assert "tenant_admin" not in entry.subject and "pole:" not in entry.subject
    shown = dict((c.label, c.after) for c in entry.changes)
    assert shown["Rôle"].startswith("Administrateur")
    assert "Pôle réanimation" in shown["Périmètre"]


def test_a_users_roles_read_with_french_labels(tenant, chain, web):
    from tenants.access.models import RoleGrant

    expert = chain["users"]["expert"]
    with tenant_context(tenant):
        entries = history_of(expert, children=[(RoleGrant, "user", "")])
    (granted,) = [e for e in entries if e.subject]
    assert granted.subject.startswith("Rôle « ")
    shown = dict((c.label, c.after) for c in granted.changes)
    assert shown["Domaine d\u2019expertise"] == "Biomédical"
    assert "Utilisateur" not in shown  # the page's own user
    page = web["admin"].get(f"/administration/users/{expert.pk}/").content.decode()
    assert "Domain<" not in page and "Domaine d\u2019expertise" in page


def test_a_dict_value_reads_with_french_spaces():
    from saas.audit.history import display
    from tenants.inventory.models import Device

    field = Device._meta.get_field("attributes")
    shown = display(field, {"Criticité": "Basse", "Localisation": "Bât. C"}, {})
    assert shown == "Criticité\u00a0: Basse\u00a0; Localisation\u00a0: Bât. C"
