"""The form base classes give each widget the Bootstrap class that draws it right."""

from django import forms

from saas.forms import BootstrapForm


class Sample(BootstrapForm):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A")])
    agreed = forms.BooleanField()
    steps = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    one = forms.ChoiceField(choices=[("x", "X")], widget=forms.RadioSelect)


def test_each_kind_of_widget_gets_its_class():
    form = Sample()
    classes = {name: field.widget.attrs["class"] for name, field in form.fields.items()}
    assert classes == {
        "name": "form-control",
        "kind": "form-select",
        "agreed": "form-check-input",
        "steps": "form-check-input",
        "one": "form-check-input",
    }
    # Each box of a multiple choice is a check box, not a text field.
    assert 'class="form-check-input"' in str(form["steps"])
