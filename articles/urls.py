from django.urls import path

from articles.views import articles, autocomplete, dashboard, duplicates, imports, sources

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/", articles.article_list, name="article-list"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("duplicates/", duplicates.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:pk>/", duplicates.duplicate_review, name="duplicate-review"),
    path("duplicates/<int:pk>/decide/", duplicates.duplicate_decide, name="duplicate-decide"),
    path("duplicates/<int:pk>/propose/", duplicates.duplicate_propose, name="duplicate-propose"),
    path("sources/", sources.source_list, name="source-list"),
    path("sources/<int:pk>/", sources.source_detail, name="source-detail"),
    path("sources/<int:pk>/rate/", sources.source_rate, name="source-rate"),
    path("sources/<int:pk>/propose/", sources.source_propose, name="source-propose"),
    path(
        "sources/<int:pk>/proposals/<int:proposal_pk>/decide/",
        sources.proposal_decide,
        name="source-proposal-decide",
    ),
    path("autocomplete/sources/", autocomplete.sources, name="source-autocomplete"),
    path("import/", imports.import_page, name="import"),
    path("import/<int:pk>/", imports.batch_detail, name="import-batch"),
]
