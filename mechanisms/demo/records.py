"""The Jingjiang demo, the "how": a realistic history of the four work mechanisms and the weekly
report, so that a new user of ``make run`` can walk each mechanism end to end with the demo
accounts (run by ``seed_demo`` after the branches and projects seeders).

What it holds (dates relative to ``today``, everything random drawn from fixed seeds):

* logins for the people who act: the secretary of every staffed branch (they file the weekly
  reports and requests) and the liaison of every unit that answers for the showcase branches
  (they accept, resolve and acknowledge) — the six demo accounts stay the ones to try;
* weekly reports of the past twelve ISO weeks for every active branch (most reviewed, some
  returned and resubmitted, a few late, a few missing, the latest ones awaiting review) and this
  week's so far — the showcase branch has not filed yet, so ``shuji`` can; the reports of the
  concluded branches cover their whole life (the evaluation reads their punctuality);
* about forty problems (问题研判) across the showcase branches in every status, with the
  enterprise whistles (企业吹哨) of 中南高科's newly signed enterprises, and a few closed ones of
  the concluded branches;
* the showcase projects' dispatch sessions of the past weeks, held by their 调度长, with their
  instructions (督办事项) in every status and ticket colour (the other projects' sessions are
  ``demo_dispatch``'s, which runs next and leaves projects that have sessions alone);
* consultations (对接会商) of the cross-department branches with resolutions in every state;
* requests for decision (请示) and reports (special, major-matter and completion reports);
* comments on a handful of records.

The showcase branches (every branch a demo account touches, and a few the article names) go
through the services, as their users would, so that state machines, notifications, histories
and indicator readings are right. The services act "now"; where the demo needs the past, the
record is made through the service and its timestamps are then moved back with ``update()``,
together with the notifications and history rows the service wrote (``_told_at``). The other
branches get a light touch: their weekly reports are written in bulk, with their history.

Idempotent: each part is seeded for a branch (or a project) only when it has none of it yet,
so a second run adds nothing.
"""

import datetime
import random
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Case, Max, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from branches.demo import BRANCH_BY_NAME, BRANCHES, organizations_by_key
from branches.demo_accounts import DEMO_PASSWORD, SHOWCASE_BRANCH
from branches.models import Branch, BranchStatus, Light, Membership, MembershipRole, User
from branches.roles import Role
from branches.services import person_link_user
from mechanisms.common.models import Comment, Notification
from mechanisms.common.services import comment_add
from mechanisms.common.workdays import WorkCalendar, calendar
from mechanisms.consultation import services as consultation_services
from mechanisms.consultation.models import Consultation, Resolution, ResolutionStatus
from mechanisms.dispatch import services as dispatch_services
from mechanisms.dispatch.models import Dispatch, Instruction, InstructionStatus
from mechanisms.problems import services as problem_services
from mechanisms.problems.models import (
    DeadlineExtension,
    ProblemAssignment,
    ProblemCase,
    ProblemCategory,
    ProblemSeverity,
    ProblemSource,
    ProblemStatus,
    Satisfaction,
)
from mechanisms.requests import services as request_services
from mechanisms.requests.models import (
    DecisionRequest,
    DecisionRequestStatus,
    Report,
    ReportKind,
    ReportStatus,
)
from mechanisms.weekly import selectors as weekly_services_weekly
from mechanisms.weekly import services as weekly_services
from mechanisms.weekly.models import WeeklyReport, WeeklyReportReading, WeeklyReportStatus
from mechanisms.weekly.rules import Week, week_deadline, week_of
from mechanisms.weekly.services import WeeklyContent
from projects.models import CADENCE_DAYS, CLOSED_STATUSES, IndicatorReading, Project, ReadingSource

SEED = 20260420


DAY = datetime.timedelta(days=1)


HOUR = datetime.timedelta(hours=1)


TREND_WEEKS = 12  # as many weeks as the leaders' submission-rate trend shows


# The branches whose mechanisms are seeded through the services, with a full history: every
# branch a demo account acts in, and the article's cross-department branches.
SHOWCASE = {
    "gj": SHOWCASE_BRANCH,  # 澄靖第二过江通道征迁 — shuji, dangyuan, lianluoyuan, diaoduzhang
    "fgf": "放管服改革攻坚支部",
    "zn": "中南高科靖江项目服务攻坚支部",
    "sb": "经济技术开发区“三比一提升”攻坚支部",
    "dd": "靖江大道快速化改造攻坚支部",
    "yj2": "沿江公路二期征迁攻坚支部",
    "gd": "江阴—靖江城际轨道前期工作攻坚支部",
    "cb": "城北片区旧城改造征收攻坚支部",
    "yg": "企业用工保障攻坚支部",
    "cy": "船舶制造产业链联合党委",
}


# The branches whose report this week is still to be written (the demo secretary's), and those
# whose report of last week the department returned and that have not resubmitted it yet.
NOT_FILED_THIS_WEEK = {SHOWCASE_BRANCH}


RETURNED_LAST_WEEK = {"城北片区旧城改造征收攻坚支部", "船舶制造产业链联合党委"}


# ... and those whose report of three weeks ago was returned, revised and then reviewed.
RESUBMITTED_3_WEEKS_AGO = {SHOWCASE_BRANCH, "放管服改革攻坚支部", "企业用工保障攻坚支部"}


# ================================================================ time helpers
def _tz():
    return timezone.get_default_timezone()


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), _tz())


@dataclass
class Clock:
    """``today`` of the demo and the real moment (nothing may be dated after it)."""

    today: datetime.date
    now: datetime.datetime
    workdays: WorkCalendar = field(default_factory=WorkCalendar)

    def at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return min(_at(day, hour, minute), self.now - datetime.timedelta(minutes=5))

    def day(self, days_ago: int) -> datetime.date:
        return self.today - days_ago * DAY


@contextmanager
def _told_at(moment: datetime.datetime, *, clock: Clock, models=()):
    """Date what a service writes inside the block at ``moment``: the notifications it sends
    (those older than two days have been read by then) and the history rows of ``models``."""
    before = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    histories = {model: model.history.aggregate(m=Max("history_id"))["m"] or 0 for model in models}
    yield
    moment = min(moment, clock.now - datetime.timedelta(minutes=1))
    read = moment + 3 * HOUR if moment < clock.now - 2 * DAY else None
    Notification.objects.filter(pk__gt=before).update(created_at=moment, read_at=read)
    for model, last in histories.items():
        model.history.filter(history_id__gt=last).update(history_date=moment)


def _set_each(model, column: str, values: dict) -> None:
    """One UPDATE setting ``column`` per row (``{pk: value}``), in chunks."""
    items = list(values.items())
    for start in range(0, len(items), 300):
        chunk = dict(items[start : start + 300])
        model.objects.filter(pk__in=list(chunk)).update(
            **{column: Case(*[When(pk=pk, then=Value(v)) for pk, v in chunk.items()])}
        )


def _backdate(obj, **fields) -> None:
    """Move a service-made record's timestamps back to when the demo says it happened."""
    latest = timezone.now() - datetime.timedelta(minutes=1)  # a follow-up planned "tomorrow" happened by now
    fields = {
        k: min(v, latest) if isinstance(v, datetime.datetime) else v for k, v in fields.items() if v is not None
    }
    if fields:
        type(obj).objects.filter(pk=obj.pk).update(**fields)


# ================================================================ who acts
@dataclass
class World:
    clock: Clock
    orgs: dict
    staff: User  # 组织部 of Jingjiang
    tx_staff: User
    leader: User
    branches: dict = field(default_factory=dict)  # name → Branch
    secretaries: dict = field(default_factory=dict)  # branch pk → User
    liaisons: dict = field(default_factory=dict)  # organization pk → User
    key_of: dict = field(default_factory=dict)  # organization pk → demo key

    def branch(self, alias: str) -> Branch:
        return self.branches[SHOWCASE.get(alias, alias)]

    def org(self, key: str):
        return self.orgs[key]

    def secretary(self, branch: Branch) -> User:
        return self.secretaries.get(branch.pk) or self.staff

    def liaison(self, unit) -> User | None:
        return self.liaisons.get(unit.pk)

    def reviewer(self, branch: Branch) -> User:
        return self.tx_staff if BRANCH_BY_NAME[branch.name].city == "tx" else self.staff


def _password_hash(cache: dict) -> str:
    if "hash" not in cache:
        # One hash for every new login: hashing is slow on purpose and the demo shares a password.
        cache["hash"] = make_password(DEMO_PASSWORD)
    return cache["hash"]


def _new_login(username: str, person, *, cache: dict, group: str | None = None) -> User:
    user = User(
        username=username, full_name=person.name, organization=person.work_unit, password=_password_hash(cache),
        phone=person.phone,
    )
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def seed_logins(world: World) -> int:
    """A login for the secretary of every staffed branch and for one liaison of each unit that
    answers for a showcase branch; returns how many were created. (The registry had them as
    people only: the branches seeder gives logins to the demo accounts and the 调度长.)"""
    cache: dict = {}
    created = 0
    staffed = (
        Membership.objects.filter(
            role=MembershipRole.SECRETARY,
            left_on__isnull=True,
            branch__name__in=BRANCH_BY_NAME,
            branch__status__in=(BranchStatus.ACTIVE, BranchStatus.CONCLUDED),
        )
        .select_related("person__user", "person__work_unit", "branch")
        .order_by("branch__batch", "branch__name")
    )
    index = {spec.name: i for i, spec in enumerate(BRANCHES, start=1)}
    for membership in staffed:
        person = membership.person
        if person.user_id is None:
            username = f"sj_{index[membership.branch.name]:03d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = _new_login(username, person, cache=cache)
                created += 1
            # Linking gives the secretary's grants on the branch and the role.
            person_link_user(person=person, user=user, by=world.reviewer(membership.branch))
        world.secretaries[membership.branch_id] = person.user

    liaison_group = Group.objects.get(name=Role.UNIT_LIAISON)
    for user in User.objects.filter(groups=liaison_group, organization__isnull=False, is_active=True).order_by("pk"):
        world.liaisons.setdefault(user.organization_id, user)
    showcase = [world.branches[name] for name in SHOWCASE.values()]
    liaisons = (
        Membership.objects.filter(branch__in=showcase, role=MembershipRole.LIAISON, left_on__isnull=True)
        .select_related("person__user", "person__work_unit")
        .order_by("branch__batch", "branch__name", "pk")
    )
    for membership in liaisons:
        person, unit = membership.person, membership.person.work_unit
        if unit.pk in world.liaisons or person.user_id is not None:
            continue
        username = f"ll_{world.key_of.get(unit.pk, unit.pk)}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = _new_login(username, person, cache=cache, group=Role.UNIT_LIAISON)
            created += 1
        person_link_user(person=person, user=user, by=world.staff)
        world.liaisons[unit.pk] = user
    return created


# ================================================================ weekly reports
WORK_DONE = {
    "动迁": [
        "党员突击队分组入户走访征迁户{n}户，逐户讲解补偿安置政策",
        "完成{n}户房屋评估结果送达并公示",
        "组织集中签约攻坚，新增签约{n}户",
        "协调落实过渡安置房源{n}套，做好搬迁户过渡安置",
        "召开未签约户“一户一策”分析会，化解矛盾纠纷{n}起",
        "开展“征迁政策进万家”微主题服务，发放政策明白纸{n}份",
    ],
    "城建交通": [
        "完成主线路基施工{n}米，桥梁桩基{m}根",
        "协调管线迁改{n}处，落实施工作业面",
        "组织施工单位开展安全文明施工专项检查，整改隐患{n}处",
        "召开交通组织优化协调会，调整沿线公交站点{n}处",
        "督促施工单位倒排工期，增加作业班组{n}个",
    ],
    "营商环境": [
        "梳理“一件事”集成服务事项{n}项，优化办事流程",
        "上门为{n}家企业提供帮办代办服务",
        "开展“政务服务进园区”活动，现场办结事项{n}件",
        "召开部门联席会议，打通数据共享堵点{n}个",
        "对照企业诉求清单逐项销号，办结{n}件",
    ],
    "项目建设": [
        "走访入园企业{n}家，收集诉求{m}条并建立台账",
        "协调解决企业用地、用电、审批等问题{n}个",
        "推进项目前期手续，完成施工许可{n}项",
        "组织“企业吹哨、部门报到”现场服务日，部门现场答复{n}件",
        "督促施工进度，完成投资约{n}千万元",
    ],
    "开发园区改革": [
        "对接在谈项目{n}个，推进投资协议条款磋商",
        "组织党员突击队赴项目现场服务，解决问题{n}个",
        "开展“比招商、比服务、比效率”竞赛阶段讲评",
        "完成项目前期手续{n}项",
    ],
    "产业链供应链": [
        "走访链上企业{n}家，梳理供需对接清单",
        "召开链上企业党建联席会，协调解决问题{n}个",
        "组织供需对接会，促成本地配套合作{n}项",
        "对接高校和职业院校，推进技能人才订单式培养",
    ],
    "default": [
        "召开支部工作例会，研究推进本周攻坚任务",
        "对照节点计划逐项推进，完成阶段任务{n}项",
        "组织党员“三亮”活动，党员亮身份、亮承诺、亮实绩",
        "深入一线收集群众和企业诉求{n}条，现场解决{m}条",
        "协调责任单位解决推进中的难点问题{n}个",
    ],
}


NEXT_PLAN = {
    "动迁": ["完成剩余未签约户入户协商", "组织已签约户集中腾空交付", "配合做好搬迁户过渡安置回访",
             "梳理信访诉求并逐户化解", "协调施工单位做好房屋拆除进场准备"],
    "城建交通": ["完成节点段主线施工", "推进剩余管线迁改", "做好雨季施工安全防范", "优化施工期间交通组织",
             "组织中间验收"],
    "营商环境": ["上线新一批“一件事”事项", "开展企业满意度回访", "推进跨部门数据共享", "编制办事指南并公开"],
    "项目建设": ["跟进企业吹哨事项办理进度", "推动首批项目集中开工", "协调落实双回路供电接入", "组织入园企业用工对接"],
    "开发园区改革": ["推进项目土地摘牌", "完成项目公司注册", "组织专题招商推介会", "跟进在谈项目签约"],
    "产业链供应链": ["召开链上企业供需对接会", "协调船板保供", "推进技能人才培训班开班", "更新产业链薄弱环节清单"],
    "default": ["对照节点计划推进下阶段任务", "组织一次主题党日活动", "跟踪督办事项办理进度", "梳理本周发现的问题并研判",
                "做好指标数据统计报送"],
}


PROBLEMS_MET = [
    "个别责任单位配合不够及时，需调度长协调",
    "部分群众对政策理解存在偏差，需加强宣传解释",
    "施工作业面受天气影响，进度略有滞后",
    "要素保障（用地、用电）存在缺口，需相关部门支持",
    "跨部门数据共享不畅，影响办理时限",
]


SUPPORT = [
    "请调度长协调责任单位加快办理进度",
    "建议市级层面统筹解决资金缺口",
    "请组织部门协调抽调业务骨干充实支部力量",
]


REVIEW_OK = ["已阅，继续保持。", "进展较好，注意节点衔接。", "已阅，请抓好下周计划落实。", "已阅。", "请对照目标加快进度。"]


RETURN_REASONS = [
    "本周工作完成情况过于笼统，请补充具体数据后重新报送。",
    "下周计划与节点计划不一致，请对照调整。",
    "指标数值与台账不符，请核实后重新报送。",
]


def _lines(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))


def _report_text(rng: random.Random, branch: Branch, previous_plan: list[str]) -> dict:
    field_name = branch.field.name
    pool = WORK_DONE.get(field_name, WORK_DONE["default"])
    work = [s.format(n=rng.randint(3, 40), m=rng.randint(2, 12)) for s in rng.sample(pool, k=min(3, len(pool)))]
    plan_pool = NEXT_PLAN.get(field_name, NEXT_PLAN["default"])
    plan = rng.sample(plan_pool, k=min(rng.randint(2, 3), len(plan_pool)))
    checklist = [{"item": item, "done": rng.random() < 0.85} for item in previous_plan]
    return {
        "work_done": _lines(work),
        "checklist": checklist,
        "next_week_plan": _lines(plan),
        "problems_met": rng.choice(PROBLEMS_MET) if rng.random() < 0.25 else "",
        "support_needed": rng.choice(SUPPORT) if rng.random() < 0.12 else "",
        "plan_items": plan,
    }


@dataclass
class WeekPlan:
    week: Week
    outcome: str  # missing | draft | submitted | returned | resubmitted | reviewed
    submitted_at: datetime.datetime | None = None
    late: bool = False
    returned_at: datetime.datetime | None = None
    resubmitted_at: datetime.datetime | None = None
    reviewed_at: datetime.datetime | None = None


def _weeks_of(branch: Branch, clock: Clock) -> list[Week]:
    """The ISO weeks a branch reports: formed before that week's deadline day, and (for a
    concluded branch) with a deadline before it concluded; at most the trend's twelve for an
    active branch."""
    first_day = branch.formed_on or clock.today
    if branch.status == BranchStatus.CONCLUDED:
        start, end = week_of(first_day), week_of(branch.concluded_on or clock.today)
    else:
        start = week_of(max(first_day, clock.today - (TREND_WEEKS - 1) * 7 * DAY))
        end = week_of(clock.today)
    weeks, week = [], start
    while week.start <= end.start:
        deadline_day = timezone.localdate(week_deadline(week))
        formed_in_time = first_day <= deadline_day
        ended_in_time = branch.concluded_on is None or deadline_day <= branch.concluded_on
        if formed_in_time and ended_in_time:
            weeks.append(week)
        week = week.next()
    return weeks


def _plan_weeks(rng: random.Random, branch: Branch, weeks: list[Week], clock: Clock) -> list[WeekPlan]:
    current = week_of(clock.today)
    last_full = current.previous()
    three_ago = last_full.previous().previous()

    def office_hours(moment: datetime.datetime) -> datetime.datetime:
        """The department reads reports on a working day, in office hours."""
        day = clock.workdays.next_working_day(timezone.localdate(moment))
        return _at(day, rng.choice([9, 10, 11, 14, 15, 16]), rng.randint(0, 59))

    plans = []
    for week in weeks:
        deadline = week_deadline(week)
        on_time = deadline - datetime.timedelta(minutes=rng.randint(120, 4200))
        roll = rng.random()
        if week == current:
            if branch.name in NOT_FILED_THIS_WEEK:
                plans.append(WeekPlan(week, "missing"))
                continue
            latest = clock.now - datetime.timedelta(minutes=30)
            opened = _at(week.start, 9)
            if latest <= opened:
                plans.append(WeekPlan(week, "missing"))
                continue
            # Before the deadline about half have filed; after it most have, some late.
            past_deadline = clock.now > deadline
            share = 0.8 if past_deadline else 0.45
            if roll < share:
                when = min(on_time, latest) if rng.random() < 0.8 or not past_deadline else deadline + HOUR * rng.randint(2, 40)
                when = max(opened, min(when, latest))
                plans.append(WeekPlan(week, "submitted", submitted_at=when, late=when > deadline))
            elif roll < share + 0.08:
                plans.append(WeekPlan(week, "draft"))
            else:
                plans.append(WeekPlan(week, "missing"))
            continue
        if roll < 0.05 and week != weeks[0] and not (week == three_ago and branch.name in RESUBMITTED_3_WEEKS_AGO):
            plans.append(WeekPlan(week, "missing"))
            continue
        late = roll > 0.90
        submitted = deadline + HOUR * rng.randint(3, 60) if late else on_time
        review = office_hours(max(submitted, deadline) + HOUR * rng.randint(18, 70))
        if week == last_full and rng.random() < 0.4 and branch.name not in RETURNED_LAST_WEEK:
            plans.append(WeekPlan(week, "submitted", submitted_at=submitted, late=late))
        elif (
            0.05 <= roll < 0.10
            or (week == last_full and branch.name in RETURNED_LAST_WEEK)
            or (week == three_ago and branch.name in RESUBMITTED_3_WEEKS_AGO)
        ):
            back = office_hours(submitted + HOUR * rng.randint(20, 30))
            if week == last_full:
                plans.append(WeekPlan(week, "returned", submitted_at=submitted, late=late, returned_at=back))
            else:
                again = back + HOUR * rng.randint(4, 24)
                plans.append(WeekPlan(week, "resubmitted", submitted_at=submitted, late=late, returned_at=back,
                                      resubmitted_at=again, reviewed_at=office_hours(again + HOUR * rng.randint(12, 40))))
        else:
            plans.append(WeekPlan(week, "reviewed", submitted_at=submitted, late=late, reviewed_at=review))
    for plan in plans:  # nothing may be dated after the real moment
        for name in ("submitted_at", "returned_at", "resubmitted_at", "reviewed_at"):
            value = getattr(plan, name)
            if value is not None and value > clock.now:
                setattr(plan, name, clock.now - datetime.timedelta(minutes=10))
    return plans


def _readings_by_week(branches: list[Branch]) -> dict:
    """(branch pk, iso year, iso week) → the latest reading of each indicator in that week."""
    rows = (
        IndicatorReading.objects.filter(indicator__project__branch__in=branches)
        .select_related("indicator__project")
        .order_by("recorded_on", "pk")
    )
    found: dict = defaultdict(dict)
    for reading in rows:
        iso = reading.recorded_on.isocalendar()
        found[(reading.indicator.project.branch_id, iso.year, iso.week)][reading.indicator_id] = reading
    return found


def _week_note(week: Week) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Weekly report %(week)s") % {"week": week.code}


def _link_readings(reports: list[WeeklyReport], readings: dict) -> int:
    """The past reports carry the readings the branch recorded that week (the projects seeder's
    history): linked rather than recorded again, so the indicators keep their history."""
    rows, linked, notes = [], [], {}
    for report in reports:
        if report.status == WeeklyReportStatus.DRAFT:
            continue
        for indicator_id, reading in readings.get((report.branch_id, report.iso_year, report.iso_week), {}).items():
            rows.append(WeeklyReportReading(report=report, indicator_id=indicator_id, value=reading.value,
                                            indicator_reading=reading))
            linked.append(reading.pk)
            notes[reading.pk] = _week_note(Week(report.iso_year, report.iso_week))
    if rows:
        bulk_create_with_history(rows, WeeklyReportReading)
        IndicatorReading.objects.filter(pk__in=linked).update(source=ReadingSource.WEEKLY_REPORT)
        _set_each(IndicatorReading, "note", notes)
    return len(rows)


def _bulk_weekly(world: World, branch: Branch, plans: list[WeekPlan], rng: random.Random) -> list[WeeklyReport]:
    """A light-touch branch's reports, written in bulk (no side effects to replay)."""
    secretary, reviewer = world.secretary(branch), world.reviewer(branch)
    reports, created_at, previous = [], {}, []
    for plan in plans:
        text = _report_text(rng, branch, previous)
        if plan.outcome == "missing":
            continue
        previous = text["plan_items"]
        status = {
            "draft": WeeklyReportStatus.DRAFT,
            "submitted": WeeklyReportStatus.SUBMITTED,
            "returned": WeeklyReportStatus.RETURNED,
        }.get(plan.outcome, WeeklyReportStatus.REVIEWED)
        reviewed = plan.reviewed_at or plan.returned_at
        report = WeeklyReport(
            branch=branch, iso_year=plan.week.iso_year, iso_week=plan.week.iso_week, week_start=plan.week.start,
            deadline=week_deadline(plan.week), work_done=text["work_done"], checklist=text["checklist"],
            problems_met=text["problems_met"], next_week_plan=text["next_week_plan"],
            support_needed=text["support_needed"], status=status, submitted_at=plan.submitted_at,
            submitted_by=secretary if plan.submitted_at else None, is_late=plan.late,
            review_comment=(RETURN_REASONS[0] if plan.outcome == "returned" else rng.choice(REVIEW_OK)) if reviewed else "",
            reviewed_at=reviewed, reviewed_by=reviewer if reviewed else None,
            version={"draft": 1, "submitted": 2, "returned": 3, "resubmitted": 5}.get(plan.outcome, 3),
            created_by=secretary,
        )
        report._history_user = secretary
        report._history_date = reviewed or plan.submitted_at or world.clock.now
        reports.append(report)
        created_at[plan.week] = (plan.submitted_at or world.clock.now) - HOUR * rng.randint(1, 20)
    if reports:
        reports = bulk_create_with_history(reports, WeeklyReport, default_user=secretary)
        ids = {r.pk: created_at[Week(r.iso_year, r.iso_week)] for r in reports}
        _set_each(WeeklyReport, "created_at", ids)
    return reports


def _green_readings(branch: Branch, rng: random.Random) -> dict:
    """This week's figures of a branch whose projects are on track: a step towards the target."""
    values = {}
    for indicator in weekly_services_weekly.branch_open_indicators(branch):
        if indicator.project.light != Light.GREEN:
            continue
        span = indicator.target - indicator.baseline
        left = indicator.target - indicator.current_value
        if span == 0 or (left * span) <= 0:
            continue
        step = span * Decimal(rng.randint(2, 5)) / 100
        step = step if abs(step) < abs(left) else left
        values[indicator.pk] = (indicator.current_value + step).quantize(Decimal("0.01"))
    return values


def _service_weekly(world: World, branch: Branch, plans: list[WeekPlan], rng: random.Random) -> list[WeeklyReport]:
    """A showcase branch's reports, filed, returned, resubmitted and reviewed through the services."""
    clock = world.clock
    secretary, reviewer = world.secretary(branch), world.reviewer(branch)
    reports, previous = [], []
    current = week_of(clock.today)
    for plan in plans:
        text = _report_text(rng, branch, previous)
        if plan.outcome == "missing":
            continue
        previous = text["plan_items"]
        readings = _green_readings(branch, rng) if plan.week == current and plan.outcome == "submitted" else {}
        content = WeeklyContent(
            work_done=text["work_done"], checklist=text["checklist"], problems_met=text["problems_met"],
            next_week_plan=text["next_week_plan"], support_needed=text["support_needed"], readings=readings,
        )
        moment = plan.submitted_at or clock.now - HOUR
        with _told_at(moment, clock=clock, models=(WeeklyReport,)):
            report = weekly_services.weekly_report_create(
                branch=branch, by=secretary, week=plan.week, content=content, submit=plan.outcome != "draft"
            )
        if plan.returned_at:
            with _told_at(plan.returned_at, clock=clock, models=(WeeklyReport,)):
                report = weekly_services.weekly_report_return(report=report, by=reviewer, comment=rng.choice(RETURN_REASONS))
        if plan.resubmitted_at:
            revised = WeeklyContent(
                work_done=report.work_done + "\n（已按审阅意见补充具体数据）", checklist=report.checklist,
                problems_met=report.problems_met, next_week_plan=report.next_week_plan,
                support_needed=report.support_needed,
            )
            with _told_at(plan.resubmitted_at, clock=clock, models=(WeeklyReport,)):
                report = weekly_services.weekly_report_update(
                    report=report, by=secretary, version=report.version, content=revised, submit=True
                )
        if plan.reviewed_at:
            with _told_at(plan.reviewed_at, clock=clock, models=(WeeklyReport,)):
                report = weekly_services.weekly_report_review(report=report, by=reviewer, comment=rng.choice(REVIEW_OK))
        _backdate(
            report,
            created_at=moment - HOUR * rng.randint(1, 20),
            submitted_at=plan.submitted_at,
            is_late=plan.late,
            reviewed_at=plan.reviewed_at or plan.returned_at,
        )
        reports.append(report)
    return reports


def seed_weekly(world: World) -> int:
    clock = world.clock
    candidates = [
        b for b in world.branches.values()
        if b.status in (BranchStatus.ACTIVE, BranchStatus.CONCLUDED) and b.pk in world.secretaries
    ]
    filed = set(WeeklyReport.objects.filter(branch__in=candidates).values_list("branch_id", flat=True).distinct())
    todo = [b for b in candidates if b.pk not in filed]
    showcase = set(SHOWCASE.values())
    readings = _readings_by_week(todo)
    made = 0
    past_reports = []
    for branch in sorted(todo, key=lambda b: (b.batch, b.name)):
        rng = random.Random(f"{SEED}:weekly:{branch.name}")
        plans = _plan_weeks(rng, branch, _weeks_of(branch, clock), clock)
        if branch.name in showcase and branch.status == BranchStatus.ACTIVE:
            reports = _service_weekly(world, branch, plans, rng)
        else:
            reports = _bulk_weekly(world, branch, plans, rng)
        current = week_of(clock.today)
        past_reports += [r for r in reports if Week(r.iso_year, r.iso_week) != current]
        made += len(reports)
    _link_readings(past_reports, readings)
    return made


# ================================================================ dispatch sessions and instructions
NOTES = [
    "听取支部书记关于本周期推进情况的汇报，逐项研究议题清单。对滞后指标明确追赶措施，对逾期事项点名督办。",
    "现场查看施工和征迁进度，召集牵头单位和责任单位会商堵点问题，形成决定如下，由支部逐项跟踪落实。",
    "对照节点计划倒排工期，明确下一周期攻坚重点；要求各责任单位主要负责人亲自过问、专人盯办。",
    "通报上次调度会督办事项办理情况：大部分按期办结，个别事项进度滞后，责成责任单位说明原因并限期整改。",
]


TASKS = {
    "动迁": [
        ("完成剩余户入户评估", "两周内完成剩余户入户评估，评估报告报支部备案。"),
        ("落实过渡安置房源", "落实过渡安置房源并公示分配方案，确保搬迁户应安尽安。"),
        ("化解补偿标准争议", "对有异议的搬迁户逐户解释补偿政策，形成“一户一方案”。"),
        ("协调供电线路迁改停电窗口", "与工程建设方对接，制定线路迁改方案并明确停电窗口。"),
        ("做好已腾空房屋安全管控", "对已腾空房屋落实封闭管理，防止二次入住和安全事故。"),
        ("完成集中签约区域交付", "完成集中签约区域房屋腾空交付，移交工程建设方。"),
    ],
    "城建交通": [
        ("加快管线迁移施工", "倒排工期，增加作业面，确保按节点完成管线迁移。"),
        ("优化施工期间交通组织", "会同公安交警优化交通组织方案，减少早晚高峰拥堵。"),
        ("落实夜间施工降噪措施", "落实夜间施工降噪措施，及时回应沿线群众投诉。"),
        ("完成用地预审材料报送", "完成用地预审材料报送，跟踪审批进度。"),
        ("推进线位方案专家评审", "组织线位方案专家评审，形成评审意见报市政府。"),
    ],
    "default": [
        ("开通审批绿色通道", "对项目涉及的审批事项开通绿色通道，实行专人代办。"),
        ("解决企业用工缺口", "对接人社部门组织专场招聘，缓解企业用工缺口。"),
        ("落实项目双回路供电", "协调供电部门制定双回路接入方案，明确送电时间。"),
        ("推进数据共享接口改造", "完成部门间数据共享接口改造，实现材料“免提交”。"),
        ("梳理企业诉求清单", "全面梳理企业诉求清单，逐项明确责任单位和办结时限。"),
        ("完成项目土地摘牌", "完成项目用地挂牌出让前置手续，确保按期摘牌。"),
    ],
}


# What each kind of unit is told to do (by its demo key); other units get their field's tasks.
_RELOCATION = [
    ("完成剩余户入户评估", "两周内完成剩余户入户评估，评估报告报支部备案。"),
    ("落实过渡安置房源", "落实过渡安置房源并公示分配方案，确保搬迁户应安尽安。"),
    ("化解补偿标准争议", "对有异议的搬迁户逐户解释补偿政策，形成“一户一方案”。"),
    ("做好已腾空房屋安全管控", "对已腾空房屋落实封闭管理，防止二次入住和安全事故。"),
]


_ENTERPRISE_SERVICE = [
    ("梳理企业诉求清单", "全面梳理企业诉求清单，逐项明确责任单位和办结时限。"),
    ("解决企业用工缺口", "对接人社部门组织专场招聘，缓解企业用工缺口。"),
    ("完成项目土地摘牌", "完成项目用地挂牌出让前置手续，确保按期摘牌。"),
    ("推动首批项目集中开工", "逐个项目倒排开工节点，协调解决开工前置条件。"),
]


_CONSTRUCTION = [
    ("加快管线迁移施工", "倒排工期，增加作业面，确保按节点完成管线迁移。"),
    ("落实夜间施工降噪措施", "落实夜间施工降噪措施，及时回应沿线群众投诉。"),
    ("提前修建施工便道", "腾地一块、进场一块，提前修建施工便道和围挡。"),
]


UNIT_TASKS = {
    "gdgs": [
        ("协调供电线路迁改停电窗口", "与工程建设方对接，制定线路迁改方案并明确停电窗口。"),
        ("完成迁改杆塔基础施工", "组织施工力量完成迁改杆塔基础施工，确保按期立塔架线。"),
        ("落实项目双回路供电", "制定双回路接入方案，明确送电时间。"),
        ("报送临时用电增容方案", "三日内报送临时用电增容方案，保障施工和企业调试用电。"),
    ],
    "zrj": [
        ("完成用地预审材料报送", "完成用地预审材料报送，跟踪审批进度。"),
        ("完成临时用地勘测定界", "完成施工临时用地勘测定界并出具报告。"),
        ("出具项目规划设计条件", "一次性告知项目规划设计条件，实行容缺受理。"),
    ],
    "gaj": [
        ("优化施工期间交通组织", "优化施工期间交通组织方案，减少早晚高峰拥堵。"),
        ("做好现场秩序维护", "安排警力做好征收和施工现场秩序维护。"),
    ],
    "spj": [("开通审批绿色通道", "对项目涉及的审批事项开通绿色通道，实行专人代办。"),
            ("组织施工图联合审查", "组织施工图联合审查，审查时限压缩至5个工作日。")],
    "fgw": [("推进数据共享接口改造", "完成部门间数据共享接口改造，实现材料“免提交”。"),
            ("完成可研报告编制", "督促编制单位完成可研报告并组织评审。")],
    "zjj": [("组织施工图联合审查", "组织施工图联合审查，审查时限压缩至5个工作日。"),
            ("协调燃气管道迁改", "协调燃气公司完成中压燃气管道迁改。")],
    "xieq": _RELOCATION, "dx": _RELOCATION, "jc": _RELOCATION, "xgy": _RELOCATION,
    "gjtd": _CONSTRUCTION, "ctjt": _CONSTRUCTION,
    "znkg": _ENTERPRISE_SERVICE, "kfq": _ENTERPRISE_SERVICE, "cny": _ENTERPRISE_SERVICE, "sf": _ENTERPRISE_SERVICE,
    "swj": _ENTERPRISE_SERVICE,
    "xsd": [("协调船板保供", "对接上游钢厂，协调紧缺规格船板排产。"),
            ("推进技能人才订单式培养", "与职业院校对接，开设高级焊工订单班。")],
    "xsj": [("推进技能人才订单式培养", "与职业院校对接，开设高级焊工订单班。"),
            ("协调分段运输审批", "协调超限分段过境运输审批。")],
}


RESULTS = ["已按要求完成，相关材料已上传。", "已落实到位，书面情况已报支部。", "已办结，现场已核实。",
           "已完成，经现场查看符合要求。"]


RETURN_NOTES = ["现场核查未全部完成，请补齐后再报。", "办理结果缺少佐证材料，请补充。"]


ATTENDEES = "调度长；牵头单位、责任单位分管负责人；支部书记、组织委员，支部联络员"


def _assignees(world: World, project: Project) -> list:
    """Units of the project that have a liaison to answer; the secretary in person otherwise."""
    units = [project.lead_unit, *project.responsible_units.all(), *project.branch.responsible_units.all()]
    seen, answered = set(), []
    for unit in units:
        if unit.pk not in seen and world.liaison(unit) is not None:
            seen.add(unit.pk)
            answered.append(unit)
    return answered


def _session_days(project: Project, clock: Clock, *, due: bool, rng: random.Random) -> list[datetime.date]:
    cadence = CADENCE_DAYS.get(project.dispatch_cadence, 7)
    last = clock.today - (cadence + rng.randint(0, 2) if due else rng.randint(1, max(1, cadence - 2))) * DAY
    earliest = max(project.start_on, clock.today - 63 * DAY)
    days = []
    day = last
    while day >= earliest and len(days) < 4:
        days.append(day)
        day -= cadence * DAY
    return sorted(days)


@dataclass
class InstructionPlan:
    deadline: datetime.date
    final: str
    returned: bool = False  # went through a return before its final state
    done_late: bool = False


def _instruction_plans(session: int, sessions: int, held_on, clock: Clock, rng: random.Random, index: int) -> list:
    """What happened to the instructions of one session: old ones verified (a few done late or
    returned once), the last two sessions' in every state and ticket colour."""
    today = clock.today
    latest, previous = session == sessions - 1, session == sessions - 2
    if latest:
        # Counted in working days, as the ticket colours are: one left is yellow, three blue.
        near = clock.workdays.add_working_days(today, [1, 3, 7][index % 3])
        second = {0: InstructionPlan(today + 6 * DAY, InstructionStatus.RETURNED, returned=True),
                  1: InstructionPlan(today + 5 * DAY, InstructionStatus.DONE),
                  2: InstructionPlan(clock.workdays.add_working_days(today, 3), InstructionStatus.ACKNOWLEDGED)}[index % 3]
        first_status = InstructionStatus.ISSUED if held_on >= today - 3 * DAY or index % 2 else InstructionStatus.ACKNOWLEDGED
        return [InstructionPlan(max(near, held_on), first_status), second]
    deadline = held_on + rng.choice([5, 7, 10]) * DAY
    if previous and deadline < today:
        late = InstructionPlan(deadline, InstructionStatus.ACKNOWLEDGED if index % 2 == 0 else InstructionStatus.DONE,
                               done_late=True)
        return [InstructionPlan(deadline, InstructionStatus.VERIFIED), late]
    if deadline >= today:
        return [InstructionPlan(deadline, InstructionStatus.ACKNOWLEDGED), InstructionPlan(deadline, InstructionStatus.DONE)]
    return [InstructionPlan(deadline, InstructionStatus.VERIFIED, done_late=rng.random() < 0.15,
                            returned=rng.random() < 0.2)]


def _follow_instruction(world: World, instruction: Instruction, plan: InstructionPlan, chief, rng) -> Instruction:
    """Acknowledge, report done, return, verify — each by its actor, at its day."""
    clock = world.clock
    held = instruction.issued_on
    if plan.final == InstructionStatus.ISSUED:
        return instruction
    actor = world.liaison(instruction.assignee_unit) if instruction.assignee_unit_id else instruction.assignee_user
    acknowledged = clock.at(min(held + DAY, clock.today), 9, rng.randint(0, 59))
    with _told_at(acknowledged, clock=clock, models=(Dispatch, Instruction)):
        instruction = dispatch_services.instruction_acknowledge(instruction=instruction, by=actor)
    stamps = {"acknowledged_at": acknowledged}
    if plan.final == InstructionStatus.ACKNOWLEDGED:
        _backdate(instruction, **stamps)
        return instruction
    span = max(1, (min(plan.deadline, clock.today) - held).days)
    done_day = plan.deadline + rng.randint(1, 3) * DAY if plan.done_late else held + rng.randint(1, span) * DAY
    done_day = min(max(done_day, held + DAY), clock.today)
    if plan.returned:
        first_done = clock.at(max(held + DAY, done_day - 2 * DAY), 15)
        with _told_at(first_done, clock=clock, models=(Dispatch, Instruction)):
            instruction = dispatch_services.instruction_report_done(instruction=instruction, by=actor,
                                                                    result=rng.choice(RESULTS))
        with _told_at(first_done + 20 * HOUR, clock=clock, models=(Dispatch, Instruction)):
            instruction = dispatch_services.instruction_return(instruction=instruction, by=chief,
                                                               reason=rng.choice(RETURN_NOTES))
        if plan.final == InstructionStatus.RETURNED:
            _backdate(instruction, **stamps, done_at=first_done)
            return instruction
    done = clock.at(done_day, 16, rng.randint(0, 59))
    with _told_at(done, clock=clock, models=(Dispatch, Instruction)):
        instruction = dispatch_services.instruction_report_done(instruction=instruction, by=actor, result=rng.choice(RESULTS))
    stamps["done_at"] = done
    if plan.final == InstructionStatus.VERIFIED:
        verified = clock.at(min(done_day + DAY, clock.today), 11)
        with _told_at(verified, clock=clock, models=(Dispatch, Instruction)):
            instruction = dispatch_services.instruction_verify(instruction=instruction, by=chief)
        stamps["verified_at"] = verified
    _backdate(instruction, **stamps)
    return instruction


def seed_project_dispatches(world: World, project: Project, *, index: int, due: bool) -> tuple[int, int]:
    clock = world.clock
    chief = project.dispatch_chief
    rng = random.Random(f"{SEED}:dispatch:{project.branch.name}:{project.name}")
    units = _assignees(world, project)
    secretary = world.secretary(project.branch)
    days = _session_days(project, clock, due=due, rng=rng)
    field_tasks = TASKS.get(project.branch.field.name, TASKS["default"])
    given = defaultdict(int)  # tasks given to each unit, so that it is not told the same twice
    sessions = instructions = 0
    for n, held_on in enumerate(days):
        recorded = clock.at(held_on, 17)
        with _told_at(recorded, clock=clock, models=(Dispatch, Instruction)):
            dispatch = dispatch_services.dispatch_create(
                project=project, by=chief, held_on=held_on,
                location="项目现场指挥部会议室" if n % 2 else f"{project.lead_unit.short_name or project.lead_unit.name}会议室",
                attendees=ATTENDEES, notes=NOTES[(index + n) % len(NOTES)], record=True, today=held_on,
            )
        _backdate(dispatch, created_at=clock.at(held_on, 9), recorded_at=recorded)
        sessions += 1
        for k, plan in enumerate(_instruction_plans(n, len(days), held_on, clock, rng, index)):
            unit = units[(index + n + k) % len(units)] if units else None
            tasks = UNIT_TASKS.get(world.key_of.get(unit.pk), field_tasks) if unit else field_tasks
            title, content = tasks[(index + given[unit]) % len(tasks)]
            given[unit] += 1
            with _told_at(recorded, clock=clock, models=(Dispatch, Instruction)):
                instruction = dispatch_services.instruction_issue(
                    project=project, by=chief, title=title, content=content, deadline=max(plan.deadline, held_on),
                    assignee_unit=unit, assignee_user=None if unit else secretary, dispatch=dispatch, today=held_on,
                )
            _backdate(instruction, created_at=recorded)
            _follow_instruction(world, instruction, plan, chief, rng)
            instructions += 1
    return sessions, instructions


def seed_dispatch(world: World) -> tuple[int, int]:
    """Sessions of the showcase branches' projects (all of ``diaoduzhang``'s relocation among
    them); a project that already has sessions (an earlier run's) is left alone, and the other
    projects are ``demo_dispatch``'s."""
    showcase = [world.branches[name] for name in SHOWCASE.values()]
    projects = (
        Project.objects.filter(branch__in=showcase, dispatch_chief__isnull=False, dispatches__isnull=True)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("branch__field", "lead_unit", "dispatch_chief")
        .prefetch_related("responsible_units", "branch__responsible_units")
        .order_by("branch__batch", "branch__name", "pk")
    )
    sessions = instructions = 0
    for index, project in enumerate(projects):
        # The relocation itself is due for its weekly session (the 调度长's cockpit says so); so is
        # every third other project.
        due = project.name.endswith("房屋征迁") or index % 3 == 0
        s, i = seed_project_dispatches(world, project, index=index, due=due)
        sessions, instructions = sessions + s, instructions + i
    return sessions, instructions


# ================================================================ problems (问题研判)
PAIN, HARD, BLOCK = ProblemCategory.PAIN_POINT, ProblemCategory.DIFFICULTY, ProblemCategory.BLOCKAGE


ORD, SER, MAJ = ProblemSeverity.ORDINARY, ProblemSeverity.SERIOUS, ProblemSeverity.MAJOR


S = ProblemStatus


@dataclass(frozen=True)
class P:
    branch: str  # alias in SHOWCASE, or a branch's name
    title: str
    description: str
    category: str
    final: str
    age: int  # days since it was raised
    unit: str = ""  # responsible unit key
    co: tuple = ()  # co-operating unit keys
    due: int = 10  # deadline, days from today
    done: int = 0  # resolved, days ago
    severity: str = ORD
    source: str = ProblemSource.BRANCH
    project: int = 0  # index of the branch's project (by pk)
    enterprise: tuple = ()  # (name, contact, phone)
    satisfaction: str = ""
    objection: str = ""
    refused_once: str = ""  # a verification that sent it back once, with this note
    extension: int = 0  # days the unit asked more (approved)
    member: str = ""  # the member who raised it (a demo login's username, or "any")


GUSHAN, CIVILIZED = "孤山镇现代化循环产业链项目建设攻坚支部", "文明城市创建攻坚支部"


ZN = ("江苏瑞丰新材料科技有限公司", "顾建华", "13852601187"), ("江苏凯博智能装备有限公司", "陈志刚", "13905262250"), \
     ("靖江华芯半导体科技有限公司", "李海峰", "15189693316"), ("江苏海泰医疗器械有限公司", "王倩", "13815954428"), \
     ("江苏绿能储能科技有限公司", "朱晓东", "18752663309"), ("靖江远航精密机械有限公司", "缪俊", "13961010552")


PROBLEMS = [
    # 澄靖第二过江通道征迁 (shuji's branch; the liaison's 供电公司 answers for the power lines)
    P("gj", "3户搬迁户对房屋评估结果有异议", "斜桥段3户搬迁户认为房屋装修评估价偏低，拒绝签约，影响集中签约进度。", HARD, S.ACCEPTED,
      9, "xieq", due=2, severity=SER),
    P("gj", "沿线10kV线路迁改停电窗口难以确定", "线路迁改需停电作业，涉及沿线两家企业连续生产，停电窗口迟迟未定。", BLOCK, S.ANALYSED,
      0, "gdgs", due=9, severity=SER, source=ProblemSource.DISPATCH, project=1),
    P("gj", "过渡安置房源缺口约30套", "已签约户中约30户需过渡安置，现有周转房不足，部分户不愿腾空。", PAIN, S.RESOLVED,
      12, "xgy", co=("xieq",), due=3, done=1, severity=MAJ),
    P("gj", "腾空房屋拆除后建筑垃圾清运不及时", "已拆除房屋建筑垃圾堆放路边，群众反映强烈。", PAIN, S.CLOSED, 20, "xieq", due=-12, done=15),
    P("gj", "施工临时用地青苗补偿标准不统一", "两个村对青苗补偿标准执行不一，群众相互攀比。", HARD, S.CLOSED, 25, "zrj", co=("xieq",),
      due=-14, done=17, project=2),
    P("gj", "部分搬迁户户籍与实际居住不一致，安置对象认定难", "有5户存在户籍在册但长期外出、或实际居住未落户情况，安置对象认定存在争议。",
      HARD, S.OBJECTED, 3, "xgy", severity=SER, objection="安置对象户籍认定属斜桥镇和公安派出所职责，建议改由斜桥镇牵头。"),
    P("gj", "施工便道占用农田灌溉沟渠", "工程建设方施工便道截断灌溉沟渠，影响约200亩农田灌溉。", BLOCK, S.ACCEPTED, 16, "gjtd",
      due=-3, source=ProblemSource.MEMBER, member="any", project=2),
    P("gj", "搬迁户子女就近入学衔接", "部分搬迁户子女过渡安置后距原学校较远，家长希望协调就近入学。", PAIN, S.REPORTED, 1,
      source=ProblemSource.MEMBER, member="dangyuan"),
    P("gj", "杆塔迁移涉及2户未签约户", "新建杆塔基础位置涉及2户未签约户宅基地，需同步协调。", BLOCK, S.ACCEPTED, 6, "gdgs", due=5,
      source=ProblemSource.WEEKLY_REPORT, project=1),
    # 放管服改革
    P("fgf", "企业开办涉及公章刻制数据未实时共享", "公章刻制备案数据未与企业开办平台实时共享，企业需重复提交。", BLOCK, S.CLOSED, 40, "gaj",
      due=-28, done=30),
    P("fgf", "不动产登记与水电气过户未联动", "不动产转移登记后，水电气过户仍需企业群众分头跑。", BLOCK, S.ACCEPTED, 20, "zjj", due=6,
      extension=7, project=2),
    P("fgf", "施工图审查与规划许可重复提交材料", "工程建设项目施工图审查与规划许可阶段多项材料重复提交。", HARD, S.CLOSED, 33, "zrj",
      co=("zjj",), due=-16, done=19, project=1, refused_once="规划许可阶段仍要求提交纸质材料，请核实后整改到位。"),
    P("fgf", "“一件事”系统与省平台接口不稳定", "“一件事一次办”系统与省政务服务平台接口时常中断，影响办件推送。", PAIN, S.ANALYSED, 4,
      "fgw", due=8),
    P("fgf", "部分企业不熟悉网上办理流程", "窗口反映约三成企业仍到现场办理，不熟悉网上申报流程。", PAIN, S.REPORTED, 2),
    # 中南高科靖江项目服务 — 企业吹哨、部门报到
    P("zn", "新建厂房双回路供电接入进度滞后", "企业新建厂房计划下月试生产，双回路供电接入工程尚未开工。", BLOCK, S.CLOSED, 35, "gdgs",
      due=-20, done=22, severity=SER, source=ProblemSource.ENTERPRISE, enterprise=ZN[0], satisfaction=Satisfaction.SATISFIED),
    P("zn", "项目用地红线与规划道路冲突需调整", "企业摘牌地块东侧红线与规划支路冲突，影响总平面布置。", HARD, S.CLOSED, 50, "zrj",
      due=-30, done=32, severity=SER, source=ProblemSource.ENTERPRISE, enterprise=ZN[1], satisfaction=Satisfaction.BASICALLY),
    P("zn", "施工许可办理涉及消防设计审查时限长", "洁净厂房消防设计审查时间较长，影响施工许可办理。", BLOCK, S.CLOSED, 28, "spj",
      due=-15, done=18, source=ProblemSource.ENTERPRISE, enterprise=ZN[2], satisfaction=Satisfaction.SATISFIED),
    P("zn", "投产前急需招聘技术工人60名", "企业投产前急需招聘注塑、装配技术工人60名，自主招聘效果不佳。", PAIN, S.RESOLVED, 14, "kfq",
      due=2, done=2, source=ProblemSource.ENTERPRISE, enterprise=ZN[3]),
    P("zn", "临时用电增容申请迟迟未批复", "企业设备调试需临时用电增容至1250千伏安，申请提交两周未获答复。", BLOCK, S.ACCEPTED, 5, "gdgs",
      due=3, source=ProblemSource.ENTERPRISE, enterprise=ZN[4]),
    P("zn", "环评批复前能否先行开展场地平整", "企业希望环评批复前先行开展场地平整，询问政策允许范围。", HARD, S.OBJECTED, 2, "spj",
      source=ProblemSource.ENTERPRISE, enterprise=ZN[5], objection="环评审批及先行施工范围由生态环境部门认定，建议改派市生态环境局。"),
    P("zn", "厂区周边道路未通，大件设备进场困难", "厂区西侧规划道路尚未贯通，大型设备运输车辆无法进场。", BLOCK, S.ACCEPTED, 18, "znkg",
      due=-4, severity=SER, source=ProblemSource.ENTERPRISE, enterprise=ZN[2]),
    P("zn", "员工通勤公交线路未开通", "园区至城区暂无直达公交，员工通勤不便，影响招工。", PAIN, S.CLOSED, 30, "znkg", due=-12,
      done=14, source=ProblemSource.ENTERPRISE, enterprise=ZN[0], satisfaction=Satisfaction.DISSATISFIED),
    P("zn", "企业申报高新技术企业需辅导", "企业计划明年申报高新技术企业，希望获得政策辅导。", PAIN, S.REPORTED, 0,
      source=ProblemSource.ENTERPRISE, enterprise=ZN[1]),
    # 经济技术开发区“三比一提升”
    P("sb", "商飞项目土地摘牌前置条件需多部门确认", "项目用地挂牌前需确认规划条件、环评和能评等前置事项，涉及多个部门。", BLOCK, S.CLOSED,
      45, "swj", due=-28, done=31, severity=MAJ),
    P("sb", "项目公司注册资本金到位进度慢", "项目公司首期注册资本金到位滞后于投资协议约定。", HARD, S.ACCEPTED, 10, "sf", due=7),
    P("sb", "配套人才公寓房源不足", "项目首批技术人员即将到岗，园区人才公寓可用房源不足。", PAIN, S.ANALYSED, 3, "kfq", due=12),
    # 靖江大道快速化改造 (diaoduzhang)
    P("dd", "主线施工与沿线燃气管道冲突", "主线桥墩位置与既有中压燃气管道冲突，需先行迁改。", BLOCK, S.CLOSED, 38, "ctjt",
      co=("zjj",), due=-24, done=26, severity=SER, source=ProblemSource.DISPATCH),
    P("dd", "夜间施工噪声扰民投诉较多", "近两周沿线小区夜间施工噪声投诉12起。", PAIN, S.ACCEPTED, 14, "ctjt", due=-2),
    P("dd", "高压线塔迁改影响主线桥梁施工", "主线跨线桥施工范围内2基110kV线塔需迁改，否则无法架梁。", BLOCK, S.RESOLVED, 21, "gdgs",
      due=1, done=1, severity=MAJ),
    P("dd", "施工围挡占道导致早晚高峰拥堵", "施工围挡压缩车道，早晚高峰拥堵明显。", PAIN, S.CLOSED, 26, "gaj", due=-15, done=17),
    # 沿江公路二期征迁 (diaoduzhang; the liaison's unit again)
    P("yj2", "沿线12基电力杆线迁改未排期", "沿江公路二期沿线12基杆线迁改计划未明确，影响路基施工交付。", BLOCK, S.ACCEPTED, 19, "gdgs",
      due=-5, severity=SER, project=1),
    P("yj2", "东兴镇段3家企业厂房征收补偿分歧", "3家企业对厂房及设备搬迁补偿测算有分歧。", HARD, S.ANALYSED, 2, "dx", due=15, severity=SER),
    P("yj2", "征迁补偿资金拨付滞后", "首批签约户补偿资金拨付滞后，群众有意见。", PAIN, S.CLOSED, 24, "dx", due=-12, done=13),
    # 江阴—靖江城际轨道前期工作 (diaoduzhang)
    P("gd", "线位方案穿越基本农田需调整", "推荐线位方案穿越永久基本农田约40亩，需优化调整。", HARD, S.ACCEPTED, 15, "zrj", due=12,
      severity=MAJ),
    P("gd", "可研报告编制单位调整影响进度", "可研报告编制单位人员调整，编制进度滞后约两周。", PAIN, S.CLOSED, 29, "fgw", due=-14, done=16),
    # 城北片区旧城改造征收 (a red branch)
    P("cb", "37户未签约户诉求分歧较大", "剩余37户未签约户对安置方式、面积认定诉求分歧较大。", HARD, S.ACCEPTED, 22, "jc", due=-6,
      severity=MAJ),
    P("cb", "片区内历史遗留无证建筑认定难", "片区内约60处无证建筑建成年代和用途认定难。", HARD, S.OBJECTED, 4, "zrj",
      objection="无证建筑认定牵头部门为住建局和城管局，我局配合提供历史影像资料。"),
    P("cb", "安置房交付延期引发群众不满", "一期安置房交付时间推迟，部分已签约户情绪较大。", PAIN, S.REPORTED, 1, severity=SER),
    # 企业用工保障
    P("yg", "开发区重点企业普工缺口约800人", "开发区12家重点企业普工缺口约800人，旺季用工紧张。", PAIN, S.CLOSED, 36, "kfq", due=-20,
      done=23),
    P("yg", "城南园区企业技术工人流失率高", "城南园区部分企业技术工人流失率超过20%。", HARD, S.RESOLVED, 17, "cny", due=4, done=2),
    # 船舶制造产业链联合党委
    P("cy", "船用钢板交期超过60天", "上游钢厂排产紧张，部分规格船板交期超过60天，影响分段开工。", BLOCK, S.ACCEPTED, 12, "xsd",
      due=9, severity=SER),
    P("cy", "高级焊工缺口较大", "三家船厂订单饱满，高级焊工缺口约800人。", PAIN, S.CLOSED, 40, "xsj", due=-22, done=25),
    # The concluded branches solved theirs (their evaluation reads how fast).
    P(GUSHAN, "项目用地租赁涉及地块性质核实", "拟租赁地块中有约15亩需核实是否涉及基本农田，影响租赁协议签订。", BLOCK, S.CLOSED,
      316, "zrj", due=-310, done=312, severity=SER),
    P(GUSHAN, "审批公告备案材料需多部门会签", "项目审批公告备案涉及多个部门会签，按常规流程耗时较长。", HARD, S.CLOSED, 314, "spj",
      due=-306, done=309),
    P(CIVILIZED, "主次干道交通秩序乱象反复", "主次干道机动车乱停、非机动车逆行等问题反复出现，影响测评。", PAIN, S.CLOSED, 250, "gaj",
      due=-220, done=228),
    P(CIVILIZED, "老旧小区环境卫生脏乱差", "部分老旧小区楼道堆物、垃圾清运不及时，群众反映强烈。", PAIN, S.CLOSED, 240, "jc",
      due=-215, done=222),
]


CONCLUSIONS = {
    PAIN: "经支部研判，该问题直接影响群众和企业切身利益，属痛点问题，明确责任单位限期解决，支部跟踪督办。",
    HARD: "经支部研判，该问题政策性强、涉及面广，属难点问题，由责任单位牵头、配合单位协同，形成专项方案推进。",
    BLOCK: "经支部研判，该问题卡住了攻坚进度，属堵点问题，明确责任单位限期打通，逾期提请调度长协调。",
}


RESOLUTIONS = [
    "已召开专题协调会，明确解决方案并落实到位，相关佐证材料已上传。",
    "已完成整改，经现场核查符合要求，群众和企业已确认。",
    "已形成书面答复并逐项落实，后续纳入常态化管理。",
]


CO_ANSWERS = ["我单位已安排专人对接，按要求提供相关资料和配合。", "已同步办理本单位职责范围内事项。"]


def _problem_project(branch: Branch, index: int):
    projects = list(branch.projects.order_by("pk"))
    return projects[min(index, len(projects) - 1)] if projects else None


def _member_person(world: World, branch: Branch, who: str):
    if who and who != "any":
        user = User.objects.filter(username=who).select_related("person").first()
        return getattr(user, "person", None)
    membership = branch.memberships.filter(role=MembershipRole.MEMBER, left_on__isnull=True).order_by("pk").first()
    return membership.person if membership else None


def _raise(world: World, spec: P, branch: Branch, project, secretary, reported):
    """Raise the problem as its source would: at a dispatch session by the 调度长, from a line of a
    weekly report by the secretary, otherwise by the secretary (for a member or an enterprise)."""
    clock = world.clock
    kwargs = dict(title=spec.title, description=spec.description, category=spec.category, severity=spec.severity,
                  project=project)
    if spec.source == ProblemSource.WEEKLY_REPORT:
        report = (
            WeeklyReport.objects.filter(branch=branch, status=WeeklyReportStatus.REVIEWED)
            .order_by("-iso_year", "-iso_week").first()
        )
        if report is not None:
            # The secretary wrote the problem into the report; it is raised from that line.
            line = report.problem_lines.create(description=spec.title)
            text = "\n".join(filter(None, [report.problems_met, spec.title]))
            WeeklyReport.objects.filter(pk=report.pk).update(problems_met=text)
            with _told_at(reported, clock=clock, models=(ProblemCase,)):
                problem = weekly_services.weekly_report_problem_raise(
                    line=line, by=secretary, category=spec.category, severity=spec.severity
                )
            ProblemCase.objects.filter(pk=problem.pk).update(description=spec.description, project=project)
            problem.refresh_from_db()
            return problem
        kwargs["source"] = ProblemSource.BRANCH
    elif spec.source == ProblemSource.DISPATCH:
        dispatch = (
            Dispatch.objects.filter(project=project or _problem_project(branch, 0), held_on__lte=reported.date())
            .order_by("-held_on").first()
        )
        if dispatch is not None:
            with _told_at(reported, clock=clock, models=(ProblemCase,)):
                return problem_services.problem_report(by=dispatch.project.dispatch_chief, branch=branch,
                                                       source=ProblemSource.DISPATCH, dispatch=dispatch, **kwargs)
        kwargs["source"] = ProblemSource.BRANCH
    else:
        kwargs["source"] = spec.source
        if spec.source == ProblemSource.MEMBER:
            kwargs["raised_by_person"] = _member_person(world, branch, spec.member)
        if spec.enterprise:
            name, contact, phone = spec.enterprise
            kwargs.update(enterprise_name=name, enterprise_contact=contact, enterprise_phone=phone)
    with _told_at(reported, clock=clock, models=(ProblemCase,)):
        return problem_services.problem_report(by=secretary, branch=branch, **kwargs)


def seed_problem(world: World, spec: P, rng: random.Random) -> ProblemCase:
    clock, today = world.clock, world.clock.today
    branch = world.branch(spec.branch)
    project = _problem_project(branch, spec.project) if spec.project or spec.source == ProblemSource.DISPATCH else None
    secretary = world.secretary(branch)
    reported = clock.at(clock.day(spec.age), 9, rng.randint(0, 59))
    problem = _raise(world, spec, branch, project, secretary, reported)
    stamps = {"created_at": reported}
    if spec.final == S.REPORTED:
        _backdate(problem, **stamps)
        return problem

    unit = world.org(spec.unit)
    liaison = world.liaison(unit)
    analysed_on = min(today, clock.day(spec.age) + DAY)
    deadline = max(today + spec.due * DAY, analysed_on + 2 * DAY)
    analysed = clock.at(analysed_on, 10, rng.randint(0, 59))
    co_units = [world.org(k) for k in spec.co]
    with _told_at(analysed, clock=clock, models=(ProblemCase,)):
        problem = problem_services.problem_analyse(
            problem=problem, by=secretary, conclusion=CONCLUSIONS[spec.category], responsible_unit=unit,
            co_units=co_units, deadline=deadline, today=analysed_on,
        )
    stamps["analysed_at"] = analysed
    if spec.final == S.ANALYSED:
        _backdate(problem, **stamps)
        return problem
    answered = clock.at(min(today, analysed_on + (DAY if spec.age > 1 else 0 * DAY)), 15, rng.randint(0, 59))
    if spec.final == S.OBJECTED:
        with _told_at(answered, clock=clock, models=(ProblemCase,)):
            problem = problem_services.problem_object(problem=problem, by=liaison, reason=spec.objection, today=analysed_on)
        _backdate(problem, **stamps, objected_at=answered)
        return problem
    with _told_at(answered, clock=clock, models=(ProblemCase,)):
        problem = problem_services.problem_accept(problem=problem, by=liaison, today=analysed_on)
    stamps["accepted_at"] = answered
    for co_unit in co_units:
        assignment = problem.assignments.get(unit=co_unit)
        co_liaison = world.liaison(co_unit)
        if co_liaison is None:
            continue
        at = clock.at(min(today, analysed_on + 2 * DAY), 11)
        with _told_at(at, clock=clock, models=(ProblemAssignment,)):
            problem_services.assignment_answer(assignment=assignment, by=co_liaison, answer=rng.choice(CO_ANSWERS))
        _backdate(assignment, answered_at=at)
    if spec.extension:
        asked_on = min(today, analysed_on + 3 * DAY)
        asked = clock.at(asked_on, 10)
        with _told_at(asked, clock=clock, models=(DeadlineExtension,)):
            extension = problem_services.extension_request(
                problem=problem, by=liaison, requested_until=problem.deadline + spec.extension * DAY,
                reason="涉及供水、供电、燃气多家单位系统对接，需延长办理时限。", today=asked_on,
            )
        with _told_at(asked + 5 * HOUR, clock=clock, models=(ProblemCase, DeadlineExtension)):
            problem_services.extension_decide(extension=extension, by=secretary, approve=True, note="同意延期，请按新时限办结。")
        DeadlineExtension.objects.filter(pk=extension.pk).update(created_at=asked, decided_at=asked + 5 * HOUR)
        problem.refresh_from_db()
    if spec.final == S.ACCEPTED:
        _backdate(problem, **stamps)
        return problem

    resolved_on = max(analysed_on, clock.day(spec.done))
    verifier = secretary
    if spec.source == ProblemSource.DISPATCH and project is not None and project.dispatch_chief_id:
        verifier = project.dispatch_chief
    if spec.refused_once:
        first = clock.at(max(analysed_on, resolved_on - 4 * DAY), 16)
        with _told_at(first, clock=clock, models=(ProblemCase,)):
            problem = problem_services.problem_resolve(problem=problem, by=liaison, resolution=RESOLUTIONS[0])
        with _told_at(first + 18 * HOUR, clock=clock, models=(ProblemCase,)):
            problem = problem_services.problem_verify(problem=problem, by=verifier, approve=False, note=spec.refused_once)
    resolved = clock.at(resolved_on, 16, rng.randint(0, 59))
    with _told_at(resolved, clock=clock, models=(ProblemCase,)):
        problem = problem_services.problem_resolve(problem=problem, by=liaison, resolution=rng.choice(RESOLUTIONS))
    stamps["resolved_at"] = resolved
    if spec.final == S.CLOSED:
        verified = clock.at(min(today, resolved_on + DAY), 11)
        with _told_at(verified, clock=clock, models=(ProblemCase,)):
            problem = problem_services.problem_verify(
                problem=problem, by=verifier, approve=True, satisfaction=spec.satisfaction,
                note="经现场核实，问题已解决。" if not spec.satisfaction else "已回访企业，企业对办理结果作出评价。",
            )
        stamps["verified_at"] = verified
    _backdate(problem, **stamps)
    return problem


def seed_problems(world: World) -> int:
    names = {SHOWCASE.get(spec.branch, spec.branch) for spec in PROBLEMS}
    done = set(ProblemCase.objects.filter(branch__name__in=names).values_list("branch__name", flat=True))
    made = 0
    for i, spec in enumerate(PROBLEMS):
        if SHOWCASE.get(spec.branch, spec.branch) in done or spec.branch not in SHOWCASE and (
            world.branch(spec.branch).status != BranchStatus.CONCLUDED
        ):
            continue
        seed_problem(world, spec, random.Random(f"{SEED}:problem:{i}"))
        made += 1
    return made


# ================================================================ consultations (对接会商)
@dataclass(frozen=True)
class R:
    unit: str
    content: str
    resources: str
    final: str
    due: int  # deadline, days from today


@dataclass(frozen=True)
class C:
    branch: str
    topic: str
    held: int  # days from today (positive: planned)
    units: tuple
    minutes: str
    resolutions: tuple = ()
    project: int | None = 0
    lead: str = ""


RS = ResolutionStatus


CONSULTATIONS = [
    C("fgf", "企业开办“一件事一次办”跨部门流程再造会商", -62, ("fgw", "gaj", "zjj", "zrj"),
      "市行政审批局牵头，发改、公安、住建、规划等部门逐项梳理企业开办、工程建设、不动产交易环节，议定合并环节、共享数据、开辟绿色通道。",
      (R("gaj", "公章刻制备案数据实时推送至企业开办平台。", "安排信息科专人对接，承担接口改造费用。", RS.VERIFIED, -40),
       R("fgw", "将“一件事一次办”改革纳入全市营商环境考核。", "统筹考核指标设置。", RS.VERIFIED, -45),
       R("zrj", "规划许可与用地审批并联办理。", "抽调2名业务骨干常驻审批窗口。", RS.VERIFIED, -35))),
    C("fgf", "工程建设项目审批“绿色通道”联合审查对接会商", -12, ("fgw", "gaj", "zjj", "zrj"),
      "针对工程建设项目审批链条长的问题，议定施工图联合审查、规划许可并联办理、容缺受理等措施，由各责任单位分别落实资源保障。",
      (R("zjj", "施工图审查与消防设计审查合并为一次联合审查。", "联合审查专家库、审查费用由财政保障。", RS.RETURNED, 8),
       R("zrj", "规划许可实行“告知承诺制”。", "编制告知承诺事项清单并公开。", RS.AWAITING_SIGNOFF, -2),
       R("gaj", "消防审验与竣工联合验收同步开展。", "消防审验人员随联合验收组同步进场。", RS.DONE, 5),
       R("fgw", "建立审批“绿色通道”项目清单动态管理。", "每月更新清单并通报。", RS.SIGNED_OFF, 18)), 1),
    C("gj", "过江通道征迁腾地与电力线路迁改对接会商", -9, ("xieq", "gjtd", "gdgs", "zrj", "xgy"),
      "市交通运输局牵头，属地党委、工程建设方、供电等单位参加。通报征迁进度，研究腾地交付与线路迁改衔接，议定各单位资源保障事项。",
      (R("gdgs", "制定10kV线路迁改停电计划并报批，停电期间保障两家企业临时供电。", "调派应急发电车2台，安排抢修班组24小时值守。", RS.AWAITING_SIGNOFF, 6),
       R("gjtd", "提前进场施工便道和围挡，腾地一块、施工一块。", "施工便道建设费用由工程建设方承担。", RS.SIGNED_OFF, 10),
       R("xieq", "组织党员突击队完成剩余户入户协商。", "抽调镇村干部20名组成专班。", RS.DONE, 2),
       R("zrj", "完成临时用地勘测定界并出具报告。", "安排测绘队伍加班作业。", RS.VERIFIED, -3),
       R("xgy", "提供过渡安置周转房30套。", "调剂园区公寓作为过渡房源。", RS.RETURNED, 4)), 0, "jtj"),
    C("gj", "房屋腾空交付与施工进场衔接会商", 3, ("xieq", "gjtd", "gdgs"),
      "", (), 0, "jtj"),
    C("zn", "新签约入园项目用电用地要素保障会商", -20, ("znkg", "spj", "zrj", "gdgs"),
      "开发区党工委牵头，会商19个新签约入园项目的用电、用地、审批要素保障，实行“一企一清单”。",
      (R("gdgs", "新签约项目双回路供电接入纳入年度电网建设计划。", "投资建设园区开关站1座。", RS.VERIFIED, -6),
       R("zrj", "新签约项目用地规划条件一次性告知。", "安排专人驻园服务。", RS.SIGNED_OFF, 9),
       R("spj", "新签约项目审批事项全程代办。", "组建代办员队伍6人。", RS.DONE, 3),
       R("znkg", "开放首批标准厂房供企业过渡生产。", "提供标准厂房2万平方米。", RS.VERIFIED, -10))),
    C("cb", "城北片区未签约户化解与安置房交付会商", -30, ("jc", "zrj", "gaj"),
      "住建局牵头，研究剩余未签约户化解和安置房交付延期应对措施。",
      (R("jc", "组织社区干部和党员逐户上门化解。", "街道抽调干部15名组成化解专班。", RS.SIGNED_OFF, -6),
       R("gaj", "做好征收现场秩序维护。", "安排警力现场维护秩序。", RS.VERIFIED, -15))),
]


def seed_consultation(world: World, spec: C, rng: random.Random) -> Consultation:
    clock, today = world.clock, world.clock.today
    branch = world.branch(spec.branch)
    convener = world.secretary(branch)
    held_on = today + spec.held * DAY
    units = [world.org(k) for k in spec.units]
    project = _problem_project(branch, spec.project) if spec.project is not None else None
    created = clock.at(min(today, held_on - 3 * DAY) if spec.held > 0 else held_on - 3 * DAY, 9)
    planned = spec.held > 0
    with _told_at(created, clock=clock, models=(Consultation, Resolution)):
        consultation = consultation_services.consultation_create(
            branch=branch, by=convener, topic=spec.topic, held_on=held_on, participating_units=units, project=project,
            lead_unit=world.org(spec.lead) if spec.lead else None, location=f"{branch.lead_unit.short_name or branch.lead_unit.name}会议室",
            participants="牵头单位及各责任单位分管负责人、联络员", minutes=spec.minutes, hold=not planned,
            today=held_on if not planned else today,
        )
    _backdate(consultation, created_at=created)
    held = clock.at(held_on, 16) if not planned else None
    # Every resolution is agreed at the meeting, before any is followed up (the last one verified
    # closes the consultation).
    made = []
    for resolution_spec in spec.resolutions:
        deadline = today + resolution_spec.due * DAY
        with _told_at(held, clock=clock, models=(Consultation, Resolution)):
            made.append(consultation_services.resolution_create(
                consultation=consultation, by=convener, content=resolution_spec.content,
                owner_unit=world.org(resolution_spec.unit), deadline=max(deadline, held_on),
                resources=resolution_spec.resources, today=held_on,
            ))
    for resolution_spec, resolution in zip(spec.resolutions, made, strict=True):
        unit = world.org(resolution_spec.unit)
        deadline = today + resolution_spec.due * DAY
        stamps = {"created_at": held, "deadline": deadline}
        actor = world.liaison(unit) or world.reviewer(branch)
        final = resolution_spec.final
        if final != RS.AWAITING_SIGNOFF:
            signed = clock.at(min(today, held_on + DAY), 10)
            with _told_at(signed, clock=clock, models=(Consultation, Resolution)):
                resolution = consultation_services.resolution_sign_off(resolution=resolution, by=actor)
            stamps["signed_off_at"] = signed
        if final in (RS.DONE, RS.RETURNED, RS.VERIFIED):
            done_on = min(today, max(held_on + 2 * DAY, deadline - rng.randint(1, 4) * DAY))
            done = clock.at(done_on, 15)
            with _told_at(done, clock=clock, models=(Consultation, Resolution)):
                resolution = consultation_services.resolution_report_done(
                    resolution=resolution, by=actor, result=rng.choice(RESULTS)
                )
            stamps["done_at"] = done
            if final == RS.RETURNED:
                with _told_at(done + 18 * HOUR, clock=clock, models=(Consultation, Resolution)):
                    resolution = consultation_services.resolution_return(
                        resolution=resolution, by=convener, reason="落实情况与议定事项要求不符，请按要求补充落实。"
                    )
            if final == RS.VERIFIED:
                verified = clock.at(min(today, done_on + DAY), 11)
                with _told_at(verified, clock=clock, models=(Consultation, Resolution)):
                    resolution = consultation_services.resolution_verify(resolution=resolution, by=convener)
                stamps["verified_at"] = verified
                consultation.refresh_from_db()
                if consultation.closed_at is not None:
                    _backdate(consultation, closed_at=verified)
        _backdate(resolution, **stamps)
    return consultation


def seed_consultations(world: World) -> int:
    existing = set(Consultation.objects.values_list("branch_id", "topic"))
    made = 0
    for i, spec in enumerate(CONSULTATIONS):
        branch = world.branch(spec.branch)
        if (branch.pk, spec.topic) in existing:
            continue
        seed_consultation(world, spec, random.Random(f"{SEED}:consultation:{i}"))
        made += 1
    return made


# ================================================================ requests (请示) and reports
D = DecisionRequestStatus


@dataclass(frozen=True)
class Q:
    branch: str
    title: str
    content: str
    final: str
    age: int  # days since it was submitted (or written, for a draft)
    reply: str = ""
    resubmitted: bool = False  # returned once, then submitted again


REQUESTS = [
    Q("gj", "关于申请过江通道征迁专项工作经费的请示",
      "为确保28天内完成225户搬迁户征迁任务，支部需开展集中签约、过渡安置回访、党员突击队一线攻坚等工作，"
      "现申请专项工作经费48万元，主要用于入户评估复核、过渡安置补贴和宣传资料印制。妥否，请批示。", D.SUBMITTED, 1),
    Q("gj", "关于延长部分搬迁户过渡安置期限的请示",
      "部分搬迁户安置房交付需延至明年，现行过渡安置期限到期后无房可住，请求将过渡安置期限延长6个月，所需资金由项目资金列支。",
      D.RETURNED, 8, "请补充需延长期限的户数、所需资金测算及资金来源后重新报送。"),
    Q("gj", "关于对征迁一线表现突出党员予以通报表扬的请示",
      "征迁攻坚中，党员突击队队员冲在一线、带头签约，涌现出一批先进典型，建议予以通报表扬。", D.DRAFT, 0),
    Q("fgf", "关于在不动产登记中心增设“一窗通办”综合窗口的请示",
      "为推进不动产交易登记“一窗通办”，拟在不动产登记中心增设综合窗口4个，整合税务、住建、水电气过户事项。",
      D.APPROVED, 20, "同意。请会同税务、住建等部门抓紧落实，月底前运行。"),
    Q("zn", "关于为新签约项目开通施工图联合审查“绿色通道”的请示",
      "19个新签约入园项目集中进入施工图审查阶段，请求开通联合审查“绿色通道”，审查时限压缩至5个工作日。",
      D.APPROVED, 26, "同意开通，由市行政审批局牵头组织联合审查。"),
    Q("cb", "关于对城北片区未签约户启动依法征收程序的请示",
      "城北片区仍有37户未签约，经反复做工作仍未达成协议。为保障项目推进，请求对其中经评估补偿合理的户依法启动征收决定程序。",
      D.SUBMITTED, 9),
    Q("yg", "关于举办重点企业用工专场招聘会经费的请示",
      "拟在开发区、城南园区举办重点企业用工专场招聘会4场，申请专项经费12万元。", D.REJECTED, 15,
      "招聘会经费应从就业补助资金中统筹安排，不再另行安排专项经费。"),
    Q("sb", "关于组建中国商飞项目服务党员突击队的请示",
      "为服务中国商飞投资项目落地，拟从开发区各部门抽调党员骨干12名组建党员突击队，实行专班运作。",
      D.APPROVED, 40, "同意组建，突击队员名单报组织部备案。"),
    Q("dd", "关于靖江大道主线夜间施工延长作业时间的请示",
      "为确保主线年底通车，请求在不影响沿线居民休息的前提下，将部分路段夜间施工作业时间延长至23时。",
      D.SUBMITTED, 3, "请补充降噪措施和沿线居民意见征求情况。", resubmitted=True),
    Q("gd", "关于调整城际轨道靖江段推荐线位方案的请示",
      "推荐线位方案穿越永久基本农田约40亩，经比选拟调整为东侧方案，请求审定。", D.SUBMITTED, 4),
    Q("cy", "关于设立船舶产业技能人才培训补贴的请示",
      "为缓解高级焊工、涂装工缺口，拟对链上企业开展订单式培训给予补贴。", D.DRAFT, 2),
]


@dataclass(frozen=True)
class Rep:
    branch: str  # alias, or a branch name (the concluded branches)
    kind: str
    title: str
    content: str
    final: str
    age: int
    comment: str = ""


K = ReportKind


REPORTS = [
    Rep("gj", K.SPECIAL, "过江通道征迁“28天攻坚”中期专项报告",
        "攻坚支部组建以来，坚持“一切工作到支部”，党员突击队分片包户，已完成签约219户、搬迁176户。下一步将集中力量攻克剩余户。",
        ReportStatus.ACKNOWLEDGED, 10, "进展很好，请保持攻坚态势，确保如期交地。"),
    Rep("gj", K.SPECIAL, "过江通道征迁党员“三亮”活动开展情况报告", "（草稿）", ReportStatus.DRAFT, 0),
    Rep("fgf", K.SPECIAL, "“一件事一次办”试点工作专项报告",
        "试点以来，企业开办时间压缩至2小时以内，上线“一件事”集成服务事项26项，群众满意率明显提升。",
        ReportStatus.ACKNOWLEDGED, 18, "经验做法很好，请总结提炼，准备在全市推广。"),
    Rep("zn", K.SPECIAL, "“企业吹哨、部门报到”机制运行情况专项报告",
        "机制运行以来，共受理企业吹哨事项142件，办结128件，企业满意率96%。", ReportStatus.SUBMITTED, 2),
    Rep("cb", K.MAJOR_MATTER, "关于城北片区一户搬迁户信访情况的重大事项报告",
        "一户未签约户因安置面积认定问题到市信访局上访，支部已会同街道、住建局上门做工作，目前情绪稳定。",
        ReportStatus.SUBMITTED, 3),
    Rep("sb", K.MAJOR_MATTER, "关于中国商飞投资协议正式签约的重大事项报告",
        "中国商飞投资江苏“第一单”项目投资协议已于本月正式签约，项目总投资约30亿元。", ReportStatus.ACKNOWLEDGED, 35, "已阅。"),
    Rep("文明城市创建攻坚支部", K.COMPLETION, "文明城市创建攻坚支部攻坚任务完成报告",
        "支部组建以来，发动干部群众到一线解决顽瘴痼疾，整改问题点位1260个，实地测评达标率达到100%，"
        "最终摘得“全国文明城市”金字招牌。攻坚任务全部完成，申请进行效能评估。", ReportStatus.ACKNOWLEDGED, 105,
        "攻坚成效显著，组织部将按程序开展效能评估。"),
    Rep("孤山镇现代化循环产业链项目建设攻坚支部", K.COMPLETION, "孤山镇现代化循环产业链项目建设攻坚任务完成报告",
        "支部党员先锋接力，签约后20天内完成项目用地租赁、设施补偿、审批公告备案等前期手续，项目如期开工，团队荣获泰州“骏马奖”。",
        ReportStatus.ACKNOWLEDGED, 288, "成绩突出，予以肯定。"),
    Rep("靖城街道老旧小区改造攻坚支部", K.COMPLETION, "老旧小区改造攻坚任务完成报告",
        "12个老旧小区改造全部完工并通过验收，同步完成雨污分流、加装电梯和停车位改造。", ReportStatus.SUBMITTED, 20),
    Rep("新桥镇农房改善动迁攻坚支部", K.COMPLETION, "新桥镇农房改善动迁攻坚任务完成报告",
        "全部农户签约搬迁完毕，实现零上访，安置房按期交付。", ReportStatus.SUBMITTED, 30),
]


def _reply_due(clock: Clock, submitted_on: datetime.date) -> datetime.date:
    """The committee's reply deadline as the service counts it from the (backdated) submission."""
    return clock.workdays.add_working_days(submitted_on, request_services.reply_workdays())


def seed_request(world: World, spec: Q, rng: random.Random) -> DecisionRequest:
    clock = world.clock
    branch = world.branch(spec.branch)
    secretary = world.secretary(branch)
    submitted_on = clock.day(spec.age)
    written = clock.at(submitted_on, 9, rng.randint(0, 59)) - (DAY if spec.age else 0 * DAY)
    with _told_at(written, clock=clock, models=(DecisionRequest, Report)):
        request = request_services.decision_request_create(
            branch=branch, by=secretary, title=spec.title, content=spec.content, submit=spec.final != D.DRAFT
        )
    stamps = {"created_at": written}
    if spec.final == D.DRAFT:
        _backdate(request, **stamps)
        return request
    submitted = clock.at(submitted_on, 10, rng.randint(0, 59))
    stamps.update(submitted_at=submitted, reply_due_on=_reply_due(clock, submitted_on))
    if spec.resubmitted:
        first_on = submitted_on - 4 * DAY
        stamps["created_at"] = clock.at(first_on - DAY, 9)
        returned = clock.at(first_on + DAY, 15)
        with _told_at(returned, clock=clock, models=(DecisionRequest, Report)):
            request = request_services.decision_request_reply(request=request, by=world.staff, decision=D.RETURNED,
                                                              reply=spec.reply)
        with _told_at(submitted, clock=clock, models=(DecisionRequest, Report)):
            request = request_services.decision_request_update(
                request=request, by=secretary, title=spec.title,
                content=spec.content + "已制定降噪措施，并征求沿线居民意见，多数居民表示理解支持。", submit=True,
            )
        stamps["replied_at"] = returned
    elif spec.final in (D.APPROVED, D.RETURNED, D.REJECTED):
        replied = clock.at(min(clock.today, submitted_on + rng.randint(1, 4) * DAY), 16)
        with _told_at(replied, clock=clock, models=(DecisionRequest, Report)):
            request = request_services.decision_request_reply(request=request, by=world.staff, decision=spec.final,
                                                              reply=spec.reply)
        stamps["replied_at"] = replied
    _backdate(request, **stamps)
    return request


def seed_report(world: World, spec: Rep, rng: random.Random) -> Report:
    clock = world.clock
    branch = world.branch(spec.branch)
    secretary = world.secretary(branch)
    submitted_on = clock.day(spec.age)
    written = clock.at(submitted_on, 9) - (DAY if spec.age else 0 * DAY)
    with _told_at(written, clock=clock, models=(DecisionRequest, Report)):
        report = request_services.report_create(branch=branch, by=secretary, kind=spec.kind, title=spec.title,
                                                content=spec.content, submit=spec.final != ReportStatus.DRAFT)
    stamps = {"created_at": written}
    if spec.final != ReportStatus.DRAFT:
        stamps["submitted_at"] = clock.at(submitted_on, 10, rng.randint(0, 59))
    if spec.final == ReportStatus.ACKNOWLEDGED:
        acknowledged = clock.at(min(clock.today, submitted_on + rng.randint(1, 3) * DAY), 15)
        with _told_at(acknowledged, clock=clock, models=(DecisionRequest, Report)):
            report = request_services.report_acknowledge(report=report, by=world.staff, comment=spec.comment)
        stamps["acknowledged_at"] = acknowledged
        posted = Comment.objects.filter(object_id=report.pk, body=spec.comment, author=world.staff)
        Comment.history.filter(id__in=posted.values("pk")).update(history_date=acknowledged)
        posted.update(created_at=acknowledged)
    _backdate(report, **stamps)
    return report


def seed_requests(world: World) -> tuple[int, int]:
    asked = set(DecisionRequest.objects.values_list("branch_id", "title"))
    reported = set(Report.objects.values_list("branch_id", "title"))
    requests = reports = 0
    for i, spec in enumerate(REQUESTS):
        if (world.branch(spec.branch).pk, spec.title) not in asked:
            seed_request(world, spec, random.Random(f"{SEED}:request:{i}"))
            requests += 1
    for i, spec in enumerate(REPORTS):
        branch = world.branch(spec.branch)
        if branch.status in (BranchStatus.EVALUATED, BranchStatus.DISSOLVED) or (branch.pk, spec.title) in reported:
            continue
        seed_report(world, spec, random.Random(f"{SEED}:report:{i}"))
        reports += 1
    return requests, reports


# ================================================================ comments
def seed_comments(world: World) -> int:
    """A few remarks on the records: the leader's 批示, the department's and the 调度长's words."""
    clock = world.clock
    if Comment.objects.filter(author__username__in=["lingdao", "diaoduzhang"]).exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["lingdao", "diaoduzhang", "shuji", "lianluoyuan"])}
    made = 0

    def add(target, username, body, days_ago, hour=10):
        nonlocal made
        author = users.get(username) if username != "zuzhibu" else world.staff
        if target is None or author is None:
            return
        comment = comment_add(target=target, author=author, body=body)
        when = clock.at(clock.day(days_ago), hour, 10 + made)
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
        Comment.history.filter(id=comment.pk).update(history_date=when)
        made += 1

    showcase = world.branch("gj")
    relocation = ProblemCase.objects.filter(branch=showcase, status=S.RESOLVED).first()
    add(relocation, "lingdao", "过渡安置是群众最关心的问题，要把好事办好，确保搬迁户住得安心。", 1, 9)
    add(relocation, "shuji", "已安排党员逐户回访入住情况，明天现场核实后办结。", 0, 8)
    whistle = ProblemCase.objects.filter(branch=world.branch("zn"), source=ProblemSource.ENTERPRISE,
                                         status=S.ACCEPTED).order_by("deadline").first()
    add(whistle, "lingdao", "企业吹哨、部门报到，要报到更要办到。请开发区抓紧协调，确保企业按期投产。", 2)
    power = Instruction.objects.filter(branch=showcase, assignee_unit=world.org("gdgs")).exclude(
        status=InstructionStatus.VERIFIED).order_by("deadline").first()
    add(power, "diaoduzhang", "停电窗口务必避开企业生产高峰，方案确定后第一时间报我。", 1, 18)
    add(power, "lianluoyuan", "收到，已与两家企业对接生产计划，初步拟定周六凌晨停电4小时。", 0, 9)
    returned_report = WeeklyReport.objects.filter(status=WeeklyReportStatus.REVIEWED, version__gte=5).order_by(
        "-iso_year", "-iso_week").first()
    add(returned_report, "zuzhibu", "补充后的数据清楚了，今后报送前请先核对台账。", 5)
    request = DecisionRequest.objects.filter(branch=showcase, status=D.SUBMITTED).first()
    add(request, "diaoduzhang", "经费需求属实，建议予以支持。", 0, 11)
    overdue = Instruction.objects.filter(branch__in=[world.branch("dd"), world.branch("yj2")],
                                         status=InstructionStatus.ACKNOWLEDGED, deadline__lt=clock.today).first()
    add(overdue, "diaoduzhang", "已逾期，请说明原因并于两日内办结。", 0, 8)
    return made


# ================================================================ the demo accounts' desks
def ensure_account_items(world: World) -> int:
    """Whatever order the seeders ran in, each demo account finds something to do: an
    instruction for the liaison's unit still open and one done awaiting the 调度长's check."""
    clock = world.clock
    chief = User.objects.filter(username="diaoduzhang").first()
    gdgs = world.orgs.get("gdgs")
    if chief is None or gdgs is None:
        return 0
    projects = Project.objects.filter(dispatch_chief=chief).exclude(status__in=CLOSED_STATUSES).order_by("pk")
    project = projects.filter(lead_unit=gdgs).first() or projects.filter(branch=world.branch("gj")).first()
    if project is None:
        return 0
    made = 0
    open_for_unit = Instruction.objects.filter(
        assignee_unit=gdgs, status__in=(InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED), deadline__gte=clock.today,
        project__dispatch_chief=chief,
    )
    if not open_for_unit.exists():
        with _told_at(clock.at(clock.day(1), 17), clock=clock, models=(Instruction,)):
            dispatch_services.instruction_issue(
                project=project, by=chief, title="报送10kV线路迁改停电计划", assignee_unit=gdgs,
                content="三日内报送线路迁改停电计划，停电窗口避开沿线企业生产高峰。", deadline=clock.today + 3 * DAY,
                today=clock.day(1),
            )
        made += 1
    awaiting = Instruction.objects.filter(project__dispatch_chief=chief, status=InstructionStatus.DONE)
    if not awaiting.exists():
        liaison = world.liaison(gdgs)
        issued_on = clock.day(6)
        with _told_at(clock.at(issued_on, 17), clock=clock, models=(Instruction,)):
            instruction = dispatch_services.instruction_issue(
                project=project, by=chief, title="完成迁改线路杆塔基础复测", assignee_unit=gdgs,
                content="完成迁改线路杆塔基础复测并提交复测报告。", deadline=clock.today + DAY, today=issued_on,
            )
        with _told_at(clock.at(clock.day(2), 16), clock=clock, models=(Instruction,)):
            instruction = dispatch_services.instruction_acknowledge(instruction=instruction, by=liaison)
            instruction = dispatch_services.instruction_report_done(instruction=instruction, by=liaison, result=RESULTS[0])
        made += 1
    return made


# ================================================================ the seeder
def _world(today: datetime.date) -> World:
    orgs = organizations_by_key()
    users = {u.username: u for u in User.objects.filter(username__in=["zuzhibu", "taixing", "lingdao"])}
    world = World(
        clock=Clock(today=today, now=timezone.now(), workdays=calendar()), orgs=orgs, staff=users["zuzhibu"],
        tx_staff=users.get("taixing") or users["zuzhibu"], leader=users.get("lingdao"),
    )
    world.key_of = {org.pk: key for key, org in orgs.items()}
    # A branch is the demo's only under its demo committee: the natural key is (committee, name).
    for branch in Branch.objects.filter(name__in=BRANCH_BY_NAME).select_related("field", "lead_unit"):
        committee = orgs.get(BRANCH_BY_NAME[branch.name].committee)
        if committee is not None and committee.pk == branch.supervising_committee_id:
            world.branches[branch.name] = branch
    return world


def seed_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    """Seed the mechanisms' history of the Jingjiang demo (after the branches and projects
    seeders); returns counts for the command's summary."""
    today = today or timezone.localdate()
    world = _world(today)
    if SHOWCASE_BRANCH not in world.branches:
        return {}
    logins = seed_logins(world)
    seed_weekly(world)
    seed_dispatch(world)
    seed_problems(world)
    seed_consultations(world)
    seed_requests(world)
    seed_comments(world)
    ensure_account_items(world)
    demo = list(world.branches.values())
    return {
        "新增联络员和书记账号": logins,
        "周报": WeeklyReport.objects.filter(branch__in=demo).count(),
        "问题研判": ProblemCase.objects.filter(branch__in=demo).count(),
        "调度会": Dispatch.objects.filter(branch__in=demo).count(),
        "督办事项": Instruction.objects.filter(branch__in=demo).count(),
        "对接会商": Consultation.objects.filter(branch__in=demo).count(),
        "议定事项": Resolution.objects.filter(consultation__branch__in=demo).count(),
        "请示": DecisionRequest.objects.filter(branch__in=demo).count(),
        "报告": Report.objects.filter(branch__in=demo).count(),
        "评论": Comment.objects.count(),
        "问题配合单位": ProblemAssignment.objects.filter(problem__branch__in=demo).count(),
    }
