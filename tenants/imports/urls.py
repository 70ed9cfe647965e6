from django.urls import path

from tenants.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/<slug:prefix>/revoke/", views.revoke_api_key, name="revoke_api_key"),
    path("<slug:kind>/", views.upload, name="upload"),
    path("<slug:kind>/<int:pk>/", views.job, name="import_job"),
    path("<slug:kind>/<int:pk>/apply/", views.apply, name="import_apply"),
]
