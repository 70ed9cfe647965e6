from django.urls import path

from shared_reference import views

app_name = "reference"
urlpatterns = [
    path("", views.home, name="home"),
    path("nomenclatures/<slug:code>/", views.nomenclature, name="nomenclature"),
    path("nomenclatures/<slug:code>/fhir/", views.codesystem_fhir, name="codesystem_fhir"),
    path("nomenclatures/<slug:code>/french-labels/", views.french_labels, name="french_labels"),
    path("terms/<uuid:uuid>/", views.term_edit, name="term_edit"),
    path("device-models/", views.device_model_list, name="device_models"),
    path("device-models/<uuid:uuid>/", views.device_model_edit, name="device_model_edit"),
    path("purchasing-bodies/", views.purchasing_body_list, name="purchasing_bodies"),
    path("purchasing-bodies/<uuid:uuid>/", views.purchasing_body_edit, name="purchasing_body"),
    path("purchasing-bodies/<uuid:uuid>/markets/new/", views.market_new, name="market_new"),
    path("suppliers/", views.supplier_list, name="suppliers"),
    path("suppliers/<uuid:uuid>/", views.supplier_edit, name="supplier"),
    path("markets/<uuid:uuid>/", views.market_edit, name="market"),
    path("markets/<uuid:uuid>/lots/new/", views.lot_new, name="lot_new"),
    path("lots/<uuid:uuid>/", views.lot_edit, name="lot"),
    path("market-documents/<uuid:uuid>/", views.market_document, name="market_document"),
    path("pending/", views.pending, name="pending"),
    path("releases/compare/", views.release_compare, name="release_compare"),
    path("releases/<int:number>/", views.release_detail, name="release_detail"),
    path("contributions/", views.contribution_queue, name="contributions"),
    path("contributions/<int:pk>/", views.contribution_decide, name="contribution_decide"),
    path("journal/", views.journal, name="journal"),
]
