from django.urls import path

from tenants.finance import views

app_name = "finance"

urlpatterns = [
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/decide/", views.decide, name="decide"),
]
