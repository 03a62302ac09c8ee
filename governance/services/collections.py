"""The Wagtail collections roles work in: the website's media (editors) and the private
collections whose files only some roles may open (view restrictions by group)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

WEBSITE_COLLECTION = "网站资料"
EVIDENCE_COLLECTION = "规划佐证材料"
CERTIFICATE_COLLECTION = "职工证书"
MEDIA_PERMS = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)
DOCUMENT_PERMS = (
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)
EVIDENCE_ROLES = ("planning", "leadership", "department_head", "administrator")


def website_collection(root=None):
    """The collection of the public website's images and documents."""
    from wagtail.models import Collection

    root = root or Collection.get_first_root_node()
    found = root.get_children().filter(name=WEBSITE_COLLECTION).first()
    return found or root.add_child(name=WEBSITE_COLLECTION)


def restricted_collection(name: str, role_keys: tuple[str, ...]):
    """A collection under the root whose files only these roles may download (a Wagtail
    view restriction by group)."""
    from wagtail.models import Collection, CollectionViewRestriction

    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=name).first()
    if collection is None:
        collection = root.add_child(name=name)
    restriction, _created = CollectionViewRestriction.objects.get_or_create(
        collection=collection, defaults={"restriction_type": CollectionViewRestriction.GROUPS}
    )
    restriction.groups.add(*Group.objects.filter(role__key__in=role_keys))
    return collection


def evidence_collection():
    """The private collection of progress-report evidence: the roles working on the plan."""
    return restricted_collection(EVIDENCE_COLLECTION, EVIDENCE_ROLES)


@transaction.atomic
def setup_collections(groups: dict[str, Group]) -> None:
    """Editors get media permissions on the website's collection (not the root, which
    also holds private documents); HR files staff certificates (scans often show ID
    numbers) in a collection only HR may open."""
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
    certificates = restricted_collection(CERTIFICATE_COLLECTION, ("hr", "administrator"))
    for perm in permissions_named(DOCUMENT_PERMS):
        GroupCollectionPermission.objects.get_or_create(
            group=groups["hr"], collection=certificates, permission=perm
        )
