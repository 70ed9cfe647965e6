"""Inventory pages: import through a job, its report, matches to decide, a device."""

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.imports.models import ImportJob, ImportMapping
from tenants.imports.services import run_import
from tenants.inventory.models import Device, MatchState, ModelMatch
from tests.conftest import client_for, host_of
from tests.tenants.inventory.factories import catalogue, structure

EXPORT = (
    "Equipement;Unité;Marque;Modèle;N° série;Date mise en service;Valeur d'achat;Statut\n"
    "INV001;1101;Philips;IntelliVue MX450;SN1;15/03/2018;6 540,50;En service\n"
    "INV002;1101;PHILIPS HEALTHCARE;MX450;SN2;;;\n"
    "INV003;1102;PHILIPS HEALTHCARE;MX450;SN3;;;\n"
).encode("cp1252")
COLUMNS = {
    "column_inventory_number": "Equipement",
    "column_uf_code": "Unité",
    "column_manufacturer_name": "Marque",
    "column_model_name": "Modèle",
    "column_serial_number": "N° série",
    "column_commissioning_date": "Date mise en service",
    "column_purchase_value": "Valeur d'achat",
    "column_status": "Statut",
}


@pytest.fixture
def models(tenant):
    with tenant_context(tenant):
        structure()
        return catalogue()


@pytest.fixture
def admin(tenant, make_user):
    user = make_user(tenant)
    with tenant_context(tenant):
        grant_role(user, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    return client_for(host_of(tenant), user, tenant)


def upload(client, data: bytes, *, dry_run: bool, capture) -> tuple:
    with capture(execute=False) as queued:
        response = client.post(
            "/inventory/import/",
            {
                "file": SimpleUploadedFile("gmao.csv", data),
                **({"dry_run": "on"} if dry_run else {}),
                **COLUMNS,
            },
        )
    return response, queued


def test_only_administrators_import(tenant, make_user, models):
    client = client_for(host_of(tenant), make_user(tenant), tenant)
    assert client.get("/inventory/import/").status_code == 403
    assert client.get("/inventory/matches/").status_code == 403


def test_an_upload_queues_a_job_whose_page_shows_the_report(
    admin, tenant, models, django_capture_on_commit_callbacks
):
    response, queued = upload(
        admin, EXPORT, dry_run=False, capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302 and len(queued) == 1
    with tenant_context(tenant):
        job = ImportJob.objects.get()
        assert ImportMapping.objects.get(kind="inventory").mapping["uf_code"] == "Unité"
        assert (
            "Waiting for a worker"
            in admin.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
        )
        run_import(job.pk)  # what the worker does (a real worker runs it in test_import_jobs)
        assert Device.objects.count() == 3
    page = admin.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 devices created" in page and "1 devices linked, 2 to confirm" in page


def test_a_dry_run_job_changes_nothing(admin, tenant, models, django_capture_on_commit_callbacks):
    upload(admin, EXPORT, dry_run=True, capture=django_capture_on_commit_callbacks)
    with tenant_context(tenant):
        job = run_import(ImportJob.objects.get().pk)
        assert job.state == "done" and job.report["created"] == 3
        assert not Device.objects.exists()


def test_a_refused_job_lists_its_problems_by_line_and_column(
    admin, tenant, models, django_capture_on_commit_callbacks
):
    bad = EXPORT + b"INV004;7777;X;Y;;;;\n"
    response, _ = upload(admin, bad, dry_run=False, capture=django_capture_on_commit_callbacks)
    with tenant_context(tenant):
        job = run_import(ImportJob.objects.get().pk)
        reason = "aucune UF n\u2019a le code 7777"
        assert job.state == "refused" and job.problems == [[5, "Unité", reason]]
        assert not Device.objects.exists()
    page = admin.get(response["Location"]).content.decode()
    assert reason in page and 'data-role="problems"' in page


def test_a_job_writes_its_problems_in_the_language_of_who_started_it(
    admin, tenant, models, django_capture_on_commit_callbacks
):
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    bad = EXPORT + b"INV004;7777;X;Y;;;;\n"
    upload(admin, bad, dry_run=False, capture=django_capture_on_commit_callbacks)
    with tenant_context(tenant):  # the worker's own language is French
        job = run_import(ImportJob.objects.get().pk)
        assert job.problems == [[5, "Unité", "no UF has the code 7777"]]


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(
    admin, tenant, models, django_capture_on_commit_callbacks
):
    upload(admin, EXPORT, dry_run=False, capture=django_capture_on_commit_callbacks)
    with tenant_context(tenant):
        job = ImportJob.objects.get()
        run_import(job.pk)
        Device.objects.all().delete()
        assert run_import(job.pk).state == "done"
        assert not Device.objects.exists()  # the second delivery did nothing


def test_the_upload_form_refuses_what_is_not_a_spreadsheet(admin, models):
    response = admin.post(
        "/inventory/import/", {"file": SimpleUploadedFile("photo.png", b"\x89PNG"), **COLUMNS}
    )
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_confirming_a_proposal_links_every_device_spelled_so(
    admin, tenant, models, django_capture_on_commit_callbacks
):
    upload(admin, EXPORT, dry_run=False, capture=django_capture_on_commit_callbacks)
    with tenant_context(tenant):
        run_import(ImportJob.objects.get().pk)
        key = Device.objects.get(inventory_number="INV002").match_key
    page = admin.get("/inventory/matches/").content.decode()
    assert "PHILIPS HEALTHCARE" in page and "Philips IntelliVue MX450" in page
    response = admin.post(
        "/inventory/matches/decide/",
        {"match_key": key, "reference_model": str(models["mx450"].uuid)},
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        states = set(Device.objects.filter(match_key=key).values_list("match_state", flat=True))
        assert states == {MatchState.CONFIRMED}
        assert ModelMatch.objects.get(match_key=key).reference_model == models["mx450"]


def test_saying_there_is_no_reference_model_is_remembered(admin, tenant, models):
    with tenant_context(tenant):
        from tenants.inventory.imports import import_inventory

        import_inventory(EXPORT, "x.csv", mapping={k[7:]: v for k, v in COLUMNS.items()})
        key = Device.objects.get(inventory_number="INV002").match_key
    done = admin.post("/inventory/matches/decide/", {"match_key": key, "no_model": "1"})
    told = admin.get(done.url).content.decode()
    with tenant_context(tenant):
        count = Device.objects.filter(match_key=key).count()
    said = "équipement marqué" if count == 1 else "équipements marqués"
    assert f"{count} {said} sans modèle de référence." in told
    with tenant_context(tenant):
        assert ModelMatch.objects.get(match_key=key).reference_model is None
        assert Device.objects.get(inventory_number="INV002").match_state == MatchState.NONE
    assert admin.post("/inventory/matches/decide/", {"match_key": key}).status_code == 400
    assert (
        admin.post(
            "/inventory/matches/decide/", {"match_key": "NO|ONE", "no_model": "1"}
        ).status_code
        == 400
    )


def test_a_decision_on_a_spelling_no_device_has_says_so_on_the_page(admin, models):
    response = admin.post(
        "/inventory/matches/decide/", {"match_key": "gone|spelling", "no_model": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Plus aucun appareil n\u2019est écrit ainsi\u00a0: rechargez la page" in body
    assert "match_key" not in body


def test_a_device_page_shows_its_extra_columns(tenant, make_user, models):
    with tenant_context(tenant):
        from tenants.inventory.imports import import_inventory

        data = (
            "N° inventaire;UF;Marque;Modèle;Contrat\nINV9;1101;Philips;IntelliVue MX450;Oui\n"
        ).encode("cp1252")
        import_inventory(data, "x.csv")
        device = Device.objects.get()
    member = make_user(tenant)
    client = client_for(host_of(tenant), member, tenant)
    # A person without any role is told so on the home page, and sees no device either.
    assert client.get(f"/inventory/devices/{device.pk}/").status_code == 404
    assert "INV9" not in client.get("/inventory/devices/").content.decode()
    with tenant_context(tenant):
        grant_role(member, Role.VIEWER, ScopeKind.TENANT, by="test")
    page = client.get(f"/inventory/devices/{device.pk}/").content.decode()
    assert "Contrat" in page and "Philips IntelliVue MX450" in page
    assert re.search(r"Oui", page)


def test_a_running_job_shows_its_progress(admin, tenant, models):
    from django.core.cache import cache

    from tenants.imports.services import progress_key

    with tenant_context(tenant):
        job = ImportJob.objects.create(kind="inventory", filename="gmao.csv", state="running")
        cache.set(progress_key(job.pk), {"phase": "write", "done": 2000, "total": 8000})
    page = admin.get(
        f"/inventory/import/{job.pk}/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Writing the devices" in page and "width: 25%" in page and "2000 / 8000" in page
    assert 'hx-trigger="every 1s"' in page


def test_the_matches_page_lists_proposals_first_and_forgets_decided_spellings(
    admin, tenant, models
):
    with tenant_context(tenant):
        from tenants.inventory.imports import import_inventory

        data = (
            "N° inventaire;UF;Marque;Modèle\n"
            "U1;1101;Getinge;Servo-u\nU2;1101;Getinge;Servo-u\nU3;1101;Getinge;Servo-u\n"
            "P1;1101;Philips;MX450\n"
            "N1;1101;Medela;Symphony\n"
        ).encode("cp1252")
        import_inventory(data, "x.csv")
        key = Device.objects.get(inventory_number="N1").match_key
    admin.post("/inventory/matches/decide/", {"match_key": key, "no_model": "1"})
    page = admin.get("/inventory/matches/").content.decode()
    assert page.index("MX450") < page.index("Servo-u")  # the proposal first, despite fewer devices
    assert "Symphony" not in page


def test_the_row_count_is_grouped_in_french(admin, tenant, models):
    with tenant_context(tenant):
        from tenants.inventory.imports import import_inventory

        lines = "".join(f"C{i};1101;Philips;MX450\n" for i in range(1234))
        import_inventory(("N° inventaire;UF;Marque;Modèle\n" + lines).encode(), "x.csv")
    page = admin.get("/inventory/").content.decode()
    assert "1\u202f234 lignes" in page or "1\xa0234 lignes" in page or "1 234 lignes" in page


def test_a_file_over_50_mb_is_refused_by_the_form(admin, models, monkeypatch):
    from tenants.imports import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD", 1000)  # the check, not 50 MB of test data
    response = admin.post(
        "/inventory/import/",
        {"file": SimpleUploadedFile("gmao.csv", b"x" * 1001), **COLUMNS},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "larger than 50 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_name_over_200_characters_is_refused_by_the_form(admin, models):
    name = "x" * 220 + ".csv"
    response = admin.post(
        "/inventory/import/",
        {"file": SimpleUploadedFile(name, EXPORT), **COLUMNS},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "longer than 200 characters" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_job_page_names_the_fields_left_empty_and_the_columns_no_field_reads(
    admin, tenant, models, django_capture_on_commit_callbacks
):
    data = (
        "Equipement;Unité;Marque;Modèle;Valeur d'achat (€)\nINV001;1101;Philips;MX450;6 540,50\n"
    ).encode("cp1252")
    response, _ = upload(admin, data, dry_run=True, capture=django_capture_on_commit_callbacks)
    with tenant_context(tenant):
        run_import(ImportJob.objects.get().pk)
    page = admin.get(response["Location"]).content.decode()
    warning = page[page.index('data-role="columns"') :]
    assert "Valeur d&#x27;achat, Statut" in warning and "Valeur d&#x27;achat (€)" in warning


def test_a_dry_run_is_applied_from_its_report_and_the_task_is_queued(
    admin, tenant, models, django_capture_on_commit_callbacks
):
    upload(admin, EXPORT, dry_run=True, capture=django_capture_on_commit_callbacks)
    with tenant_context(tenant):
        dry = run_import(ImportJob.objects.get().pk)
    assert "Appliquer cet import" in admin.get(f"/inventory/import/{dry.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin.post(f"/inventory/import/{dry.pk}/apply/")
    assert response.status_code == 302 and len(queued) == 1
    with tenant_context(tenant):
        job = ImportJob.objects.get(dry_run=False)
        assert response["Location"] == f"/inventory/import/{job.pk}/"
        run_import(job.pk)
        assert Device.objects.count() == 3


def test_a_refused_apply_says_why_on_the_job_page(
    admin, tenant, models, django_capture_on_commit_callbacks
):
    upload(admin, EXPORT, dry_run=False, capture=django_capture_on_commit_callbacks)
    with tenant_context(tenant):
        real = run_import(ImportJob.objects.get().pk)
    page = admin.get(f"/inventory/import/{real.pk}/").content.decode()
    assert "Appliquer cet import" not in page
    response = admin.post(f"/inventory/import/{real.pk}/apply/", follow=True)
    assert response.redirect_chain == [(f"/inventory/import/{real.pk}/", 302)]
    assert "Seule une simulation sans problème peut être appliquée." in response.content.decode()
    assert admin.get(f"/inventory/import/{real.pk}/apply/").status_code == 405
