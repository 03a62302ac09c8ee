"""A card's photos and documents, kept in private storage."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.db import transaction

from ..models import Asset, AssetFile
from .custody import require_keeper


@transaction.atomic
def attach_file(asset: Asset, upload, *, kind: str, user) -> AssetFile:
    """Keep ``upload`` (checked by the form: type, size, content) with the card. Its type
    comes from the checked suffix, not from what the browser says."""
    require_keeper(user)
    name = PurePath(upload.name).name[:255]
    return AssetFile.objects.create(
        asset=asset,
        kind=kind,
        file=upload,
        name=name,
        size=upload.size,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        uploaded_by=user,
    )
