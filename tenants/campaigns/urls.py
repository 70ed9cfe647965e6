from django.urls import path

from tenants.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/auto-approval/", views.auto_approval, name="auto_approval"),
    path("envelopes/<int:pk>/remove/", views.envelope_remove, name="envelope_remove"),
]
