"""The demo GHT's manufacturers' trials: one under way, the trials step of a plan line, with
its loan agreement and insurance certificate, and one just requested. Through the services,
as the biomedical team would."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenants.access.models import ExpertiseDomain
from tenants.accounts.models import User
from tenants.plan import services as plan_services
from tenants.plan.models import PlanLine, StepDefinition
from tenants.structure.models import FunctionalUnit
from tenants.trials import services
from tenants.trials.models import Trial

# The trial under way tries the pumps the commission granted (its plan line's trials step).
LINE_TRIED = "Pompes à perfusion volumétriques"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def load_demo_trials(people: dict[str, User]) -> list[str]:
    if Trial.objects.exists():
        return []
    expert = people["biomed"]
    biomedical = ExpertiseDomain.objects.get(code="biomedical")
    today = timezone.localdate()
    line = PlanLine.objects.get(title=LINE_TRIED)
    under_way = services.create_trial(
        {
            "device": "Pompe volumétrique Infusomat Space",
            "manufacturer": "B. Braun Medical",
            "contact_name": "Sophie Martin",
            "contact_phone": "03 22 45 67 89",
            "contact_email": "sophie.martin@example.org",
            "ce_marked": True,
            "ce_marking": "IIb — CE 0123",
            "uf": line.uf,
            "domain": biomedical,
            "expert": expert,
            "plan_line": line,
            "planned_start": today - datetime.timedelta(days=5),
            "planned_return": today + datetime.timedelta(days=9),
            "purpose": "Deux pompes prêtées trois semaines : ergonomie, alarmes, "
            "bibliothèque de médicaments.",
        },
        by=expert,
    )
    under_way = services.change_state(under_way, "agree", by=expert)
    for name, kind in (
        ("convention-de-pret-bbraun.pdf", "loan_agreement"),
        ("attestation-assurance-bbraun.pdf", "insurance"),
    ):
        services.add_document(under_way, SimpleUploadedFile(name, PDF), kind, by=expert)
    under_way = services.change_state(
        under_way, "deliver", by=expert, on=today - datetime.timedelta(days=5)
    )
    under_way = services.change_state(under_way, "start", by=expert)
    services.evaluate_clinically(
        under_way,
        {
            "ergonomics": "4",
            "ease_of_use": "4",
            "clinical_performance": "5",
            "cleaning": "3",
            "overall": "4",
            "comments": "Alarmes claires ; le clavier se nettoie mal.",
        },
        by=people["cadre.chu"],
    )
    step = StepDefinition.objects.get(nature=line.nature, code="trials")
    plan_services.set_step(
        line, step, status="in_progress", on=today, note=under_way.reference, by=expert
    )
    requested = services.create_trial(
        {
            "device": "Vidéolaryngoscope McGrath MAC",
            "manufacturer": "Medtronic",
            "contact_name": "Luc Bernard",
            "contact_email": "luc.bernard@example.org",
            "ce_marked": True,
            "ce_marking": "IIa — CE 0197",
            "uf": FunctionalUnit.objects.get(code="10321"),
            "domain": biomedical,
            "expert": expert,
            "planned_start": today + datetime.timedelta(days=14),
            "planned_return": today + datetime.timedelta(days=28),
        },
        by=expert,
    )
    return [f"  trials: {under_way.reference} in trial, {requested.reference} requested"]
