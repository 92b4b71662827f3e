from django.urls import path

from articles.views import dashboard, imports

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("import/", imports.import_page, name="import"),
    path("import/<int:pk>/", imports.batch_detail, name="import-batch"),
]
