"""The asset ledger's actions beyond the generic screens: post a month's depreciation
(GET shows the month, last month by default) and reverse the latest month; import a
ledger; move a card (issue, return, transfer) and decide a transfer; attach and download
a card's files. The access API fetches every row (out of scope: 404); a refusal comes
back as a message, nothing changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin import messages
from wagtail.admin.ui.components import Component

from governance.access import get_for_action_or_404, may_for_instance, require, visible
from governance.models import OrgUnit
from governance.params import pk_or_none, year_or_none
from governance.views.actions import run_action
from reporting.imports import ImportFailed
from reporting.organisation import organisation_name
from reporting.responses import pdf_response, private_file_response, xlsx_response

from . import documents, services
from .forms import (
    AssetFileForm,
    CorrectionForm,
    CountForm,
    DecideForm,
    DecisionForm,
    DisposalForm,
    LedgerImportForm,
    MonthForm,
    MoveForm,
    SettleForm,
    StockTakeForm,
    SurplusForm,
)
from .importers import import_cards
from .models import (
    Asset,
    AssetFile,
    CustodyEvent,
    DepreciationRun,
    Disposal,
    HoldingBatch,
    HoldingWithdrawal,
    StockTake,
)
from .selectors import (
    counting_progress,
    holdings_totals,
    home_panel,
    lines_to_count,
    waiting_transfers,
)
from .selectors import movement as movement_rows

MAX_ERRORS_SHOWN = 200


@require_http_methods(["GET", "POST"])
def post_depreciation(request):
    require(request.user, DepreciationRun, "add")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    form = MonthForm(
        request.POST or None, initial={"year": last_month.year, "month": last_month.month}
    )
    if request.method == "POST" and form.is_valid():
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        try:
            run = services.run_depreciation(year, month, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(run)s: %(cards)s cards, %(total)s yuan.")
                % {"run": run, "cards": run.cards, "total": f"{run.total:,.2f}"},
            )
            return redirect("assets_depreciationrun:inspect", run.pk)
    latest = DepreciationRun.objects.filter(live=True).order_by("-year", "-month").first()
    return TemplateResponse(
        request, "assets/post_depreciation.html", {"form": form, "latest": latest}
    )


@require_POST
def reverse_depreciation(request, pk: int):
    run = get_for_action_or_404(request.user, DepreciationRun, "view", pk=pk)
    form = CorrectionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        correction = services.reverse_run(run, user=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assets_depreciationrun:inspect", run.pk)
    messages.success(request, _("%(run)s is reversed.") % {"run": run})
    return redirect("assets_depreciationrun:inspect", correction.pk)


def run_summary_xlsx(request, pk: int):
    """A run's depreciation by account and funding source, for the accountant."""
    run = get_for_action_or_404(request.user, DepreciationRun, "view", pk=pk)
    return xlsx_response(
        documents.run_summary(run), _("Depreciation summary %(run)s") % {"run": run}
    )


@require_http_methods(["GET", "POST"])
def import_ledger(request):
    """The asset officer imports an existing ledger (the national system's export)."""
    require(request.user, Asset, "add", everywhere=True)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_cards(
                upload.name, upload.read(), user=request.user,
                charged_through=form.cleaned_data["charged_through"],
            )  # fmt: skip
        except ImportFailed as error:
            errors, status = error.errors, 400
            messages.error(request, _("Nothing was saved: correct the cells listed below."))
        else:
            messages.success(
                request, _("%(count)s cards added to the ledger.") % {"count": result.added}
            )
            return redirect("assets_asset:index")
    elif request.method == "POST":
        status = 400
    return TemplateResponse(
        request,
        "assets/import.html",
        {
            "form": form,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "more_errors": max(len(errors) - MAX_ERRORS_SHOWN, 0),
        },
        status=status,
    )


def _card(request, pk: int) -> Asset:
    return get_for_action_or_404(request.user, Asset, "view", pk=pk)


@require_POST
def move(request, pk: int, kind: str):
    """Issue the card to a person, take it back, or send it to another unit."""
    asset = _card(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        problems = " ".join(m for e in form.errors.values() for m in e)
        messages.error(request, _("Check the form: %(errors)s") % {"errors": problems})
        return redirect("assets_asset:inspect", asset.pk)
    data = form.cleaned_data
    common = {"user": request.user, "note": data["note"]}
    if kind == "issue":
        if data["person"] is None:
            messages.error(request, _("Choose the person who receives it."))
        else:
            run_action(
                request,
                lambda: services.issue(
                    asset, person=data["person"], location=data["location"], **common
                ),
                _("Issued."),
            )
    elif kind == "return":
        run_action(
            request,
            lambda: services.give_back(asset, location=data["location"], **common),
            _("Returned to the unit."),
        )
    elif data["unit"] is None:
        messages.error(request, _("Choose the receiving unit."))
    else:
        run_action(
            request,
            lambda: services.request_transfer(
                asset,
                to_unit=data["unit"],
                to_person=data["person"],
                to_location=data["location"],
                **common,
            ),
            _("Sent: it moves when the receiving unit's head accepts it."),
        )
    return redirect("assets_asset:inspect", asset.pk)


@require_POST
def decide_transfer(request, pk: int, accept: bool):
    """The receiving head accepts or refuses a transfer (not theirs to decide: 404)."""
    event = get_for_action_or_404(request.user, CustodyEvent, "accept", pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    done = run_action(
        request,
        lambda: services.decide_transfer(event, accept=accept, user=request.user, note=note),
        _("Accepted: the asset is now in your unit.") if accept else _("Refused."),
    )
    if done and accept:
        return redirect("assets_asset:inspect", event.asset_id)
    return redirect("assets_transfers")


@require_POST
def withdraw_transfer(request, pk: int):
    event = get_for_action_or_404(request.user, CustodyEvent, "change", pk=pk)
    run_action(
        request, lambda: services.withdraw_transfer(event, user=request.user), _("Withdrawn.")
    )
    return redirect("assets_asset:inspect", event.asset_id)


def transfers(request):
    """The transfers waiting for the user's acceptance."""
    require(request.user, CustodyEvent, "accept")
    return TemplateResponse(
        request, "assets/transfers.html", {"transfers": list(waiting_transfers(request.user))}
    )


@require_POST
def attach_file(request, pk: int):
    asset = get_for_action_or_404(request.user, Asset, "change", pk=pk)
    form = AssetFileForm(request.POST, request.FILES)
    if form.is_valid():
        services.attach_file(
            asset, form.cleaned_data["file"], kind=form.cleaned_data["kind"], user=request.user
        )
        messages.success(request, _("File attached."))
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return redirect("assets_asset:inspect", asset.pk)


def asset_file(request, pk: int):
    """A card's file, to those who may see the card (others: 404)."""
    row = get_for_action_or_404(request.user, AssetFile, "view", pk=pk)
    return private_file_response(row.file, row.name, row.content_type)


# -- stock-takes ---------------------------------------------------------------------------


def _stocktake(request, pk: int, action: str = "view") -> StockTake:
    return get_for_action_or_404(request.user, StockTake, action, pk=pk)


@require_http_methods(["GET", "POST"])
def stocktake_new(request):
    """The asset officer starts a campaign: units, location, deadline, counters."""
    require(request.user, StockTake, "add", everywhere=True)
    today = timezone.localdate()
    name = _("%(year)s annual stock-take") % {"year": today.year}
    form = StockTakeForm(request.POST or None, initial={"year": today.year, "name": name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stocktake = services.open_stocktake(
                name=data["name"],
                year=data["year"],
                units=data["units"],
                location=data["location"],
                ends_on=data["ends_on"],
                counters=data["counters"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s: %(count)s cards to count.")
                % {"name": stocktake, "count": stocktake.lines.count()},
            )
            return redirect("assets_stocktake:inspect", stocktake.pk)
    return TemplateResponse(request, "assets/stocktake_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def label(request, number: str):
    """What a label's QR code opens. For a counter of a campaign counting the asset: the
    asset and the buttons to count it (a phone's page); for anyone else who may see the
    card: the card; for the rest: 404."""
    asset = get_object_or_404(Asset.objects.select_related("unit__library"), number=number)
    lines = list(lines_to_count(request.user, asset))
    if not lines:
        if may_for_instance(request.user, asset, "view"):
            return redirect("assets_asset:inspect", asset.pk)
        raise Http404
    if request.method == "POST":
        form = CountForm(request.POST)
        line = None
        if form.is_valid():
            line = next((x for x in lines if x.pk == form.cleaned_data["line"]), None)
        if line is None:
            raise Http404
        data = form.cleaned_data
        counted = run_action(
            request,
            lambda: services.count(
                line,
                here=data["action"] == "here",
                damaged=data["damaged"],
                found_location=data["found_location"],
                note=data["note"],
                user=request.user,
            ),
            _("%(number)s counted.") % {"number": asset.number},
        )
        if counted:
            return redirect("assets_stocktake_count", line.stocktake_id)
        return redirect("assets_label", asset.number)
    return TemplateResponse(request, "assets/count.html", {"asset": asset, "lines": lines})


@require_http_methods(["GET", "POST"])
def stocktake_count(request, pk: int):
    """A counter's page for a campaign: progress, an asset number to open (when a label
    will not scan), and an item found that is not on the books."""
    stocktake = _stocktake(request, pk, "count")
    number = request.GET.get("number", "").strip()
    if number:
        return redirect("assets_label", number)
    form = SurplusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_action(
            request,
            lambda: services.record_surplus(stocktake, user=request.user, **data),
            _("Recorded as not on the books."),
        ):
            return redirect("assets_stocktake_count", stocktake.pk)
    counted, total = counting_progress(stocktake)
    return TemplateResponse(
        request,
        "assets/stocktake_count.html",
        {"stocktake": stocktake, "form": form, "counted": counted, "total": total},
    )


@require_POST
def stocktake_close(request, pk: int):
    stocktake = _stocktake(request, pk)
    run_action(
        request,
        lambda: services.close_counting(stocktake, user=request.user),
        _("Counting closed: what was not found is missing."),
    )
    return redirect("assets_stocktake:inspect", stocktake.pk)


@require_POST
def stocktake_settle(request, pk: int):
    stocktake = _stocktake(request, pk)
    form = SettleForm(request.POST)
    reference = form.cleaned_data["approval_ref"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.settle(stocktake, approval_ref=reference, user=request.user),
        _("Differences approved and booked."),
    )
    return redirect("assets_stocktake:inspect", stocktake.pk)


def stocktake_labels(request, pk: int):
    """The QR labels of a campaign's cards, in the order of the count list."""
    stocktake = _stocktake(request, pk)
    cards = (
        Asset.objects.filter(counts__stocktake=stocktake)
        .select_related("unit")
        .order_by("unit__path", "location", "number")
    )
    return pdf_response(
        documents.label_sheets(cards.iterator(chunk_size=500), organisation=organisation_name()),
        _("Asset labels %(name)s") % {"name": stocktake},
    )


def card_label(request, pk: int):
    asset = get_for_action_or_404(request.user, Asset.objects.select_related("unit"), "view", pk=pk)
    return pdf_response(
        documents.label_sheets([asset], organisation=organisation_name()),
        _("Asset label %(number)s") % {"number": asset.number},
    )


def stocktake_report(request, pk: int):
    stocktake = _stocktake(request, pk)
    return pdf_response(
        documents.stocktake_report(stocktake),
        _("Stock-take report %(name)s") % {"name": stocktake},
    )


class AssetsPanel(Component):
    """The home page's asset panel (see ``selectors.home_panel``), when it has something."""

    name = "assets"
    order = 25
    template_name = "assets/panels/assets.html"

    def __init__(self, data: dict):
        self.data = data

    def get_context_data(self, parent_context=None):
        return {"panel_id": self.name, "title": _("Assets"), **self.data}


def assets_panel(user) -> AssetsPanel | None:
    data = home_panel(user)
    if data["missing_years"] or data["counting"] or data["transfers"] or data["disposals"]:
        return AssetsPanel(data)
    return None


# -- disposals -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def disposal_new(request):
    """The asset officer drafts a disposal (the card page's link fills in its number)."""
    require(request.user, Disposal, "add", everywhere=True)
    form = DisposalForm(request.POST or None, initial={"numbers": request.GET.get("number", "")})
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "numbers"}
        try:
            disposal = services.draft(numbers=form.numbers_list(), user=request.user, **fields)
        except ValidationError as error:
            form.add_error("numbers", error)
        else:
            messages.success(
                request,
                _("%(disposal)s drafted: check it, then submit it.") % {"disposal": disposal},
            )
            return redirect("assets_disposal:inspect", disposal.pk)
    return TemplateResponse(request, "assets/disposal_new.html", {"form": form})


@require_POST
def disposal_submit(request, pk: int):
    disposal = get_for_action_or_404(request.user, Disposal, "change", pk=pk)
    run_action(
        request,
        lambda: services.submit(disposal, user=request.user),
        _("Submitted for approval: the assets await disposal."),
    )
    return redirect("assets_disposal:inspect", disposal.pk)


@require_POST
def disposal_decide(request, pk: int, approve: bool):
    disposal = get_for_action_or_404(request.user, Disposal, "approve", pk=pk)
    form = DecideForm(request.POST)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.decide(disposal, approve=approve, reference=reference, user=request.user),
        _("Approved: the assets are disposed of.") if approve else _("Refused."),
    )
    return redirect("assets_disposal:inspect", disposal.pk)


# -- holdings --------------------------------------------------------------------------------


def holdings(request):
    """The holdings by kind as of a date (today by default), for one library or all."""
    require(request.user, HoldingBatch, "view")
    as_of = parse_date(request.GET.get("as_of") or "") or timezone.localdate()
    libraries = OrgUnit.objects.filter(kind=OrgUnit.Kind.LIBRARY).filter(
        pk__in=visible(request.user, HoldingBatch).values("library")
    )
    library = pk_or_none(request.GET.get("library"))
    chosen = libraries.filter(pk=library).first() if library else None
    scope = [chosen] if chosen else visible(request.user, HoldingBatch).values("library")
    rows = holdings_totals(as_of, scope)
    return TemplateResponse(
        request,
        "assets/holdings.html",
        {
            "rows": rows,
            "as_of": as_of,
            "libraries": libraries,
            "chosen": chosen,
            "total_volumes": sum(r["volumes"] for r in rows),
            "total_amount": sum((r["amount"] for r in rows), Decimal(0)),
        },
    )


@require_POST
def approve_withdrawal(request, pk: int):
    withdrawal = get_for_action_or_404(request.user, HoldingWithdrawal, "approve", pk=pk)
    form = DecideForm(request.POST)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.approve_withdrawal(withdrawal, reference=reference, user=request.user),
        _("Approved: the withdrawal now counts."),
    )
    return redirect("assets_holdingwithdrawal:inspect", withdrawal.pk)


def movement(request):
    """The year's fixed-asset movement by category (.xlsx; last year by default)."""
    require(request.user, Asset, "view", everywhere=True)
    year = year_or_none(request.GET.get("year")) or timezone.localdate().year - 1
    return xlsx_response(
        documents.movement_xlsx(year, movement_rows(year)),
        _("Fixed-asset movement %(year)s") % {"year": year},
    )


def card_pdf(request, pk: int):
    asset = get_for_action_or_404(
        request.user, Asset.objects.select_related("category", "unit__library"), "view", pk=pk
    )
    events = asset.custody_events.select_related("from_unit__library", "to_unit__library")
    return pdf_response(
        documents.asset_card_pdf(asset, events),
        _("Asset card %(number)s") % {"number": asset.number},
    )
