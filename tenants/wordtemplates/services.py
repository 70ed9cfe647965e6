"""Tenant templates: what an uploaded one must be, its versions, filling one in (docxtpl, in
Jinja's sandbox with autoescape), and producing a document attached to its object."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import docx
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import connection, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from saas.errors import UserError
from tenants.accounts.models import User
from tenants.documents.services import attach, check_upload
from tenants.wordtemplates import pdf
from tenants.wordtemplates.models import GeneratedDocument, TemplateVersion
from tenants.wordtemplates.registry import KINDS, DocumentKind, Placeholder
from tenants.wordtemplates.selectors import active_version

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# An archive of a real template holds a few dozen parts of a few hundred kilobytes in all.
MAX_PARTS = 1000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


class TemplateRefused(UserError):
    """A template file refused (field ``file``), or a template that cannot be filled in."""


class _Environment(SandboxedEnvironment):
    """No repeating a text or a list (``'x' * 10**9`` fills the memory): ``*`` multiplies
    numbers only."""

    intercepted_binops = frozenset({"*"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*" and not all(
            isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in (left, right)
        ):
            raise SecurityError("only numbers may be multiplied (no repeat of a text)")
        return super().call_binop(context, operator, left, right)


def environment() -> SandboxedEnvironment:
    """Templates come from the tenant's administrators: Jinja's sandbox (no reaching into
    Python from a placeholder), values escaped for the document's XML, and a missing value
    (an empty market out of market) shows nothing rather than failing."""
    return _Environment(autoescape=True, undefined=ChainableUndefined)


# What a template may hold: placeholders, conditions, loops over the kind's lists and the
# filters that never make a text longer than asked. Anything else (include, import, macros,
# calls such as range() or lipsum(), set, ``**`` and ``%``) could load what is not there (a
# 500 when filled in) or make the server compute for hours; Jinja's compiler even folds
# ``9 ** 9 ** 9`` at upload.
ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr,
    nodes.Getitem, nodes.Const, nodes.If, nodes.For, nodes.CondExpr, nodes.Compare,
    nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.Concat,
    nodes.Filter, nodes.Test, nodes.Keyword, nodes.Add, nodes.Sub, nodes.Mul, nodes.Div,
    nodes.FloorDiv, nodes.Slice, nodes.List, nodes.Tuple,
)  # fmt: skip
ALLOWED_FILTERS = frozenset(
    [
        "abs",
        "capitalize",
        "count",
        "d",
        "default",
        "e",
        "escape",
        "first",
        "float",
        "int",
        "join",
        "last",
        "length",
        "list",
        "lower",
        "max",
        "min",
        "reverse",
        "round",
        "sort",
        "string",
        "striptags",
        "sum",
        "title",
        "trim",
        "truncate",
        "unique",
        "upper",
        "wordcount",
    ]
)
MAX_CONSTANT = 10_000
MAX_LOOP_DEPTH = 2


def _loop_depth(node: nodes.Node) -> int:
    below = max((_loop_depth(child) for child in node.iter_child_nodes()), default=0)
    return below + 1 if isinstance(node, nodes.For) else below


def _check_nodes(tree: nodes.Template) -> None:
    def refuse(what: str) -> TemplateRefused:
        return TemplateRefused(
            "file", _("the template uses what is not allowed: %(what)s") % {"what": what}
        )

    for node in tree.find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES):
            raise refuse(type(node).__name__)
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise refuse(f"|{node.name}")
        if isinstance(node, nodes.Const) and (
            (isinstance(node.value, int | float) and abs(node.value) > MAX_CONSTANT)
            or (isinstance(node.value, str) and len(node.value) > MAX_CONSTANT)
        ):
            raise refuse(str(node.value)[:20])
        if isinstance(node, nodes.For):
            if not isinstance(node.iter, nodes.Name | nodes.Getattr):
                raise refuse(_("a loop over something else than a list of the document"))
            if _loop_depth(node) > MAX_LOOP_DEPTH:
                raise refuse(_("loops nested more than twice"))


# -- Checking an upload ------------------------------------------------------------------------


def check_template(kind: DocumentKind, upload: UploadedFile) -> bytes:
    """The content of an uploaded template, once it is a Word document of a sane size whose
    placeholders are all the kind's; else TemplateRefused naming what is wrong."""
    limit = settings.WORD_TEMPLATE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise TemplateRefused(
            "file",
            _("the template is larger than %(limit)s (%(size)s)")
            % {"limit": filesizeformat(limit), "size": filesizeformat(upload.size)},
        )
    checked = check_upload(upload)  # a real office file, whatever its name says
    if checked.extension != "docx":
        raise TemplateRefused("file", _("a template must be a Word document (.docx)"))
    upload.seek(0)
    data = upload.read()
    _check_archive(data)
    check_placeholders(kind, data)
    return data


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise TemplateRefused("file", _("this file is not a Word document")) from exc
    if len(parts) > MAX_PARTS:
        raise TemplateRefused(
            "file", _("the document holds more than %(count)s parts") % {"count": MAX_PARTS}
        )
    for part in parts:
        # zipfile cuts a name at its first NUL byte; the name as stored keeps it.
        name = part.orig_filename
        if (
            "\x00" in name
            or name.startswith(("/", "\\"))
            or ".." in name.replace("\\", "/").split("/")
        ):
            raise TemplateRefused("file", _("the document holds a part with a forbidden name"))
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise TemplateRefused(
            "file",
            _("the document unpacks to more than %(limit)s")
            % {"limit": filesizeformat(MAX_UNPACKED_BYTES)},
        )
    if "word/document.xml" not in {part.filename for part in parts}:
        raise TemplateRefused("file", _("this file is not a Word document"))


def template_source(data: bytes) -> str:
    """The Jinja source docxtpl fills in: the body, headers and footers, with docxtpl's own
    clean-up of the tags Word splits across runs (as its get_undeclared_template_variables)."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # whatever python-docx cannot open is not a template
        raise TemplateRefused("file", _("this file is not a Word document")) from exc
    template = DocxTemplate(io.BytesIO(data))
    source = template.patch_xml(template.xml_to_string(document.element.body))
    for relation in document.part.rels.values():
        if relation.reltype in (RT.HEADER, RT.FOOTER) and relation.target_part.blob:
            xml = template.xml_to_string(parse_xml(relation.target_part.blob))
            source += template.patch_xml(xml)
    return str(source)


def check_placeholders(kind: DocumentKind, data: bytes) -> None:
    env = environment()
    try:
        tree = env.parse(template_source(data))
        _check_nodes(tree)  # before compiling: the compiler computes constant expressions
        env.compile(tree)  # unknown filters and tests are found here
    except TemplateSyntaxError as exc:
        raise TemplateRefused(
            "file", _("the template's syntax is wrong: %(error)s") % {"error": exc.message}
        ) from exc
    unknown = unknown_placeholders(kind, tree, env)
    if unknown:
        raise TemplateRefused(
            "file",
            _("unknown placeholders in the template: %(names)s")
            % {"names": ", ".join(f"{{{{ {name} }}}}" for name in unknown)},
        )


def unknown_placeholders(
    kind: DocumentKind, tree: nodes.Template, env: SandboxedEnvironment
) -> list[str]:
    """Names the kind does not provide: ``{{ supplir }}``, ``{{ supplier.nme }}``,
    ``{{ line.prix }}`` inside a loop over the order lines. A loop's own variable is not one."""
    unknown = set(meta.find_undeclared_variables(tree)) - kind.names() - set(env.globals)
    # Each loop's variable stands for an item of the list it goes over.
    items: dict[str, Placeholder] = {}
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.iter, nodes.Name) and isinstance(loop.target, nodes.Name):
            over = kind.placeholder(loop.iter.name)
            if over is not None and over.is_list:
                items[loop.target.name] = over
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        subject = getattr(node, "node", None)
        if not isinstance(subject, nodes.Name):
            continue
        key = getattr(node, "arg", None)
        if isinstance(node, nodes.Getattr):
            attribute = node.attr
        elif isinstance(key, nodes.Const) and isinstance(key.value, str):
            attribute = key.value
        else:
            continue
        name = subject.name
        owner = items.get(name) or kind.placeholder(name)
        if owner is None or (owner.is_list and name not in items):
            continue  # an unknown name already counted, or a list's own methods
        if attribute not in owner.field_names():
            unknown.add(f"{name}.{attribute}")
    return sorted(unknown)


# -- Versions ----------------------------------------------------------------------------------


def _lock_kind(kind: DocumentKind) -> None:
    # Two uploads at once must not both take the next number.
    with connection.cursor() as cursor:
        schema = getattr(connection, "schema_name", "public")
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"wordtemplates:{schema}:{kind.key}"]
        )


def _next_number(kind: DocumentKind) -> int:
    _lock_kind(kind)
    latest = TemplateVersion.objects.filter(kind=kind.key).aggregate(models.Max("number"))
    return int(latest["number__max"] or 0) + 1


@transaction.atomic
def upload_template(kind: DocumentKind, upload: UploadedFile, *, by: User) -> TemplateVersion:
    """A new version of the kind's template, in use from now on."""
    data = check_template(kind, upload)
    name = (upload.name or "template.docx").replace("\x00", "").replace("/", "_")
    version = TemplateVersion(
        kind=kind.key,
        number=_next_number(kind),
        name=name.replace("\\", "_")[-200:],
        size=len(data),
        uploaded_by=by,
    )
    version.file.save("template.docx", ContentFile(data), save=False)
    version.save()
    return version


@transaction.atomic
def revert_to_default(kind: DocumentKind, *, by: User) -> TemplateVersion:
    """A new version that is the default template shipped with the product."""
    return TemplateVersion.objects.create(kind=kind.key, number=_next_number(kind), uploaded_by=by)


def template_bytes(kind: DocumentKind, template: TemplateVersion | None = None) -> bytes:
    """The DOCX of ``template``, else of the version in use (the shipped default when none)."""
    version = template if template is not None else active_version(kind)
    if version is None or version.is_default:
        return kind.default_template.read_bytes()
    with version.file.open("rb") as stored:
        return bytes(stored.read())


# -- Filling in and producing ------------------------------------------------------------------


def render(
    kind: DocumentKind, context: Mapping[str, Any], template: TemplateVersion | None = None
) -> bytes:
    """The DOCX of ``template`` (the version in use by default) filled in with ``context``."""
    document = DocxTemplate(io.BytesIO(template_bytes(kind, template)))
    try:
        document.render(dict(context), jinja_env=environment(), autoescape=True)
    except TemplateError as exc:
        raise TemplateRefused(
            "template",
            _("the template could not be filled in: %(error)s") % {"error": exc.message or exc},
        ) from exc
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_pdf(
    kind: DocumentKind, context: Mapping[str, Any], template: TemplateVersion | None = None
) -> bytes:
    return pdf.to_pdf(render(kind, context, template))


def _file_name(kind: DocumentKind, target: models.Model, number: int, extension: str) -> str:
    return f"{slugify(str(kind.label))}-{slugify(str(target))[:80]}-v{number}.{extension}"


def produce(
    kind: DocumentKind,
    target: models.Model,
    context: Mapping[str, Any] | None = None,
    *,
    by: User,
) -> GeneratedDocument:
    """Fill in the kind's template in use for ``target`` (context from the kind's builder when
    none is given), attach the DOCX and its PDF to it, and record with which version.

    Synchronous: about 0.15 s with the warm converter (docs/benchmarks.md)."""
    # The kind as its app registered it, with its context builder, whichever copy is passed.
    kind = KINDS.get(kind.key, kind)
    if context is None:
        if kind.context is None:
            raise TemplateRefused("kind", _("this kind of document has no context builder"))
        context = kind.context(target)
    version = active_version(kind)
    number = version.number if version is not None else 0
    filled = render(kind, context, version)
    made = pdf.to_pdf(filled)  # outside the transaction: LibreOffice takes its time
    with transaction.atomic():
        docx_document = attach(
            target,
            SimpleUploadedFile(_file_name(kind, target, number, "docx"), filled, DOCX_MIME),
            by=by,
        )
        pdf_document = attach(
            target,
            SimpleUploadedFile(_file_name(kind, target, number, "pdf"), made, "application/pdf"),
            by=by,
        )
        return GeneratedDocument.objects.create(
            target=target,
            kind=kind.key,
            template=version,
            template_number=number,
            docx=docx_document,
            pdf=pdf_document,
            produced_by=by,
        )
