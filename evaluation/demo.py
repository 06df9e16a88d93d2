"""The Jingjiang demo, last part: the "how well". The department's default rubric, and the
evaluations of the concluded branches that ``branches.demo`` / ``projects.demo`` made:

* 孤山镇现代化循环产业链项目建设攻坚支部 (won Taizhou's 骏马奖): scored by two evaluators, a bonus,
  finalized 优秀, with every member's appraisal written, graded and finalized — so the priority
  list has its secretary and its Excellent members;
* 文明城市创建攻坚支部: evaluation in progress (one evaluator has scored, a deduction recorded),
  appraisals open with a few self-assessments;
* the other concluded branches await their evaluation.

Everything goes through the services except the self-assessments of members who have no login
(a member writes their own on their page; for the demo they are entered as if from paper).
Idempotent: a rubric is looked up by (organization, name), an evaluation by its branch.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.models import Group

from branches.demo import organizations_by_key
from branches.models import Branch, BranchStatus, MembershipRole, User
from branches.roles import Role
from evaluation import selectors, services
from evaluation.models import Appraisal, AppraisalGrade, Evaluation, Figure, Rubric, RubricItemKind
from evaluation.services import ItemData

SEED = 20260415
RUBRIC_NAME = "攻坚支部效能评估标准（2026年版）"
FINAL_BRANCH = "孤山镇现代化循环产业链项目建设攻坚支部"
IN_PROGRESS_BRANCH = "文明城市创建攻坚支部"
C, D, B, V = RubricItemKind.CRITERION, RubricItemKind.DEDUCTION, RubricItemKind.BONUS, RubricItemKind.VETO

RUBRIC_ITEMS = [
    ItemData(C, "目标完成", 30, Figure.INDICATOR_ATTAINMENT, "既定目标任务完成情况，对照攻坚项目各项指标的目标值。"),
    ItemData(C, "机制运行", 25, Figure.MECHANISMS, "问题研判、推进调度、对接会商、请示报告四项机制运行情况。"),
    ItemData(C, "组织生活", 15, Figure.ACTIVITIES_HELD, "“三亮”“四比”“双学双宣”、微主题服务等组织生活开展情况。"),
    ItemData(C, "群众企业满意度", 15, "", "服务对象企业、群众的满意度测评情况。"),
    ItemData(C, "创新示范", 15, "", "工作创新、经验推广、典型示范和上级肯定情况。"),
    ItemData(D, "周报迟报漏报", 5, "", "每迟报、漏报一次扣0.5分，最多扣5分。"),
    ItemData(D, "督办事项逾期未办结", 5, "", "每逾期一项扣1分，最多扣5分。"),
    ItemData(B, "获上级表彰或经验推广", 5, "", "获市级以上表彰或经验做法被上级推广的，视情加分。"),
    ItemData(V, "发生重大安全责任事故", 0, "", "攻坚任务实施中发生重大安全责任事故的，评估等次直接定为较差。"),
    ItemData(V, "发生严重违纪违法问题", 0, "", "支部班子成员发生严重违纪违法问题的，评估等次直接定为较差。"),
]

EVALUATORS = [
    # username, name, post: the second and third evaluators of the department (no login needed).
    ("pg_liufang", "刘芳", "组织部干部监督科科长"),
    ("pg_xuhui", "徐辉", "组织部组织科副科长"),
]

_SELF = [
    "作为支部党员，我始终把攻坚任务当作检验党性的考场，亮身份、亮承诺、亮实绩，主动认领难点任务，按期兑现了公开承诺。"
    "不足之处是政策学习还不够系统，今后将持续改进。",
    "在攻坚支部期间，我坚持冲在一线，参加了支部组织的各项活动，协调解决了多个具体问题。"
    "今后要进一步提高统筹协调能力，把攻坚中形成的好作风带回本职岗位。",
    "我认真履行支部分工，服从调度、按时完成督办事项，在急难险重任务面前没有退缩。"
    "对照优秀党员标准，在创新工作方法上还有差距。",
]
_BRANCH_TEXT = {
    AppraisalGrade.EXCELLENT: "该同志政治立场坚定，攻坚一线冲锋在前，公开承诺全部兑现，牵头破解了多个难点堵点问题，"
    "在党员中发挥了示范带头作用，支部一致推荐为优秀。",
    AppraisalGrade.QUALIFIED: "该同志能够履行党员义务，服从支部安排，按时参加组织生活，较好完成了分工任务。",
    AppraisalGrade.BASICALLY_QUALIFIED: "该同志基本完成分工任务，但参加组织生活不够经常，主动作为意识有待加强。",
    "": "该同志为预备党员，在攻坚任务中积极向组织靠拢，表现较好。",
}
_ROLE_ZH = {
    MembershipRole.SECRETARY: "书记",
    MembershipRole.DEPUTY_SECRETARY: "副书记",
    MembershipRole.ORGANIZATION_COMMISSIONER: "组织委员",
    MembershipRole.PUBLICITY_COMMISSIONER: "宣传委员",
    MembershipRole.DISCIPLINE_COMMISSIONER: "纪检委员",
    MembershipRole.MEMBER: "党员",
    MembershipRole.LIAISON: "联络员",
}
_GRADE_ZH = {
    AppraisalGrade.EXCELLENT: "优秀",
    AppraisalGrade.QUALIFIED: "合格",
    AppraisalGrade.BASICALLY_QUALIFIED: "基本合格",
    "": "",
}


def _conclusion_zh(appraisal: Appraisal, grade: str) -> str:
    """The department's conclusion in Chinese, drafted from the record as the service drafts it."""
    record = selectors.member_record(appraisal)
    roles = "、".join(_ROLE_ZH.get(r, r) for r in record.roles)
    end = appraisal.served_to.isoformat() if appraisal.served_to else "任务结束"
    parts = [f"{appraisal.person.name}同志于{appraisal.served_from.isoformat()}至{end}在{appraisal.branch.name}担任{roles}。"]
    if record.commitments:
        parts.append(f"公开承诺“{record.commitments[0].rstrip('。')}”，已兑现。")
    if record.activities:
        parts.append(f"参加组织生活{len(record.activities)}次（{'、'.join(record.activities[:3])}）。")
    if record.instructions:
        parts.append(f"承办督办事项{record.instructions}项，按期办结{record.instructions_on_time}项。")
    if record.problems:
        parts.append(f"提出问题{record.problems}个，已解决{record.problems_resolved}个。")
    if grade:
        parts.append(f"经支部评议、组织部门审核，党性鉴定等次为“{_GRADE_ZH[grade]}”。")
    else:
        parts.append("预备党员参加鉴定，不评定等次。")
    return "".join(parts)


def _evaluators(orgs, staff) -> list[User]:
    group = Group.objects.get(name=Role.DEPARTMENT_STAFF)
    users = [staff]
    for username, name, _post in EVALUATORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=name, organization=orgs["jj"])
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        users.append(user)
    return users


def seed_rubric(orgs, staff) -> Rubric:
    rubric = Rubric.objects.filter(organization=orgs["jj"], name=RUBRIC_NAME).first()
    if rubric is None:
        rubric = services.rubric_create(
            organization=orgs["jj"], name=RUBRIC_NAME, items=RUBRIC_ITEMS, by=staff,
            description="市委组织部制定，适用于全市“攻坚”支部任务结束后的效能评估。",
        )
    return rubric


def _criteria(evaluation):
    return list(evaluation.items.filter(kind=RubricItemKind.CRITERION).order_by("position"))


def _score(evaluation, user, values, comment=""):
    criteria = _criteria(evaluation)
    services.scorecard_save(
        evaluation=evaluation, by=user, scores={c.pk: Decimal(str(v)) for c, v in zip(criteria, values, strict=True)},
        comment=comment,
    )


def _secretary_user(branch, staff):
    secretary = selectors.last_secretary(branch)
    return secretary.person.user if secretary and secretary.person.user_id else staff


def _write_self(appraisals, rng, share):
    for appraisal in appraisals:
        if rng.random() < share:
            appraisal.self_assessment = rng.choice(_SELF)
            appraisal.self_assessed_at = appraisal.created_at
            appraisal._history_user = appraisal.person.user
            appraisal.save()


def seed_final(branch, rubric, evaluators, staff, rng) -> Evaluation:
    evaluation = services.evaluation_start(branch=branch, rubric=rubric, by=staff)
    _score(evaluation, evaluators[0], [28, 23, 14, 14, 14], "20天完成全部前期手续，项目如期开工，成效突出。")
    _score(evaluation, evaluators[1], [29, 22, 14, 13, 14], "")
    _score(evaluation, evaluators[2], [28, 23, 13, 14, 13], "建议推广其党员先锋接力做法。")
    bonus = evaluation.items.get(name="获上级表彰或经验推广")
    services.adjustment_add(evaluation=evaluation, item=bonus, points=3, reason="团队荣获泰州“骏马奖”。", by=staff)
    appraisals = list(selectors.appraisal_list(branch))
    _write_self(appraisals, rng, 1.0)
    writer = _secretary_user(branch, staff)
    graded = [a for a in appraisals if a.is_graded]
    cap = services.excellent_cap(len(graded))
    # The secretary and the most active members get 优秀, up to the cap; one member 基本合格.
    ranked = sorted(graded, key=lambda a: (a.role != MembershipRole.SECRETARY, -len(selectors.member_record(a).activities)))
    grades = {}
    for i, appraisal in enumerate(ranked):
        if i < cap:
            grades[appraisal.pk] = AppraisalGrade.EXCELLENT
        elif i == len(ranked) - 1 and len(ranked) > 3:
            grades[appraisal.pk] = AppraisalGrade.BASICALLY_QUALIFIED
        else:
            grades[appraisal.pk] = AppraisalGrade.QUALIFIED
    for appraisal in appraisals:
        grade = grades.get(appraisal.pk, "")
        services.appraisal_branch_assess(appraisal=appraisal, text=_BRANCH_TEXT[grade], by=writer)
        services.appraisal_grade(appraisal=appraisal, grade=grade, conclusion=_conclusion_zh(appraisal, grade), by=staff)
        services.appraisal_finalize(appraisal=appraisal, by=staff)
    return services.evaluation_finalize(
        evaluation=evaluation, by=staff,
        remarks="该支部目标明确、机制健全、成效显著，20天内完成项目前期手续，团队荣获泰州“骏马奖”，评估等次为优秀。",
    )


def seed_in_progress(branch, rubric, evaluators, staff, rng) -> Evaluation:
    evaluation = services.evaluation_start(branch=branch, rubric=rubric, by=staff)
    _score(evaluation, evaluators[1], [27, 21, 14, 14, 15], "摘得“全国文明城市”金字招牌，示范作用明显。")
    deduction = evaluation.items.get(name="周报迟报漏报")
    services.adjustment_add(evaluation=evaluation, item=deduction, points=1, reason="第12、第19周周报迟报。", by=staff)
    _write_self(list(selectors.appraisal_list(branch)), rng, 0.5)
    return evaluation


def seed_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    """Seed the "how well" of the Jingjiang demo; returns counts for the command's summary."""
    rng = random.Random(SEED)
    orgs = organizations_by_key()
    staff = User.objects.get(username="zuzhibu")
    rubric = seed_rubric(orgs, staff)
    evaluators = _evaluators(orgs, staff)
    city = Branch.objects.filter(supervising_committee__path__startswith=orgs["jj"].path)
    for name, seed in ((FINAL_BRANCH, seed_final), (IN_PROGRESS_BRANCH, seed_in_progress)):
        branch = city.filter(name=name).select_related("supervising_committee").first()
        if branch is None or Evaluation.objects.filter(branch=branch).exists():
            continue
        if branch.status != BranchStatus.CONCLUDED:
            continue  # an older demo database moved it on already
        seed(branch, rubric, evaluators, staff, rng)
    evaluations = Evaluation.objects.filter(branch__in=city)
    return {
        "评估标准": Rubric.objects.filter(organization=orgs["jj"]).count(),
        "效能评估（已定稿）": evaluations.filter(status="final").count(),
        "效能评估（评估中）": evaluations.filter(status="in_progress").count(),
        "待评估支部": city.filter(status=BranchStatus.CONCLUDED, evaluation__isnull=True).count(),
        "党性鉴定": Appraisal.objects.filter(branch__in=city).count(),
        "优先考虑名单": len(selectors.priority_list(user=staff)),
    }
