"""The appraisal's admin listings: the title rules (data the province sets, HR keeps)."""

from django.utils.translation import gettext_lazy as _

from governance.access.viewsets import ScopedModelViewSet

from .models import TitleRule


class TitleRuleViewSet(ScopedModelViewSet):
    model = TitleRule
    icon = "list-ul"
    menu_label = _("Title rules")
    add_to_admin_menu = False  # listed under 考核 (wagtail_hooks)
    disabled_views = ("copy",)
    list_display = ["level", "min_education", "from_level", "years", "note"]
    list_filter = ["level"]
    search_fields = ["note"]
    form_fields = ["series", "level", "min_education", "from_level", "years", "note"]


title_rules = TitleRuleViewSet("performance_titlerule", url_prefix="appraisals/title-rules")
