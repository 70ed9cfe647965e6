from django.urls import path

from tenants.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.device_list, name="device_list"),
    path("devices/<int:pk>/", views.device_detail, name="device_detail"),
    path("import/", views.inventory_import, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("matches/", views.matches, name="matches"),
    path("matches/decide/", views.decide, name="decide"),
]
