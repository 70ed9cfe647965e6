"""In-app notifications (and their e-mail): who must act next on what."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tenants.notifications"
    label = "notifications"
    verbose_name = "Notifications"
