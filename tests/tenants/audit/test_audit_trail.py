"""The audit trail: who, when, before/after and from where, for pages, API, tasks and imports."""

from __future__ import annotations

import datetime
from typing import Any

import pghistory
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from saas.audit.history import event_model_of, history_of
from saas.tenancy import provisioning
from saas.tenancy.models import Tenant, TenantKind, TenantStatus
from shared_reference.models import (
    Contribution,
    NomenclatureTerm,
    Subscriber,
    SubscriberAPIKey,
)
from tenants.campaigns.models import Campaign
from tenants.inventory.imports import import_inventory
from tenants.inventory.models import Device
from tenants.requests.models import EquipmentRequest
from tenants.structure.models import Establishment
from tests.conftest import B_MARKER, client_for, host_of
from tests.tenants.inventory.factories import catalogue, structure

# Models that are not business data changed by a person, each with why. Every other model of
# the project's apps must be tracked: a new model fails here until it is one or the other.
NOT_AUDITED = {
    # Logs and journals: they are themselves the record of what happened.
    "access.AccessEvent": "the journal of role grants and revocations",
    "requests.RequestEvent": "the workflow's own journal of transitions, with who and why",
    "plan.CalendarFeed": "a secret address's digest: no business data, replaced when renewed",
    "plan.LineReminder": "which reminders went out, so each goes once (notifications say it)",
    "plan.LineEvent": "a plan line's own journal (manager named, closed, reopened and why)",
    "controls.FindingEvent": "a finding's own journal (assigned, commented, accepted, reopened)",
    "loans.LoanEvent": "a loan's own journal (recorded, returned, moved, cancelled and why)",
    "loans.LoanReminder": "which warnings went out, so each goes once (notifications say it)",
    "trials.TrialEvent": "a trial's own journal of its states, with who and why",
    "trials.TrialReminder": "which warnings went out, so each goes once (notifications say it)",
    "purchasing.RequestEvent": "a purchase request's own journal of its states, with who and why",
    "shared_reference.ChangeLogEntry": "the published change log, append-only by design",
    "tenancy.TenantEvent": "the platform's journal of tenant life-cycle events",
    # Derived or bookkeeping rows written by the machinery, not by a person.
    "shared_reference.PublishedEntity": "the published state, rewritten from releases",
    "shared_reference.FeedHorizon": "the change feed's compaction mark",
    "shared_reference.Subscription": "the index of what each tenant mirrors, kept by sync",
    "mirror.LocalSubscription": "the tenant's side of the subscription index, kept by sync",
    "mirror.SyncState": "the sync cursor and last error",
    "mirror.ReferenceManufacturer": "a copy written by sync; the reference server keeps history",
    "mirror.ReferenceDeviceModel": "a copy written by sync; the reference server keeps history",
    "mirror.ReferenceTerm": "a copy written by sync; the reference server keeps history",
    "mirror.ReferenceEntity": "a copy written by sync; the reference server keeps history",
    "markets.PurchasingBody": "a copy written by sync; the reference server keeps history",
    "mirror.SentContribution": "the outbox of proposals; the curators' Contribution is tracked",
    "imports.ImportJob": "an import's own record (file, who, report)",
    "catalogue.SearchWord": "the search's vocabulary, derived from the products' texts",
    "tables.ExportJob": "an export's progress and file",
    "purchasing.DocumentJob": "a documents job's progress; the documents it attaches are tracked",
    "notifications.Notification": "messages sent to people, not data they change",
    "alerts.AlertReceipt": "who has read which alert",
    "tables.TablePreference": "a person's column choices and widths on a list page",
    "tables.SavedView": "a saved filter of a list page, presentation only",
    # Copies of the hospital's other systems, replaced by each import: the import job keeps
    # who imported which file and when, the source system its own history.
    "finance.FinanceOrderLine": "a copy of the finance system's order lines, written by imports",
    "finance.FixedAsset": "a copy of the finance system's fixed assets, written by imports",
    "finance.OrderLink": "derived from the orders and the lines' numbers, rewritten by each import",
    "finance.Invoice": "a copy of the finance system's invoices, written by imports",
    "inventory.WorkOrder": "a copy of the CMMS's work orders, written by imports",
    "controls.Finding": "written by the checks at each run; what people do is its FindingEvent",
    "controls.ControlRun": "the journal of the checks' runs",
    "numbering.Counter": "the last reference given per prefix and year; each row keeps its own",
    # Secrets and platform plumbing.
    "shared_reference.SubscriberAPIKey": "hashed API keys: a secret, revoked rather than edited",
    "imports.ImportAPIKey": "hashed import API keys: a secret, revoked rather than edited",
    "tenancy.Tenant": "the registry row, whose life-cycle TenantEvent records",
    "tenancy.Domain": "host names, created and removed with the tenant",
    "tenancy.SignupRequest": "a sign-up form awaiting confirmation, before any tenant exists",
}
PROJECT_APPS = ("tenants.", "shared_reference", "saas.")


def test_every_business_model_is_tracked_or_excluded_with_a_reason() -> None:
    import pghistory.models

    untracked = []
    for model in apps.get_models():
        module = model.__module__
        if not module.startswith(PROJECT_APPS) or issubclass(model, pghistory.models.Event):
            continue
        label = f"{model._meta.app_label}.{model.__name__}"
        if event_model_of(model) is None and label not in NOT_AUDITED:
            untracked.append(label)
    assert untracked == []
    for label in NOT_AUDITED:  # an exclusion of a model that is gone or now tracked is stale
        assert event_model_of(apps.get_model(label)) is None, label


def events_of(model: type[Any]) -> Any:
    """The manager of ``model``'s event table."""
    event_model = event_model_of(model)
    assert event_model is not None
    return event_model.objects


def campaign_form(campaign: Campaign, **changes: str) -> dict[str, object]:
    return {
        "name": campaign.name,
        "kind": campaign.kind,
        "nature": campaign.nature,
        "year": str(campaign.year),
        "opens": campaign.opens.strftime("%d/%m/%Y"),
        "closes": campaign.closes.strftime("%d/%m/%Y"),
        "establishments": [str(e.pk) for e in campaign.establishments.all()],
        "steps": list(campaign.steps),
        **changes,
    }


def test_a_page_edit_records_who_when_before_after_and_from_the_page(tenant, chain, web):
    campaign = chain["campaign"]
    old_closes = campaign.closes
    new_closes = old_closes + datetime.timedelta(days=7)
    with tenant_context(tenant):
        form = campaign_form(campaign, closes=new_closes.strftime("%d/%m/%Y"))
    before = datetime.datetime.now(datetime.UTC)
    response = web["admin"].post(f"/campaigns/{campaign.pk}/edit/", form)
    assert response.status_code == 302
    with tenant_context(tenant):
        event = events_of(Campaign).filter(pgh_obj_id=campaign.pk).latest("pgh_id")
        assert event.pgh_label == "update" and event.closes == new_closes
        # NOW(): the start of the transaction, which here is the test's own.
        assert abs(event.pgh_created_at - before) < datetime.timedelta(minutes=5)
        metadata = event.pgh_context.metadata
        assert metadata["user"] == chain["admin"].pk
        assert metadata["source"] == "page"
        assert metadata["url"] == f"/campaigns/{campaign.pk}/edit/"
        entry = history_of(campaign)[0]
        assert entry.who == str(chain["admin"])
        assert [(c.label, c.before, c.after) for c in entry.changes] == [
            ("Clôture", old_closes.strftime("%d/%m/%Y"), new_closes.strftime("%d/%m/%Y"))
        ]
    page = web["admin"].get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'id="history"' in page and "Historique" in page and "Via" in page and "la page" in page
    old, new = old_closes.strftime("%d/%m/%Y"), new_closes.strftime("%d/%m/%Y")
    assert f"<del>{old}</del> → {new}" in page


def test_a_draft_deletion_leaves_a_trace_on_its_campaigns_page(tenant, chain, web):
    draft = chain["request"]
    response = web["requester"].post(f"/requests/{draft.pk}/act/", {"action": "delete"})
    assert response.status_code == 302
    with tenant_context(tenant):
        assert not EquipmentRequest.objects.filter(pk=draft.pk).exists()
        gone = events_of(EquipmentRequest).get(pgh_obj_id=draft.pk, pgh_label="delete")
        assert gone.title == "Respirateur"
        assert gone.pgh_context.metadata["user"] == chain["users"]["requester"].pk
    page = web["admin"].get(f"/campaigns/{chain['campaign'].pk}/").content.decode()
    assert "Respirateur" in page and "suppression" in page


def test_a_person_who_may_not_see_a_request_cannot_see_its_history(tenant, chain, web):
    url = f"/requests/{chain['request'].pk}/"
    own = web["requester"].get(url)
    assert own.status_code == 200 and 'id="history"' in own.content.decode()
    assert web["other_head"].get(url).status_code in (403, 404)


def test_another_tenants_history_is_invisible(tenant, other_tenant, chain, web):
    with tenant_context(other_tenant):
        theirs = EquipmentRequest.objects.get(title=f"Request {B_MARKER}")
        theirs.title = f"Renamed {B_MARKER}"
        theirs.save()
        assert events_of(EquipmentRequest).filter(pgh_obj_id=theirs.pk).exists()
    response = web["admin"].get(f"/requests/{theirs.pk}/")
    assert B_MARKER not in response.content.decode()
    with tenant_context(tenant):
        # Alpha's event table and contexts hold none of Bravo's changes.
        events = events_of(EquipmentRequest).all()
        assert not events.filter(title__contains=B_MARKER).exists()


def test_a_bulk_import_records_each_row_created_and_changed(tenant):
    with tenant_context(tenant):
        structure()
        catalogue()
        first = "N° inventaire;UF;Marque;Modèle\nA1;1101;Philips;MX450\nA2;1101;Getinge;Servo-u\n"
        import_inventory(first.encode("cp1252"), "export.csv")
        again = first.replace("A2;1101;Getinge", "A2;1102;Getinge")
        import_inventory(again.encode("cp1252"), "export.csv")
        mine = Device.objects.filter(inventory_number__in=["A1", "A2"])
        events = events_of(Device).filter(pgh_obj_id__in=mine.values("pk")).order_by("pgh_id")
        moved = Device.objects.get(inventory_number="A2")
        assert [e.pgh_label for e in events] == ["insert", "insert", "update"]
        assert history_of(moved)[0].changes[0].label == "UF"


def test_an_api_call_is_recorded_with_the_subscriber_and_the_api(db, make_user):
    hospital = Subscriber.objects.create(name="CH Audit")
    _, secret = SubscriberAPIKey.objects.create_key(name="k", subscriber=hospital)
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    response = api.post(
        "/api/reference/v1/contributions/",
        {
            "kind": "new_model",
            "proposal": {"commercial_name": "Audit 3000", "manufacturer": "Audit"},
            "source": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    contribution = Contribution.objects.get(pk=response.json()["id"])
    event = events_of(Contribution).get(pgh_obj_id=contribution.pk)
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["source"] == "api"
    assert event.pgh_context.metadata["url"] == "/api/reference/v1/contributions/"
    assert history_of(contribution)[0].who == "CH Audit"


def test_curators_see_who_changed_a_reference_term(db, make_user):
    from shared_reference.fhir import parse_codesystem
    from shared_reference.services import import_codesystem
    from tests.shared_reference.test_catalogue_releases import emdn_subset

    import_codesystem(parse_codesystem(emdn_subset()))
    curator = make_user(None, email="curator@ref.test", full_name="Claire Curatrice")
    curator.groups.add(Group.objects.get(name="curators"))
    term = NomenclatureTerm.objects.order_by("pk").first()
    assert term is not None
    term.label_en = "Renamed by a curator"
    with pghistory.context(user=curator.pk, source="page"):
        term.save()
    page = client_for("localhost", curator).get(f"/reference/terms/{term.uuid}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Claire Curatrice" in body and "Renamed by a curator" in body


def test_a_tenant_made_from_a_spare_schema_records_changes_in_its_own_schema(db, spare):
    tenant = Tenant.objects.create(
        schema_name=provisioning.schema_name_for("gamma"),
        name="CH gamma",
        kind=TenantKind.HOSPITAL,
        finess="800000044",
        status=TenantStatus.PROVISIONING,
    )
    result = provisioning.provision_tenant(tenant.pk, subdomain="gamma", admin_email="a@gamma.fr")
    assert result.used_spare
    with tenant_context(result.tenant):
        site = Establishment.objects.create(
            name="Gamma", finess="800000259", legal_entity_name="G", legal_entity_finess="800000044"
        )
        assert events_of(Establishment).filter(pgh_obj_id=site.pk).count() == 1
        with connection.cursor() as cursor:
            # The triggers' functions live in the tenant's schema, renamed with it.
            cursor.execute(
                "SELECT fn.nspname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_proc p ON p.oid = t.tgfoid "
                "JOIN pg_namespace fn ON fn.oid = p.pronamespace "
                "WHERE c.relname = 'structure_establishment' AND n.nspname = 't_gamma' "
                "AND NOT t.tgisinternal"
            )
            assert [row[0] for row in cursor.fetchall()] == ["t_gamma"] * 3


def test_a_deleted_draft_shows_only_to_those_who_could_read_it(tenant, chain, web):
    """A draft is read by its UF's requesters until it is sent: its deletion on the campaign's
    page is not for the management, nor for the head of another pôle."""
    draft = chain["request"]
    assert web["requester"].post(f"/requests/{draft.pk}/act/", {"action": "delete"}).status_code
    url = f"/campaigns/{chain['campaign'].pk}/"
    for name in ("manager", "other_head", "commission", "dispatcher"):
        page = web[name].get(url)
        assert page.status_code == 200
        assert "Respirateur" not in page.content.decode(), name
    for name in ("requester", "pole_head", "admin"):
        assert "Respirateur" in web[name].get(url).content.decode(), name


def test_a_person_without_any_role_reads_no_history(tenant, chain, web, make_user):
    """The home page tells them they can see nothing: nor who changed what, and when."""
    nobody = client_for(host_of(tenant), make_user(tenant), tenant)
    with tenant_context(tenant):
        site = Establishment.objects.get()
    for url in (f"/structure/establishments/{site.pk}/", f"/campaigns/{chain['campaign'].pk}/"):
        assert 'id="history"' in web["requester"].get(url).content.decode(), url
        response = nobody.get(url)
        assert response.status_code in (200, 403, 404)
        assert 'id="history"' not in response.content.decode(), url
