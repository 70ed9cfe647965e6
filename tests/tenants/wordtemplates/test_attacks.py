"""Attacks on uploaded templates: what an administrator types in Word must neither reach into
Python, nor load other templates (a 500 at render), nor make the server render for hours or
fill its memory. Such templates are refused at upload, naming the file field."""

from __future__ import annotations

import pytest

from tenants.wordtemplates import services
from tenants.wordtemplates.services import TemplateRefused
from tests.tenants.wordtemplates.conftest import upload, word

REFUSED = {
    "include": "{% include 'other.docx' %}",
    "import": "{% import 'macros' as m %}{{ m.x }}",
    "from import": "{% from 'macros' import x %}",
    "extends": "{% extends 'base' %}",
    "macro calling itself": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "nested huge loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
    ),
    "huge power": "{{ 9 ** 9 ** 9 }}",
    "huge repeat": "{{ reference * 1000000000 }}",
    "huge repeat of a constant": "{{ 'x' * 100000 * 100000 }}",
    "huge padding": "{{ reference|center(1000000000) }}",
    "huge printf width": "{{ '%999999999d' % 1 }}",
    "huge printf width by filter": "{{ '%999999999d'|format(1) }}",
    "doubling by set": "{% set a = reference ~ reference %}{% set a = a ~ a %}{{ a }}",
    "exponential replace": (
        "{{ reference|replace('', reference|replace('', reference|replace('', reference))) }}"
    ),
    "lipsum": "{{ lipsum(100000, false, 100000, 100000) }}",
    "method call": "{{ reference.ljust(1000000000) }}",
    "escaping autoescape": "{{ reference|safe }}",
    "loops nested three deep": (
        "{% for a in lines %}{% for b in lines %}{% for c in lines %}x"
        "{% endfor %}{% endfor %}{% endfor %}"
    ),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_dangerous_template_is_refused_at_upload(purchasing_kinds, name):
    kind = purchasing_kinds["purchase_request_form"]
    with pytest.raises(TemplateRefused) as refused:
        services.check_template(kind, upload(word(REFUSED[name])))
    assert refused.value.field == "file"


def test_what_a_real_template_uses_still_passes(purchasing_kinds):
    kind = purchasing_kinds["purchase_request_form"]
    good = word(
        "{{ reference|upper }} {{ reference|default('—') }}",
        "{% if reference %}{{ reference ~ ' ' ~ reference }}{% endif %}",
        "{% for line in lines %}{{ loop.index }} {{ line.designation|truncate(40) }}{% endfor %}",
    )
    services.check_template(kind, upload(good))


def test_the_sandbox_refuses_repeating_a_text_at_render(purchasing_kinds):
    # A template stored before this check still cannot fill the memory when filled in.
    env = services.environment()
    with pytest.raises(Exception) as raised:
        env.from_string("{{ x * 1000000000 }}").render(x="abc")
    assert "repeat" in str(raised.value) or isinstance(raised.value, services.TemplateError)
