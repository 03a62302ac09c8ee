from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing and training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from governance.people import register_person_record

        # People are named from their staff record (Staff.user, related_name "staff_record").
        register_person_record("staff_record", name_field="name", number_field="staff_number")
