"""URLs: the Wagtail back office at /admin/, documents, and the public site at /."""

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from assets.views import asset_file
from cms.views import search as site_search
from governance.views.access import site_history
from governance.views.evidence import (
    board_paper_file,
    contribution_evidence_file,
    evidence_file,
)
from staffing.views.certificates import certificate_file

urlpatterns = [
    # Ahead of Wagtail's own: the site history is not scoped by unit (see the view).
    path("admin/reports/site-history/", site_history, name="shuxiang_site_history"),
    path(
        "admin/reports/site-history/results/",
        site_history,
        {"results_only": True},
        name="shuxiang_site_history_results",
    ),
    # Private files, ahead of the admin's login redirect: out of scope or anonymous is 404.
    path("admin/plan/evidence/<int:evidence_pk>/", evidence_file, name="plan_evidence_file"),
    path("admin/board/papers/<int:paper_pk>/", board_paper_file, name="board_paper_file"),
    path(
        "admin/plan/partner-evidence/<int:evidence_pk>/",
        contribution_evidence_file,
        name="plan_contribution_evidence_file",
    ),
    path(
        "admin/staffing/external/<int:training_pk>/certificate/",
        certificate_file,
        name="staffing_certificate_file",
    ),
    path("admin/assets/files/<int:pk>/", asset_file, name="assets_file"),
    path("admin/", include(wagtailadmin_urls)),
    # Django's default sign-in address, kept as a way to the one sign-in page there is.
    path(
        "accounts/login/",
        RedirectView.as_view(pattern_name="wagtailadmin_login", query_string=True),
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", site_search, name="cms_search"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
