from django.urls import path

from tenants.tables import views

app_name = "tables"
urlpatterns = [
    path("<str:key>/columns/", views.save_columns, name="save_columns"),
    path("<str:key>/sets/", views.choose_column_set, name="choose_column_set"),
    path("<str:key>/widths/", views.save_widths, name="save_widths"),
    path("<str:key>/views/", views.save_view, name="save_view"),
    path("views/<int:pk>/", views.open_view, name="view"),
    path("views/<int:pk>/delete/", views.delete_view, name="delete_view"),
    path("exports/<int:pk>/", views.export_status, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
