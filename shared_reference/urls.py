from django.urls import path

from shared_reference import views

app_name = "reference"
urlpatterns = [
    path("nomenclatures/<slug:code>/fhir/", views.codesystem_fhir, name="codesystem_fhir"),
]
