"""What the home page shows each person next: one block per role held, read from each app's
selectors (a person with several roles sees several blocks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from tenants.access.models import Role
from tenants.access.permissions import grants_of
from tenants.access.selectors import people_hold_roles
from tenants.accounts.models import User
from tenants.campaigns.models import Campaign
from tenants.campaigns.selectors import arbitration_sessions, open_campaigns
from tenants.inventory.selectors import has_devices
from tenants.requests.models import EquipmentRequest
from tenants.requests.selectors import drafts_of
from tenants.requests.workflow import waiting_for
from tenants.structure.selectors import has_units

# Roles whose step in the workflow is an opinion or a decision on one request at a time.
OPINION_ROLES = frozenset({Role.POLE_HEAD, Role.DISPATCHER, Role.EXPERT, Role.MANAGEMENT})
SESSION_ROLES = frozenset({Role.COMMISSION, Role.MANAGEMENT})
SHOWN_DRAFTS = 5


@dataclass(frozen=True)
class SetupStep:
    key: str  # names the step's text and link in the template
    done: bool


@dataclass
class HomeBlocks:
    drafts: list[EquipmentRequest] | None = None  # None: no requester block
    open_campaigns: list[Campaign] = field(default_factory=list)
    waiting_count: int | None = None  # None: no "waiting for my opinion" block
    sessions: list[Campaign] | None = None  # None: no commission block
    setup_steps: list[SetupStep] | None = None  # None: no administrator block


def home_blocks(user: User) -> HomeBlocks:
    roles = {grant.role for grant in grants_of(user)}
    blocks = HomeBlocks()
    drafts: QuerySet[EquipmentRequest] = drafts_of(user)
    if Role.REQUESTER in roles or drafts.exists():
        blocks.drafts = list(drafts[:SHOWN_DRAFTS])
        blocks.open_campaigns = list(open_campaigns())
    waiting = waiting_for(user).count()
    if roles & OPINION_ROLES or waiting:
        blocks.waiting_count = waiting
    if roles & SESSION_ROLES:
        blocks.sessions = list(arbitration_sessions())
    if Role.TENANT_ADMIN in roles:
        blocks.setup_steps = [
            SetupStep("structure", has_units()),
            SetupStep("inventory", has_devices()),
            SetupStep("people", people_hold_roles()),
        ]
    return blocks
