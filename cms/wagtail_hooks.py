"""The website's registrations: the disclosure catalogue, the disclosure register, the
home-page panel, the refusal to delete what the register must keep, and the guard on
attachments of unpublished disclosures."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy
from governance.access.viewsets import ScopedModelViewSet
from governance.views.panels import edits_pages

from .models import (
    AnnualReportAttachment,
    AnnualReportPage,
    DisclosureAttachment,
    DisclosureCategory,
    DisclosurePage,
)
from .views import DisclosureRegisterView, WebsitePanel


class DisclosureCategoryViewSet(ScopedModelViewSet):
    """The disclosure catalogue: its classes and their codes (in every index number)."""

    model = DisclosureCategory
    name = "cms_disclosurecategory"
    icon = "folder-open-inverse"
    menu_label = _("Disclosure catalogue")
    menu_order = 260
    add_to_admin_menu = True
    disabled_views = ("copy", "delete")  # disclosures point at them
    list_display = ["code", "name", "order"]
    list_filter: list[str] = []
    search_fields = ["name", "code"]
    form_fields = ["code", "name", "order"]


# The catalogue is the whole site's: global roles only.
register_permission_policy(
    DisclosureCategory, ScopedPermissionPolicy(DisclosureCategory, unit_field=None)
)


@hooks.register("register_admin_viewset")
def register_disclosure_catalogue():
    return DisclosureCategoryViewSet()


@hooks.register("register_admin_urls")
def register_disclosure_register():
    return [
        path("disclosures/register/", DisclosureRegisterView.as_view(),
             name="cms_disclosure_register"),
        path("disclosures/register/results/", DisclosureRegisterView.as_view(results_only=True),
             name="cms_disclosure_register_results"),
    ]  # fmt: skip


class PageEditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return edits_pages(request.user)


@hooks.register("register_admin_menu_item")
def register_disclosure_register_menu_item():
    return PageEditorsMenuItem(
        _("Disclosure register"), reverse("cms_disclosure_register"), icon_name="doc-full",
        order=250,
    )  # fmt: skip


@hooks.register("construct_homepage_panels")
def add_website_panel(request, panels_list):
    if edits_pages(request.user):
        panels_list.append(WebsitePanel())


@hooks.register("before_delete_page")
def keep_the_record(request, page):
    """A disclosure or an annual report is withdrawn (unpublished), never deleted: the
    register keeps it, with its index number. Nor is a page above one deleted."""
    kept = (DisclosurePage, AnnualReportPage)
    below = any(model.objects.descendant_of(page, inclusive=True).exists() for model in kept)
    if below:
        messages.error(
            request,
            _("Disclosures and annual reports stay on record: unpublish to withdraw one."),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_serve_document")
def hide_unpublished_attachments(document, request):
    """An attachment of disclosures or annual reports none of which is published is not
    public yet: only those who edit or approve the site's pages may open it."""
    if request.user.is_authenticated and edits_pages(request.user):
        return None
    holders = [m.objects.filter(document=document) for m in (DisclosureAttachment,
                                                             AnnualReportAttachment)]  # fmt: skip
    if any(h.exists() for h in holders) and not any(
        h.filter(page__live=True).exists() for h in holders
    ):
        raise Http404
    return None
