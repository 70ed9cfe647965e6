from django.urls import path

from saas.tenancy import views

app_name = "tenancy"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("health/", views.health, name="health"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("signup/confirm/<str:token>/", views.signup_confirm, name="signup_confirm"),
    path("staff/tenants/", views.tenant_list, name="tenant_list"),
    path("staff/tenants/<int:pk>/", views.tenant_detail, name="tenant_detail"),
    path("staff/tenants/<int:pk>/<slug:action>/", views.tenant_action, name="tenant_action"),
]
