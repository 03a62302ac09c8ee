"""A visitor's crawl of the demo's public site from the home page: every link answers, and
no page or PDF shows a draft, a board paper, a person of the staff or a sign-in name."""

from collections import deque
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from django.contrib.auth import get_user_model

from cms.models import DisclosurePage
from demo.loaders import load_demo
from governance.models import BoardPaper
from staffing.models import Staff
from tests.tools import pdf_text, require_poppler_cjk

pytestmark = pytest.mark.django_db

LINK_LIMIT = 400


def links(html: str, base: str) -> list[str]:
    import re

    found = []
    for href in re.findall(r'href="([^"]+)"', html):
        url, _fragment = urldefrag(urljoin(base, href.replace("&amp;", "&")))
        parsed = urlparse(url)
        if parsed.netloc not in ("", "testserver") or not parsed.path.startswith("/"):
            continue  # another site (the MIIT filing system)
        if parsed.path.startswith(("/admin/", "/static/")):
            continue
        found.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return found


def test_the_public_site_shows_no_draft_paper_or_internal_name(client):
    load_demo()
    drafts = list(DisclosurePage.objects.filter(live=False).values_list("title", flat=True))
    assert drafts, "the demo keeps a disclosure waiting for approval"
    papers = [p.title for p in BoardPaper.objects.all()]
    assert papers, "the demo has a board paper"
    people = [n for n in Staff.objects.values_list("name", flat=True) if len(n) >= 2]
    logins = list(get_user_model().objects.values_list("username", flat=True))
    secrets = [*drafts, *papers, *people, "shuxiang-demo"]

    seen, queue, pdfs = set(), deque(["/"]), 0
    while queue and len(seen) < LINK_LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("application/pdf"):
            require_poppler_cjk()
            text, pdfs = pdf_text(response.content), pdfs + 1
        else:
            text = b"".join(response).decode() if response.streaming else response.content.decode()
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{url} shows {leaked}"
        if response["Content-Type"].startswith("text/html"):
            words = set(text.replace("<", " ").replace(">", " ").replace('"', " ").split())
            assert not [login for login in logins if login in words], url
            assert "报告发布时固定" not in text, f"{url} shows draft figures"
            queue.extend(u for u in links(text, url) if u not in seen)
    assert len(seen) > 20 and pdfs >= 2  # the site, its lists and the reports' PDFs
    assert {"/disclosure/", "/annual-reports/", "/plan/", "/libraries/"} <= seen
