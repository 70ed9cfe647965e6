from django.urls import path

from api.tenant.v1 import views

app_name = "tenant_api_v1"
urlpatterns = [path("me/", views.me, name="me")]
