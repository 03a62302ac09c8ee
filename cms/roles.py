"""What the website's models grant to each role (assembled by `governance.roles`)."""

GRANTS = {
    # Editors keep the disclosure catalogue and the footer's identifiers; the pages
    # themselves are Wagtail page permissions (governance.roles.RoleSpec.pages).
    "editor": (
        "cms.add_disclosurecategory",
        "cms.change_disclosurecategory",
        "cms.view_disclosurecategory",
        "cms.change_publicidentity",
    ),
}
