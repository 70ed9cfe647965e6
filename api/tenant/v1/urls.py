from django.urls import path

from api.tenant.v1 import imports, views

app_name = "tenant_api_v1"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("imports/jobs/<int:pk>/", imports.ImportJobDetail.as_view(), name="import_job"),
    path("imports/<str:kind>/", imports.ImportUpload.as_view(), name="import_upload"),
    path("plan/lines/", views.PlanLineList.as_view(), name="plan_lines"),
    path("plan/lines/<int:pk>/", views.PlanLineDetail.as_view(), name="plan_line"),
    path(
        "plan/lines/<int:pk>/steps/<slug:code>/",
        views.PlanLineStep.as_view(),
        name="plan_line_step",
    ),
]
