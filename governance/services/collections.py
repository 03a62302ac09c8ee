"""The Wagtail collection editors work in: the website's images and documents.

Private files (progress-report evidence, staff certificates) are not Wagtail documents:
any admin user may list documents through the admin API and choosers. They live in
private storage (`reporting.storages`) behind views that check the access policy."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

WEBSITE_COLLECTION = "网站资料"
MEDIA_PERMS = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)


def website_collection(root=None):
    """The collection of the public website's images and documents."""
    from wagtail.models import Collection

    root = root or Collection.get_first_root_node()
    found = root.get_children().filter(name=WEBSITE_COLLECTION).first()
    return found or root.add_child(name=WEBSITE_COLLECTION)


@transaction.atomic
def setup_collections(groups: dict[str, Group]) -> None:
    """Editors get media permissions on the website's collection (not the root)."""
    from wagtail.models import Collection, GroupCollectionPermission

    from governance.roles import permissions_named

    root = Collection.get_first_root_node()
    if root is None:
        return
    media = website_collection(root)
    media_perms = permissions_named(MEDIA_PERMS)
    for key in ("editor",):
        group = groups[key]
        GroupCollectionPermission.objects.filter(
            group=group, collection=root, permission__in=media_perms
        ).delete()
        for perm in media_perms:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=media, permission=perm
            )
