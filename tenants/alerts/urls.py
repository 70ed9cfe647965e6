from django.urls import path

from tenants.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("<int:pk>/read/", views.read, name="read"),
]
