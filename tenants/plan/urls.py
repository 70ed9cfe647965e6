from django.urls import path

from tenants.plan import views

app_name = "plan"
urlpatterns = [path("", views.line_list, name="line_list")]
