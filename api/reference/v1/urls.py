from django.urls import path

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
]
