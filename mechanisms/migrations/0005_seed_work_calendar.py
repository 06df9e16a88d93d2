# Seeds the working-day calendar with China's public holidays and make-up workdays (调休).
#
# 2026 follows the State Council notice of 2025-11-04 (国务院办公厅关于2026年部分节假日安排的通知).
# 2027's notice was not available when this was written: its rows are a projection from the
# statutory holidays (全国年节及纪念日放假办法, 2024 revision: 春节 4 days from 除夕, 劳动节 2,
# 国庆节 3, the others 1) and the State Council's stated pattern (春节 8 days from 除夕, 劳动节 5,
# 国庆节 7, one-day festivals joined to the weekend, no more than six working days in a row),
# marked ``is_provisional`` so staff replace them in the admin when the notice is published.
#
# Rows already present are left alone (an administrator's correction wins); undoing the
# migration removes only rows that still say what this migration wrote.

import datetime

from django.db import migrations

HOLIDAY, MAKEUP = "holiday", "makeup_workday"


def _span(first, last, name, provisional=False):
    day = first
    while day <= last:
        yield day, HOLIDAY, name, provisional
        day += datetime.timedelta(days=1)


D = datetime.date
DAYS = [
    # ---- 2026 (official)
    *_span(D(2026, 1, 1), D(2026, 1, 3), "元旦"),
    (D(2026, 1, 4), MAKEUP, "元旦调休上班", False),
    (D(2026, 2, 14), MAKEUP, "春节调休上班", False),
    *_span(D(2026, 2, 15), D(2026, 2, 23), "春节"),
    (D(2026, 2, 28), MAKEUP, "春节调休上班", False),
    *_span(D(2026, 4, 4), D(2026, 4, 6), "清明节"),
    *_span(D(2026, 5, 1), D(2026, 5, 5), "劳动节"),
    (D(2026, 5, 9), MAKEUP, "劳动节调休上班", False),
    *_span(D(2026, 6, 19), D(2026, 6, 21), "端午节"),
    (D(2026, 9, 20), MAKEUP, "国庆节调休上班", False),
    *_span(D(2026, 9, 25), D(2026, 9, 27), "中秋节"),
    *_span(D(2026, 10, 1), D(2026, 10, 7), "国庆节"),
    (D(2026, 10, 10), MAKEUP, "国庆节调休上班", False),
    # ---- 2027 (provisional projection, see above)
    *_span(D(2027, 1, 1), D(2027, 1, 3), "元旦（预排）", True),
    (D(2027, 1, 31), MAKEUP, "春节调休上班（预排）", True),
    *_span(D(2027, 2, 5), D(2027, 2, 12), "春节（预排）", True),
    (D(2027, 2, 20), MAKEUP, "春节调休上班（预排）", True),
    *_span(D(2027, 4, 3), D(2027, 4, 5), "清明节（预排）", True),
    (D(2027, 4, 25), MAKEUP, "劳动节调休上班（预排）", True),
    *_span(D(2027, 5, 1), D(2027, 5, 5), "劳动节（预排）", True),
    (D(2027, 6, 9), HOLIDAY, "端午节（预排）", True),
    (D(2027, 9, 15), HOLIDAY, "中秋节（预排）", True),
    (D(2027, 9, 26), MAKEUP, "国庆节调休上班（预排）", True),
    *_span(D(2027, 10, 1), D(2027, 10, 7), "国庆节（预排）", True),
    (D(2027, 10, 9), MAKEUP, "国庆节调休上班（预排）", True),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("mechanisms", "CalendarDay")
    existing = set(CalendarDay.objects.filter(date__in=[d for d, *_ in DAYS]).values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=day, kind=kind, name=name, is_provisional=provisional)
            for day, kind, name, provisional in DAYS
            if day not in existing
        ]
    )


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("mechanisms", "CalendarDay")
    for day, kind, name, _provisional in DAYS:
        CalendarDay.objects.filter(date=day, kind=kind, name=name).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("mechanisms", "0004_weekly_reading_link_request_indexes"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
