"""The public site's HTTP: a cache of the pages Wagtail serves to visitors without a session."""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from wagtail.views import serve as wagtail_serve

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
