"""A curator reads the reference server's journal in chromium: who changed what, from where."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_tenants.utils import schema_context
from pghistory.models import Context, Event

from shared_reference.models import (
    ChangeLogEntry,
    Contribution,
    DeviceModel,
    Manufacturer,
    NomenclatureSystem,
    NomenclatureTerm,
    PublishedEntity,
    Release,
    Subscriber,
    SubscriberAPIKey,
    Subscription,
)
from shared_reference.services import publish_release
from tenants.accounts.models import User
from tests.conftest import PASSWORD, server_password_hash
from tests.shared_reference.test_curation_pages import TREE

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CURATOR = "claire.dubois@reference.test"


def _event_models() -> list[type[Any]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Event)
        and model._meta.app_label in {"shared_reference", "accounts"}
        and not model._meta.abstract
    ]


@pytest.fixture
def reference_world(live_db, tmp_path) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Committed, for the server process: a nomenclature imported by the command, two models,
    a release, a hospital with its API key and a curator. Everything goes afterwards, the
    audit events included."""
    with schema_context("public"):
        marks = {
            m: (m.objects.order_by("-pgh_id").values_list("pgh_id", flat=True).first() or 0)
            for m in _event_models()
        }
        contexts = set(Context.objects.values_list("id", flat=True))
        emdn = tmp_path / "emdn.json"
        emdn.write_text(TREE)
        call_command("import_codesystem", str(emdn), stdout=None)
        draeger = Manufacturer.objects.create(name="Dräger")
        evita = DeviceModel.objects.create(manufacturer=draeger, commercial_name="Evita V500")
        DeviceModel.objects.create(
            manufacturer=Manufacturer.objects.create(name="Mindray"), commercial_name="SV300"
        )
        publish_release(notes="Catalogue initial", by=CURATOR)
        hospital = Subscriber.objects.create(name="CH de Compiègne")
        _, key = SubscriberAPIKey.objects.create_key(name="journal", subscriber=hospital)
        curator = User.objects.create(
            email=CURATOR,
            full_name="Claire Dubois",
            # Hashed as the server process expects (the test process defaults to a fast hasher).
            password=server_password_hash(),
        )
        curator.groups.add(Group.objects.get(name="curators"))
    yield {"key": key, "evita": evita, "term": NomenclatureTerm.objects.get(code="Z1203")}
    with schema_context("public"):
        Contribution.objects.all().delete()
        Subscription.objects.all().delete()
        SubscriberAPIKey.objects.all().delete()
        Subscriber.objects.all().delete()
        ChangeLogEntry.objects.all().delete()
        PublishedEntity.objects.all().delete()
        Release.objects.all().delete()
        DeviceModel.objects.all().delete()
        Manufacturer.objects.all().delete()
        for level in sorted(set(NomenclatureTerm.objects.values_list("level", flat=True)))[::-1]:
            NomenclatureTerm.objects.filter(level=level).delete()
        NomenclatureSystem.objects.all().delete()
        # Not delete(): its collector would look for the user's rows in tenant-only tables.
        for user in User.objects.filter(email=CURATOR):
            user.groups.clear()
        User.objects.filter(email=CURATOR)._raw_delete("default")
        for model, mark in marks.items():
            model.objects.filter(pgh_id__gt=mark).delete()
        Context.objects.exclude(id__in=contexts).delete()


def test_a_curator_reads_who_changed_what_in_the_journal(
    browser, live_server_port, reference_world
):
    base = f"http://localhost:{live_server_port}"
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{base}/reference/")
        page.get_by_label("Adresse e-mail").fill(CURATOR)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(re.escape(f"{base}/reference/")))

        # The curator confirms a French label and dates a model on their pages...
        page.goto(f"{base}/reference/terms/{reference_world['term'].uuid}/")
        page.locator("#id_label_fr").fill("Ventilation en réanimation")
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_selector(".alert-success")
        page.goto(f"{base}/reference/device-models/{reference_world['evita'].uuid}/")
        page.locator("#id_end_of_sale").fill("2029-06-30")
        page.locator("#id_end_of_support").fill("2031-12-31")
        page.locator("#id_end_of_support_source").fill("Courrier Dräger du 12/03/2026")
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_selector(".alert-success")
        # ...and a hospital proposes a correction through the API.
        proposed = requests.post(
            f"http://127.0.0.1:{live_server_port}/api/reference/v1/contributions/",
            json={
                "kind": "correction",
                "target": str(reference_world["evita"].uuid),
                "proposal": {"end_of_support": "2032-06-30"},
                "source": "Notice technique, révision C",
            },
            headers={"Host": "localhost", "Authorization": f"Api-Key {reference_world['key']}"},
            timeout=10,
        )
        assert proposed.status_code == 201, proposed.text

        page.goto(f"{base}/reference/")
        page.get_by_role("link", name="Journal des modifications").click()
        page.wait_for_url(f"{base}/reference/journal/")
        rows = page.locator("table[data-journal] tbody tr")
        first = rows.nth(0).inner_text()
        assert "CH de Compiègne" in first and "API" in first and "Contribution" in first
        journal = re.sub(r"\s+", " ", page.locator("table[data-journal]").inner_text())
        assert CURATOR in journal and "la page" in journal and "import" in journal
        assert "Fin de support : — → 31/12/2031" in journal
        assert "Libellé français : — → Ventilation en réanimation" in journal
        page.screenshot(path=str(SCREENSHOTS / "reference-journal.png"))

        page.locator("#id_who").select_option(label="CH de Compiègne")
        page.get_by_role("button", name="Filtrer").click()
        page.wait_for_url(re.compile(r"who=subscriber"))
        assert rows.count() == 1 and "CH de Compiègne" in rows.nth(0).inner_text()
        page.locator("#id_start").fill("31/02/2026")
        page.get_by_role("button", name="Filtrer").click()
        page.wait_for_selector(".invalid-feedback")
        assert page.locator("table[data-journal]").count() == 0
    finally:
        context.close()
