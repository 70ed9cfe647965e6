"""Read queries of the catalogue: the search, a person's favourites and the lists they see.

The search ranks the exact internal code first, then the French full-text rank (stemmed, so
"électrodes" finds "Électrode"); typos ("electorde") are forgiven by trigram similarity.
Accents and case never matter: the query is folded as the searched columns are
(``saas.labels.fold``). A row is found when its code is the query or when its full-text vector
holds every word of the query, each as a prefix (results come as one types). When none does,
each word is corrected against the catalogue's vocabulary by trigrams (``SearchWord``) and
searched again, the products holding the closest words first: trigram-matching a few thousand
words is instant where matching 200,000 designations costs a second. The trigrams are pg_trgm's,
computed in plain SQL and held in a GIN-indexed array (``SearchWord.trigrams``): no extension.

A list is seen by its owner, by the people it is shared with, and by everyone whose grants
cover an UF it is shared with (its requesters, its pôle's head, the roles that cover the whole
hospital); it is edited by its owner and by those of its shares that allow editing. Only the
owner shares it, renames it or deletes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Upper

from saas.labels import search_words
from tenants.access.permissions import Action, scope_filter
from tenants.accounts.models import User
from tenants.catalogue.models import (
    TRIGRAMS_SQL,
    Favourite,
    ListItem,
    ListShare,
    Product,
    ProductList,
)
from tenants.structure.models import FunctionalUnit

PAGE_SIZE = 25
# Results are counted up to this many ("more than 1,000"): counting 20,000 matches costs more
# than finding the first page.
MAX_COUNTED = 1000
# Vocabulary words close enough to a typed word to be searched for it (pg_trgm's similarity:
# trigrams shared over trigrams of either): "electorde" is 0.43 from "electrode", "circiut"
# 0.33 from "circuit".
TYPO_THRESHOLD = 0.3
CORRECTIONS_PER_WORD = 3
MAX_QUERY_LENGTH = 200
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Filters:
    supplier: int | None = None
    market: int | None = None
    family: int | None = None
    favourites_of: User | None = None


@dataclass
class SearchPage:
    products: list[Product]
    total: int  # up to MAX_COUNTED
    page: int
    pages: int
    more: bool = False  # more than MAX_COUNTED found
    corrected: bool = False  # found by correcting typos


def filtered(filters: Filters) -> QuerySet[Product]:
    products = Product.objects.all()
    if filters.supplier:
        products = products.filter(supplier_id=filters.supplier)
    if filters.market:
        products = products.filter(market_id=filters.market)
    if filters.family:
        products = products.filter(family_id=filters.family)
    if filters.favourites_of is not None:
        products = products.filter(
            Exists(Favourite.objects.filter(user=filters.favourites_of, product=OuterRef("pk")))
        )
    return products


def query_tokens(query: str) -> list[str]:
    """The folded words and numbers of a query ("Électrode ECG-5" -> electrode, ecg, 5)."""
    return [t for word in search_words(query[:MAX_QUERY_LENGTH]) for t in _TOKEN.findall(word)]


_TOKEN_TRIGRAMS = TRIGRAMS_SQL.format(word="%(token)s::text")
_CORRECTIONS_SQL = f"""
SELECT word FROM (
    SELECT word, shared / (cardinality(trigrams) + cardinality({_TOKEN_TRIGRAMS}) - shared)
        AS similarity
    FROM (
        SELECT word, trigrams, (
            SELECT count(*) FROM unnest(trigrams) AS t WHERE t = ANY({_TOKEN_TRIGRAMS})
        )::float AS shared
        FROM catalogue_searchword
        WHERE trigrams && {_TOKEN_TRIGRAMS} AND word <> %(token)s
    ) AS candidates
) AS scored
WHERE similarity >= %(threshold)s
ORDER BY similarity DESC, word
LIMIT %(limit)s
"""


def corrections(token: str) -> list[str]:
    """The vocabulary's words closest to a (mistyped) word, closest first."""
    if len(token) < 3 or not token.isalpha():
        return []  # codes and references are typed exactly (the vocabulary holds words)
    with connection.cursor() as cursor:
        cursor.execute(
            _CORRECTIONS_SQL,
            {"token": token, "threshold": TYPO_THRESHOLD, "limit": CORRECTIONS_PER_WORD},
        )
        return [word for (word,) in cursor.fetchall()]


def _matching(products: QuerySet[Product], code: str, tsquery_text: str) -> QuerySet[Product]:
    tsquery = SearchQuery(tsquery_text, config="french", search_type="raw")
    return (
        products.annotate(code_upper=Upper("code"))
        .filter(Q(code_upper=code) | Q(search_vector=tsquery))
        .annotate(
            exact=Case(
                When(code_upper=code, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            rank=SearchRank(F("search_vector"), tsquery),
        )
    )


def _count(found: QuerySet[Product]) -> int:
    return found.order_by()[: MAX_COUNTED + 1].count()


@dataclass(frozen=True)
class _Found:
    products: QuerySet[Product]
    tokens: list[str]
    # When the words as typed found nothing: the closest vocabulary word of each, searched
    # with the others, whose products come first among equals.
    closest: str = ""

    @property
    def corrected(self) -> bool:
        return bool(self.closest)


def _search(query: str, filters: Filters | None) -> _Found:
    """The matches (unordered), the query's words and, if typos were corrected, the closest."""
    products = filtered(filters or Filters())
    tokens = query_tokens(query)
    if not tokens:
        return _Found(products, tokens)
    code = query.replace("\x00", "").strip().upper()[:MAX_QUERY_LENGTH]
    found = _matching(products, code, " & ".join(f"{t}:*" for t in tokens))
    if found.exists():
        return _Found(found, tokens)
    corrected = {t: corrections(t) for t in tokens}
    alternatives = [" | ".join([f"{t}:*"] + [f"{w}:*" for w in corrected[t]]) for t in tokens]
    closest = " | ".join(f"{(corrected[t] or [t])[0]}:*" for t in tokens)
    products = _matching(products, code, " & ".join(f"({a})" for a in alternatives))
    return _Found(products, tokens, closest)


def _best_first(found: _Found) -> QuerySet[Product]:
    if not found.tokens:
        return found.products.order_by("designation", "code")
    if found.corrected:
        # Among what the corrected words found, what holds the words closest to those typed.
        closest = SearchRank(
            F("search_vector"), SearchQuery(found.closest, config="french", search_type="raw")
        )
        return found.products.annotate(closest=closest).order_by(
            "-exact", "-closest", "-rank", "pk"
        )
    return found.products.order_by("-exact", "-rank", "designation", "pk")


def search_products(query: str, filters: Filters | None = None) -> QuerySet[Product]:
    """The products matching ``query`` within the filters, best first.

    Every word must match, as a prefix, in full text (French stems, no accents). When nothing
    does, each word is searched with the vocabulary's closest words too ("electorde" with
    "electrode"), and the results holding the closest words come first among equals."""
    return _best_first(_search(query, filters))


def search_page(query: str, filters: Filters | None = None, page: int = 1) -> SearchPage:
    """One page of results, and how many there are (up to MAX_COUNTED).

    Beyond MAX_COUNTED matches ("electrode" in a catalogue of 200,000), ranking them all would
    read every one; the page then says to add a word or a filter, and shows the product whose
    code is the query first, then the others in the catalogue's order, read only as far as the
    page needs."""
    searched = _search(query, filters)
    found, tokens = searched.products, searched.tokens
    counted = _count(found)
    more = counted > MAX_COUNTED
    total = min(counted, MAX_COUNTED)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * PAGE_SIZE
    related = ("supplier", "market", "lot", "family")
    if more and tokens:
        # By the code's own index, not the ``exact`` flag (computed for every match).
        code = query.replace("\x00", "").strip().upper()[:MAX_QUERY_LENGTH]
        exact = list(found.filter(code_upper=code).select_related(*related)[:1])  # type: ignore[misc]
        rest = found.exclude(pk__in=[p.pk for p in exact]).order_by("pk")
        if page == 1:
            products = exact + list(rest.select_related(*related)[: PAGE_SIZE - len(exact)])
        else:
            first = start - len(exact)
            products = list(rest.select_related(*related)[first : first + PAGE_SIZE])
    else:
        ordered = _best_first(searched)
        products = list(ordered.select_related(*related)[start : start + PAGE_SIZE])
    return SearchPage(products, total, page, pages, more, searched.corrected)


def favourite_ids(user: User, products: list[Product]) -> set[int]:
    return set(
        Favourite.objects.filter(user=user, product__in=products).values_list(
            "product_id", flat=True
        )
    )


def ufs_of(user: User) -> QuerySet[FunctionalUnit]:
    """The UF the person's grants cover: lists shared with them reach the person."""
    return FunctionalUnit.objects.filter(scope_filter(user, Action.SEARCH_CATALOGUE, ""))


def _shared_with(user: User, *, editing: bool) -> Q:
    shares = ListShare.objects.filter(
        Q(user=user) | Q(uf__in=ufs_of(user)), product_list=OuterRef("pk")
    )
    if editing:
        shares = shares.filter(can_edit=True)
    return Q(Exists(shares))


def lists_for(user: User) -> QuerySet[ProductList]:
    """The lists the person sees: their own and those shared with them or their UF."""
    if not user.is_authenticated:
        return ProductList.objects.none()
    return (
        ProductList.objects.filter(Q(owner=user) | _shared_with(user, editing=False))
        .select_related("owner")
        .annotate(item_count=Count("items"))
        .order_by("name", "pk")
    )


def may_edit(user: User, product_list: ProductList) -> bool:
    if product_list.owner_id == user.pk:
        return True
    return ProductList.objects.filter(_shared_with(user, editing=True), pk=product_list.pk).exists()


def editable_lists(user: User) -> QuerySet[ProductList]:
    """The lists a product may be added to by this person."""
    return ProductList.objects.filter(Q(owner=user) | _shared_with(user, editing=True)).order_by(
        "name", "pk"
    )


def items_of(product_list: ProductList) -> QuerySet[ListItem]:
    return product_list.items.select_related("product", "product__supplier").order_by(
        "product__designation", "product__code"
    )


def shares_of(product_list: ProductList) -> QuerySet[ListShare]:
    return product_list.shares.select_related("uf", "user").order_by("uf__code", "user__email")


def fitted_models_of(product: Product) -> list[Any]:
    """The device models the product fits that the mirror holds, by name; the others by UUID."""
    from tenants.mirror.models import ReferenceDeviceModel

    known = {
        str(m.uuid): m
        for m in ReferenceDeviceModel.objects.filter(uuid__in=product.fits_models).select_related(
            "manufacturer"
        )
    }
    return [known.get(str(u), str(u)) for u in product.fits_models]
