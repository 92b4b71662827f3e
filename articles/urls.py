from django.urls import path

from articles.views import articles, autocomplete, dashboard, duplicates, imports

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/", articles.article_list, name="article-list"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("duplicates/", duplicates.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:pk>/", duplicates.duplicate_review, name="duplicate-review"),
    path("duplicates/<int:pk>/decide/", duplicates.duplicate_decide, name="duplicate-decide"),
    path("duplicates/<int:pk>/propose/", duplicates.duplicate_propose, name="duplicate-propose"),
    path("autocomplete/sources/", autocomplete.sources, name="source-autocomplete"),
    path("import/", imports.import_page, name="import"),
    path("import/<int:pk>/", imports.batch_detail, name="import-batch"),
]
