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
