from django.urls import path

from articles.views import articles, autocomplete, dashboard, imports

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/", articles.article_list, name="article-list"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("autocomplete/sources/", autocomplete.sources, name="source-autocomplete"),
    path("import/", imports.import_page, name="import"),
    path("import/<int:pk>/", imports.batch_detail, name="import-batch"),
]
