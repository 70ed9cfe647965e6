from django.urls import path

from tenants.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.search, name="search"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/photo/", views.product_photo, name="product_photo"),
    path("products/<int:pk>/photo/new/", views.photo_upload, name="photo_upload"),
    path("products/<int:pk>/favourite/", views.favourite, name="favourite"),
    path("products/<int:pk>/add/", views.list_add, name="list_add"),
    path("lists/", views.list_index, name="list_index"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/act/", views.list_act, name="list_act"),
    path("lists/<int:pk>/order.xlsx", views.list_export, name="list_export"),
    path("import/", views.catalogue_import, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
]
