from django.db import migrations

# Apart from 0018 (which moves the values first): on PostgreSQL a table altered in the transaction that updated its
# rows with deferred constraints fails ("pending trigger events").


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0019_programme_reviewing_unit"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="historicalprogramme",
            name="report_authority",
        ),
        migrations.RemoveField(
            model_name="historicalprogramme",
            name="report_office",
        ),
        migrations.RemoveField(
            model_name="historicalprogramme",
            name="report_signer_is_deputy",
        ),
        migrations.RemoveField(
            model_name="historicalprogramme",
            name="report_signer_name",
        ),
        migrations.RemoveField(
            model_name="historicalprogramme",
            name="report_symbol",
        ),
        migrations.RemoveField(
            model_name="programme",
            name="report_authority",
        ),
        migrations.RemoveField(
            model_name="programme",
            name="report_office",
        ),
        migrations.RemoveField(
            model_name="programme",
            name="report_signer_is_deputy",
        ),
        migrations.RemoveField(
            model_name="programme",
            name="report_signer_name",
        ),
        migrations.RemoveField(
            model_name="programme",
            name="report_symbol",
        ),
    ]
