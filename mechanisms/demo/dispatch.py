"""Demo data of 推进调度 and 对接会商 (run after the branches and projects seeders).

Every open project with a 调度长 gets its recent dispatch sessions by its cadence (some
projects are due for the next one, some not), each with the agenda of its day and the
instructions it issued: older ones verified, recent ones in every state and ticket colour.
Cross-department branches get a consultation with resolutions per unit. Idempotent: sessions
are seeded only into a database that has none, and a consultation topic that exists is left alone.
"""

import datetime

from django.utils import timezone

from branches.models import Branch, BranchScope, BranchStatus, Organization
from mechanisms.consultation.models import Consultation, ConsultationStatus, Resolution, ResolutionStatus
from mechanisms.dispatch.models import Dispatch, DispatchStatus, Instruction, InstructionStatus
from mechanisms.dispatch.selectors import dispatch_agenda
from projects.models import CADENCE_DAYS, CLOSED_STATUSES, Project
from projects.services import project_schedule_dispatch

DAY = datetime.timedelta(days=1)


NOTES = [
    "听取支部书记关于本周期推进情况的汇报，逐项研究议题清单。对滞后指标明确追赶措施，对逾期事项点名督办。",
    "现场查看施工和征迁进度，召集牵头单位和责任单位会商堵点问题，形成以下决定，由支部逐项跟踪落实。",
    "对照节点计划倒排工期，明确下一周期的攻坚重点；要求各责任单位主要负责人亲自过问、专人盯办。",
]


TASKS = [
    ("完成剩余户入户评估", "两周内完成剩余户的入户评估，评估报告报支部备案。"),
    ("协调供电线路迁改", "与工程建设方对接，制定线路迁改方案并明确停电窗口。"),
    ("落实过渡安置房源", "落实过渡安置房源并公示分配方案。"),
    ("办理用地预审手续", "完成用地预审材料报送，跟踪审批进度。"),
    ("解决企业用工缺口", "对接人社部门组织专场招聘，缓解企业用工缺口。"),
    ("开通审批绿色通道", "对项目涉及的审批事项开通绿色通道，实行专人代办。"),
    ("化解补偿标准争议", "入户逐一解释补偿政策，对异议户形成一户一方案。"),
    ("加快管线迁移施工", "倒排工期，增加作业面，确保按节点完成管线迁移。"),
]


RESULTS = ["已按要求完成，相关材料已上传。", "已落实，书面情况已报支部。", "已办结，现场已核实。"]


RESOLUTION_TASKS = [
    "负责完成本单位范围内的征迁签约和腾空交付",
    "负责线路、管线迁改，确保不影响施工节点",
    "负责审批事项全程代办，压缩办理时限",
    "负责协调施工作业面和临时用地",
]


ATTENDEES = "调度长，牵头单位、责任单位分管负责人，支部书记、组织委员"


def _save(obj, *, by):
    obj._history_user = by
    obj.save()
    return obj


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _units(project: Project) -> list[Organization]:
    units = list(project.responsible_units.all()) or list(project.branch.responsible_units.all())
    return units or [project.lead_unit]


def seed_project_dispatches(project: Project, *, today: datetime.date, index: int = 0) -> tuple[int, int]:
    """Three past sessions of ``project`` and their instructions; returns (sessions, instructions)."""
    chief = project.dispatch_chief
    cadence = CADENCE_DAYS.get(project.dispatch_cadence, 7)
    # Every other project held its last session recently (not due); the others are due, some overdue.
    last = today - (cadence // 2 if index % 2 else cadence + index % 4) * DAY
    units = _units(project)
    sessions = instructions = 0
    for age, held_on in enumerate(last - k * cadence * DAY for k in (2, 1, 0)):
        if held_on < project.start_on or held_on > today:
            continue
        dispatch = _save(
            Dispatch(
                project=project, branch=project.branch, held_on=held_on, location="项目现场指挥部会议室",
                attendees=ATTENDEES, notes=NOTES[(index + age) % len(NOTES)],
                agenda=dispatch_agenda(project, held_on), status=DispatchStatus.RECORDED,
                recorded_at=_at(held_on, 17), created_by=chief,
            ),
            by=chief,
        )
        project_schedule_dispatch(project=project, held_on=held_on)
        sessions += 1
        recent = age == 2
        plans = (
            [(InstructionStatus.ACKNOWLEDGED, -1 - index % 4), (InstructionStatus.ISSUED, 1), (InstructionStatus.ISSUED, 4)]
            if recent
            else [(InstructionStatus.VERIFIED, None), (InstructionStatus.DONE if age == 1 else InstructionStatus.VERIFIED, None)]
        )
        for n, (status, due_from_today) in enumerate(plans):
            title, content = TASKS[(index * 3 + age * 2 + n) % len(TASKS)]
            deadline = today + due_from_today * DAY if due_from_today is not None else held_on + 7 * DAY
            deadline = max(deadline, held_on)
            instruction = Instruction(
                project=project, branch=project.branch, dispatch=dispatch, title=title, content=content,
                assignee_unit=units[(index + n) % len(units)], issued_on=held_on, deadline=deadline,
                status=status, created_by=chief,
            )
            if status != InstructionStatus.ISSUED:
                instruction.acknowledged_at = _at(held_on + DAY)
            if status in (InstructionStatus.DONE, InstructionStatus.VERIFIED):
                done_on = min(deadline, today)
                instruction.result = RESULTS[(index + n) % len(RESULTS)]
                instruction.done_at = _at(done_on, 16)
            if status == InstructionStatus.VERIFIED:
                instruction.verified_at = _at(min(deadline + DAY, today), 11)
                instruction.verified_by = chief
            _save(instruction, by=chief)
            instructions += 1
    return sessions, instructions


def seed_branch_consultation(branch: Branch, *, today: datetime.date, by) -> int:
    """A held consultation of a cross-department branch with one resolution per unit (at most
    three): one verified, one signed off, one awaiting sign-off. Returns resolutions made."""
    topic = f"{branch.name}资源保障对接会商"
    if Consultation.objects.filter(branch=branch, topic=topic).exists():
        return 0
    units = list(branch.responsible_units.order_by("path")[:3])
    if not units:
        return 0
    project = branch.projects.order_by("deadline", "pk").first()
    consultation = Consultation(
        branch=branch, project=project, lead_unit=branch.lead_unit, topic=topic, held_on=today - 6 * DAY,
        location=f"{branch.lead_unit}会议室", participants="牵头单位及各责任单位分管负责人、联络员",
        minutes="牵头单位通报推进情况，各责任单位逐项认领任务、明确资源保障，形成议定事项如下。",
        status=ConsultationStatus.HELD, created_by=by,
    )
    _save(consultation, by=by)
    consultation.participating_units.set(units)
    states = [
        (ResolutionStatus.VERIFIED, -1, "抽调骨干力量组成专班，实行挂图作战。"),
        (ResolutionStatus.SIGNED_OFF, 6, "安排专项资金并开通审批绿色通道。"),
        (ResolutionStatus.AWAITING_SIGNOFF, 10, "协调施工作业面和临时用地。"),
    ]
    for n, (unit, (status, due, resources)) in enumerate(zip(units, states, strict=False)):
        task = RESOLUTION_TASKS[(branch.pk + n) % len(RESOLUTION_TASKS)]
        resolution = Resolution(
            consultation=consultation, owner_unit=unit, content=f"{unit}{task}。",
            resources=resources, deadline=today + due * DAY, status=status,
        )
        if status != ResolutionStatus.AWAITING_SIGNOFF:
            resolution.signed_off_at = _at(today - 5 * DAY)
        if status == ResolutionStatus.VERIFIED:
            resolution.result = "已落实到位。"
            resolution.done_at = _at(today - 2 * DAY)
            resolution.verified_at = _at(today - DAY)
            resolution.verified_by = by
        _save(resolution, by=by)
    return len(units)


def seed_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    projects = (
        Project.objects.filter(dispatch_chief__isnull=False)
        .exclude(status__in=CLOSED_STATUSES)
        # The showcase branches' projects got their sessions through the services (demo_records).
        .exclude(dispatches__isnull=False)
        .select_related("branch", "dispatch_chief", "lead_unit")
        .prefetch_related("responsible_units", "branch__responsible_units")
        .order_by("branch__batch", "branch__name", "pk")
    )
    sessions = instructions = resolutions = 0
    # Seeded once as a whole: a project too young for a session on the first run must not get
    # one on a later run (a demo loaded last week stays one copy). Its own sessions say it ran.
    if Dispatch.objects.filter(attendees=ATTENDEES).exists():
        projects = projects.none()
    for index, project in enumerate(projects):
        s, i = seed_project_dispatches(project, today=today, index=index)
        sessions, instructions = sessions + s, instructions + i
    branches = (
        Branch.objects.filter(
            scope=BranchScope.CROSS_DOMAIN,
            status__in=(BranchStatus.PROPOSED, BranchStatus.ACTIVE),
            projects__dispatch_chief__isnull=False,
        )
        .distinct()
        .select_related("lead_unit")
    )
    for branch in branches:
        chief = branch.projects.filter(dispatch_chief__isnull=False).first().dispatch_chief
        resolutions += seed_branch_consultation(branch, today=today, by=chief)
    return {
        "调度会": Dispatch.objects.count(),
        "督办事项": Instruction.objects.count(),
        "对接会商": Consultation.objects.count(),
        "议定事项": Resolution.objects.count(),
        "本次新增": sessions + instructions + resolutions,
    }
