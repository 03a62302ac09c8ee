"""Existing staff get their unit and education histories started from the current values.

The rule: one open unit assignment in the current unit from the hire date (left empty —
"since before the records" — when the hire date is unknown), and, when an education,
degree or major is recorded, one education record with those values and no date
("held since before the records"). Past figures thus read as they did before the
histories existed until HR records a dated transfer or a new degree.
"""

from django.db import migrations


def start_histories(apps, schema_editor):
    Staff = apps.get_model("staffing", "Staff")
    UnitAssignment = apps.get_model("staffing", "UnitAssignment")
    EducationRecord = apps.get_model("staffing", "EducationRecord")
    with_units = set(UnitAssignment.objects.values_list("staff_id", flat=True))
    with_education = set(EducationRecord.objects.values_list("staff_id", flat=True))
    assignments, records = [], []
    fields = ("pk", "unit_id", "hire_date", "education", "degree", "major", "discipline")
    for pk, unit_id, hire_date, education, degree, major, discipline in Staff.objects.values_list(
        *fields
    ).iterator():
        if pk not in with_units:
            assignments.append(
                UnitAssignment(staff_id=pk, unit_id=unit_id, start=hire_date, basis="")
            )
        if pk not in with_education and (education or degree or major):
            records.append(
                EducationRecord(
                    staff_id=pk,
                    level=education,
                    degree=degree,
                    major=major,
                    discipline=discipline,
                    obtained=None,
                )
            )
    UnitAssignment.objects.bulk_create(assignments, batch_size=500)
    EducationRecord.objects.bulk_create(records, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("staffing", "0006_unit_education_history_ce_rules")]

    operations = [migrations.RunPython(start_histories, migrations.RunPython.noop)]
