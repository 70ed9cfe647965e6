"""What every list page's filters share: the base FilterSet, the word search, the date filter.

A list's filters only say which fields they filter; here they get Bootstrap's small controls,
a search that splits what was typed into words, and dates typed as people write them.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The first choice of a list's select, which filters nothing: "Tous" (a filter named by a
# feminine word passes ``empty_label=ALL_FEMININE``: "Toutes"), never "---------".
ALL = pgettext_lazy("filter", "All")
ALL_FEMININE = pgettext_lazy("filter feminine", "All")
# django-filter's and Django's own empty label.
DASHES = "---------"

# Words of a search beyond this many are ignored: each one is a condition of the query.
MAX_SEARCH_WORDS = 20
# A row's number fits in a bigint (19 digits): a longer word of digits is no row's number, and
# Python refuses to read one of over 4,300 digits as an integer at all.
MAX_NUMBER_DIGITS = 19


class SearchFilter(django_filters.CharFilter):
    """``q``: rows where each word typed matches one of ``lookups`` ("title__icontains"); a word
    of digits may also be the row's number (``number``: "pk", "request_id")."""

    def __init__(
        self, lookups: tuple[str, ...], *, number: str | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)
        self.lookups = lookups
        self.number = number

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        for word in (value or "").split()[:MAX_SEARCH_WORDS]:
            query = Q()
            for lookup in self.lookups:
                query |= Q(**{lookup: word})
            # isdecimal, not isdigit: "²" is a digit that int() refuses.
            if self.number and word.isdecimal() and len(word) <= MAX_NUMBER_DIGITS:
                query |= Q(**{self.number: int(word)})
            qs = qs.filter(query)
        return qs


class DateFilter(django_filters.DateFilter):
    """A date typed dd/mm/yyyy (the input formats of saas/formats), shown as such."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.DateInput(attrs={"placeholder": "jj/mm/aaaa", "size": 10})
        )
        super().__init__(**kwargs)


class BaseFilterSet(django_filters.FilterSet):
    """Base of every list page's filters: Bootstrap's small controls on every field."""

    def get_form_class(self) -> type[forms.Form]:
        form_class = super().get_form_class()
        return type(form_class.__name__, (SmallControls, form_class), {})


class SmallControls:
    """Gives a filter form's widgets Bootstrap's small classes, unless they set their own."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField) and getattr(field, "empty_label", "") == DASHES:
                field.empty_label = ALL  # type: ignore[attr-defined]
                if not isinstance(field, forms.ModelChoiceField):
                    # django-filter's ChoiceField made its choices with the old label: made
                    # again, they start with the new one.
                    made: Any = field.choices
                    field.choices = [(v, label) for v, label in made if v != ""]
            widget = field.widget
            if "class" in widget.attrs:
                continue
            if isinstance(widget, forms.Select) and not getattr(widget, "source", None):
                css = "form-select form-select-sm"
            else:  # suggest-as-you-type widgets are text fields
                css = "form-control form-control-sm"
            widget.attrs = {"class": css, **widget.attrs}
