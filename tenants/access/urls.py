from django.urls import path

from tenants.access import views

app_name = "access"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/grant/", views.user_grant, name="user_grant"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("history/", views.history, name="history"),
]
