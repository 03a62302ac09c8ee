"""Disposals (资产处置): the asset officer drafts one (type, grounds, the collective
decision, an appraisal where the type needs one, proceeds, the cards) and submits it —
the cards are then 待处置 and the approval level follows from their original value
(thresholds are settings); leadership records the approval (with its reference: the
library's own, or the supervising or finance bureau's reply) and the cards are disposed
of, never deleted; or refuses it and the cards return to what they were."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from governance.access import may_everywhere

from ..models import Asset, Disposal, DisposalItem
from .custody import require_keeper

DISPOSAL_ACTION = "shuxiang.assets.disposal"
LEVEL_LABELS = {
    "library": gettext_lazy("The library (collective decision)"),
    "supervisor": gettext_lazy("The supervising department"),
    "finance_bureau": gettext_lazy("The finance bureau"),
}
State = Disposal.State


def approval_level(value: Decimal) -> str:
    """Who approves a disposal of this original value (SHUXIANG_DISPOSAL_LEVELS)."""
    for key, limit in settings.SHUXIANG_DISPOSAL_LEVELS:
        if limit is None or value <= Decimal(str(limit)):
            return str(LEVEL_LABELS.get(key, key))
    return str(LEVEL_LABELS.get(settings.SHUXIANG_DISPOSAL_LEVELS[-1][0]))


def needs_appraisal(kind: str) -> bool:
    return kind in settings.SHUXIANG_DISPOSAL_APPRAISAL_KINDS


@transaction.atomic
def draft(*, numbers, user, **fields) -> Disposal:
    """A draft disposal of the cards numbered ``numbers`` (each on the books)."""
    require_keeper(user)
    numbers = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not numbers:
        raise ValidationError(_("List the asset numbers to dispose of."))
    cards = {a.number: a for a in Asset.objects.filter(number__in=numbers)}
    unknown = [n for n in numbers if n not in cards]
    if unknown:
        raise ValidationError(_("Not on the books: %(numbers)s.") % {"numbers": "、".join(unknown)})
    gone = [n for n in numbers if cards[n].status in (Asset.Status.DISPOSED,
                                                      Asset.Status.PENDING_DISPOSAL)]  # fmt: skip
    if gone:
        raise ValidationError(
            _("Already disposed of or awaiting disposal: %(numbers)s.")
            % {"numbers": "、".join(gone)}
        )
    disposal = Disposal.objects.create(created_by=user, **fields)
    DisposalItem.objects.bulk_create(
        DisposalItem(disposal=disposal, asset=cards[n], status_before=cards[n].status)
        for n in numbers
    )
    disposal.value = sum((cards[n].original_value for n in numbers), Decimal(0))
    disposal.save(update_fields=["value"])
    return disposal


@transaction.atomic
def submit(disposal: Disposal, *, user) -> Disposal:
    """Send for approval: checks, the level by value; the cards become 待处置."""
    require_keeper(user)
    locked = Disposal.objects.select_for_update().get(pk=disposal.pk)
    if locked.state not in (State.DRAFT, State.REFUSED):
        raise ValidationError(_("%(disposal)s is not a draft.") % {"disposal": locked})
    problems = []
    if not locked.decision_ref.strip():
        problems.append(_("Give the collective decision (meeting minutes or number)."))
    if needs_appraisal(locked.kind) and not locked.appraisal_ref.strip():
        problems.append(
            _("A disposal by %(kind)s needs an asset appraisal report.")
            % {"kind": locked.get_kind_display()}
        )
    if problems:
        raise ValidationError(problems)
    cards = Asset.objects.filter(pk__in=locked.items.values("asset"))
    busy = cards.filter(status__in=[Asset.Status.DISPOSED, Asset.Status.PENDING_DISPOSAL])
    if busy.exists():
        raise ValidationError(
            _("Already disposed of or awaiting disposal: %(numbers)s.")
            % {"numbers": "、".join(busy.values_list("number", flat=True))}
        )
    value = cards.aggregate(total=Sum("original_value"))["total"] or 0
    locked.value = Decimal(value).quantize(Decimal("0.01"))
    locked.level = approval_level(locked.value)
    locked.state = State.SUBMITTED
    locked.save(update_fields=["value", "level", "state"])
    # The status each card goes back to if the disposal is refused.
    status = Asset.objects.filter(pk=OuterRef("asset_id")).values("status")[:1]
    locked.items.update(status_before=Subquery(status))
    cards.update(status=Asset.Status.PENDING_DISPOSAL)
    log(instance=locked, action=DISPOSAL_ACTION, user=user, data={"step": "submitted"})
    return locked


@transaction.atomic
def decide(disposal: Disposal, *, approve: bool, reference: str, user) -> Disposal:
    """Leadership approves (with the approval's reference) or refuses (with the reason)."""
    if not may_everywhere(user, Disposal, "approve"):
        raise PermissionDenied(_("Only the library's leadership records a disposal's approval."))
    locked = Disposal.objects.select_for_update().get(pk=disposal.pk)
    if locked.state != State.SUBMITTED:
        raise ValidationError(_("%(disposal)s is not awaiting approval.") % {"disposal": locked})
    if not reference.strip():
        raise ValidationError(
            _("Give the approval's reference.") if approve else _("Say why it is refused.")
        )
    today = timezone.localdate()
    locked.state = State.APPROVED if approve else State.REFUSED
    locked.approval_ref, locked.decided_by, locked.decided_on = reference.strip(), user, today
    locked.save(update_fields=["state", "approval_ref", "decided_by", "decided_on"])
    items = list(locked.items.all())
    if approve:
        Asset.objects.filter(pk__in=[i.asset_id for i in items]).update(
            status=Asset.Status.DISPOSED, disposed_on=today
        )
    else:
        for status in {i.status_before for i in items}:
            Asset.objects.filter(
                pk__in=[i.asset_id for i in items if i.status_before == status]
            ).update(status=status)
    log(instance=locked, action=DISPOSAL_ACTION, user=user,
        data={"step": locked.state, "reference": locked.approval_ref})  # fmt: skip
    return locked
