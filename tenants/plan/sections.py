"""Sections other apps add to a plan line's page (the trials of its trials step, say).

The plan knows nothing of those apps: each registers, in its AppConfig.ready, a function that
returns the HTML of its section for a line and the person looking (empty: nothing to show).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString

from tenants.plan.models import PlanLine

LineSection = Callable[[PlanLine, Any], SafeString | str]
LINE_SECTIONS: list[LineSection] = []


def register_line_section(section: LineSection) -> None:
    if section not in LINE_SECTIONS:
        LINE_SECTIONS.append(section)


def line_sections(line: PlanLine, user: Any) -> list[SafeString | str]:
    return [html for section in LINE_SECTIONS if (html := section(line, user))]
