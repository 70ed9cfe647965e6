"""A purchase request's documents produced by a real Celery worker, end to end: asked for from
the request's page, produced in the tenant's schema, attached (DOCX and PDF), shown by the
polled section."""

from __future__ import annotations

import datetime
import time
import uuid
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.documents.models import Document
from tenants.markets.models import Lot, Market, Supplier
from tenants.purchasing import services
from tenants.purchasing.models import DocumentJob, PurchaseRequest, RequestEvent
from tenants.wordtemplates.models import GeneratedDocument
from tests.conftest import client_for, host_of
from tests.tenants.conftest import build_chain
from tests.tenants.plan.conftest import grant

pytestmark = pytest.mark.slow


def wait_until_finished(pk: int, timeout: float = 120) -> DocumentJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = DocumentJob.objects.get(pk=pk)
        if job.state in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"documents job {pk} did not finish within {timeout} s")


@pytest.fixture
def request_in_alpha(live_db, make_user):  # type: ignore[no-untyped-def]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    today = datetime.date.today()
    with tenant_context(alpha):
        chain = build_chain(alpha, make_user)
        line = grant(chain, "30000")
        buyer = make_user(alpha, email=f"buyer-{uuid.uuid4().hex[:6]}@worker.test")
        RoleGrant.objects.create(user=buyer, role=Role.BUYER, scope=ScopeKind.TENANT)
        supplier = Supplier.objects.create(name="Getinge Worker", siren="399423467")
        market = Market.objects.create(
            origin="local",
            reference="LOC-WORKER",
            title="Respirateurs (worker)",
            starts=today - datetime.timedelta(days=100),
            ends=today + datetime.timedelta(days=300),
        )
        lot = Lot.objects.create(market=market, number="3", title="Réanimation")
        lot.suppliers.add(supplier)
        item = services.save_purchase_request(
            services.RequestInput(
                supplier=supplier,
                quote_date=today,
                quote_number="DV-W-1",
                market=market,
                lot=lot,
                lines=[
                    services.LineInput(
                        plan_line=line,
                        description="Respirateur de transport",
                        quantity=1,
                        unit_price="12500",
                        vat_rate="20",
                    )
                ],
            ),
            by=buyer,
        )
    yield {"alpha": alpha, "buyer": buyer, "item": item}
    with tenant_context(alpha):
        kind = ContentType.objects.get_for_model(PurchaseRequest)
        GeneratedDocument.objects.filter(content_type=kind, object_id=item.pk).delete()
        Document.objects.filter(content_type=kind, object_id=item.pk).delete()
        DocumentJob.objects.filter(request=item).delete()
        RequestEvent.objects.filter(request=item).delete()
        item.lines.all().delete()
        item.delete()
        lot.delete()
        market.delete()
        supplier.delete()
        RoleGrant.objects.filter(user=buyer).delete()
        buyer.delete()
        chain["cleanup"]()


def test_the_worker_produces_and_attaches_the_documents(
    celery_worker_process: str, request_in_alpha: dict[str, Any]
) -> None:
    alpha, item = request_in_alpha["alpha"], request_in_alpha["item"]
    client = client_for(host_of(alpha), request_in_alpha["buyer"], alpha)
    with tenant_context(alpha):
        version = PurchaseRequest.objects.get(pk=item.pk).version
    asked = client.post(f"/purchasing/requests/{item.pk}/documents/", {"version": str(version)})
    assert asked.status_code == 302
    with tenant_context(alpha):
        job = wait_until_finished(DocumentJob.objects.get(request=item).pk)
        assert job.state == "done", job.reason
        made = list(GeneratedDocument.objects.filter(object_id=item.pk).select_related("pdf"))
        assert sorted(m.kind for m in made) == ["order_letter", "purchase_request_form"]
        for generated in made:
            assert generated.pdf is not None and generated.docx_id is not None
            with generated.pdf.file.open("rb") as stored:
                assert stored.read(5) == b"%PDF-"
    section = client.get(f"/purchasing/requests/{item.pk}/documents/status/").content.decode()
    assert section.count("data-generated-kind=") == 2 and "data-pdf" in section
    assert "hx-trigger" not in section
    # Nothing of it in the other tenant's schema.
    with tenant_context(Tenant.objects.get(schema_name="t_bravo")):
        assert not DocumentJob.objects.filter(created__gte=job.created).exists()
        assert not GeneratedDocument.objects.filter(produced_at__gte=job.created).exists()
