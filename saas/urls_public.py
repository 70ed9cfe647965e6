"""URLs served on the public host: sign-up, platform staff pages, health."""

from django.urls import include, path

from tenants.core.views import favicon_redirect

urlpatterns = [
    path("", include("saas.tenancy.urls")),
    path("reference/", include("shared_reference.urls")),
    path("api/reference/v1/", include("api.reference.v1.urls")),
    # Platform staff sign in with the same pages, against the public schema's users.
    path("accounts/", include("tenants.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page says; point them at the static icon.
    path("favicon.ico", favicon_redirect, name="favicon"),
]
