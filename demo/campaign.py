"""The demo GHT's census: one person per role and requests at every step of the chain.

Everything goes through the same services and workflow as the pages, so the demo's history,
notifications and plan lines are what a real campaign would leave.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from demo.make_files import PLAN_ORDERS
from demo.people import CAMPAIGN_PEOPLE as PEOPLE
from demo.people import DEMO_PASSWORD
from demo.trials import load_demo_trials
from tenants.access.models import ExpertiseDomain, Role, ScopeKind
from tenants.access.services import grant_role
from tenants.accounts.models import User
from tenants.campaigns.models import Campaign
from tenants.campaigns.services import add_envelope, create_campaign
from tenants.inventory.models import Device
from tenants.plan import services as plan_services
from tenants.plan.models import PlanLine, StepDefinition
from tenants.requests import workflow
from tenants.requests.models import EquipmentRequest
from tenants.requests.services import PartInput, save_draft
from tenants.structure.models import Establishment, FunctionalUnit, Pole

CHU_FINESS = "800000259"


@dataclass(frozen=True)
class DemoRequest:
    uf: str
    title: str
    argument: str
    priority: int
    parts: tuple[tuple[str, int, str], ...]  # kind, quantity, unit price
    reaches: str  # the state it is brought to


REQUESTS = (
    DemoRequest(
        "10113",
        "Électrocardiographe 12 dérivations",
        "Remplacement d'un ECG de 2011.",
        3,
        (("investment", 1, "6800"),),
        "draft",
    ),
    DemoRequest(
        "10111",
        "Holters ECG",
        "Délais d'attente de 6 semaines.",
        2,
        (("investment", 3, "4200"), ("maintenance", 3, "350")),
        "submitted",
    ),
    DemoRequest(
        "10113",
        "Échographe cardiaque",
        "L'actuel n'a plus de pièces détachées.",
        2,
        (("investment", 1, "85000"),),
        "pole_opinion",
    ),
    DemoRequest(
        "10321",
        "Respirateurs de réanimation",
        "Parc vieillissant, fin de support 2027.",
        1,
        (("investment", 4, "32000"), ("maintenance", 4, "2500")),
        "dispatched",
    ),
    DemoRequest(
        "10321",
        "Pousse-seringues",
        "Harmonisation du parc.",
        2,
        (("investment", 20, "1450"),),
        "expertised",
    ),
    DemoRequest(
        "10322",
        "Moniteurs multiparamétriques",
        "Ouverture de 6 lits de surveillance.",
        1,
        (("investment", 6, "14500"), ("maintenance", 6, "900"), ("it", 1, "12000")),
        "validated",
    ),
    DemoRequest(
        "10311",
        "Défibrillateurs",
        "Deux appareils hors service.",
        1,
        (("investment", 2, "9800"),),
        "validated",
    ),
    DemoRequest(
        "10321",
        "Lits de réanimation",
        "Lits électriques, pesée intégrée.",
        2,
        (("investment", 4, "11000"),),
        "granted",
    ),
    DemoRequest(
        "10322",
        "Pompes à perfusion volumétriques",
        "Remplacement des pompes de 2012.",
        2,
        (("investment", 10, "2100"),),
        "granted",
    ),
    DemoRequest(
        "10311",
        "Chariot d'urgence",
        "Mise en conformité du chariot de l'accueil.",
        2,
        (("investment", 1, "7400"),),
        "granted",
    ),
    DemoRequest(
        "10113",
        "Table d'examen électrique",
        "Accessibilité des patients à mobilité réduite.",
        3,
        (("investment", 1, "5200"),),
        "granted",
    ),
    DemoRequest(
        "10111",
        "Électrocardiographe connecté",
        "Transmission des tracés au dossier patient.",
        2,
        (("investment", 1, "7900"),),
        "granted",
    ),
    DemoRequest(
        "10321",
        "Vidéolaryngoscope",
        "Intubations difficiles en réanimation.",
        1,
        (("investment", 1, "8600"),),
        "granted",
    ),
    DemoRequest(
        "10312",
        "Échographe portable",
        "Confort des équipes de l'UHCD.",
        4,
        (("investment", 1, "28000"),),
        "deferred",
    ),
    DemoRequest(
        "10131",
        "Fauteuils de dialyse",
        "Fauteuils actuels en bon état.",
        4,
        (("investment", 8, "3900"),),
        "refused",
    ),
    DemoRequest(
        "10122",
        "Spiromètre",
        "Explorations de la fonction respiratoire.",
        3,
        (("investment", 1, "9500"),),
        "more_information",
    ),
)
# How far the follow-up of each granted line went (the first one stays as the commission left it).
FOLLOW_UP = {
    "Pompes à perfusion volumétriques": "procedure",
    "Chariot d'urgence": "ordered",
    "Table d'examen électrique": "delivered",
    "Électrocardiographe connecté": "commissioned",
    "Vidéolaryngoscope": "closed",
}
STAGES = ["procedure", "ordered", "delivered", "commissioned", "closed"]
ORDER = ["submitted", "pole_opinion", "dispatched", "expertised", "validated", "decided"]


def load_demo_campaign(subdomain: str) -> list[str]:
    """The census with its envelopes, people and requests, once (inside the tenant)."""
    if Campaign.objects.exists():
        return []
    chu = Establishment.objects.get(finess=CHU_FINESS)
    people = {
        key: _person(subdomain, key, name, role, kind, scope, chu)
        for key, name, role, kind, scope in PEOPLE
    }
    admin = User.objects.filter(grants__role=Role.TENANT_ADMIN).order_by("pk").first()
    assert admin is not None, "the demo tenant has its administrator"
    grant_role(admin, Role.MANAGEMENT, ScopeKind.TENANT, by="demo")
    today = timezone.localdate()
    campaign = create_campaign(
        name=f"Recensement des besoins {today.year + 1}",
        nature="equipment",
        year=today.year + 1,
        opens=today - datetime.timedelta(days=30),
        closes=today + datetime.timedelta(days=60),
        establishments=list(Establishment.objects.all()),
        by=admin,
    )
    add_envelope(campaign, chu, "450000", "own_funds", label="CHU — fonds propres", by=admin)
    add_envelope(
        campaign,
        Pole.objects.get(establishment=chu, code="P03"),
        "150000",
        "subsidy",
        label="Urgences-Réanimation — subvention ARS",
        by=admin,
    )
    for item in REQUESTS:
        _bring(item, campaign, people)
    for title, stage in FOLLOW_UP.items():
        _follow(PlanLine.objects.get(title=title), stage, people)
    trials = load_demo_trials(people)
    return [
        f"  campaign {campaign.name}: {EquipmentRequest.objects.count()} requests",
        *trials,
        "  people (password "
        + DEMO_PASSWORD
        + "): "
        + ", ".join(f"{key}@{subdomain}.localhost" for key, *_ in PEOPLE),
    ]


def _person(
    subdomain: str, key: str, name: str, role: str, kind: str, scope: str, chu: Establishment
) -> User:
    user = User.objects.create_user(f"{key}@{subdomain}.localhost", DEMO_PASSWORD, full_name=name)
    target: Any = None
    if kind == ScopeKind.ESTABLISHMENT:
        target = chu
    elif kind == ScopeKind.POLE:
        target = Pole.objects.get(establishment=chu, code=scope)
    elif kind == ScopeKind.DOMAIN:
        target = ExpertiseDomain.objects.get(code=scope)
    grant_role(user, role, kind, target, by="demo")
    return user


def _bring(item: DemoRequest, campaign: Campaign, people: dict[str, User]) -> None:
    uf = FunctionalUnit.objects.select_related("service__pole").get(code=item.uf)
    replaced = Device.objects.filter(uf=uf).order_by("inventory_number")[:1]
    request = save_draft(
        by=people["cadre.chu"],
        campaign=campaign,
        uf=uf,
        title=item.title,
        argument=item.argument,
        priority=item.priority,
        parts=[PartInput(kind, quantity, price) for kind, quantity, price in item.parts],
        replaces=[d.inventory_number for d in replaced],
    )
    if item.reaches == "draft":
        return
    requester = people["cadre.chu"]
    head = people["chef.medecine" if uf.service.pole.code == "P01" else "chef.urgences"]
    request = workflow.submit(request, by=requester)
    if item.reaches == "more_information":
        workflow.ask_more_information(
            request, by=head, reason="Combien d'examens par semaine ? Joindre le devis."
        )
        return
    target = ORDER.index("decided" if item.reaches in workflow.DECIDED else item.reaches)
    if target >= 1:
        request = workflow.give_pole_opinion(
            request, by=head, favourable=True, reason="Besoin confirmé en réunion de pôle."
        )
    if target >= 2:
        domain = ExpertiseDomain.objects.get(code="biomedical")
        request = workflow.dispatch(request, by=people["aiguilleur"], domain=domain)
    if target >= 3:
        parts = {p.pk: (True, "") for p in request.parts.all()}
        request = workflow.give_expert_opinion(
            request,
            by=people["biomed"],
            favourable=True,
            reason="Conforme au référentiel biomédical.",
            parts=parts,
        )
    if target >= 4:
        request = workflow.validate(request, by=people["direction"])
    if target >= 5:
        cost = sum(p.total for p in request.parts.all())
        reasons = {
            "deferred": "Reporté au prochain recensement.",
            "refused": "Équipement actuel encore en bon état.",
        }
        workflow.arbitrate(
            request,
            by=people["commission"],
            decision=item.reaches,
            granted_amount=str(cost) if item.reaches == "granted" else None,
            reason=reasons.get(item.reaches, ""),
        )


def _follow(line: PlanLine, stage: str, people: dict[str, User]) -> None:
    """Walk a plan line's follow-up to ``stage``, as its manager would."""
    expert = people["biomed"]
    line = plan_services.assign_manager(line, expert, by=people["aiguilleur"])
    reached = STAGES.index(stage)
    today = timezone.localdate()
    month = (today.replace(day=1) + datetime.timedelta(days=32 * (4 - reached))).replace(day=1)
    line = plan_services.update_line(
        line,
        {
            "procedure": "central_market",
            "estimated_amount": str(line.amount),
            "commissioning_month": month,
            "public_note": "Modèle choisi avec l'équipe, sur le marché de la centrale d'achat.",
            "private_note": "Devis comparés : remise de 8 % obtenue.",
        },
        by=expert,
    )

    def done(code: str, status: str = "done") -> PlanLine:
        step = StepDefinition.objects.get(nature=line.nature, code=code)
        return plan_services.set_step(line, step, status=status, on=today, by=expert)

    line = done("need")
    line = done("trials", "not_applicable")
    if reached == 0:
        done("procedure", "in_progress")
        return
    for code in ("procedure", "quotes", "order"):
        line = done(code)
    # The order number the finance system's export knows (demo/make_files.py): the line then
    # shows what the orders committed and paid, once the export is imported.
    changes = {"ordered_amount": str(line.amount), "order_number": PLAN_ORDERS[line.title][0]}
    line = plan_services.update_line(line, changes, by=expert)
    if reached == 1:
        done("delivery", "waiting")
        return
    line = done("delivery")
    if reached == 2:
        done("commissioning", "in_progress")
        return
    line = done("commissioning")
    line = plan_services.set_settled(line, True, by=expert)
    if reached == 4:
        plan_services.close_line(line, by=expert)
