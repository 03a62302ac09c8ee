"""``manage.py bench_performance``: finalising an annual appraisal of a library of 2,000
staff (``finalise_cycle``: the cycle locked, every person's grade set in one statement,
the history entry) beside raw SQL writing the same rows. It WRITES and commits a library
and its staff, so it refuses to run unless the database is a throwaway one (see manage.py
bench)."""

from __future__ import annotations

import datetime as dt
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from governance.models import OrgUnit
from governance.roles import role_group
from governance.services.org import create_unit
from performance.models import Appraisal, AppraisalCycle, Grade
from performance.services import finalise_cycle, open_cycle
from reporting.management.commands.bench import (
    Result,
    add_common_arguments,
    check_common,
    compare,
    refuse_unless_throwaway,
    rolled_back,
    same,
    save,
)
from staffing.models import Staff

DEFAULT_PEOPLE = 2000
GRADES = [Grade.EXCELLENT] + [Grade.COMPETENT] * 16 + [Grade.BASIC, Grade.INCOMPETENT]


def generate(people: int, seed: int = 10) -> tuple[AppraisalCycle, object]:
    """A library of ``people`` staff in ten departments, its 2025 annual appraisal opened
    by the service and brought to the end of its publicity with every grade proposed."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable figures, not security
    tag = rng.randrange(10**6)
    library = create_unit(
        parent=None, name="基准考核图书馆", code=f"BPERF{tag}", kind=OrgUnit.Kind.LIBRARY
    )
    units = [
        create_unit(
            parent=library, name=f"部门{d}", code=f"BPERF{tag}-{d}", kind=OrgUnit.Kind.DEPARTMENT
        )
        for d in range(1, 11)
    ]
    Staff.objects.bulk_create(
        [
            Staff(
                unit=units[i % len(units)],
                staff_number=f"BP{tag}-{i:05d}",
                name=f"职工{i}",
                gender="F" if i % 2 else "M",
                employment_type="establishment",
                # A few joined late in the year: a comment and no grade.
                hire_date=dt.date(2025, 9, 1) if i % 97 == 0 else dt.date(2010, 1, 1),
            )
            for i in range(people)
        ],
        batch_size=1000,
    )
    hr = get_user_model().objects.create_user(username=f"bench-appraisal-hr-{tag}")
    hr.groups.add(role_group("hr"))
    hr = get_user_model().objects.get(pk=hr.pk)
    cycle = open_cycle(library=library, kind="annual", year=2025, user=hr)
    graded = list(
        cycle.appraisals.filter(participation=Appraisal.Participation.GRADED).values_list(
            "pk", flat=True
        )
    )
    for grade in set(GRADES):
        chosen = [pk for n, pk in enumerate(graded) if GRADES[n % len(GRADES)] == grade]
        Appraisal.objects.filter(pk__in=chosen).update(proposed_grade=grade)
    AppraisalCycle.objects.filter(pk=cycle.pk).update(
        status=AppraisalCycle.Status.PUBLICITY,
        publicity_start=dt.date(2025, 12, 1),
        publicity_end=dt.date(2025, 12, 5),
    )
    cycle.refresh_from_db()
    return cycle, hr


def raw_finalise(cycle_id: int) -> None:
    """The same rows written in two statements: every grade, then the cycle."""
    quote = connection.ops.quote_name
    appraisals = quote(Appraisal._meta.db_table)
    cycles = quote(AppraisalCycle._meta.db_table)
    P = Appraisal.Participation  # noqa: N806
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {appraisals} SET grade = CASE participation "  # noqa: S608
            "WHEN %s THEN proposed_grade WHEN %s THEN %s WHEN %s THEN %s WHEN %s THEN %s "
            "ELSE '' END WHERE cycle_id = %s",
            [P.GRADED, P.COMMENT_ONLY, Grade.UNGRADED, P.LEAVE, Grade.UNGRADED,
             P.REFUSED, Grade.INCOMPETENT, cycle_id],
        )  # fmt: skip
        cursor.execute(
            f"UPDATE {cycles} SET status = %s, finalised_at = %s WHERE id = %s",  # noqa: S608
            [AppraisalCycle.Status.FINAL, timezone.now(), cycle_id],
        )


def final_state(cycle_id: int) -> dict:
    return {
        "status": AppraisalCycle.objects.get(pk=cycle_id).status,
        "grades": dict(Appraisal.objects.filter(cycle_id=cycle_id).values_list("pk", "grade")),
    }


class Command(BaseCommand):
    help = (
        "Finalising an annual appraisal (default 2,000 staff) beside raw SQL writing the "
        "same rows. It WRITES and commits data, so it refuses to run unless the database "
        "is a throwaway one (see manage.py bench)."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)

    def handle(self, *args, runs, results, skip, **options):
        refuse_unless_throwaway()
        check_common(runs)
        people = DEFAULT_PEOPLE
        if "finalise" in set(filter(None, skip.split(","))):
            return
        started = time.perf_counter()
        with transaction.atomic():
            cycle, hr = generate(people)
        self.stdout.write(f"Generated in {time.perf_counter() - started:.1f} s: {people} staff.")

        users = get_user_model().objects

        def ours():  # a fresh user each run: the access memoised on it lasts one request
            finalise_cycle(cycle, user=users.get(pk=hr.pk), today=dt.date(2026, 1, 5))

        def baseline():
            raw_finalise(cycle.pk)

        # The same rows end up written (checked in the savepoints, outside the clock).
        states = []
        for call in (ours, baseline):
            with rolled_back():
                call()
                states.append(final_state(cycle.pk))
        try:
            same(states[0], states[1], "appraisal rows")
        except AssertionError as error:
            raise CommandError(f"finalise: the baseline disagrees: {error}") from None
        # No target: the issue asks for the ratio. At 2,000 rows the service's fixed cost
        # (the access check, the lock, the history entry) is most of its time.
        done: list[Result] = [
            compare(
                f"finalise an annual appraisal ({people:,} staff)",
                ours,
                baseline,
                runs=runs,
                around=rolled_back,
                out=self.stdout.write,
            )
        ]
        save(done, results)
