"""Sections other apps add to a plan line's page (the trials of its trials step, say): the plan
knows nothing of those apps (tenants.core.sections)."""

from __future__ import annotations

from tenants.core.sections import PageSections
from tenants.plan.models import PlanLine

LINE_SECTIONS: PageSections[PlanLine] = PageSections()
register_line_section = LINE_SECTIONS.register
line_sections = LINE_SECTIONS.render
