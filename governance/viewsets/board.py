"""The board of trustees in the back office (理事会): its trustees, meetings and resolutions.
The secretary keeps them; trustees read them, papers included; leadership reads them
without the papers. A held meeting is locked; a resolution is recorded once, never edited
(a correction is a new resolution)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup

from governance.access import may_everywhere
from governance.access.viewsets import RecordedCreateView, ScopedModelViewSet
from governance.models import BoardMeeting, Resolution, Trustee

from ..forms import BoardPaperForm, ResolutionForm
from ..selectors.board import meeting_page
from ..services.board import record_resolution


class TrusteeIndexView(ScopedModelViewSet.index_view_class):
    template_name = "governance/board/trustee_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["board"] = Trustee.objects.composition()
        return context


class TrusteeViewSet(ScopedModelViewSet):
    model = Trustee
    icon = "group"
    menu_label = _("Trustees")
    menu_order = 1
    index_view_class = TrusteeIndexView
    disabled_views = ("copy", "delete")  # a trustee who leaves keeps the record: left on
    list_display = [
        TitleColumn("name", label=_("name"), url_name="governance_trustee:inspect"),
        "category",
        "office",
        "organisation",
        "term_start",
        "term_end",
        "left_on",
    ]
    list_filter = ["category", "office"]
    search_fields = ["name", "organisation"]
    form_fields = [
        "name", "category", "office", "organisation", "appointed_by", "appointment_ref",
        "term_start", "term_end", "left_on",
    ]  # fmt: skip
    inspect_view_fields = form_fields


class MeetingInspectView(ScopedModelViewSet.inspect_view_class):
    """The meeting: its papers, who attended (recorded here), its resolutions."""

    template_name = "governance/board/meeting_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(meeting_page(self.object, self.request.user))
        context["paper_form"] = BoardPaperForm()
        return context


class BoardMeetingViewSet(ScopedModelViewSet):
    model = BoardMeeting
    icon = "calendar"
    menu_label = _("Board meetings")
    menu_order = 2
    inspect_view_class = MeetingInspectView
    disabled_views = ("copy", "delete")
    list_display = [
        TitleColumn("title", label=_("title"), url_name="governance_boardmeeting:inspect"),
        "date",
        "place",
        "state",
        "present",
        "serving",
    ]
    list_filter = ["state"]
    search_fields = ["title", "agenda"]
    form_fields = ["title", "date", "place", "agenda"]
    inspect_view_fields = ["title", "date", "place", "agenda", "state"]


class ResolutionCreateView(RecordedCreateView):
    record = staticmethod(record_resolution)


class ResolutionInspectView(ScopedModelViewSet.inspect_view_class):
    template_name = "governance/board/resolution_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_publish"] = (
            self.object.adopted
            and self.object.published_on is None
            and may_everywhere(self.request.user, Resolution, "change")
        )
        return context


class ResolutionViewSet(ScopedModelViewSet):
    model = Resolution
    icon = "doc-full"
    menu_label = _("Resolutions")
    menu_order = 3
    add_view_class = ResolutionCreateView
    inspect_view_class = ResolutionInspectView
    disabled_views = ("copy", "edit", "delete")  # recorded once; corrected by another
    list_display = [
        TitleColumn("number", label=_("number"), url_name="governance_resolution:inspect"),
        "title",
        "type",
        "meeting",
        "outcome",
        "published_on",
    ]
    list_select_related = ("meeting",)
    list_filter = ["type", "outcome"]
    search_fields = ["number", "title", "text"]
    inspect_view_fields = [
        "number", "title", "type", "meeting", "text", "party_review", "votes_for",
        "votes_against", "abstentions", "outcome", "published_on",
    ]  # fmt: skip

    def get_form_class(self, for_update=False):
        return ResolutionForm


class BoardViewSetGroup(ModelViewSetGroup):
    menu_label = _("Board of trustees")
    menu_icon = "group"
    menu_order = 250
    items = (
        TrusteeViewSet("governance_trustee", url_prefix="board/trustees"),
        BoardMeetingViewSet("governance_boardmeeting", url_prefix="board/meetings"),
        ResolutionViewSet("governance_resolution", url_prefix="board/resolutions"),
    )
