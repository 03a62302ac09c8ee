from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0003_certificates_from_documents"),
    ]

    operations = [
        migrations.RemoveField(model_name="externaltraining", name="certificate"),
        migrations.RenameField(
            model_name="externaltraining", old_name="certificate_file", new_name="certificate"
        ),
    ]
