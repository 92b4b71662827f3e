from django.urls import path

from articles.views import (
    articles,
    autocomplete,
    claims,
    dashboard,
    duplicates,
    imports,
    sources,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/", articles.article_list, name="article-list"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("articles/<int:pk>/annotate/", articles.article_annotate, name="article-annotate"),
    path(
        "articles/<int:pk>/suggestions/",
        articles.article_suggestion_decide,
        name="article-suggestion-decide",
    ),
    path("claims/", claims.claim_list, name="claim-list"),
    path("claims/export/", claims.claim_list_export, name="claim-export"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/edit/", claims.claim_edit, name="claim-edit"),
    path("claims/<int:pk>/links/", claims.claim_link, name="claim-link"),
    path("claims/<int:pk>/suggestions/", claims.claim_suggestions, name="claim-suggestions"),
    path(
        "claims/<int:pk>/suggestions/decide/",
        claims.claim_suggestion_decide,
        name="claim-suggestion-decide",
    ),
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
    path("autocomplete/claims/", autocomplete.claims, name="claim-autocomplete"),
    path("import/", imports.import_page, name="import"),
    path("import/<int:pk>/", imports.batch_detail, name="import-batch"),
]
