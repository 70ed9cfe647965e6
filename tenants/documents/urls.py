from django.urls import path

from tenants.documents import views

app_name = "documents"
urlpatterns = [
    path("<str:key>/<int:pk>/upload/", views.upload, name="upload"),
    path("<str:key>/<int:pk>/comment/", views.add_comment, name="comment"),
    path("file/<int:pk>/", views.download, name="download"),
    path("file/<int:pk>/remove/", views.remove, name="remove"),
]
