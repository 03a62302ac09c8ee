"""The lockout screen (设置 → 登录锁定): who is locked out from where, and an unlock button."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import BaseListingView

from governance.access import may_everywhere
from governance.columns import CleanColumn
from governance.people import names_by_login
from governance.selectors.lockouts import locked_logins
from governance.services.lockouts import unlock_login


def may_unlock(user) -> bool:
    """Those who manage users (the administrator role, superusers) manage their lockouts."""
    return may_everywhere(user, get_user_model(), "change")


class DateTimeColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return None
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")


class UnlockColumn(Column):
    cell_template_name = "governance/lockouts/unlock_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["csrf_token"] = get_token(parent_context["request"])
        return context


class LockoutPaginator(WagtailPaginator):
    # The rows are dicts: without this, the count would be labelled by axes' model name.
    verbose_name = gettext_lazy("lockout")
    verbose_name_plural = gettext_lazy("lockouts")


class LockoutIndexView(BaseListingView):
    page_title = gettext_lazy("Sign-in lockouts")
    header_icon = "lock"
    index_url_name = "shuxiang_lockouts:index"
    paginate_by = 50
    paginator_class = LockoutPaginator
    columns = [
        Column("username", label=gettext_lazy("User name")),
        CleanColumn("person", label=gettext_lazy("Person")),
        Column("ip_address", label=gettext_lazy("IP address")),
        Column("failures", label=gettext_lazy("Failed sign-ins")),
        DateTimeColumn("last_attempt", label=gettext_lazy("Last attempt")),
        DateTimeColumn("locked_until", label=gettext_lazy("Locked until")),
        UnlockColumn("unlock", label=""),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not may_unlock(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return locked_logins()

    def get_table(self, object_list):
        rows = list(object_list)
        names = names_by_login(row["username"] for row in rows)  # one query a page
        for row in rows:
            row["person"] = names.get(row["username"], "")
        return super().get_table(rows)

    @property
    def no_results_message(self):
        return _("Nobody is locked out.")


@require_POST
def unlock(request):
    if not may_unlock(request.user):
        raise PermissionDenied
    username = request.POST.get("username") or None
    ip_address = request.POST.get("ip_address") or None
    if unlock_login(username=username, ip_address=ip_address, user=request.user):
        messages.success(
            request,
            _("%(username)s may sign in again from %(address)s.")
            % {"username": username or "—", "address": ip_address or "—"},
        )
    else:
        messages.warning(request, _("That lockout had already ended."))
    return redirect("shuxiang_lockouts:index")
