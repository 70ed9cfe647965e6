from django.urls import path

from tenants.sso import views

app_name = "sso"
urlpatterns = [
    path("login/<slug:slug>/", views.ProviderLoginView.as_view(), name="login"),
    path("callback/", views.callback, name="callback"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_edit, name="provider_new"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("providers/<int:pk>/delete/", views.provider_delete, name="provider_delete"),
    path("mappings/<int:pk>/delete/", views.mapping_delete, name="mapping_delete"),
]
