from django.urls import path

from tenants.markets import views

app_name = "markets"
urlpatterns = [
    path("", views.market_list, name="market_list"),
    path("plan/", views.plan, name="plan"),
    path("new/", views.market_new, name="market_new"),
    path("<int:pk>/", views.market_detail, name="market_detail"),
    path("<int:pk>/edit/", views.market_edit, name="market_edit"),
    path("<int:pk>/lots/new/", views.lot_new, name="lot_new"),
    path("<int:pk>/uses/", views.use_add, name="use_add"),
    path("lots/<int:pk>/edit/", views.lot_edit, name="lot_edit"),
    path("lots/<int:pk>/delete/", views.lot_delete, name="lot_delete"),
    path("uses/<int:pk>/", views.use_change, name="use_change"),
    path("suppliers/<int:pk>/", views.supplier_detail, name="supplier_detail"),
]
