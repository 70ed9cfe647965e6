"""The request pages, and the two pages of a campaign that belong to its requests: a new
request and the commission's session (their paths stay under /campaigns/<id>/)."""

from django.urls import path

from tenants.requests import views

app_name = "requests"
urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/mine/", views.my_requests, name="my_requests"),
    path("requests/waiting/", views.waiting, name="waiting"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/act/", views.request_act, name="request_act"),
    path("campaigns/<int:campaign_pk>/requests/new/", views.request_new, name="request_new"),
    path("campaigns/<int:pk>/arbitration/", views.arbitration_session, name="arbitration"),
]
