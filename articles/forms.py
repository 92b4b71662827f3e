"""Forms shared by the admin and the app's own pages."""

from django import forms

from articles.criteria import CRITERIA, Criterion
from articles.models import ReliabilityGrade, Tag


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
