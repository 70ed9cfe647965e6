"""A trial of the request chain's UF (tests/tenants/conftest.py), run by its biomedical expert,
and a helper that walks it to a state."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.trials import services
from tenants.trials.models import Trial
from tests.tenants.plan.conftest import line  # noqa: F401  (a granted request's plan line)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "convention.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def trial_data(chain, **changes):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return {
        "device": "Échographe portable Vscan Air",
        "manufacturer": "GE Healthcare",
        "contact_name": "Jean Fournisseur",
        "contact_phone": "03 22 00 00 00",
        "contact_email": "jean@example.org",
        "ce_marked": True,
        "ce_marking": "IIa — CE 0459",
        "uf": chain["rea"],
        "domain": chain["biomedical"],
        "expert": chain["users"]["expert"],
        "plan_line": None,
        "planned_start": today,
        "planned_return": today + datetime.timedelta(days=14),
        "purpose": "Échographie au lit du patient.",
        **changes,
    }


def bring(trial: Trial, state: str, expert) -> Trial:  # type: ignore[no-untyped-def]
    """Walk the trial to ``state`` (agreed, delivered, in_trial) as its expert would."""
    trial = services.change_state(trial, "agree", by=expert)
    if state == "agreed":
        return trial
    services.add_document(trial, pdf(), "loan_agreement", by=expert)
    services.add_document(trial, pdf("assurance.pdf"), "insurance", by=expert)
    trial = services.change_state(trial, "deliver", by=expert)
    if state == "delivered":
        return trial
    return services.change_state(trial, "start", by=expert)


@pytest.fixture
def trial(chain, tenant) -> Trial:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        return services.create_trial(trial_data(chain), by=chain["users"]["expert"])
