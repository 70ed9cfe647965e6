"""Celery tasks on a tenant's users; each runs inside the tenant's schema it was sent from."""

from __future__ import annotations

from saas.celery import TenantOnlyTask, app
from saas.tenancy.context import current_tenant
from tenants.accounts.models import User
from tenants.accounts.services import send_invitation


@app.task(base=TenantOnlyTask, name="tenants.accounts.tasks.send_invitation")
def send_invitation_task(user_id: int, host: str) -> str:
    user = User.objects.get(pk=user_id)
    send_invitation(user, host=host, tenant_name=current_tenant().name)
    return user.email
