from django.core.cache import cache
from django_tenants.utils import tenant_context


def test_cache_keys_carry_the_tenant(tenant, other_tenant):
    with tenant_context(tenant):
        cache.set("dashboard", "alpha figures", 30)
    with tenant_context(other_tenant):
        assert cache.get("dashboard") is None
        cache.set("dashboard", "bravo figures", 30)
    with tenant_context(tenant):
        assert cache.get("dashboard") == "alpha figures"
        cache.delete("dashboard")
    with tenant_context(other_tenant):
        cache.delete("dashboard")
