from django.urls import path

from tenants.campaigns import views

app_name = "requests"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("mine/", views.my_requests, name="my_requests"),
    path("waiting/", views.waiting, name="waiting"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("<int:pk>/act/", views.request_act, name="request_act"),
]
