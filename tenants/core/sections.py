"""Sections other apps add to a page of an app that does not know them (a plan line's trials,
a device's loans): the page's app declares one ``PageSections`` for its object; each other app
registers, in its AppConfig.ready, a function that returns the HTML of its section for that
object and the person looking (empty: nothing to show). The arrows stay one way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.utils.safestring import SafeString

Shown = TypeVar("Shown")
Section = Callable[[Shown, Any], SafeString | str]


class PageSections(Generic[Shown]):
    def __init__(self) -> None:
        self._sections: list[Section[Shown]] = []

    def register(self, section: Section[Shown]) -> None:
        if section not in self._sections:
            self._sections.append(section)

    def render(self, shown: Shown, user: Any) -> list[SafeString | str]:
        return [html for section in self._sections if (html := section(shown, user))]
