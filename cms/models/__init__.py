"""The public website's pages and their records (one module per part of the site)."""

from .disclosure import (
    DisclosureAttachment,
    DisclosureCategory,
    DisclosureIndexPage,
    DisclosurePage,
    DisclosureSequence,
)
from .plan import PlanPage
from .report import PARTS, AnnualReportAttachment, AnnualReportIndexPage, AnnualReportPage
from .site import (
    Branch,
    BranchIndexPage,
    ContentPage,
    HomePage,
    LinkBlock,
    NoticeIndexPage,
    NoticePage,
    PublicIdentity,
)

__all__ = [
    "PARTS",
    "AnnualReportAttachment",
    "AnnualReportIndexPage",
    "AnnualReportPage",
    "Branch",
    "BranchIndexPage",
    "ContentPage",
    "DisclosureAttachment",
    "DisclosureCategory",
    "DisclosureIndexPage",
    "DisclosurePage",
    "DisclosureSequence",
    "HomePage",
    "LinkBlock",
    "NoticeIndexPage",
    "NoticePage",
    "PlanPage",
    "PublicIdentity",
]
