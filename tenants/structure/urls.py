from django.urls import path

from tenants.structure import views

app_name = "structure"
urlpatterns = [
    path("establishments/", views.establishment_list, name="establishment_list"),
    path("establishments/<int:pk>/", views.establishment_detail, name="establishment_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("import/", views.structure_import, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
]
