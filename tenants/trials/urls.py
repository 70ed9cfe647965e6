from django.urls import path

from tenants.trials import views

app_name = "trials"
urlpatterns = [
    path("", views.trial_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/act/", views.act, name="act"),
]
