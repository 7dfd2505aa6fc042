"""Issue 16 §2: the deadline of each kind of outside body, the signing texts of seed 004 §三.13,
and the beat job that reminds of outside bodies' deadlines."""

from django.db import migrations

REMIND = "complaints: remind outside bodies' deadlines"

TARGETS = [
    # 12315 online dispute resolution (ODR): the company settles within 10 working days.
    ("market_regulator", 10, "working_days", "12315 在线消费纠纷解决 (ODR): 10 个工作日内和解"),
    # 民事诉讼法第一百二十八条: the defendant answers within 15 days of service; counted as 360
    # clock hours from receipt (a little earlier than the law's end of the 15th day: on the safe side).
    ("court", 360, "hours", "民事诉讼法 第128条: 答辩期 15 日; 以法院文书所写期限为准"),
    ("consumer_association", None, "working_days", "以消协通知所写期限为准"),
    ("insurer", None, "working_days", ""),
    ("police", None, "working_days", ""),
    ("media", None, "working_days", "seed 004 §三.6: 第一时间通知管理层, 由指定部门接待"),
]

TEXTS = [
    (
        "settled_not_admitted",
        "公司不认可消费者所称的事实，但同意出于顾客服务角度考虑给予该顾客人民币{amount}元。",
        "The company does not accept the facts as stated by the consumer, but agrees, out of "
        "consideration for customer service, to give the customer RMB {amount}.",
        "consumer_association,market_regulator",
        1,
    ),
    (
        "not_settled_not_admitted",
        "未能达成和解。公司不认可消费者所称的事实。",
        "No settlement was reached. The company does not accept the facts as stated by the "
        "consumer.",
        "consumer_association,market_regulator",
        2,
    ),
    (
        "facts_not_admitted",
        "公司不认可上文中所陈述的事实，认为无须承担任何责任。",
        "The company does not accept the facts stated above and considers that it bears no "
        "liability.",
        "consumer_association,market_regulator",
        3,
    ),
]


def load(apps, schema_editor):
    Target = apps.get_model("complaints", "OutsideBodyTarget")
    SigningText = apps.get_model("complaints", "SigningText")
    for kind, amount, unit, source in TARGETS:
        Target.objects.get_or_create(
            kind=kind, defaults={"amount": amount, "unit": unit, "source": source}
        )
    for code, text, text_en, kinds, position in TEXTS:
        SigningText.objects.get_or_create(
            code=code,
            defaults={
                "text": text,
                "text_en": text_en,
                "kinds": kinds,
                "position": position,
                "source": "seed 004 §三.13",
            },
        )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=REMIND,
        defaults={
            "task": "complaints.tasks.remind_outside_bodies_task",
            "interval": every_minute,
            "expire_seconds": 60,
            "enabled": True,
            "description": "Remind the contact person of outside bodies' matters past their "
            "deadline, once each.",
        },
    )


def unload(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REMIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0033_outside_bodies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(load, unload)]
