"""The Newsdesk domain: sources and their ratings, articles and their duplicates, claims,
where they appear, how they relate, and the tags on all of it.

Models hold data and the database rules that keep it consistent (constraints, indexes);
behaviour that writes lives in `articles/services/`, reads in `articles/querysets.py`.
Every enumerated field is backed by a CheckConstraint, because `choices` alone do not
constrain what reaches the table.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.querysets import (
    ArticleQuerySet,
    ClaimQuerySet,
    DuplicateCandidateQuerySet,
    SourceQuerySet,
)


def _choice_check(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class Tag(models.Model):
    """A label on articles and claims. Names are trimmed, inner whitespace collapsed, and
    unique regardless of case; a namespace before a colon is allowed (`place:Kursk`).

    First-party rather than django-taggit: tags are a plain many-to-many here, which
    django-simple-history records with `m2m_fields`, and case-insensitive uniqueness is one
    database constraint instead of a taggit setting plus custom through models.
    """

    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci"),
            models.CheckConstraint(condition=~Q(name=""), name="tag_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def normalise(name: str) -> str:
        """`"  Place :  Kursk "` → `"place:Kursk"`: trim, collapse whitespace, lower-case
        the namespace, no spaces around its colon. The value's case is kept for display."""
        name = re.sub(r"\s+", " ", name).strip()
        namespace, sep, value = name.partition(":")
        if sep and namespace.strip() and value.strip():
            return f"{namespace.strip().lower()}:{value.strip()}"
        return name


class Source(models.Model):
    """An outlet or site. Its reliability is its latest `SourceRating`."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47 code, e.g. en, uk.")
    notes = models.TextField(blank=True)
    boilerplate = models.JSONField(
        default=list,
        blank=True,
        help_text="Line keys learned as this source's boilerplate (lines recurring across "
        "its articles); removed from bodies at import and by reclean.",
    )
    boilerplate_learned_from = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="How many articles the source had when its boilerplate was last learned.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The track record, stored: derived from the articles, appearances, credibilities and
    # contradictions (`querysets.track_record`), kept current by
    # `services.claims.refresh_source_stats`, called by every service that changes them.
    # Computing them per row made the source list take seconds at 100,000 articles.
    n_articles = models.PositiveIntegerField(
        default=0, editable=False, help_text="All the source's articles, copies included."
    )
    n_claims = models.PositiveIntegerField(
        default=0, editable=False, help_text="Distinct claims appearing in its articles."
    )
    n_flagged = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="How many of those claims are rated 5 or 6 or contradicted.",
    )

    history = HistoricalRecords(
        excluded_fields=[
            "boilerplate",
            "boilerplate_learned_from",
            "n_articles",
            "n_claims",
            "n_flagged",
        ]
    )
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["country"], name="source_country_idx"),
            models.Index(fields=["language"], name="source_language_idx"),
            # The list's sort by articles and by claims (name breaks ties), either way.
            models.Index(fields=["n_articles", "name"], name="source_n_articles_idx"),
            models.Index(fields=["n_claims", "name"], name="source_n_claims_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class SourceDomain(models.Model):
    """A web domain (host name without `www.`) that identifies a source at import."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(condition=Q(domain=Lower("domain")), name="domain_lowercase"),
        ]

    def __str__(self) -> str:
        return self.domain


class SourceAlias(models.Model):
    """Another name a source goes by in bylines and attributions ("Focus" for "Фокус")."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "source aliases"
        constraints = [models.UniqueConstraint(Lower("name"), name="alias_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class ReliabilityGrade(models.TextChoices):
    """NATO/Admiralty source reliability (STANAG 2511)."""

    A = "A", "A – Completely reliable"
    B = "B", "B – Usually reliable"
    C = "C", "C – Fairly reliable"
    D = "D", "D – Not usually reliable"
    E = "E", "E – Unreliable"
    F = "F", "F – Reliability cannot be judged"


class SourceRating(models.Model):
    """One reliability judgement of a source. Append-only: the table is the history, and a
    new judgement is a new row, never an edit of an old one."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="ratings")
    grade = models.CharField(max_length=1, choices=ReliabilityGrade.choices)
    rationale = models.TextField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="source_ratings"
    )
    rated_at = models.DateTimeField(default=timezone.now)
    criteria = models.JSONField(
        default=dict,
        blank=True,
        help_text="Optional checklist (articles/criteria.py): criterion key → "
        '{"pass": true|false, "note": "..."}.',
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-rated_at", "-id"]
        get_latest_by = ["rated_at", "id"]
        indexes = [models.Index(fields=["source", "-rated_at"], name="rating_source_latest_idx")]
        constraints = [
            _choice_check("grade", ReliabilityGrade, "rating_grade_valid"),
            models.CheckConstraint(condition=~Q(rationale=""), name="rating_rationale_required"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.grade}"

    @property
    def criteria_score(self) -> float | None:
        from articles.criteria import weighted_score

        return weighted_score(self.criteria)


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class RatingProposal(models.Model):
    """An Analyst's suggested rating of a source, for an Editor to accept (which appends a
    SourceRating) or reject. Kept either way: the desk sees who suggested what."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="proposals")
    grade = models.CharField(max_length=1, choices=ReliabilityGrade.choices)
    rationale = models.TextField()
    criteria = models.JSONField(default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rating_proposals"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rating_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rating = models.OneToOneField(
        SourceRating,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        help_text="The rating an Editor made of this proposal.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "-proposed_at"], name="proposal_status_idx")]
        constraints = [
            _choice_check("grade", ReliabilityGrade, "proposal_grade_valid"),
            _choice_check("status", ProposalStatus, "proposal_status_valid"),
            models.CheckConstraint(condition=~Q(rationale=""), name="proposal_rationale_required"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.grade} (proposed by {self.proposed_by})"


class ImportVia(models.TextChoices):
    COMMAND = "command", "Management command"
    UPLOAD = "upload", "Web upload"
    FIXTURE = "fixture", "Fixture"


class ImportBatch(models.Model):
    """One run of the import pipeline: who started it, how, and what became of each file."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
    )
    via = models.CharField(max_length=16, choices=ImportVia.choices)
    description = models.CharField(
        max_length=500, blank=True, help_text="The paths, upload names or options given."
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    imported_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0, help_text="Already present.")
    duplicate_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, blank=True, help_text='Per-file outcomes: [{"file": ..., "reason": ...}].'
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "import batches"
        indexes = [models.Index(fields=["-started_at"], name="importbatch_started_idx")]
        constraints = [_choice_check("via", ImportVia, "importbatch_via_valid")]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.get_via_display()}, {self.started_at:%Y-%m-%d %H:%M})"


class ArticleStatus(models.TextChoices):
    NEW = "new", "New"
    REVIEWED = "reviewed", "Reviewed"
    ARCHIVED = "archived", "Archived"


class Article(models.Model):
    """One imported document: what was received, its clean body and its metadata."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=1000)
    url = models.URLField(max_length=2000, blank=True)
    origin = models.CharField(
        max_length=1000, help_text="File path, URL or upload name the article came from."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    byline = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=16, blank=True)
    upstream_attribution = models.CharField(
        max_length=500,
        blank=True,
        help_text='Upstream named by the article, e.g. "Based on materials: barrons.com".',
    )
    upstream_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived_articles",
        help_text="The source the upstream attribution resolves to.",
    )
    raw = models.TextField(help_text="The input exactly as received (decoded).")
    body = models.TextField(help_text="Clean body text; appearance offsets point into it.")
    extractor = models.CharField(
        max_length=100, blank=True, help_text="What derived the body, with its version."
    )
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the normalised body."
    )
    fingerprint = models.BinaryField(
        null=True, blank=True, help_text="Near-duplicate signature of the body (MinHash)."
    )
    fingerprint_scheme = models.CharField(
        max_length=100, blank=True, help_text="How the fingerprint was computed, with version."
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text="The canonical article this one copies; never itself a duplicate.",
    )
    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.NEW
    )
    imported_at = models.DateTimeField(default=timezone.now)
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")

    # The raw input never changes and the fingerprint is derived: history keeps the rest.
    history = HistoricalRecords(excluded_fields=["raw", "fingerprint"], m2m_fields=[tags])
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="article_published_idx"),
            models.Index(fields=["-imported_at"], name="article_imported_idx"),
            models.Index(fields=["status"], name="article_status_idx"),
            # Exact copies are found by hash across all sources (import idempotency, dedupe).
            models.Index(fields=["content_hash"], name="article_content_hash_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="article_url_unique_when_present"
            ),
            _choice_check("status", ArticleStatus, "article_status_valid"),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("id")), name="article_not_duplicate_of_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FingerprintBand(models.Model):
    """One row of the near-duplicate (MinHash LSH) index: an article and one of its band
    keys. Two articles sharing a key are candidates, verified exactly before anything is
    linked. Derived data, rebuilt by `dedupe --rebuild`; kept in the database so that
    finding an article's candidates is an index lookup, whatever the size of the desk.
    Keyed by (key, article): the rows are the key index (on SQLite a WITHOUT ROWID table;
    see migration 0014), which imports insert into all over."""

    pk = models.CompositePrimaryKey("key", "article")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField()

    def __str__(self) -> str:
        return f"#{self.article_id}: {self.key}"


class DuplicateStatus(models.TextChoices):
    AUTO = "auto", "Linked automatically"
    PENDING = "pending", "Pending review"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class Proposal(models.TextChoices):
    """What an Analyst suggests an Editor decides for a pending pair."""

    NONE = "", "No proposal"
    CONFIRM = "confirm", "Confirm"
    REJECT = "reject", "Reject"


class DuplicateCandidate(models.Model):
    """A verified pair of similar articles: linked automatically (`auto`), waiting for a
    person (`pending`), or decided (`confirmed`, `rejected`). One row per unordered pair:
    `article_a` always has the smaller id. Decisions are never overridden by `dedupe`."""

    article_a = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+")
    article_b = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+")
    similarity = models.FloatField(help_text="Jaccard similarity of the word shingles.")
    containment = models.FloatField(
        default=0, help_text="Share of the shorter article's shingles found in the other."
    )
    method = models.CharField(max_length=50, help_text="How the similarity was measured.")
    status = models.CharField(
        max_length=16, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    proposal = models.CharField(
        max_length=16, choices=Proposal.choices, default=Proposal.NONE, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicate_proposals",
    )
    canonical = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="On confirmation: the article the person chose to keep as canonical.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicate_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-similarity", "id"]
        permissions = [("decide_duplicatecandidate", "Can confirm or reject duplicate pairs")]
        indexes = [
            models.Index(fields=["status", "-similarity"], name="dupcand_status_sim_idx"),
            models.Index(fields=["article_b"], name="dupcand_article_b_idx"),
            models.Index(fields=["status", "-created_at"], name="dupcand_status_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["article_a", "article_b"], name="dupcand_unique_pair"),
            models.CheckConstraint(
                condition=Q(article_a__lt=F("article_b")), name="dupcand_ordered_pair"
            ),
            models.CheckConstraint(
                condition=Q(similarity__gte=0) & Q(similarity__lte=1),
                name="dupcand_similarity_range",
            ),
            models.CheckConstraint(
                condition=Q(containment__gte=0) & Q(containment__lte=1),
                name="dupcand_containment_range",
            ),
            models.CheckConstraint(
                condition=Q(canonical__isnull=True)
                | Q(canonical=F("article_a"))
                | Q(canonical=F("article_b")),
                name="dupcand_canonical_in_pair",
            ),
            _choice_check("status", DuplicateStatus, "dupcand_status_valid"),
            _choice_check("proposal", Proposal, "dupcand_proposal_valid"),
        ]

    def __str__(self) -> str:
        return f"#{self.article_a_id} ~ #{self.article_b_id} ({self.similarity:.2f})"


class ClaimType(models.TextChoices):
    """Full Fact's claim types."""

    QUANTITY = "quantity", "Quantity"
    PREDICTION = "prediction", "Prediction"
    CORRELATION = "correlation", "Correlation or causation"
    LAWS = "laws", "Laws and rules"
    PERSONAL = "personal", "Personal experience"
    OTHER = "other", "Other"


class Credibility(models.IntegerChoices):
    """Admiralty information credibility (STANAG 2511)."""

    CONFIRMED = 1, "1 – Confirmed by other sources"
    PROBABLE = 2, "2 – Probably true"
    POSSIBLE = 3, "3 – Possibly true"
    DOUBTFUL = 4, "4 – Doubtful"
    IMPROBABLE = 5, "5 – Improbable"
    UNJUDGED = 6, "6 – Truth cannot be judged"


class ClaimStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_REVIEW = "in_review", "In review"
    REVIEWED = "reviewed", "Reviewed"
    ARCHIVED = "archived", "Archived"


class Claim(models.Model):
    """A statement that can be true or false, independent of where it appeared."""

    text = models.TextField()
    claim_type = models.CharField(max_length=16, choices=ClaimType.choices, default=ClaimType.OTHER)
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.UNJUDGED
    )
    status = models.CharField(max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised on every edit; a stale form is refused (optimistic lock)."
    )
    credibility_rationale = models.TextField(
        blank=True,
        help_text="Why the Editor chose this credibility (required when it departs "
        "from the suggested one).",
    )
    # Derived from the appearances, their articles' duplicate groups and upstreams, and the
    # sources' ratings; kept current by `services.claims.refresh_claim_stats`, called by
    # every service that changes one of those. Stored so that the claim list filters and
    # sorts on them with an index instead of aggregating 300k appearances per page.
    n_appearances = models.PositiveIntegerField(default=0, editable=False)
    n_sources = models.PositiveIntegerField(
        default=0, editable=False, help_text="Independent sources carrying the claim."
    )
    best_grade = models.CharField(
        max_length=1,
        blank=True,
        editable=False,
        choices=ReliabilityGrade.choices,
        help_text="Best current reliability grade among the sources carrying the claim.",
    )

    history = HistoricalRecords(
        m2m_fields=[tags], excluded_fields=["n_appearances", "n_sources", "best_grade"]
    )
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [("set_claim_credibility", "Can set the credibility and status of claims")]
        indexes = [
            models.Index(fields=["credibility"], name="claim_credibility_idx"),
            models.Index(fields=["claim_type"], name="claim_type_idx"),
            models.Index(fields=["status"], name="claim_status_idx"),
            models.Index(fields=["-created_at"], name="claim_created_idx"),
            models.Index(fields=["-updated_at", "-id"], name="claim_updated_idx"),
            models.Index(fields=["-n_sources", "-id"], name="claim_n_sources_idx"),
            models.Index(fields=["-n_appearances", "-id"], name="claim_n_appearances_idx"),
            models.Index(fields=["best_grade"], name="claim_best_grade_idx"),
        ]
        constraints = [
            _choice_check("claim_type", ClaimType, "claim_type_valid"),
            models.CheckConstraint(
                condition=Q(best_grade="") | Q(best_grade__in=ReliabilityGrade.values),
                name="claim_best_grade_valid",
            ),
            _choice_check("credibility", Credibility, "claim_credibility_valid"),
            _choice_check("status", ClaimStatus, "claim_status_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("claim-detail", args=[self.pk])

    @property
    def admiralty_code(self) -> str:
        """Source reliability and information credibility together, e.g. `B2`. With no
        rated source the reliability "cannot be judged": F."""
        return f"{self.best_grade or ReliabilityGrade.F}{self.credibility}"


class AnchorStatus(models.TextChoices):
    EXACT = "exact", "Exact"
    MOVED = "moved", "Moved"
    FUZZY = "fuzzy", "Fuzzy"
    ORPHANED = "orphaned", "Orphaned"


class Appearance(models.Model):
    """Where a claim appears: a span of an article's clean body, anchored as a W3C Web
    Annotation TextPositionSelector (`start`, `end`: Python string offsets) and
    TextQuoteSelector (`exact`, `prefix`, `suffix`) so it can be re-found after re-cleaning."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="appearances")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    claimant = models.CharField(max_length=300, blank=True, help_text="As stated in the text.")
    verb = models.CharField(
        max_length=100, blank=True, help_text='Attribution verb as stated ("asserted").'
    )
    anchor_status = models.CharField(
        max_length=16, choices=AnchorStatus.choices, default=AnchorStatus.EXACT
    )
    anchor_score = models.FloatField(
        null=True, blank=True, help_text="Match score of a fuzzy re-anchoring."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appearances_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "start", "end"]
        indexes = [
            models.Index(fields=["article", "start"], name="appearance_article_start_idx"),
            models.Index(fields=["anchor_status"], name="appearance_anchor_idx"),
            models.Index(fields=["claimant"], name="appearance_claimant_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(start__lt=F("end")), name="appearance_offsets_valid"
            ),
            _choice_check("anchor_status", AnchorStatus, "appearance_anchor_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} in article {self.article_id} [{self.start}:{self.end}]"


class LinkRelation(models.TextChoices):
    SAME_AS = "same_as", "Same as"
    CORROBORATES = "corroborates", "Corroborates"
    CONTRADICTS = "contradicts", "Contradicts"
    REFINES = "refines", "Refines"


class ClaimLink(models.Model):
    """A typed, directed relation between two claims."""

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_out")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(max_length=16, choices=LinkRelation.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_links_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["relation"], name="claimlink_relation_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "relation"], name="claimlink_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_claim=F("to_claim")), name="claimlink_no_self_link"
            ),
            _choice_check("relation", LinkRelation, "claimlink_relation_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.from_claim_id} {self.relation} {self.to_claim_id}"


class SuggestionDismissal(models.Model):
    """A suggestion a person dismissed, so it is not offered again: a suggested claim in an
    article (`claim` empty) or a possibly-same sentence for a claim. Keyed by the
    sentence's text (hashed), not its offsets, so it survives re-cleaning of the body."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text_hash = models.CharField(max_length=64, help_text="SHA-256 of the sentence.")
    text = models.TextField()
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-dismissed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "text_hash"],
                condition=Q(claim__isnull=True),
                name="dismissal_unique_article_suggestion",
            ),
            models.UniqueConstraint(
                fields=["article", "claim", "text_hash"],
                condition=Q(claim__isnull=False),
                name="dismissal_unique_claim_suggestion",
            ),
        ]

    def __str__(self) -> str:
        return f"dismissed in article {self.article_id}: {self.text[:60]}"


class SavedList(models.TextChoices):
    """The lists a saved view can belong to, by their URL name."""

    ARTICLES = "article-list", "Articles"
    CLAIMS = "claim-list", "Claims"
    SOURCES = "source-list", "Sources"
    DUPLICATES = "duplicate-list", "Duplicate pairs"
    IMPORT_BATCHES = "import-batch-list", "Import batches"


class SavedView(models.Model):
    """A person's named filters of one list, kept as the list's query string (without its
    page). Private to its owner: a view of one's own filters, not a change to the desk."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField(max_length=32, choices=SavedList.choices)
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=2000, blank=True, help_text="Query string, without ?.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # Also the index the sidebar reads (user, list) by.
            models.UniqueConstraint(
                fields=["user", "list_name", "name"], name="savedview_unique_name"
            ),
            _choice_check("list_name", SavedList, "savedview_list_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="savedview_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_list_name_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        url = reverse(self.list_name)
        return f"{url}?{self.query}" if self.query else url


class Preference(models.Model):
    """A person's settings, kept across sessions and browsers. Copied into the session at
    login (`articles.apps`), so pages read them without a query."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preference",
    )
    shortcuts_off = models.BooleanField(
        default=False, help_text="Single-key shortcuts (j/k/o, ?, /, the review keys) are off."
    )

    def __str__(self) -> str:
        return f"Preferences of {self.user}"
