import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("notifications", "0009_after_sale_kinds"),
        ("orders", "0014_exchange_orders"),
        ("support", "0011_ticket_return_request"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SurveyPolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "days_after_delivery",
                    models.PositiveSmallIntegerField(
                        default=7,
                        help_text="The survey of an order goes out this many days after its last parcel is delivered (0: at the next run of the job).",
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(60),
                        ],
                        verbose_name="days after delivery",
                    ),
                ),
                ("nps_enabled", models.BooleanField(default=True, verbose_name="ask after delivery")),
                (
                    "csat_enabled",
                    models.BooleanField(default=True, verbose_name="ask after a ticket is resolved"),
                ),
            ],
            options={
                "verbose_name": "survey policy",
                "verbose_name_plural": "survey policy",
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="Survey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "kind",
                    models.CharField(
                        choices=[("nps", "After delivery (NPS 0-10)"), ("csat", "After a ticket (CSAT 1-5)")],
                        max_length=4,
                        verbose_name="kind",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("sent", "Sent"), ("answered", "Answered")],
                        default="sent",
                        editable=False,
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[("email", "Email"), ("whatsapp", "WhatsApp")],
                        max_length=10,
                        verbose_name="sent by",
                    ),
                ),
                ("language", models.CharField(max_length=10, verbose_name="language")),
                ("carrier", models.CharField(blank=True, max_length=60, verbose_name="carrier")),
                ("score", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="score")),
                ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                (
                    "product_score",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="product"),
                ),
                (
                    "delivery_score",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="delivery time"),
                ),
                (
                    "packaging_score",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="packaging"),
                ),
                ("details_at", models.DateTimeField(blank=True, null=True, verbose_name="comment given at")),
                (
                    "agent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="agent",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="surveys",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="customer",
                    ),
                ),
                (
                    "follow_up_ticket",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="follow_up_of",
                        to="support.ticket",
                        verbose_name="follow-up ticket",
                    ),
                ),
                (
                    "notification",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="survey",
                        to="notifications.notification",
                        verbose_name="sent as",
                    ),
                ),
                (
                    "order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="surveys",
                        to="orders.order",
                        verbose_name="order",
                    ),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="surveys",
                        to="support.ticket",
                        verbose_name="ticket",
                    ),
                ),
            ],
            options={
                "verbose_name": "survey",
                "verbose_name_plural": "surveys",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["kind", "answered_at"], name="survey_answered_idx"),
                    models.Index(
                        condition=models.Q(("comment", ""), _negated=True),
                        fields=["answered_at"],
                        name="survey_comment_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "nps")), fields=("order",), name="survey_once_per_order"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "csat")),
                        fields=("ticket",),
                        name="survey_once_per_ticket",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "nps"), ("order__isnull", False)),
                            models.Q(("kind", "csat"), ("ticket__isnull", False)),
                            _connector="OR",
                        ),
                        name="survey_has_its_subject",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("score__isnull", True),
                            models.Q(("kind", "nps"), ("score__lte", 10)),
                            models.Q(("kind", "csat"), ("score__gte", 1), ("score__lte", 5)),
                            _connector="OR",
                        ),
                        name="survey_score_on_its_scale",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("answered_at__isnull", True), ("score__isnull", True), ("status", "sent")
                            ),
                            models.Q(
                                ("answered_at__isnull", False),
                                ("score__isnull", False),
                                ("status", "answered"),
                            ),
                            _connector="OR",
                        ),
                        name="survey_answered_has_score",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("product_score__isnull", True),
                            models.Q(("product_score__gte", 1), ("product_score__lte", 5)),
                            _connector="OR",
                        ),
                        name="survey_product_score_on_scale",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("delivery_score__isnull", True),
                            models.Q(("delivery_score__gte", 1), ("delivery_score__lte", 5)),
                            _connector="OR",
                        ),
                        name="survey_delivery_score_on_scale",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("packaging_score__isnull", True),
                            models.Q(("packaging_score__gte", 1), ("packaging_score__lte", 5)),
                            _connector="OR",
                        ),
                        name="survey_packaging_score_on_scale",
                    ),
                ],
            },
        ),
    ]
