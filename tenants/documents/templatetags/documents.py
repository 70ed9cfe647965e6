from __future__ import annotations

from typing import Any

from django import template

from tenants.documents import registry
from tenants.documents.services import comments_of, documents_of

register = template.Library()


@register.simple_tag
def attachments_of(target: Any) -> dict[str, Any]:
    return {
        "key": registry.key_of(target),
        "documents": list(documents_of(target)),
        "comments": list(comments_of(target)),
    }
