from django.urls import path

from tenants.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("read/", views.read_all, name="read_all"),
    path("email/", views.email_preference, name="email_preference"),
    path("settings/", views.alert_settings, name="settings"),
]
