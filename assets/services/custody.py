"""Who holds a card: issued to a person, returned to the unit, transferred to another unit.
An issue and a return take effect at once (the asset officer records them); a transfer
waits for the receiving unit's head, who accepts (the card moves) or refuses it. Every
move is a ``CustodyEvent``: the card's custody history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.access import may_everywhere, may_for_instance

from ..models import Asset, CustodyEvent

CUSTODY_ACTION = "shuxiang.assets.custody"
Kind, State = CustodyEvent.Kind, CustodyEvent.State
FIXED = (Asset.Status.PENDING_DISPOSAL, Asset.Status.DISPOSED)


def require_keeper(user) -> None:
    if not may_everywhere(user, Asset, "change"):
        raise PermissionDenied(_("Only the asset officer moves assets."))


def _movable(asset: Asset) -> Asset:
    locked = Asset.objects.select_for_update().get(pk=asset.pk)
    if locked.status in FIXED:
        raise ValidationError(
            _("%(asset)s is %(status)s: it does not move.")
            % {"asset": locked, "status": locked.get_status_display()}
        )
    if locked.custody_events.filter(state=State.PENDING).exists():
        raise ValidationError(_("%(asset)s has a transfer waiting.") % {"asset": locked})
    return locked


def _record(asset: Asset, *, kind, state, to_unit, to_person, to_location, note, user):
    event = CustodyEvent.objects.create(
        asset=asset, kind=kind, state=state, from_unit_id=asset.unit_id,
        from_person_id=asset.custodian_id, to_unit=to_unit, to_person=to_person,
        to_location=to_location, note=note, requested_by=user,
        decided_by=user if state == State.DONE else None,
        decided_at=timezone.now() if state == State.DONE else None,
    )  # fmt: skip
    log(instance=asset, action=CUSTODY_ACTION, user=user,
        data={"kind": kind, "state": state, "event": event.pk})  # fmt: skip
    return event


def _move(asset: Asset, event: CustodyEvent) -> None:
    asset.unit_id = event.to_unit_id
    asset.custodian_id = event.to_person_id
    if event.to_location:
        asset.location = event.to_location
    if event.kind == Kind.ISSUE:
        asset.status = Asset.Status.IN_USE
    asset.save(update_fields=["unit", "custodian", "location", "status"])


@transaction.atomic
def issue(asset: Asset, *, person, location: str = "", note: str = "", user) -> CustodyEvent:
    """Hand the card to a person of its unit (领用): at once."""
    require_keeper(user)
    locked = _movable(asset)
    event = _record(locked, kind=Kind.ISSUE, state=State.DONE, to_unit=locked.unit,
                    to_person=person, to_location=location, note=note, user=user)  # fmt: skip
    _move(locked, event)
    return event


@transaction.atomic
def give_back(asset: Asset, *, location: str = "", note: str = "", user) -> CustodyEvent:
    """The person returns the card to the unit (退还): at once; nobody holds it."""
    require_keeper(user)
    locked = _movable(asset)
    if locked.custodian_id is None:
        raise ValidationError(_("Nobody holds %(asset)s.") % {"asset": locked})
    event = _record(locked, kind=Kind.RETURN, state=State.DONE, to_unit=locked.unit,
                    to_person=None, to_location=location, note=note, user=user)  # fmt: skip
    _move(locked, event)
    return event


@transaction.atomic
def request_transfer(
    asset: Asset, *, to_unit, to_person=None, to_location: str = "", note: str = "", user
) -> CustodyEvent:
    """Send the card to another unit: it moves when that unit's head accepts it."""
    require_keeper(user)
    locked = _movable(asset)
    if to_unit.pk == locked.unit_id:
        raise ValidationError(_("%(asset)s is already in %(unit)s.")
                              % {"asset": locked, "unit": to_unit})  # fmt: skip
    return _record(locked, kind=Kind.TRANSFER, state=State.PENDING, to_unit=to_unit,
                   to_person=to_person, to_location=to_location, note=note, user=user)  # fmt: skip


def _pending(event: CustodyEvent) -> CustodyEvent:
    locked = CustodyEvent.objects.select_for_update().select_related("asset").get(pk=event.pk)
    if locked.state != State.PENDING:
        raise ValidationError(_("This transfer is no longer waiting."))
    return locked


@transaction.atomic
def decide_transfer(event: CustodyEvent, *, accept: bool, user, note: str = "") -> CustodyEvent:
    """The receiving head accepts (the card moves into their unit) or refuses."""
    locked = _pending(event)
    if not may_for_instance(user, locked, "accept"):
        raise PermissionDenied(_("Only the receiving unit's head accepts a transfer."))
    if not accept and not note.strip():
        raise ValidationError(_("Say why the transfer is refused."))
    locked.state = State.DONE if accept else State.REFUSED
    locked.decided_by, locked.decided_at = user, timezone.now()
    if note.strip():
        locked.note = f"{locked.note}；{note.strip()}" if locked.note else note.strip()
    locked.save(update_fields=["state", "decided_by", "decided_at", "note"])
    if accept:
        asset = Asset.objects.select_for_update().get(pk=locked.asset_id)
        _move(asset, locked)
    log(instance=locked.asset, action=CUSTODY_ACTION, user=user,
        data={"kind": locked.kind, "state": locked.state, "event": locked.pk})  # fmt: skip
    return locked


@transaction.atomic
def withdraw_transfer(event: CustodyEvent, *, user) -> CustodyEvent:
    """The asset officer takes back a transfer not yet accepted."""
    require_keeper(user)
    locked = _pending(event)
    locked.state, locked.decided_by, locked.decided_at = State.CANCELLED, user, timezone.now()
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    return locked
