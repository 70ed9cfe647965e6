"""URLs served on each tenant's host."""

from django.urls import include, path

from saas import accessibility
from tenants.core import views as core_views
from tenants.structure import views as structure_views

urlpatterns = [
    path("", structure_views.home, name="home"),
    path("accounts/", include("tenants.accounts.urls")),
    path("suggest/<str:source>/", core_views.suggest, name="suggest"),
    path("structure/", include("tenants.structure.urls")),
    path("inventory/", include("tenants.inventory.urls")),
    path("lists/", include("tenants.tables.urls")),
    path("references/", include("tenants.mirror.urls")),
    path("alerts/", include("tenants.alerts.urls")),
    path("campaigns/", include("tenants.campaigns.urls")),
    # Under /requests/, and a campaign's new request and commission session (see the file).
    path("", include("tenants.requests.urls")),
    path("plan/", include("tenants.plan.urls")),
    path("loans/", include("tenants.loans.urls")),
    path("trials/", include("tenants.trials.urls")),
    path("markets/", include("tenants.markets.urls")),
    path("purchasing/", include("tenants.purchasing.urls")),
    path("catalogue/", include("tenants.catalogue.urls")),
    path("imports/", include("tenants.imports.urls")),
    path("controls/", include("tenants.controls.urls")),
    path("finance/", include("tenants.finance.urls")),
    path("notifications/", include("tenants.notifications.urls")),
    path("documents/", include("tenants.documents.urls")),
    path("word-templates/", include("tenants.wordtemplates.urls")),
    path("administration/", include("tenants.access.urls")),
    path("sso/", include("tenants.sso.urls")),
    path("api/tenant/v1/", include("api.tenant.v1.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The RGAA accessibility statement, on every host; the footer of each page links to it.
    path("accessibility/", accessibility.statement, name="accessibility"),
    # Browsers ask for /favicon.ico whatever the page says; point them at the static icon.
    path("favicon.ico", core_views.favicon_redirect, name="favicon"),
]
