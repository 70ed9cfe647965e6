from django.urls import path

from tenants.loans import views

app_name = "loans"
urlpatterns = [
    path("", views.loan_list, name="loan_list"),
    path("new/", views.loan_new, name="loan_new"),
    path("<int:pk>/", views.loan_detail, name="loan_detail"),
    path("<int:pk>/act/", views.loan_act, name="loan_act"),
]
