"""The public site's HTTP: a cache of the pages Wagtail serves to visitors without a
session, the site's search, and the back office's home-page panel of what is due."""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports.base import PageReportView
from wagtail.views import serve as wagtail_serve

from .models import DisclosurePage
from .services import PAGE_GENERATION_KEY

logger = logging.getLogger(__name__)

_UNCACHEABLE_CONTROL = ("private", "no-cache", "no-store", "max-age=0")


class PageCacheMiddleware:
    """Serve Wagtail's public pages from the cache to visitors who have no session.

    Only Wagtail's page view (never the admin, documents or anything else), GET/HEAD without
    a query string, and only for requests without a session or messages cookie: a signed-in
    user always has a session, and so does a visitor who passed a page's password. A page
    is stored only when it answered 200 with nothing personal in it: no cookie set, no CSRF
    token issued, no session change, no Vary, and not marked private or uncacheable (Wagtail
    marks every page with a view restriction so). Publishing empties the cache
    (cms.services.forget_cached_pages).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_cms_page_cache_key", None)
        if key is not None and request.method == "GET" and _storable(request, response):
            entry = {
                "status": response.status_code,
                "content": response.content,
                "headers": list(response.headers.items()),
            }
            try:
                cache.set(key, entry, settings.SHUXIANG_PAGE_CACHE_SECONDS)
            except Exception:  # a cache server down costs speed, never the page
                logger.exception("could not store a public page in the cache")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_serve or not _cacheable_request(request):
            return None
        try:
            key = _page_key(request)
            entry = cache.get(key)
        except Exception:
            logger.exception("could not read the public page cache")
            return None
        if entry is None:
            request._cms_page_cache_key = key
            return None
        return HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])


def _cacheable_request(request) -> bool:
    return (
        settings.SHUXIANG_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _storable(request, response) -> bool:
    control = response.get("Cache-Control", "").lower()
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and not any(word in control for word in _UNCACHEABLE_CONTROL)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
    )


def _page_key(request) -> str:
    generation = cache.get(PAGE_GENERATION_KEY)
    if generation is None:
        cache.add(PAGE_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(PAGE_GENERATION_KEY)
    where = "|".join(
        [request.scheme, request.get_host(), translation.get_language() or "", request.path]
    )
    return f"cms:page:{generation}:{hashlib.sha256(where.encode()).hexdigest()}"


def search(request):
    """The site's search: Chinese words found through their bigrams (cms.search)."""
    from django.shortcuts import render

    from .selectors import site_search

    found = site_search(request.GET.get("q", ""), page_number=request.GET.get("page"))
    return render(
        request,
        "cms/search.html",
        {"search_query": found["query"], "hits": found["hits"], "results": found["results"]},
    )


class WebsitePanel(Component):
    """For those who edit or approve the site's pages: disclosures waiting for publication
    against their 20-working-day deadline, and last year's annual report while it is not
    published (due 31 March)."""

    name = "website"
    order = 20
    template_name = "cms/panels/website.html"

    def get_context_data(self, parent_context=None):
        from .selectors import annual_report_due, waiting_disclosures

        today = timezone.localdate()
        waiting = waiting_disclosures(today)
        return {
            "panel_id": self.name,
            "title": _("Website: what is due"),
            "waiting": waiting,
            "overdue": [w for w in waiting if w.overdue],
            "report_due": annual_report_due(today),
        }


class DisclosureRegisterFilterSet(WagtailFilterSet):
    class Meta:
        model = DisclosurePage
        fields = ["category", "validity", "live"]


def _edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


class DisclosureRegisterView(PageReportView):
    """信息公开登记簿: every disclosure — published, waiting or withdrawn (unpublished) —
    with its index number, dates and validity; filtered, exported as a spreadsheet. For
    those who edit or approve the site's pages; anyone else gets 404."""

    page_title = _("Disclosure register")
    header_icon = "doc-full"
    index_url_name = "cms_disclosure_register"
    index_results_url_name = "cms_disclosure_register_results"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    filterset_class = DisclosureRegisterFilterSet
    columns = [
        Column("index_number", label=_("Index number")),
        TitleColumn("title", label=_("Title"), get_url=_edit_url),
        Column("category", label=_("Category")),
        Column("document_number", label=_("Document number")),
        Column("created_on", label=_("Created on")),
        Column("published_on", label=_("Date published")),
        Column("validity", label=_("Validity"), accessor="get_validity_display"),
        Column("status", label=_("Status"), accessor="status_string"),
    ]
    export_headings = {
        "index_number": _("Index number"),
        "title": _("Title"),
        "category": _("Category"),
        "document_number": _("Document number"),
        "issuing_body": _("Issued by"),
        "created_on": _("Created on"),
        "published_on": _("Date published"),
        "get_validity_display": _("Validity"),
        "status_string": _("Status"),
    }
    list_export = list(export_headings)

    def dispatch(self, request, *args, **kwargs):
        from governance.views.panels import edits_pages

        if not edits_pages(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self) -> str:
        return f"disclosure-register-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        self.queryset = DisclosurePage.objects.select_related("category").order_by(
            "-created_on", "-pk"
        )
        return super().get_queryset()
