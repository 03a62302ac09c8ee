"""The holdings (馆藏文献): batches are entered as they arrive; a withdrawal (剔旧) counts
only once leadership approves it (公共图书馆法 Art.28: holdings are not disposed of at will),
and is locked from then on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import may_everywhere

from ..models import HoldingWithdrawal


@transaction.atomic
def approve_withdrawal(withdrawal: HoldingWithdrawal, *, reference: str, user):
    if not may_everywhere(user, HoldingWithdrawal, "approve"):
        raise PermissionDenied(_("Only the library's leadership approves a withdrawal."))
    locked = HoldingWithdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    if locked.approved_by_id is not None:
        raise ValidationError(_("This withdrawal is already approved."))
    if not reference.strip():
        raise ValidationError(_("Give the approval's reference."))
    locked.approval_ref, locked.approved_by = reference.strip(), user
    locked.approved_on = timezone.localdate()
    locked.save(update_fields=["approval_ref", "approved_by", "approved_on"])
    return locked
