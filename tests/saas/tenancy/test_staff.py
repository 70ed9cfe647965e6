import json

from saas.tenancy.models import Tenant, TenantEvent, TenantStatus
from tests.conftest import client_for, host_of


def staff_client(make_user):
    staff = make_user(None, is_staff=True)
    return client_for("localhost", staff), staff


def test_staff_see_the_tenants_and_their_status(make_user, tenant, other_tenant):
    client, _ = staff_client(make_user)
    body = client.get("/staff/tenants/").content.decode()
    assert "Hôpital Alpha" in body and other_tenant.name in body
    assert "alpha.localhost" in body


def test_tenant_pages_refuse_non_staff(make_user, tenant):
    user = make_user(None)
    client = client_for("localhost", user)
    assert client.get("/staff/tenants/").status_code == 302
    assert client.get(f"/staff/tenants/{tenant.pk}/").status_code == 302


def test_a_suspended_tenant_answers_a_clear_page_and_its_api_refuses(make_user, tenant):
    client, staff = staff_client(make_user)
    member = make_user(tenant)
    tenant_client = client_for(host_of(tenant), member, tenant)
    assert tenant_client.get("/api/tenant/v1/me/").status_code == 200

    response = client.post(f"/staff/tenants/{tenant.pk}/suspend/", {"reason": "unpaid"})
    assert response.status_code == 302
    told = client.get(response.url).content.decode()
    assert "Client suspendu." in told and "C'est fait" not in told
    assert Tenant.objects.get(pk=tenant.pk).status == TenantStatus.SUSPENDED

    page = tenant_client.get("/")
    assert page.status_code == 403
    assert "suspend" in page.content.decode().lower()
    api = tenant_client.get("/api/tenant/v1/me/")
    assert api.status_code == 403
    assert json.loads(api.content)["tenant_status"] == "suspended"
    event = TenantEvent.objects.get(tenant=tenant, action="suspended")
    assert (event.by, event.reason) == (staff.email, "unpaid")

    client.post(f"/staff/tenants/{tenant.pk}/reactivate/")
    assert tenant_client.get("/api/tenant/v1/me/").status_code == 200


def test_suspending_needs_a_reason(make_user, tenant):
    client, _ = staff_client(make_user)
    client.post(f"/staff/tenants/{tenant.pk}/suspend/", {"reason": ""})
    assert Tenant.objects.get(pk=tenant.pk).status == TenantStatus.ACTIVE


def test_reactivating_an_active_tenant_is_refused_with_a_message(make_user, tenant):
    client, _ = staff_client(make_user)
    response = client.post(f"/staff/tenants/{tenant.pk}/reactivate/", follow=True)
    assert "suspended" in response.content.decode() or "suspendu" in response.content.decode()
    assert Tenant.objects.get(pk=tenant.pk).status == TenantStatus.ACTIVE


def test_an_unknown_action_is_a_404(make_user, tenant):
    client, _ = staff_client(make_user)
    assert client.post(f"/staff/tenants/{tenant.pk}/explode/").status_code == 404


def test_retrying_a_failed_tenant_without_a_sign_up_is_refused_clearly(make_user, db):
    tenant = Tenant.objects.create(
        schema_name="t_orphan", name="CH orphelin", kind="hospital", status=TenantStatus.FAILED
    )
    client, _ = staff_client(make_user)
    response = client.post(f"/staff/tenants/{tenant.pk}/retry/", follow=True)
    assert response.status_code == 200
    assert "sign-up" in response.content.decode() or "inscription" in response.content.decode()
    assert Tenant.objects.get(pk=tenant.pk).status == TenantStatus.FAILED


def test_staff_see_which_tenants_reference_sync_is_failing(make_user, tenant, other_tenant):
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from tenants.mirror.models import SyncState

    with tenant_context(tenant):
        SyncState.objects.update_or_create(
            defaults={"failures": 3, "last_error": "Reference server unreachable: timeout"}
        )
    with tenant_context(other_tenant):
        SyncState.objects.update_or_create(
            defaults={"failures": 0, "last_error": "", "last_success": timezone.now()}
        )
    client, _ = staff_client(make_user)
    listing = client.get("/staff/tenants/").content.decode()
    assert "La synchronisation des référentiels de 1 client est en échec." in listing
    assert "en échec (3 tentatives)" in listing and "à jour" in listing
    detail = client.get(f"/staff/tenants/{tenant.pk}/").content.decode()
    assert "Reference server unreachable: timeout" in detail
    healthy = client.get(f"/staff/tenants/{other_tenant.pk}/").content.decode()
    assert "à jour" in healthy and "unreachable" not in healthy


def test_a_tenant_with_no_event_says_so_under_its_history(make_user, tenant):
    client, _ = staff_client(make_user)
    TenantEvent.objects.filter(tenant=tenant).delete()
    page = client.get(f"/staff/tenants/{tenant.pk}/").content.decode()
    assert "Historique" in page and "Aucune modification enregistrée." in page
    assert "<table" not in page.split("Historique")[1]
