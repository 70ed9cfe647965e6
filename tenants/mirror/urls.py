from django.urls import path

from tenants.mirror import views

app_name = "mirror"
urlpatterns = [
    path("sync/", views.sync_status, name="sync_status"),
    path("sync/now/", views.sync_now, name="sync_now"),
    path("follow/", views.follow, name="follow"),
    path("models/<int:pk>/", views.model_detail, name="model_detail"),
    path("market-documents/<uuid:uuid>/", views.market_document, name="market_document"),
]
