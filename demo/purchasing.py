"""The demo GHT's purchasing: a buyer, an off-contract exception, and a purchase file gathering
two granted plan lines with two purchase requests, one on a local market's lot and one under
the exception (inside the tenant, through the services)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from demo.people import BUYER, DEMO_PASSWORD
from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.accounts.models import User
from tenants.markets.models import Lot, Market, Origin, Procedure, Supplier
from tenants.plan.models import PlanLine
from tenants.purchasing import rules, services
from tenants.purchasing.models import PurchaseRequest

BEDS = "Lits de réanimation"
PUMPS = "Pompes à perfusion volumétriques"
# A real EMDN code: the GHT mirrors the whole EMDN, so a made-up one is refused.
BEDS_EMDN = "V08060102"  # intensive care or resuscitation electric medical beds


def _buyer(subdomain: str) -> User:
    email = f"{BUYER}@{subdomain}.localhost"
    buyer = User.objects.filter(email=email).first()
    if buyer is None:
        buyer = User.objects.create_user(email, DEMO_PASSWORD, full_name="Arthur Achats (acheteur)")
        grant_role(buyer, Role.BUYER, ScopeKind.TENANT, by="demo")
    return buyer


# All or nothing: a half-loaded demo (an exception and a file, no request) would be made again
# on the next start, since only the purchase requests say it was loaded.
@transaction.atomic
def load_demo_purchasing(subdomain: str) -> list[str]:
    """Once, after the campaign: its granted beds and pumps bought by the GHT's buyer."""
    if PurchaseRequest.objects.exists():
        return []
    beds = PlanLine.objects.filter(title=BEDS, closed=False).first()
    pumps = PlanLine.objects.filter(title=PUMPS, closed=False).first()
    if beds is None or pumps is None:
        return []
    buyer = _buyer(subdomain)
    expert = User.objects.filter(email__startswith="biomed@").first() or buyer
    today = timezone.localdate()
    hillrom, _ = Supplier.objects.get_or_create(
        name="Hill-Rom SAS", defaults={"siren": "304791485"}
    )
    braun, _ = Supplier.objects.get_or_create(name="B. Braun Medical")
    market, _ = Market.objects.get_or_create(
        origin=Origin.LOCAL,
        reference="GHT-2025-012",
        defaults={
            "title": "Lits et supports de soins",
            "procedure": Procedure.OPEN_TENDER,
            "starts": today - datetime.timedelta(days=400),
            "duration_months": 48,
            "ends": today + datetime.timedelta(days=1000),
            "buyer": buyer,
        },
    )
    lot, _ = Lot.objects.get_or_create(
        market=market, number="2", defaults={"title": "Lits de réanimation"}
    )
    lot.suppliers.add(hillrom)
    exception = services.record_exception(
        services.ExceptionInput(
            code="HM1",
            supplier=braun,
            valid_from=today - datetime.timedelta(days=60),
            valid_until=today + datetime.timedelta(days=120),
            account_prefix="2154",
            next_market=None,
            note="Appel d\u2019offres perfusion en cours : pompes de remplacement en attendant.",
        ),
        by=buyer,
    )
    file = services.create_file(
        services.FileInput(
            title="Réanimation — renouvellement lits et perfusion",
            lead=buyer,
            plan_lines=[beds, pumps],
            participants=[expert],
            deadline=today + datetime.timedelta(days=90),
        ),
        by=buyer,
    )
    on_market = services.save_purchase_request(
        services.RequestInput(
            supplier=hillrom,
            quote_date=today - datetime.timedelta(days=10),
            quote_number="HR-2027-0815",
            contact_name="Marc Durand",
            contact_email="marc.durand@example.org",
            market=market,
            lot=lot,
            file=file,
            lines=[
                services.LineInput(
                    plan_line=beds,
                    description="Lit de réanimation électrique, pesée intégrée",
                    model_name="Progressa+",
                    emdn_code=BEDS_EMDN,
                    risk_class="I",
                    quantity=4,
                    unit_price="9000",
                    vat_rate="20",
                    warranty_months=24,
                )
            ],
        ),
        by=buyer,
    )
    services.send_request(on_market, by=buyer)
    off_contract = services.save_purchase_request(
        services.RequestInput(
            supplier=braun,
            quote_date=today - datetime.timedelta(days=5),
            quote_number="BB-45120",
            contact_name="Sophie Martin",
            exception=exception,
            file=file,
            lines=[
                services.LineInput(
                    plan_line=pumps,
                    description="Pompe volumétrique Infusomat Space",
                    model_name="Infusomat Space",
                    risk_class="IIb",
                    quantity=10,
                    unit_price="1650",
                    vat_rate="20",
                    warranty_months=36,
                )
            ],
        ),
        # The biomedical expert drafts it when the line is in her domain; the buyer sends it.
        by=expert if rules.may_draft_on(expert, pumps) else buyer,
    )
    produced = _documents(on_market, off_contract, by=buyer)
    return [
        f"  purchasing: file {file.reference}, requests {on_market.reference} (market "
        f"{market.reference} lot {lot.number}, sent) and {off_contract.reference} "
        f"(exception {exception.code}, draft); buyer {BUYER}@{subdomain}.localhost",
        f"  purchasing: {produced}",
    ]


def _documents(*items: PurchaseRequest, by: User) -> str:
    """Each request's form and order letter, DOCX and PDF, as a buyer produces them; without
    LibreOffice on this machine the demo goes on without them and says so."""
    for item in items:
        try:
            with transaction.atomic():
                services.produce_documents(item, by=by)
        except services.Refused as refused:
            return f"documents not produced ({refused.reason})"
    return f"the form and the order letter of {len(items)} requests, as DOCX and PDF"
