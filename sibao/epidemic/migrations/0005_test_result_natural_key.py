"""TestResult keyed by (person, sampling time) instead of a surrogate id: one index per ingested row.

Changing a primary key in place is not supported, so the table is re-created; results are re-imported
from the institutions' files (no deployment holds any yet)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("epidemic", "0004_lean_employee_indexes"),
    ]

    operations = [
        migrations.DeleteModel(name="TestResult"),
        migrations.CreateModel(
            name="TestResult",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "id_digest", "sampled_at", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("id_digest", models.CharField(max_length=64)),
                ("sampled_at", models.DateTimeField(verbose_name="sampled at")),
                (
                    "result",
                    models.CharField(
                        choices=[("negative", "Negative"), ("positive", "Positive")],
                        max_length=8,
                        verbose_name="result",
                    ),
                ),
                ("institution", models.CharField(max_length=128, verbose_name="testing institution")),
                (
                    "test_import",
                    models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="results",
                        to="epidemic.testimport",
                    ),
                ),
            ],
            options={"verbose_name": "test result", "verbose_name_plural": "test results"},
        ),
    ]
