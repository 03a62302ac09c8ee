"""Sign-in throttling on django-axes: the hooks axes calls — the client's address, and
the sign-in page shown to a locked-out user (settings ``AXES_*_CALLABLE``)."""

import ipaddress

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the one our proxies put in X-Forwarded-For.

    With ``SHUXIANG_PROXY_COUNT = n`` the client is the n-th address from the right; the
    ones to its left were sent by the client and prove nothing.
    """
    count = settings.SHUXIANG_PROXY_COUNT
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    cool_off = get_cool_off()
    if cool_off:
        minutes = max(1, round(cool_off.total_seconds() / 60))
        return ngettext(
            "Too many failed sign-in attempts: this account cannot sign in from your address "
            "for %(minutes)d minute. Try again later, or ask an administrator to unlock it.",
            "Too many failed sign-in attempts: this account cannot sign in from your address "
            "for %(minutes)d minutes. Try again later, or ask an administrator to unlock it.",
            minutes,
        ) % {"minutes": minutes}
    return _(
        "Too many failed sign-in attempts: this account cannot sign in from your address "
        "until an administrator unlocks it."
    )


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The sign-in page that was about to be shown, with the lockout as its only error.

    ``original_response`` is the login view's own response (Wagtail's admin sign-in page, or
    any other ``LoginView``), so the user stays on the page they know, in their language.
    """
    message = lockout_message()
    status = settings.AXES_HTTP_RESPONSE_CODE
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    template_name = getattr(original_response, "template_name", None)
    if form is None or not template_name:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    form.errors.clear()  # "wrong password" would only invite another try
    form.add_error(None, message)
    # Rendered here: axes calls this from a middleware, after the view's rendering step.
    return TemplateResponse(request, template_name, context, status=status).render()
