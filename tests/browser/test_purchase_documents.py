"""From a plan line to a purchase request and its PDF in chromium (issue 16, item 8): the buyer
opens the granted line, creates a purchase request from its purchasing section (supplier, quote,
market and lot, one order line), saves it, asks for the documents, which a real Celery worker
produces while the page polls, and downloads the PDF."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.accounts.models import User
from tenants.documents.models import Document
from tenants.markets.models import Lot, Market, Supplier
from tenants.purchasing.models import PurchaseRequest, RequestEvent
from tenants.wordtemplates.models import GeneratedDocument
from tests.browser.test_request_chain import signed_in
from tests.conftest import server_password_hash
from tests.tenants.plan.conftest import grant

pytestmark = pytest.mark.slow


@pytest.fixture
def buying_in_alpha(chain_in_alpha):  # type: ignore[no-untyped-def]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    today = datetime.date.today()
    with tenant_context(alpha):
        line = grant(chain_in_alpha)
        buyer = User.objects.create_user(
            f"buyer-{uuid.uuid4().hex[:6]}@browser.test", full_name="Julien Acheteur"
        )
        buyer.password = server_password_hash()
        buyer.save(update_fields=["password"])
        RoleGrant.objects.create(user=buyer, role=Role.BUYER, scope=ScopeKind.TENANT)
        supplier = Supplier.objects.create(name="Getinge Navigateur", siren="399423467")
        market = Market.objects.create(
            origin="local",
            reference="LOC-2026-RESP",
            title="Respirateurs (navigateur)",
            starts=today - datetime.timedelta(days=100),
            ends=today + datetime.timedelta(days=300),
        )
        lot = Lot.objects.create(market=market, number="3", title="Réanimation")
        lot.suppliers.add(supplier)
    yield {"alpha": alpha, "line": line, "buyer": buyer, "market": market}
    with tenant_context(alpha):
        requests = PurchaseRequest.objects.filter(supplier=supplier)
        kind = ContentType.objects.get_for_model(PurchaseRequest)
        ids = list(requests.values_list("pk", flat=True))
        GeneratedDocument.objects.filter(content_type=kind, object_id__in=ids).delete()
        Document.objects.filter(content_type=kind, object_id__in=ids).delete()
        RequestEvent.objects.filter(request__in=ids).delete()
        for item in requests:
            item.lines.all().delete()
            item.delete()
        lot.delete()
        market.delete()
        supplier.delete()
        RoleGrant.objects.filter(user=buyer).delete()
        buyer.delete()


def test_a_buyer_goes_from_a_plan_line_to_the_purchase_requests_pdf(
    browser, live_server_port, live_server_worker, buying_in_alpha
):
    base = f"http://alpha.localhost:{live_server_port}"
    line, market = buying_in_alpha["line"], buying_in_alpha["market"]
    page = signed_in(browser, base, buying_in_alpha["buyer"].email)
    page.goto(f"{base}{line.get_absolute_url()}")
    page.locator("[data-new-purchase-request]").click()
    page.wait_for_url(f"{base}/purchasing/requests/new/?line={line.pk}")
    page.locator('[name="supplier"]').fill("Getinge Navigateur")
    page.locator('[name="quote_number"]').fill("DV-NAV-1")
    page.locator('[name="quote_date"]').fill(datetime.date.today().strftime("%d/%m/%Y"))
    page.locator('select[name="market"]').select_option(str(market.pk))
    page.locator('[name="lot"]').fill("3")
    assert page.locator('[name="lines-0-plan_line"]').input_value() == line.reference
    page.locator('[name="lines-0-description"]').fill("Respirateur de transport")
    page.locator('[name="lines-0-quantity"]').fill("1")
    page.locator('[name="lines-0-unit_price"]').fill("12500,00")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url(f"{base}/purchasing/requests/*/")
    reference = page.locator("[data-reference]").inner_text()
    assert reference.startswith("DRA-")
    # Clicking again while the server answers sends nothing more (tenants/core/static/core/
    # page.js, data-once; the server would answer with the same job anyway). The form is sent
    # into a hidden frame here, so that the page stays to be clicked again.
    page.evaluate(
        """() => {
            const sink = document.createElement("iframe");
            sink.name = "sink";
            document.body.append(sink);
            document.querySelector("[data-produce-documents]").target = "sink";
        }"""
    )
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    button = page.locator("[data-produce-documents] button")
    with page.expect_response(lambda r: r.request.method == "POST") as answered:
        button.click()
        page.wait_for_function(
            "() => document.querySelector('[data-produce-documents] button').disabled"
        )
        assert button.inner_text() == "Demande des documents…"
        button.click(force=True)
    assert answered.value.status == 302
    page.wait_for_timeout(300)
    assert len(posts) == 1, posts
    # The request's page shows the documents being produced and polls until the worker has
    # made them (or has made them already, on a quick worker): no reload needed.
    page.reload()
    state = page.locator("#request-documents").get_attribute("data-job-state")
    assert state in ("queued", "running", "done"), state
    if state != "done":
        assert "Documents en cours de production" in page.locator("#request-documents").inner_text()
    page.locator('[data-generated-kind="purchase_request_form"] a[data-pdf]').wait_for(
        timeout=90_000
    )
    assert page.locator("[data-generated-kind]").count() == 2
    link = page.locator('[data-generated-kind="purchase_request_form"] a[data-pdf]')
    with page.expect_download() as download_info:
        link.click()  # served as an attachment
    with open(download_info.value.path(), "rb") as downloaded:
        assert downloaded.read(5) == b"%PDF-"
