from django.urls import path

from articles.views import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
]
