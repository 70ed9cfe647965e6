"""The catalogue of referenced consumables and accessories, and what people keep of it.

A product is bought under a market (and one of its lots) from a supplier, with its internal code
(the purchasing system's key, unique), the supplier's own reference, a family, a unit and a unit
price. The device models it fits are central UUIDs, like a lot's (``tenants.markets``): the
tenant mirrors models only on use, and the catalogue says it uses them
(``tenants.catalogue.apps.fitted_models``) so that the sync subscribes.

Searching reads two generated columns: ``search_text`` (code, designation, supplier reference,
folded: lower case, no accents) and ``search_vector`` (the same text as a French full-text
vector). Both are computed by PostgreSQL on every write. Typos are corrected against the
vocabulary of those texts (``SearchWord``), whose words carry their trigrams.

People keep favourites and lists of products with quantities. A list belongs to its owner, who
may share it with an UF (everyone whose grants cover that UF sees it) or with named people, each
share read-only or with the right to edit its items.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models import Func, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from saas.labels import folded_search_expression
from tenants.markets.models import Lot, Market, Supplier
from tenants.structure.models import FunctionalUnit

SEARCHED_FIELDS = ("code", "designation", "supplier_reference")


def photo_upload_path(product: Product, filename: str) -> str:
    # Uploaded files carry the tenant (DESIGN.md section 3).
    schema = getattr(connection, "schema_name", "unknown")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    # The code comes from the purchasing system's export: a slash or ".." in it must neither
    # make folders nor climb out of the tenant's (Django refuses the latter with a bare 400).
    name = re.sub(r"[^\w-]", "_", product.code[:40]) or "product"
    return f"{schema}/catalogue/{name}.{extension}"


class Family(models.Model):
    """A family of products as the purchasing system names it (Électrodes, Capteurs SpO2...)."""

    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product family")
        verbose_name_plural = _("product families")
        constraints = [models.UniqueConstraint(Upper("name"), name="catalogue_family_name_unique")]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    code = models.CharField(_("internal code"), max_length=40, unique=True)
    designation = models.CharField(_("designation"), max_length=300)
    family = models.ForeignKey(
        Family,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("family"),
    )
    supplier = models.ForeignKey(
        Supplier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("supplier"),
    )
    supplier_reference = models.CharField(_("supplier's reference"), max_length=100, blank=True)
    market = models.ForeignKey(
        Market,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("market"),
    )
    lot = models.ForeignKey(
        Lot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("lot"),
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    unit_price = models.DecimalField(
        _("unit price excl. VAT (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Central UUIDs of the device models the product fits (mirrored on use, so no foreign key).
    fits_models = ArrayField(models.UUIDField(), default=list, blank=True)
    photo = models.FileField(_("photo"), upload_to=photo_upload_path, max_length=300, blank=True)
    search_text = models.GeneratedField(
        expression=folded_search_expression(*SEARCHED_FIELDS),
        output_field=models.TextField(),
        db_persist=True,
    )
    # The two-argument to_tsvector is immutable: a generated column may hold it.
    search_vector = models.GeneratedField(
        expression=Func(
            folded_search_expression(*SEARCHED_FIELDS),
            function="to_tsvector",
            template="%(function)s('french'::regconfig, %(expressions)s)",
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["designation", "code"]
        verbose_name = _("catalogue product")
        verbose_name_plural = _("catalogue products")
        indexes = [
            GinIndex(fields=["search_vector"], name="catalogue_product_fts"),
            GinIndex(fields=["fits_models"], name="catalogue_product_fits"),
            models.Index(Upper("code"), name="catalogue_product_code_upper"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0),
                name="catalogue_product_price_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.designation}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:product_detail", args=[self.pk])


# The trigrams of a folded word as pg_trgm makes them: the word padded with two spaces before
# and one after, each run of three characters once ("gel": "  g", " ge", "gel", "el "). Plain
# SQL, so the search needs no extension (the embedded PostgreSQL has none but plpgsql).
TRIGRAMS_SQL = (
    "ARRAY(SELECT DISTINCT substr('  ' || {word} || ' ', i, 3) "
    "FROM generate_series(1, length({word}) + 1) AS i)"
)


class SearchWord(models.Model):
    """A word of the catalogue's searched texts, folded, with its trigrams: a query's typos are
    corrected against this vocabulary by trigram similarity (a few thousand words, not 200,000
    rows), then searched in full text. Refilled by each import (``tenants.catalogue.imports``)."""

    word = models.CharField(max_length=100, primary_key=True)
    trigrams = ArrayField(models.TextField(), default=list)

    class Meta:
        indexes = [GinIndex(fields=["trigrams"], name="catalogue_word_trigrams")]

    def __str__(self) -> str:
        return self.word


def refresh_vocabulary() -> None:
    """Add the words of the products' search texts the vocabulary lacks: letters only, three
    or more (codes and references, with their digits, are typed exactly, never misspelt)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalogue_searchword (word, trigrams) "
            f"SELECT w, {TRIGRAMS_SQL.format(word='w')} FROM ("
            "SELECT DISTINCT w FROM catalogue_product, "
            "regexp_split_to_table(search_text, '[^a-z0-9]+') AS w "
            "WHERE w ~ '^[a-z]{3,100}$') AS words ON CONFLICT DO NOTHING"
        )


class Favourite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="catalogue_favourites"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="favourites")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("favourite product")
        verbose_name_plural = _("favourite products")
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="catalogue_favourite_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ★ {self.product}"


class ProductList(models.Model):
    name = models.CharField(_("name"), max_length=150)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="catalogue_lists",
        verbose_name=_("owner"),
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product list")
        verbose_name_plural = _("product lists")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:list_detail", args=[self.pk])


class ListShare(models.Model):
    """A list shared with an UF (everyone whose grants cover it) or with one person."""

    product_list = models.ForeignKey(ProductList, on_delete=models.CASCADE, related_name="shares")
    uf = models.ForeignKey(
        FunctionalUnit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("UF"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    can_edit = models.BooleanField(_("may edit the items"), default=False)

    class Meta:
        verbose_name = _("list share")
        verbose_name_plural = _("list shares")
        constraints = [
            models.CheckConstraint(
                condition=Q(uf__isnull=True, user__isnull=False)
                | Q(uf__isnull=False, user__isnull=True),
                name="catalogue_share_one_target",
            ),
            models.UniqueConstraint(
                fields=["product_list", "uf"],
                condition=Q(uf__isnull=False),
                name="catalogue_share_uf_unique",
            ),
            models.UniqueConstraint(
                fields=["product_list", "user"],
                condition=Q(user__isnull=False),
                name="catalogue_share_user_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_list} → {self.uf or self.user}"


class ListItem(models.Model):
    product_list = models.ForeignKey(ProductList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="list_items", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["product__designation"]
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        constraints = [
            models.UniqueConstraint(
                fields=["product_list", "product"], name="catalogue_item_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="catalogue_item_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product}"


track(Family, Product, ProductList, ListShare, ListItem, Favourite)
