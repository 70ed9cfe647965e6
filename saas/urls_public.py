"""URLs served on the public host: sign-up, platform staff pages, health."""

from django.urls import include, path

from saas import accessibility
from tenants.core.views import favicon_redirect

urlpatterns = [
    path("", include("saas.tenancy.urls")),
    path("reference/", include("shared_reference.urls")),
    path("api/reference/v1/", include("api.reference.v1.urls")),
    # Platform staff sign in with the same pages, against the public schema's users.
    path("accounts/", include("tenants.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The RGAA accessibility statement, on every host; the footer of each page links to it.
    path("accessibility/", accessibility.statement, name="accessibility"),
    # Browsers ask for /favicon.ico whatever the page says; point them at the static icon.
    path("favicon.ico", favicon_redirect, name="favicon"),
]
