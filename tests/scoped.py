"""A reusable check that a scoped viewset lets nothing out of scope through a URL."""

from io import BytesIO

from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

OBJECT_URLS = ("edit", "delete", "inspect", "history", "history_results", "usage", "copy")


def object_urls(namespace, obj):
    """Every generated URL of the viewset that names ``obj``."""
    urls = {}
    for name in OBJECT_URLS:
        try:
            urls[name] = reverse(f"{namespace}:{name}", args=[obj.pk])
        except NoReverseMatch:
            continue  # that view is switched off for this viewset
    return urls


def assert_out_of_scope(client, namespace, obj, *, marker):
    """As the logged-in user, every object URL (GET and POST) is 403/404, the index and
    its export do not show ``marker`` (a text unique to ``obj``), and nothing changed."""
    before = type(obj)._default_manager.filter(pk=obj.pk).values().first()
    urls = object_urls(namespace, obj)
    # Every viewset has history and usage; edit, delete, inspect and copy where enabled.
    assert {"history", "usage"} <= set(urls), urls
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code in (403, 404), f"GET {name} {url}: {response.status_code}"
        response = client.post(url, {})
        assert response.status_code in (403, 404), f"POST {name} {url}: {response.status_code}"
    index = client.get(reverse(f"{namespace}:index"))
    if index.status_code == 200:
        assert marker not in index.content.decode(), "index lists the out-of-scope row"
        results = client.get(reverse(f"{namespace}:index_results"), {"q": marker})
        # The query is echoed back on the page, so look for the row's own links instead.
        html = results.content.decode()
        assert not any(url in html for url in urls.values()), "search finds the out-of-scope row"
        export = client.get(reverse(f"{namespace}:index"), {"export": "xlsx"})
        assert export.status_code == 200
        sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
        cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
        assert marker not in cells, "export contains the out-of-scope row"
    else:
        assert index.status_code in (302, 403), index.status_code
    after = type(obj)._default_manager.filter(pk=obj.pk).values().first()
    assert after == before, "an out-of-scope request changed the row"
