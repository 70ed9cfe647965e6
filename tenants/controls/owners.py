"""Telling the owners of the checks what the last run found that is new for them."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import ngettext

from tenants.access.models import RoleGrant
from tenants.accounts.models import User
from tenants.controls.models import Finding
from tenants.controls.registry import check_for
from tenants.controls.services import may_see
from tenants.notifications.services import notify


def tell_owners(new: dict[str, list[int]]) -> int:
    """One notification per owner and check, counting the new findings the owner's scope
    covers; the link opens them in the list."""
    told = 0
    for code, ids in new.items():
        check = check_for(code)
        if check is None or not ids:
            continue
        findings = list(Finding.objects.filter(pk__in=ids).select_related("uf__service__pole"))
        owner_ids = RoleGrant.objects.filter(role=check.owner).values("user_id")
        url = f"{reverse('controls:finding_list')}?{urlencode({'code': code, 'state': 'open'})}"
        for person in User.objects.filter(pk__in=owner_ids, is_active=True):
            count = sum(1 for f in findings if may_see(person, f))
            if not count:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                subject = ngettext(
                    "%(count)s new finding: %(title)s",
                    "%(count)s new findings: %(title)s",
                    count,
                ) % {"count": count, "title": check.title}
            told += notify([person], subject=subject, url=url, kind=f"controls:{code}")
    return told
