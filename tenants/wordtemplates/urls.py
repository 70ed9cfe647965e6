from django.urls import path

from tenants.wordtemplates import views

app_name = "wordtemplates"
urlpatterns = [
    path("", views.template_list, name="template_list"),
    path("<str:kind>/upload/", views.template_upload, name="template_upload"),
    path("<str:kind>/revert/", views.template_revert, name="template_revert"),
    path("<str:kind>/default.docx", views.download_default, name="download_default"),
    path("<str:kind>/v<int:number>.docx", views.download_version, name="download_version"),
    path("<str:kind>/preview.<str:fmt>", views.preview, name="preview"),
]
