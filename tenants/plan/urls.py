from django.urls import path

from tenants.plan import views

app_name = "plan"
urlpatterns = [
    path("", views.line_list, name="line_list"),
    path("managed/", views.managed, name="managed"),
    path("followed/", views.followed, name="followed"),
    path("schedule/", views.schedule_page, name="schedule"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("lines/<int:pk>/", views.line_detail, name="line_detail"),
    path("lines/<int:pk>/act/", views.line_act, name="line_act"),
    path("steps/", views.step_settings, name="step_settings"),
    path("steps/act/", views.step_act, name="step_act"),
]
