"""Forms shared by the admin and the app's own pages."""

from django import forms

from articles.models import Tag


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
