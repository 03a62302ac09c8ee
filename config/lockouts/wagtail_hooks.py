"""Admin registration: the lockout screen in the Settings menu and its history entry."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_lockout_urls():
    urls = [
        path("", views.LockoutIndexView.as_view(), name="index"),
        path("unlock/", views.unlock, name="unlock"),
    ]
    return [path("lockouts/", include((urls, "shuxiang_lockouts"), namespace="shuxiang_lockouts"))]


class LockoutMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_unlock(request.user)


@hooks.register("register_settings_menu_item")
def register_lockout_menu_item():
    return LockoutMenuItem(
        _("Sign-in lockouts"), reverse("shuxiang_lockouts:index"), icon_name="lock", order=660
    )


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        "shuxiang.login.unlock", _("Unlock sign-in"), _("Sign-in unlocked after failed attempts")
    )
