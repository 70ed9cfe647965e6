from django.urls import path

from tenants.purchasing import views

app_name = "purchasing"
urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/act/", views.request_act, name="request_act"),
    path("requests/<int:pk>/documents/", views.request_documents, name="request_documents"),
    path(
        "requests/<int:pk>/documents/status/",
        views.request_documents_status,
        name="request_documents_status",
    ),
    path("files/", views.file_list, name="file_list"),
    path("files/new/", views.file_new, name="file_new"),
    path("files/add-line/", views.file_add_line, name="file_add_line"),
    path("files/<int:pk>/", views.file_detail, name="file_detail"),
    path("files/<int:pk>/edit/", views.file_edit, name="file_edit"),
    path("files/<int:pk>/checklist/<int:item_pk>/", views.checklist_item, name="checklist_item"),
    path("exceptions/", views.exception_list, name="exception_list"),
    path("exceptions/new/", views.exception_new, name="exception_new"),
    path("exceptions/<int:pk>/", views.exception_detail, name="exception_detail"),
    path("exceptions/<int:pk>/edit/", views.exception_edit, name="exception_edit"),
    path("spending/", views.spending, name="spending"),
]
