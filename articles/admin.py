"""The Django admin for every Newsdesk model.

Foreign keys to large tables use autocomplete (never a dropdown of all articles), each
changelist selects its related rows in the same query, and history-tracked models show
their history. Deleting is for superusers only: everyone else archives.

The admin writes rows past the services, so wherever it adds, moves or deletes articles,
appearances, claims or links it brings the stored figures up to date as they do: each
claim's (`refresh_claim_stats`) and each source's track record (`refresh_source_stats`),
for what the change touched before and after.
"""

from django.contrib import admin
from django.db import models
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from articles.forms import TagForm
from articles.models import (
    Appearance,
    Article,
    Claim,
    ClaimLink,
    DuplicateCandidate,
    ImportBatch,
    LinkRelation,
    RatingProposal,
    ReliabilityGrade,
    SavedView,
    Source,
    SourceAlias,
    SourceDomain,
    SourceRating,
    SuggestionDismissal,
    Tag,
)
from articles.services.claims import refresh_claim_stats, refresh_source_stats
from articles.services.cleaning import update_body
from articles.services.duplicates import dedupe_articles


def _ends(appearances) -> tuple[set[int], set[int]]:
    """The claims of `appearances` (a queryset) and the sources of their articles."""
    rows = list(appearances.values_list("claim", "article__source"))
    return {claim for claim, _ in rows}, {source for _, source in rows}


def _partners(claims) -> set[int]:
    """Claims with a "contradicts" link to or from one of `claims` (ids or a queryset)."""
    links = ClaimLink.objects.filter(relation=LinkRelation.CONTRADICTS).filter(
        Q(from_claim__in=claims) | Q(to_claim__in=claims)
    )
    return {end for pair in links.values_list("from_claim", "to_claim") for end in pair}


class SuperuserDeleteMixin:
    """Only superusers delete; history keeps the record of what they deleted. Changelists
    never count the whole table; URL fields assume https like Django 6 will."""

    list_per_page = 50
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class NewsdeskAdmin(SuperuserDeleteMixin, admin.ModelAdmin):
    pass


class NewsdeskHistoryAdmin(SuperuserDeleteMixin, SimpleHistoryAdmin):
    pass


class CurrentGradeFilter(admin.SimpleListFilter):
    title = "current grade"
    parameter_name = "grade"

    def lookups(self, request, model_admin):
        return [*ReliabilityGrade.choices, ("none", "Unrated")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(current_grade__isnull=True)
        if self.value():
            return queryset.filter(current_grade=self.value())
        return queryset


class SourceDomainInline(admin.TabularInline):
    model = SourceDomain
    extra = 0


class SourceAliasInline(admin.TabularInline):
    model = SourceAlias
    extra = 0


class SourceRatingInline(admin.TabularInline):
    """Ratings are append-only: shown here, added through the rating admin or the app."""

    model = SourceRating
    extra = 0
    fields = ["rated_at", "grade", "rationale", "rated_by"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(NewsdeskHistoryAdmin):
    list_display = ["name", "country", "language", "current_grade", "last_rated_at"]
    list_filter = [CurrentGradeFilter, "country", "language"]
    search_fields = ["name", "aliases__name", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SourceDomainInline, SourceAliasInline, SourceRatingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_grade()

    @admin.display(ordering="current_grade", description="Grade")
    def current_grade(self, obj):
        return obj.current_grade or "—"

    @admin.display(ordering="last_rated_at", description="Last rated")
    def last_rated_at(self, obj):
        return obj.last_rated_at


@admin.register(SourceDomain)
class SourceDomainAdmin(NewsdeskAdmin):
    list_display = ["domain", "source"]
    list_select_related = ["source"]
    search_fields = ["domain", "source__name"]
    autocomplete_fields = ["source"]


@admin.register(SourceAlias)
class SourceAliasAdmin(NewsdeskAdmin):
    list_display = ["name", "source"]
    list_select_related = ["source"]
    search_fields = ["name", "source__name"]
    autocomplete_fields = ["source"]


@admin.register(SourceRating)
class SourceRatingAdmin(NewsdeskHistoryAdmin):
    """Append-only: a rating is never edited; a new judgement is a new rating."""

    list_display = ["source", "grade", "rated_by", "rated_at"]
    list_filter = ["grade", "rated_at"]
    list_select_related = ["source", "rated_by"]
    search_fields = ["source__name", "rationale"]
    autocomplete_fields = ["source", "rated_by"]
    date_hierarchy = "rated_at"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["source", "grade", "rationale", "criteria", "rated_by", "rated_at"]

    def has_change_permission(self, request, obj=None):
        # The change page stays viewable (read-only) for those who may add ratings.
        return obj is None and super().has_change_permission(request, obj)


@admin.register(RatingProposal)
class RatingProposalAdmin(NewsdeskHistoryAdmin):
    """Read-only here: Analysts propose and Editors accept or reject on the source page,
    which appends the rating and records who decided."""

    list_display = ["source", "grade", "status", "proposed_by", "proposed_at", "decided_by"]
    list_filter = ["status", "grade"]
    list_select_related = ["source", "proposed_by", "decided_by"]
    search_fields = ["source__name", "rationale"]
    readonly_fields = [
        "source",
        "grade",
        "rationale",
        "criteria",
        "proposed_by",
        "proposed_at",
        "status",
        "decided_by",
        "decided_at",
        "rating",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(NewsdeskAdmin):
    list_display = [
        "id",
        "via",
        "started_by",
        "started_at",
        "imported_count",
        "skipped_count",
        "duplicate_count",
        "failed_count",
    ]
    list_filter = ["via", "started_at"]
    list_select_related = ["started_by"]
    search_fields = ["description"]
    autocomplete_fields = ["started_by"]
    date_hierarchy = "started_at"


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0
    fields = ["claim", "article", "start", "end", "exact", "claimant", "verb", "anchor_status"]
    autocomplete_fields = ["claim", "article"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim", "article")


@admin.register(Article)
class ArticleAdmin(NewsdeskHistoryAdmin):
    list_display = ["title", "source", "published_at", "status", "duplicate_of", "imported_at"]
    list_filter = ["status", "published_at", "imported_at", "language"]
    list_select_related = ["source", "duplicate_of"]
    # Titles and urls only: body search belongs to the full-text index, not LIKE scans.
    search_fields = ["title", "url", "origin"]
    autocomplete_fields = ["source", "upstream_source", "duplicate_of", "tags"]
    raw_id_fields = ["import_batch"]
    # The raw input is kept as received; the body may be corrected by hand, which goes
    # through the same service as reclean (hash, fingerprint, re-anchoring).
    readonly_fields = ["raw", "content_hash", "fingerprint_scheme", "extractor", "imported_at"]
    exclude = ["fingerprint"]
    date_hierarchy = "published_at"
    inlines = [AppearanceInline]

    def save_model(self, request, obj, form, change):
        body_changed = change and "body" in form.changed_data
        super().save_model(request, obj, form, change)
        if body_changed:
            update_body(article=obj, body=obj.body, extractor="edited by hand in the admin")
            dedupe_articles(ids=[obj.pk])
        if change and {"upstream_source", "duplicate_of", "source"} & set(form.changed_data):
            refresh_claim_stats(articles=[obj.pk])

    def save_related(self, request, form, formsets, change):
        """After the inline appearances: their claims before and after, and the source the
        article had when the form was loaded as well as its new one."""
        claims_before, _ = _ends(Appearance.objects.filter(article=form.instance))
        super().save_related(request, form, formsets, change)
        claims_after, _ = _ends(Appearance.objects.filter(article=form.instance))
        refresh_claim_stats(claims=claims_before | claims_after)
        # On a change form, `initial` is the article as loaded: its source before the edit.
        before = form.initial.get("source") if change else None
        refresh_source_stats(sources={before, form.instance.source_id} - {None})

    def delete_model(self, request, obj):
        source_id = obj.source_id
        super().delete_model(request, obj)
        refresh_source_stats(sources=[source_id])

    def delete_queryset(self, request, queryset):
        sources = set(queryset.values_list("source", flat=True))
        super().delete_queryset(request, queryset)
        refresh_source_stats(sources=sources)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            # A list never shows the raw input or the body: do not load megabytes per page.
            queryset = queryset.defer("raw", "body", "fingerprint")
        return queryset


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(NewsdeskHistoryAdmin):
    list_display = [
        "__str__",
        "article_a",
        "article_b",
        "similarity",
        "containment",
        "status",
        "proposal",
        "decided_by",
    ]
    list_filter = ["status", "proposal", "method"]
    list_select_related = ["article_a", "article_b", "decided_by"]
    search_fields = ["article_a__title", "article_b__title"]
    autocomplete_fields = ["article_a", "article_b"]
    # Decisions go through the review page (/duplicates/<id>/), which regroups the articles
    # and records who decided; editing them here would leave the groups stale.
    readonly_fields = [
        "similarity",
        "containment",
        "method",
        "status",
        "canonical",
        "decided_by",
        "decided_at",
        "proposal",
        "proposed_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # pairs come from dedupe, which verifies them


@admin.register(Claim)
class ClaimAdmin(NewsdeskHistoryAdmin):
    list_display = [
        "__str__",
        "claim_type",
        "credibility",
        "status",
        "n_appearances",
        "n_sources",
        "best_grade",
        "updated_at",
    ]
    list_filter = ["claim_type", "credibility", "status", "best_grade", "created_at"]
    list_select_related = ["created_by"]
    search_fields = ["text", "notes"]
    autocomplete_fields = ["created_by", "tags"]
    readonly_fields = [
        "version",
        "created_at",
        "updated_at",
        "n_appearances",
        "n_sources",
        "best_grade",
    ]
    inlines = [AppearanceInline]

    def save_related(self, request, form, formsets, change):
        """After the inline appearances, and so after a change of credibility too: the
        claim's figures, and the track record of the sources it appeared in before and
        appears in now."""
        _, sources_before = _ends(Appearance.objects.filter(claim=form.instance))
        super().save_related(request, form, formsets, change)
        refresh_claim_stats(claims=[form.instance.pk])
        refresh_source_stats(sources=sources_before, claims=[form.instance.pk])

    def delete_model(self, request, obj):
        touched = self._touched_by_deleting([obj.pk])
        super().delete_model(request, obj)
        refresh_source_stats(**touched)

    def delete_queryset(self, request, queryset):
        touched = self._touched_by_deleting(list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        refresh_source_stats(**touched)

    @staticmethod
    def _touched_by_deleting(ids: list[int]) -> dict[str, set[int]]:
        """Deleting claims deletes their appearances and links: their sources lose them,
        and a claim they contradicted may no longer be flagged."""
        _, sources = _ends(Appearance.objects.filter(claim__in=ids))
        return {"sources": sources, "claims": _partners(ids) - set(ids)}


@admin.register(Appearance)
class AppearanceAdmin(NewsdeskHistoryAdmin):
    list_display = ["exact", "claim", "article", "claimant", "verb", "anchor_status"]
    list_filter = ["anchor_status"]
    list_select_related = ["claim", "article"]
    search_fields = ["exact", "claimant", "claim__text"]
    autocomplete_fields = ["claim", "article", "created_by"]

    def save_model(self, request, obj, form, change):
        """The claim and article it had before count as touched as well as its new ones."""
        claims, sources = _ends(Appearance.objects.filter(pk=obj.pk))
        super().save_model(request, obj, form, change)
        refresh_claim_stats(claims=claims | {obj.claim_id})
        refresh_source_stats(sources=sources, articles=[obj.article_id])

    def delete_model(self, request, obj):
        claims, sources = _ends(Appearance.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)
        refresh_claim_stats(claims=claims)
        refresh_source_stats(sources=sources)

    def delete_queryset(self, request, queryset):
        claims, sources = _ends(queryset)
        super().delete_queryset(request, queryset)
        refresh_claim_stats(claims=claims)
        refresh_source_stats(sources=sources)


@admin.register(ClaimLink)
class ClaimLinkAdmin(NewsdeskHistoryAdmin):
    list_display = ["from_claim", "relation", "to_claim", "created_by", "created_at"]
    list_filter = ["relation"]
    list_select_related = ["from_claim", "to_claim", "created_by"]
    search_fields = ["from_claim__text", "to_claim__text"]
    autocomplete_fields = ["from_claim", "to_claim", "created_by"]

    def save_model(self, request, obj, form, change):
        """A "contradicts" link flags both its claims: the sources of the claims it joined
        before and joins now."""
        before = ClaimLink.objects.filter(pk=obj.pk).values_list("from_claim", "to_claim")
        claims = {end for pair in before for end in pair}
        super().save_model(request, obj, form, change)
        refresh_source_stats(claims=claims | {obj.from_claim_id, obj.to_claim_id})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_source_stats(claims=[obj.from_claim_id, obj.to_claim_id])

    def delete_queryset(self, request, queryset):
        claims = {end for pair in queryset.values_list("from_claim", "to_claim") for end in pair}
        super().delete_queryset(request, queryset)
        refresh_source_stats(claims=claims)


@admin.register(Tag)
class TagAdmin(NewsdeskAdmin):
    form = TagForm
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(SuggestionDismissal)
class SuggestionDismissalAdmin(NewsdeskAdmin):
    """Read-only: suggestions are dismissed on the article and claim pages."""

    list_display = ["text", "article", "claim", "dismissed_by", "dismissed_at"]
    list_select_related = ["article", "claim", "dismissed_by"]
    search_fields = ["text"]
    readonly_fields = ["article", "claim", "text_hash", "text", "dismissed_by", "dismissed_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SavedView)
class SavedViewAdmin(NewsdeskAdmin):
    """Read-only: people save and delete their own views from the lists' sidebars."""

    list_display = ["name", "list_name", "user", "created_at"]
    list_filter = ["list_name"]
    list_select_related = ["user"]
    search_fields = ["name"]
    readonly_fields = ["user", "list_name", "name", "query", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
