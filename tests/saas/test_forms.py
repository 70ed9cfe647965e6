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


def test_choices_are_drawn_each_in_its_form_check_and_the_container_has_no_class():
    # Django's template gave the container the inputs' class: a tiny box drawn over the labels.
    html = str(Sample()["one"])
    assert '<div id="id_one">' in html
    assert '<div class="form-check form-check-inline">' in html
    assert '<label class="form-check-label" for="id_one_0">X</label>' in html
    boxes = str(Sample()["steps"])
    assert '<div id="id_steps">' in boxes and boxes.count('<div class="form-check">') == 2
