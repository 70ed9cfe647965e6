from django.urls import path

from tenants.controls import views

app_name = "controls"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("run/", views.run_now, name="run"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/act/", views.finding_act, name="finding_act"),
]
