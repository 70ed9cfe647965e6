from __future__ import annotations

from typing import Any

from django import template

from tenants.documents import registry
from tenants.documents.services import comments_of, documents_of, may_remove

register = template.Library()


@register.simple_tag
def attachments_of(target: Any, user: Any) -> dict[str, Any]:
    documents = list(documents_of(target))
    for document in documents:
        document.removable = may_remove(document, user)  # type: ignore[attr-defined]
    return {
        "key": registry.key_of(target),
        "documents": documents,
        "comments": list(comments_of(target)),
    }
