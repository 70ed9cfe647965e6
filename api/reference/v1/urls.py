from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from api.reference.v1 import views

app_name = "reference_api_v1"
urlpatterns = [
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("snapshot/", views.SnapshotView.as_view(), name="snapshot"),
    path("subscriptions/", views.SubscriptionsView.as_view(), name="subscriptions"),
    path(
        "subscriptions/<slug:entity_type>/<uuid:entity_uuid>/",
        views.SubscriptionDetailView.as_view(),
        name="subscription_detail",
    ),
    path("nomenclatures/", views.NomenclatureListView.as_view(), name="nomenclatures"),
    path("nomenclatures/<uuid:system_uuid>/terms/", views.TermSearchView.as_view(), name="terms"),
    path("purchasing-bodies/", views.PurchasingBodyListView.as_view(), name="purchasing_bodies"),
    path("device-models/", views.DeviceModelSearchView.as_view(), name="device_models"),
    path("entities/<uuid:entity_uuid>/", views.EntityLookupView.as_view(), name="entity"),
    path(
        "market-documents/<uuid:document_uuid>/",
        views.MarketDocumentView.as_view(),
        name="market_document",
    ),
    path("contributions/", views.ContributionsView.as_view(), name="contributions"),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            urlconf="api.reference.v1.openapi",
            permission_classes=[AllowAny],
            authentication_classes=[],
        ),
        name="schema",
    ),
    path(
        "docs/",
        views.DocsView.as_view(
            url_name="reference_api_v1:schema",
            permission_classes=[AllowAny],
            authentication_classes=[],
        ),
        name="docs",
    ),
]
