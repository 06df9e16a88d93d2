"""The Jingjiang demo's work briefings: the weekly briefing the city's 组织部 issued for every
whole week of the demo's history before this month (numbered in order, per year), so that a
leader opens real issued briefings and this month's is still to be drafted (``zuzhibu`` does it).

Through the services: drafted from the records as of each week, the staff's text written, issued
on the Monday after the week at 10:00 (the service's ``now``); the draft's own history rows are
moved back to that morning. Idempotent: a week already briefed is skipped."""

import datetime
import random

from django.utils import timezone

from branches.demo import organizations_by_key
from branches.models import User
from evaluation.briefings import services
from evaluation.briefings.models import Briefing, BriefingPeriod, BriefingStatus
from mechanisms.weekly.rules import week_of

SEED = 20261118
HISTORY_WEEKS = 12  # the weekly reports' history (mechanisms.demo.records.TREND_WEEKS)

TEXTS = {
    "overview": [
        "各攻坚支部对照既定目标挂图作战，红灯项目逐一明确专班、限时攻坚，整体推进态势平稳向好。",
        "本周各支部坚持“支部建在项目上”，书记带头领办难点任务，党员突击队冲在一线，项目推进有力有序。",
        "全市攻坚支部总体运行规范，调度长按节奏召开调度会，责任单位协同配合明显加强。",
    ],
    "reports": [
        "多数支部能按时报送周报，内容较为具体；个别支部存在迟报、内容空泛等问题，已逐一提醒。",
        "周报质量总体提升，“本周完成”与“下周计划”对应更紧，问题清单更加精准。",
    ],
    "problems": [
        "企业吹哨事项均在规定时限内响应，对基本满意、不满意的事项已安排回访，推动问题真正解决。",
        "对研判形成的堵点、难点问题，明确牵头单位和办结时限，实行销号管理。",
    ],
    "instructions": [
        "对逾期未办结的督办事项，已发出催办提醒，请相关责任单位于下周调度会前报告办理进展。",
        "督办事项办结率稳步提升，个别事项因需多部门会商而延期，已纳入对接会商机制跟踪。",
    ],
    "league": [
        "部门报到情况纳入年度考核，请排名靠后的单位认真分析原因，切实提高响应速度。",
        "对响应及时、办理高效的单位予以通报表扬，对多次超期的单位进行约谈提醒。",
    ],
    "highlights": [
        "各支部结合攻坚任务开展“三亮”“四比”活动，党员亮身份、亮承诺、亮实绩蔚然成风。",
        "微主题服务深入企业和群众，一批急难愁盼问题在一线得到解决。",
    ],
    "next_steps": [
        "紧盯红灯项目和逾期事项，逐项明确责任人和完成时限，确保按期销号。",
        "持续压实调度长责任，推动问题在一线发现、在一线解决，以攻坚实绩检验支部战斗力。",
    ],
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    city = organizations_by_key()["jj"]
    staff = User.objects.get(username="zuzhibu")
    month_start = today.replace(day=1)
    week = week_of(today - datetime.timedelta(days=7 * (HISTORY_WEEKS - 1)))
    while week.end < month_start:
        done = Briefing.objects.filter(organization=city, period=BriefingPeriod.WEEK, period_start=week.start).exists()
        if not done:
            briefing = services.briefing_draft(organization=city, period=BriefingPeriod.WEEK, day=week.start, by=staff)
            services.briefing_update(
                briefing=briefing, by=staff, title=briefing.title, issuing_organ=briefing.issuing_organ,
                texts={key: rng.choice(options) for key, options in TEXTS.items()},
            )
            monday = week.end + datetime.timedelta(days=1)
            services.briefing_issue(briefing=briefing, by=staff, now=_at(monday, 10))
            # The draft was written that morning too (its figures as of the week's last day).
            Briefing.objects.filter(pk=briefing.pk).update(created_at=_at(monday, 9), figures_at=_at(monday, 9))
            history = Briefing.history.filter(id=briefing.pk).order_by("history_date")
            for minutes, row in enumerate(history):
                Briefing.history.filter(pk=row.pk).update(history_date=_at(monday, 9) + datetime.timedelta(minutes=20 * minutes))
        week = week.next()
    issued = Briefing.objects.filter(organization=city, status=BriefingStatus.ISSUED)
    return {"工作简报（已印发）": issued.count()}
