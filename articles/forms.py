"""Forms shared by the admin and the app's own pages."""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse_lazy

from articles.criteria import CRITERIA, Criterion
from articles.models import (
    Claim,
    ClaimStatus,
    ClaimType,
    Credibility,
    LinkRelation,
    ReliabilityGrade,
    Tag,
)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message on its field when the
    form has that field, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        known = field in form.fields and field != NON_FIELD_ERRORS
        form.add_error(field if known else None, errors)


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self) -> str:
        name = Tag.normalise(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("A tag needs a name.")
        clash = Tag.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(f"The tag “{clash.name}” already exists.")
        return name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans to a list (possibly empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is the import pipeline's to report, by name, next to the others.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ImportForm(forms.Form):
    files = MultipleFileField(
        required=False,
        help_text="Text, HTML (also .gz), RSS/Atom/JSON Feed, JSON, JSONL or CSV files.",
    )
    source = forms.CharField(
        required=False,
        max_length=200,
        help_text="Optional: the source of every article in these files.",
    )


VERDICTS = [("", "Not assessed"), ("pass", "Pass"), ("fail", "Fail")]


class RatingForm(forms.Form):
    """A reliability grade, its rationale and, optionally, the criteria checklist: what an
    Editor rates with and an Analyst proposes with. Cleans to the keyword arguments of
    `rate_source` and `propose_rating` (`rating()`), which validate again."""

    grade = forms.ChoiceField(choices=[("", "Choose a grade"), *ReliabilityGrade.choices])
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why this grade: the rationale is required."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[self._verdict(criterion)] = forms.ChoiceField(
                choices=VERDICTS, required=False, widget=forms.RadioSelect, label=criterion.label
            )
            self.fields[self._note(criterion)] = forms.CharField(
                required=False, max_length=1000, label="Note"
            )

    @staticmethod
    def _verdict(criterion: Criterion) -> str:
        return f"criterion_{criterion.key}"

    @staticmethod
    def _note(criterion: Criterion) -> str:
        return f"criterion_{criterion.key}_note"

    def checklist(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        """Each criterion with its pass/fail field and its note field, in weight order."""
        return [(c, self[self._verdict(c)], self[self._note(c)]) for c in CRITERIA]

    def clean(self) -> dict:
        cleaned = super().clean()
        criteria = {}
        for criterion in CRITERIA:
            verdict = cleaned.get(self._verdict(criterion))
            note = cleaned.get(self._note(criterion), "")
            if verdict:
                criteria[criterion.key] = {"pass": verdict == "pass", "note": note}
            elif note:
                # A note on a criterion left unassessed would be silently lost.
                self.add_error(self._verdict(criterion), "Choose pass or fail to keep the note.")
        cleaned["criteria"] = criteria
        return cleaned

    def rating(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("grade", "rationale", "criteria")}


class ClaimField(forms.CharField):
    """A claim given as text: `#12` or `12`, or `#12 · Russia captured…` as the autocomplete list
    offers it (static/js/source-autocomplete.js fills the datalist). Cleans to a Claim."""

    def clean(self, value) -> Claim | None:
        text = super().clean(value)
        if not text:
            return None
        # `#12`, `#12 · text` or a bare `12`; words that start with a number ("430
        # soldiers") are a search, not a claim number.
        match = re.match(r"\s*#(\d+)\b", text) or re.fullmatch(r"\s*(\d+)\s*", text)
        claim = Claim.objects.filter(pk=int(match.group(1))).first() if match else None
        if claim is None:
            raise forms.ValidationError(
                "Pick a claim from the list (it starts with its number, like #12)."
            )
        return claim


def claim_field(**kwargs) -> ClaimField:
    return ClaimField(
        widget=forms.TextInput(
            attrs={
                "list": "claim-options",
                "data-autocomplete-url": reverse_lazy("claim-autocomplete"),
                "autocomplete": "off",
                "placeholder": "Search claims by their words",
            }
        ),
        **kwargs,
    )


class AnnotationForm(forms.Form):
    """A span of an article (offsets in UTF-16 code units, as browsers count them, and
    the quote the browser saw) attached to an existing claim or to a new one."""

    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quote = forms.CharField(strip=False, widget=forms.HiddenInput)
    claim = claim_field(required=False, label="Existing claim")
    text = forms.CharField(
        required=False,
        max_length=2000,
        label="New claim",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The claim in your words; prefilled from the selection.",
    )
    claimant = forms.CharField(required=False, max_length=300, label="Claimant, as stated")
    verb = forms.CharField(required=False, max_length=100, label="Attribution verb")
    claim_type = forms.ChoiceField(choices=ClaimType.choices, initial=ClaimType.OTHER)
    credibility = forms.TypedChoiceField(
        choices=Credibility.choices, coerce=int, initial=Credibility.UNJUDGED
    )
    tags = forms.CharField(required=False, max_length=1000, help_text="Separated by commas.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, can_set_credibility: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_set_credibility:
            del self.fields["credibility"]

    def clean(self) -> dict:
        cleaned = super().clean()
        missing = not cleaned.get("claim") and not (cleaned.get("text") or "").strip()
        if missing and "claim" not in self.errors:
            raise forms.ValidationError("Write the new claim, or pick an existing one.")
        return cleaned


class ClaimEditForm(forms.Form):
    """The claim page's edit form. `version` is the claim's version when the form was
    loaded: a stale one is refused by `update_claim` (optimistic lock). Analysts get the
    Editor-only fields disabled, so whatever they post for them is ignored."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    claim_type = forms.ChoiceField(choices=ClaimType.choices)
    tags = forms.CharField(required=False, max_length=1000, help_text="Separated by commas.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    credibility = forms.TypedChoiceField(choices=Credibility.choices, coerce=int)
    status = forms.ChoiceField(choices=ClaimStatus.choices)
    credibility_rationale = forms.CharField(
        required=False,
        label="Why this credibility",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you depart from the suggested credibility.",
    )

    EDITOR_FIELDS = ("credibility", "status", "credibility_rationale")

    def __init__(self, *args, can_set_credibility: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_set_credibility:
            for name in self.EDITOR_FIELDS:
                self.fields[name].disabled = True

    @classmethod
    def initial_for(cls, claim: Claim) -> dict:
        return {
            "version": claim.version,
            "text": claim.text,
            "claim_type": claim.claim_type,
            "tags": ", ".join(tag.name for tag in claim.tags.all()),
            "notes": claim.notes,
            "credibility": claim.credibility,
            "status": claim.status,
            "credibility_rationale": claim.credibility_rationale,
        }

    def changes(self) -> dict:
        """What to pass to `update_claim`: every enabled field but the version."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and not self.fields[name].disabled
        }


class ClaimLinkForm(forms.Form):
    relation = forms.ChoiceField(choices=LinkRelation.choices)
    other = claim_field(label="Other claim")
    note = forms.CharField(required=False, max_length=2000)


class SavedViewForm(forms.Form):
    """Save the list's current filters under a name (the service validates the rest)."""

    list_name = forms.CharField(widget=forms.HiddenInput)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="Save these filters as", max_length=100)


class SelectedRowsField(forms.Field):
    """The ids of the rows ticked in a list (`selected` checkboxes)."""

    widget = forms.MultipleHiddenInput
    hidden_widget = forms.MultipleHiddenInput  # the confirmation page repeats them

    def to_python(self, value) -> list[int]:
        try:
            return sorted({int(v) for v in value or ()})
        except (TypeError, ValueError) as error:
            raise forms.ValidationError("The chosen rows are not valid.") from error


class BulkForm(forms.Form):
    """A bulk action on a list's rows: what to do, to which rows, and whether the person
    has seen the confirmation page. The actions offered are the ones `user` may take."""

    SELECTED = "selected"
    ALL = "all"

    action = forms.ChoiceField(label="Action")
    tag = forms.CharField(label="Tag", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False)
    scope = forms.ChoiceField(
        label="Rows",
        choices=[(SELECTED, "Selected rows"), (ALL, "All rows matching these filters")],
        initial=SELECTED,
        widget=forms.RadioSelect,
    )
    selected = SelectedRowsField(required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kind, user, **kwargs):
        from articles.services.bulk import ACTIONS, allowed_actions

        # Ids of their own: the list's filter form beside it has fields of the same names.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["action"].choices = [
            (action, ACTIONS[action]) for action in allowed_actions(kind, user)
        ]
        self.fields["status"].choices = [("", "—"), *kind.statuses.choices]

    def clean(self):
        data = super().clean()
        if data.get("scope") == self.SELECTED and not data.get("selected"):
            raise forms.ValidationError("Tick the rows to act on, or choose all matching rows.")
        return data
