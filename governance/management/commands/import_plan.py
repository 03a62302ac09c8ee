"""Import an approved plan document (.docx or .txt) as a new draft plan."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from governance.importers.plan import PlanImportError, parse_plan_file
from governance.services.plan import import_plan


class Command(BaseCommand):
    help = (
        "Read a plan document (.docx or .txt), rebuild its outline from the Chinese "
        "numbering (一、 （一） （1） ① 1、) and save it as a draft plan. "
        "--dry-run --json prints the outline without saving."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the plan document, .docx or .txt")
        parser.add_argument("--dry-run", action="store_true", help="read only, save nothing")
        parser.add_argument("--json", action="store_true", help="print the outline as JSON")
        parser.add_argument(
            "--start-year", type=int, help="first year, when the document does not say"
        )

    def handle(self, *args, file, dry_run, start_year, **options):
        as_json = options["json"]
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        try:
            parsed = parse_plan_file(path.name, data)
        except PlanImportError as error:
            raise CommandError(f"{path.name}: {error}") from None
        if as_json:
            self.stdout.write(_dumps(parsed.to_dict()))
        else:
            self._summary(parsed)
        for warning in parsed.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if dry_run:
            return
        try:
            plan = import_plan(parsed, start_year=start_year)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            self.style.SUCCESS(
                f"Saved plan #{plan.pk} “{plan.title}” with {plan.items.count()} items."
            )
        )

    def _summary(self, parsed):
        self.stdout.write(f"{parsed.title} ({parsed.start_year}–{parsed.end_year})")

        def walk(items, depth):
            for node in items:
                self.stdout.write(f"{'  ' * depth}{node.number}{node.title}")
                walk(node.children, depth + 1)

        walk(parsed.items, 0)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
