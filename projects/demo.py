"""The Jingjiang demo, part two: the "what". Each branch's 攻坚项目 with its 调度长, indicators
with a history of readings backdated over the past weeks, milestones (some done, some overdue),
and the branch lifecycle moves that need projects (activation, conclusion, dissolution).

The figures of each project are chosen so that the light the services compute and store gives a
realistic mix across Jingjiang's 74 branches (about 60 % green, 25 % yellow, 15 % red): the
plan is checked against ``projects.lights.compute_light`` before anything is written.

Idempotent like ``branches.demo``: a project is looked up by (branch, name), and its indicators,
readings and milestones are seeded only together with the project.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.demo import BRANCHES, FIELD_FRONT, BranchSpec, branch_dates, organizations_by_key
from branches.demo_accounts import OTHER_CITY_ACCOUNT, SHOWCASE_BRANCH, dispatch_chief_username
from branches.models import Branch, BranchStatus, Light, MembershipRole, User, WorkField
from branches.services import branch_transition, membership_end
from projects import lights
from projects.models import DispatchCadence, Indicator, IndicatorReading, Milestone, Project, ProjectStatus
from projects.services import (
    indicator_create,
    indicator_record_reading,
    milestone_create,
    project_create,
    project_transition,
)

SEED = 20260302
DAY = datetime.timedelta(days=1)

# How many of Jingjiang's 74 branches end up red and yellow (the rest, and every branch that is
# not active, are green): roughly 15 % and 25 %.
RED_BRANCHES = 11
YELLOW_BRANCHES = 19


@dataclass(frozen=True)
class I:  # noqa: E742 - a terse row type for the tables below
    """An indicator: name, unit, baseline, target (decimals: how its readings are rounded)."""

    name: str
    unit: str
    baseline: float
    target: float
    decimals: int = 0
    weight: int = 1


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    indicators: tuple = ()  # of I; empty: drawn from the field's templates
    lead: str = ""  # organization key; default: the branch's lead unit
    goal: str = ""
    start: int | None = None  # days from today
    deadline: int | None = None
    health: str = ""  # the light to aim for; default: from the branch's
    milestones: tuple = ()  # names, or (name, due in days from today, done in days from today or None)
    series: dict = field(default_factory=dict)  # indicator name → ((days from today, value), …)
    cadence: str = ""


def _p(name, *indicators, **extra):
    return ProjectSpec(name, tuple(indicators), **extra)


# ================================================================ projects of each branch
PROJECTS: dict[str, list] = {
    "放管服改革攻坚支部": [
        _p("企业开办“一件事一次办”改革", I("企业开办办理时间", "小时", 8, 2), I("“一件事”集成服务事项", "项", 0, 30)),
        _p("工程建设项目审批“绿色通道”", I("审批时限压缩比例", "%", 0, 50), I("绿色通道服务项目", "个", 0, 40)),
        _p("不动产交易登记“一窗通办”", I("一窗通办业务占比", "%", 40, 100)),
    ],
    "中南高科靖江项目服务攻坚支部": [
        _p("19个新签约入园项目全周期服务", I("新签约项目开工", "个", 0, 19, weight=2), I("企业吹哨事项办结", "件", 0, 150),
           milestones=("项目服务专班组建", "首批项目集中开工", "全部项目开工", "首批项目竣工投产"), cadence=DispatchCadence.WEEKLY),
        _p("中南高科产业园配套设施建设", I("完成投资", "亿元", 0, 4.5, 1)),
    ],
    "文明城市创建攻坚支部": [
        _p("全国文明城市创建迎检攻坚", I("问题点位整改", "个", 0, 1260), I("实地测评达标率", "%", 80, 100),
           milestones=("问题清单梳理", "集中整治百日攻坚", "模拟测评", "迎接国家测评")),
        _p("背街小巷环境整治", I("整治背街小巷", "条", 0, 86)),
    ],
    "孤山镇现代化循环产业链项目建设攻坚支部": [
        _p("现代化循环产业链项目前期手续", I("前期手续办结", "项", 0, 12),
           milestones=("项目用地租赁协议签订", "设施补偿完成", "审批公告备案完成"), cadence=DispatchCadence.WEEKLY),
    ],
    "经济技术开发区“三比一提升”攻坚支部": [
        _p("中国商飞投资项目落地攻坚", I("项目前期手续办结", "项", 0, 24), lead="kfq",
           milestones=("项目洽谈对接", "投资协议签约", "项目公司注册", "土地摘牌", "开工建设"), cadence=DispatchCadence.WEEKLY),
        _p("园区“三比一提升”招商行动", I("新签约亿元以上项目", "个", 0, 30), I("新签约项目总投资", "亿元", 0, 180, 1)),
    ],
    SHOWCASE_BRANCH: [
        _p("澄靖第二过江通道靖江段房屋征迁", I("搬迁户数", "户", 0, 225, weight=2), I("签约户数", "户", 0, 225),
           goal="28天内完成过江通道靖江段225户搬迁户的签约、腾空和交付，确保工程如期开工。",
           start=-20, deadline=8, health=Light.GREEN, cadence=DispatchCadence.WEEKLY,
           milestones=(("入户调查摸底完成", -17, -17), ("评估结果公示", -13, -14), ("集中签约攻坚", -3, -4),
                       ("房屋腾空交付", 8, None)),
           series={
               "签约户数": ((-18, 40), (-16, 88), (-14, 130), (-12, 162), (-10, 185), (-8, 199), (-6, 207),
                          (-4, 213), (-2, 216), (0, 219)),
               "搬迁户数": ((-17, 12), (-15, 31), (-13, 52), (-11, 74), (-9, 96), (-7, 118), (-5, 139),
                          (-3, 158), (-1, 171), (0, 176)),
           }),
        _p("过江通道沿线电力线路迁改", I("杆塔迁移", "基", 0, 36), I("线路迁改", "公里", 0, 12.5, 1), lead="gdgs",
           start=-30, deadline=30, health=Light.YELLOW, cadence=DispatchCadence.WEEKLY,
           milestones=(("迁改方案审查", -24, -25), ("10kV线路迁改停电计划报批", -3, None), ("杆塔基础施工", 12, None),
                       ("新建线路投运", 30, None))),
        _p("过江通道施工临时用地交付", I("交付临时用地", "亩", 0, 320), lead="zrj", start=-40, deadline=50,
           health=Light.GREEN, milestones=("用地勘测定界", "青苗补偿兑付", "临时用地交付")),
    ],
    "靖江大道快速化改造攻坚支部": ["靖江大道快速化改造主线工程", "靖江大道沿线交通组织与管线迁改"],
    "城区断头路打通攻坚支部": [_p("城区6条断头路打通工程", I("打通断头路", "条", 0, 6), I("完成投资", "亿元", 0, 3.2, 1))],
    "沿江公路提档升级攻坚支部": ["沿江公路提档升级工程"],
    "靖城街道老旧小区改造攻坚支部": [_p("12个老旧小区综合改造", I("完成改造小区", "个", 0, 12), I("加装电梯", "部", 0, 36))],
    "城乡公交一体化攻坚支部": [_p("镇村公交线网优化", I("优化公交线路", "条", 0, 24)),
                        _p("公交候车亭改造", I("改造候车亭", "座", 0, 200))],
    "长江岸线生态修复攻坚支部": ["长江岸线生态复绿工程", "沿江化工企业整治"],
    "城区黑臭水体整治攻坚支部": [_p("城区河道黑臭水体整治", I("完成整治河道", "条", 0, 18), I("整治河道长度", "公里", 0, 26.5, 1))],
    "生祠镇农村人居环境整治攻坚支部": ["农村人居环境整治提升行动"],
    "牧城公园提升改造攻坚支部": [_p("牧城公园提升改造工程", I("完成投资", "万元", 0, 6800), I("新增绿化面积", "万平方米", 0, 8.5, 1))],
    "大气污染防治攻坚支部": [_p("PM2.5与臭氧协同治理", I("空气质量优良天数比例", "%", 78, 85, 1)), "工地扬尘专项整治"],
    "季市镇高标准农田建设攻坚支部": [_p("2.5万亩高标准农田建设", I("建成高标准农田", "万亩", 0, 2.5, 2))],
    "西来镇特色田园乡村建设攻坚支部": ["特色田园乡村创建"],
    "新桥镇农村产业融合发展攻坚支部": ["农产品电商与冷链物流中心建设"],
    "东兴镇江鲜特色产业攻坚支部": ["江鲜特色产业园建设"],
    "西来镇智能装备产业园项目招引攻坚支部": [_p("智能装备产业园项目招引", I("签约亿元以上项目", "个", 0, 5))],
    "新能源汽车零部件项目招引攻坚支部": ["新能源汽车零部件项目招引", "汽车零部件产业链招商图谱编制"],
    "城南园区高端装备项目招引攻坚支部": [_p("高端装备制造项目招引", I("签约总投资", "亿元", 0, 50, 1), I("签约项目", "个", 0, 12))],
    "新港园区船舶配套项目招引攻坚支部": ["船舶配套项目招引"],
    "新桥镇农房改善动迁攻坚支部": [_p("农房改善项目签约搬迁", I("签约搬迁农户", "户", 0, 186))],
    "城南园区征地拆迁攻坚支部": ["园区二期征地拆迁", "拆迁范围内管线迁改"],
    "城北片区旧城改造征收攻坚支部": [_p("城北片区房屋征收", I("签约户数", "户", 0, 412), I("腾空交付", "户", 0, 412))],
    "新时代造船绿色智能船坞建设攻坚支部": ["绿色智能船坞建设", "船坞配套供电工程"],
    "市人民医院新院区建设攻坚支部": ["市人民医院新院区主体工程"],
    "靖江港区公用码头建设攻坚支部": ["公用码头二期工程"],
    "东兴镇光伏储能项目建设攻坚支部": [_p("整镇屋顶分布式光伏建设", I("并网装机容量", "兆瓦", 0, 60, 1)), "储能电站建设"],
    "城南园区标准厂房建设攻坚支部": [_p("20万平方米标准厂房建设", I("厂房建成面积", "万平方米", 0, 20, 1))],
    "工程建设项目“拿地即开工”改革攻坚支部": [_p("“拿地即开工”审批模式改革", I("拿地到开工平均时间", "天", 90, 30),
                                       I("“拿地即开工”项目", "个", 0, 25))],
    "纳税服务便利化攻坚支部": [_p("办税缴费“非接触式”服务推广", I("主要涉税事项网上办理率", "%", 85, 98, 1))],
    "涉企政策“免申即享”攻坚支部": ["惠企政策“免申即享”平台建设", _p("涉企政策清单梳理", I("梳理政策条款", "条", 0, 260))],
    "开发区“区政合一”管理体制改革攻坚支部": ["“区政合一”管理体制改革"],
    "城南园区“亩均论英雄”改革攻坚支部": [_p("亩均效益综合评价与低效用地盘活", I("盘活低效用地", "亩", 0, 480),
                                    I("亩均税收", "万元", 26, 32, 1))],
    "孤山镇“三整合”改革攻坚支部": ["综合执法队伍整合", "便民服务“一窗通办”"],
    "靖城街道网格化社会治理攻坚支部": ["全要素网格化治理"],
    "城乡供水一体化攻坚支部": [_p("镇村供水管网改造", I("改造供水管网", "公里", 0, 140, 1))],
    "江阴—靖江城际轨道前期工作攻坚支部": [_p("城际轨道靖江段前期工作", I("前期审批事项办结", "项", 0, 16),
                                     milestones=("线位规划方案稳定", "环评公示", "可研报告报批", "初步设计批复"))],
    "城区停车设施建设攻坚支部": [_p("新增公共停车泊位建设", I("新增停车泊位", "个", 0, 3000))],
    "老旧管网更新改造攻坚支部": [_p("老旧燃气管网更新改造", I("改造燃气管网", "公里", 0, 45, 1)),
                         _p("老旧供水管网更新改造", I("改造供水管网", "公里", 0, 35, 1))],
    "农村生活污水治理攻坚支部": [_p("农村生活污水治理设施建设", I("治理设施覆盖行政村", "个", 0, 96))],
    "沿江湿地公园建设攻坚支部": [_p("沿江湿地公园一期", I("修复湿地", "亩", 0, 1200))],
    "孤山镇数字乡村建设攻坚支部": ["数字乡村综合服务平台建设"],
    "季市镇老街文旅融合攻坚支部": ["季市老街保护修缮", "老街文旅业态招引"],
    "生祠镇稻米产业提升攻坚支部": ["优质稻米产业基地建设"],
    "航空航天装备项目招引攻坚支部": ["航空零部件配套企业招引"],
    "生物医药项目招引攻坚支部": ["生物医药和医疗器械项目招引"],
    "新一代信息技术项目招引攻坚支部": [_p("新一代信息技术项目招引", I("签约项目", "个", 0, 8))],
    "斜桥镇临港产业项目招引攻坚支部": ["临港产业项目招引"],
    "沿江公路二期征迁攻坚支部": ["沿江公路二期沿线征迁", _p("沿线电力杆线迁改", I("迁改杆线", "基", 0, 58), lead="gdgs")],
    "靖江港区疏港公路征迁攻坚支部": ["疏港公路沿线征迁"],
    "孤山镇土地综合整治动迁攻坚支部": ["全域土地综合整治农户搬迁"],
    "中南高科智造园二期建设攻坚支部": [_p("智造园二期厂房建设", I("交付厂房", "万平方米", 0, 15, 1))],
    "新世纪造船LNG船生产线建设攻坚支部": ["LNG运输船生产线技改"],
    "生祠镇物流园区项目建设攻坚支部": ["长江物流园一期建设"],
    "城南园区污水处理厂扩建攻坚支部": [_p("园区污水处理厂扩建工程", I("新增日处理能力", "万吨", 0, 2, 1))],
    "市场主体登记“跨省通办”攻坚支部": [_p("市场主体登记“跨省通办”", I("企业登记全程网办率", "%", 70, 95))],
    "企业用工保障攻坚支部": [_p("重点企业用工对接服务", I("帮助企业招工", "人", 0, 3000), I("举办招聘活动", "场", 0, 40))],
    "政务服务“15分钟便民服务圈”攻坚支部": [_p("“15分钟便民服务圈”建设", I("建成便民服务站点", "个", 0, 120))],
    "新港园区“一区多园”整合提升攻坚支部": ["“一区多园”整合提升"],
    "开发区科技创新平台建设攻坚支部": [_p("省级以上研发机构培育", I("新增省级以上研发机构", "家", 0, 10))],
    "西来镇综合行政执法改革攻坚支部": ["镇级综合行政执法改革"],
    "东兴镇便民服务中心集成改革攻坚支部": ["便民服务中心集成改革"],
    "新桥镇网格化治理攻坚支部": [_p("全要素网格化治理", I("矛盾纠纷就地化解率", "%", 80, 95))],
    "文明城市长效管理攻坚支部": ["文明城市常态长效管理", _p("背街小巷环境提升", I("提升背街小巷", "条", 0, 60))],
    "农贸市场标准化改造攻坚支部": [_p("城区农贸市场标准化改造", I("完成改造农贸市场", "个", 0, 14))],
    "船舶制造产业链联合党委": [
        _p("船舶产业链稳链保供行动", I("协调解决链上问题", "个", 0, 60), I("船板保供", "万吨", 0, 45, 1)),
        _p("船舶产业技能人才“订单式”培养", I("培养高级焊工、涂装工", "人", 0, 800)),
    ],
    "汽车及零部件产业链联合党委": [
        _p("汽车电子芯片保供协调", I("协调芯片保供", "万颗", 0, 120, 1)),
        "零部件企业供需对接",
    ],
    "航空航天装备产业链联合党委": [_p("航空零部件本地配套体系建设", I("新增本地配套企业", "家", 0, 12))],
    "新材料产业链联合党委": [_p("新材料关键技术协同攻关", I("联合攻关项目", "个", 0, 8))],
    "黄桥老区振兴攻坚支部": ["黄桥乡村振兴示范片建设"],
    "泰兴经开区化工园区整治提升攻坚支部": ["化工园区安全环保整治提升"],
    "泰兴市重大项目代办服务攻坚支部": [_p("市级重大项目全程代办", I("代办项目", "个", 0, 40))],
}

# The light each branch aims at where the story decides it (the rest are drawn to the quotas).
HEALTH_OVERRIDES = {
    SHOWCASE_BRANCH: Light.YELLOW,
    "放管服改革攻坚支部": Light.YELLOW,
    "中南高科靖江项目服务攻坚支部": Light.GREEN,
    "经济技术开发区“三比一提升”攻坚支部": Light.GREEN,
    "城北片区旧城改造征收攻坚支部": Light.RED,
    "黄桥老区振兴攻坚支部": Light.GREEN,
    "泰兴经开区化工园区整治提升攻坚支部": Light.RED,
    "泰兴市重大项目代办服务攻坚支部": Light.YELLOW,
}

# Indicator templates per field: (name, unit, baseline, lowest target, highest target, decimals).
FIELD_INDICATORS = {
    "城建交通": [("完成投资", "亿元", 0, 2, 12, 1), ("主线施工完成", "公里", 0, 3, 15, 1), ("管线迁改完成", "处", 0, 20, 80, 0)],
    "美丽靖江": [("整治点位完成", "个", 0, 30, 150, 0), ("完成投资", "亿元", 0, 1, 6, 1), ("复绿面积", "亩", 0, 200, 1200, 0)],
    "乡村振兴": [("覆盖行政村", "个", 0, 8, 30, 0), ("带动农户增收", "户", 0, 300, 1500, 0), ("完成投资", "万元", 0, 800, 5000, 0)],
    "产业链供应链": [("走访链上企业", "家", 0, 30, 120, 0), ("协调解决问题", "个", 0, 20, 80, 0)],
    "项目招引": [("签约项目", "个", 0, 5, 20, 0), ("签约总投资", "亿元", 0, 20, 120, 1)],
    "动迁": [("签约户数", "户", 0, 60, 400, 0), ("交付土地", "亩", 0, 100, 800, 0)],
    "项目建设": [("完成投资", "亿元", 0, 3, 30, 1), ("形象进度", "%", 0, 100, 100, 0)],
    "营商环境": [("事项办理时限压缩", "%", 0, 40, 60, 0), ("上线“一件事”事项", "项", 0, 20, 60, 0)],
    "开发园区改革": [("盘活低效用地", "亩", 0, 150, 600, 0), ("新引进项目", "个", 0, 5, 15, 0)],
    "基层“三整合”改革": [("下放执法事项", "项", 0, 60, 180, 0), ("网格事件按期办结率", "%", 85, 98, 98, 0)],
    "文明城市创建": [("问题点位整改", "个", 0, 300, 1500, 0), ("测评达标率", "%", 80, 100, 100, 0)],
}

FIELD_MILESTONES = {
    "城建交通": ["施工图设计审查", "管线迁改完成", "主体工程施工过半", "交工验收"],
    "美丽靖江": ["排查建档", "整治方案评审", "集中整治", "考核验收"],
    "乡村振兴": ["规划方案审定", "项目招标", "建设施工", "验收评估"],
    "产业链供应链": ["产业链图谱绘制", "链上企业党建联席会", "供需对接会", "年度评估"],
    "项目招引": ["产业链招商图谱编制", "赴外专题招商", "重点项目集中签约", "项目落地注册"],
    "动迁": ["入户调查摸底", "评估结果公示", "集中签约", "房屋腾空交付"],
    "项目建设": ["施工许可办理", "桩基工程完成", "主体结构封顶", "设备安装调试", "竣工投产"],
    "营商环境": ["流程再造方案印发", "系统上线试运行", "全面推开", "第三方评估"],
    "开发园区改革": ["改革方案报批", "机构职能调整到位", "配套制度出台", "运行评估"],
    "基层“三整合”改革": ["整合方案审定", "人员划转到位", "平台上线运行", "运行评估"],
    "文明城市创建": ["问题清单梳理", "集中整治月", "模拟测评", "长效机制建立"],
}

FIELD_CADENCE = {
    "动迁": DispatchCadence.WEEKLY,
    "项目建设": DispatchCadence.WEEKLY,
    "项目招引": DispatchCadence.FORTNIGHTLY,
    "城建交通": DispatchCadence.FORTNIGHTLY,
    "产业链供应链": DispatchCadence.FORTNIGHTLY,
}


# ================================================================ planning (no database)
@dataclass
class IndicatorPlan:
    spec: I
    readings: list  # (date, Decimal), oldest first


@dataclass
class MilestonePlan:
    name: str
    due_on: datetime.date
    done_on: datetime.date | None


@dataclass
class ProjectPlan:
    spec: ProjectSpec
    start_on: datetime.date
    deadline: datetime.date
    final_status: str
    health: str
    indicators: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    cadence: str = DispatchCadence.FORTNIGHTLY


def project_specs(branch: BranchSpec) -> list[ProjectSpec]:
    return [ProjectSpec(row) if isinstance(row, str) else row for row in PROJECTS.get(branch.name, [])]


def branch_health() -> dict[str, str]:
    """The light each active branch aims at: the story's overrides, then fixed quotas of red
    and yellow drawn over Jingjiang's other active branches."""
    rng = random.Random(f"{SEED}:health")
    health = dict(HEALTH_OVERRIDES)
    jingjiang = [s for s in BRANCHES if s.city == "jj"]
    fixed = Counter(health[s.name] for s in jingjiang if s.name in health)
    free = [s.name for s in jingjiang if s.status == BranchStatus.ACTIVE and s.name not in health]
    rng.shuffle(free)
    reds = RED_BRANCHES - fixed[Light.RED]
    yellows = YELLOW_BRANCHES - fixed[Light.YELLOW]
    for i, name in enumerate(free):
        health[name] = Light.RED if i < reds else Light.YELLOW if i < reds + yellows else Light.GREEN
    return health


def _decimal(value: float, decimals: int) -> Decimal:
    return Decimal(str(round(value, decimals))) if decimals else Decimal(int(round(value)))


def _indicator_specs(rng, branch: BranchSpec, spec: ProjectSpec) -> list[I]:
    if spec.indicators:
        return list(spec.indicators)
    templates = FIELD_INDICATORS[branch.field]
    chosen = rng.sample(templates, k=min(len(templates), rng.choice([1, 2, 2])))
    result = []
    for name, unit, baseline, lo, hi, decimals in chosen:
        target = lo if lo == hi else rng.uniform(lo, hi)
        target = round(target, decimals) if decimals else int(round(target / 5) * 5 or lo)
        result.append(I(name, unit, baseline, target, decimals))
    return result


def _milestone_names(rng, branch: BranchSpec, spec: ProjectSpec) -> list:
    if spec.milestones:
        return list(spec.milestones)
    names = FIELD_MILESTONES[branch.field]
    k = 3 if rng.random() < 0.7 else 4
    return names[: k - 1] + [names[-1]]


def _readings(rng, ind: I, start, last_on, progress, *, stall=False) -> list:
    """A rising history from the start to ``last_on`` ending at ``progress`` of the way."""
    days = (last_on - start).days
    if days < 1:
        return []
    n = max(1, min(8, days // 10))
    gamma = rng.uniform(0.8, 1.3)
    rows, seen = [], set()
    for k in range(1, n + 1):
        on = start + datetime.timedelta(days=round(days * k / n))
        if on in seen:
            continue
        seen.add(on)
        share = progress * (k / n) ** gamma
        if stall and k == n - 1:
            share = progress  # nothing moved since the previous reading
        value = ind.baseline + (ind.target - ind.baseline) * share
        rows.append((on, _decimal(value, ind.decimals)))
    return rows


def _figures(plan: ProjectPlan):
    indicators = [
        lights.IndicatorFigures(
            baseline=Decimal(str(p.spec.baseline)), target=Decimal(str(p.spec.target)),
            current=p.readings[-1][1] if p.readings else Decimal(str(p.spec.baseline)),
            weight=p.spec.weight, readings=tuple(p.readings),
        )
        for p in plan.indicators
    ]
    milestones = [lights.MilestoneFigures(due_on=m.due_on, done_on=m.done_on) for m in plan.milestones]
    return indicators, milestones


def _light_of(plan: ProjectPlan, today) -> str:
    indicators, milestones = _figures(plan)
    return lights.compute_light(
        start=plan.start_on, deadline=plan.deadline, today=today, indicators=indicators, milestones=milestones
    ).light


def _explicit_plan(branch, spec, today, health) -> ProjectPlan:
    """A project whose every figure the story fixes (the showcase branch)."""
    start, deadline = today + spec.start * DAY, today + spec.deadline * DAY
    plan = ProjectPlan(spec, start, deadline, ProjectStatus.IN_PROGRESS, health,
                       cadence=spec.cadence or FIELD_CADENCE.get(branch.field, DispatchCadence.FORTNIGHTLY))
    rng = random.Random(f"{SEED}:project:{branch.name}:{spec.name}")
    elapsed = (today - start).days / max(1, (deadline - start).days)
    for ind in spec.indicators:
        series = spec.series.get(ind.name)
        if series:
            readings = [(today + d * DAY, _decimal(v, ind.decimals)) for d, v in series]
        else:
            readings = _readings(rng, ind, start, today - DAY, min(0.97, elapsed + 0.03))
        plan.indicators.append(IndicatorPlan(ind, readings))
    names = spec.milestones
    for i, row in enumerate(names):
        if isinstance(row, tuple):
            name, due, done = row
            plan.milestones.append(MilestonePlan(name, today + due * DAY, None if done is None else today + done * DAY))
        else:
            due_on = start + (deadline - start) * (i + 1) // len(names)
            plan.milestones.append(MilestonePlan(row, due_on, due_on - DAY if due_on < today else None))
    return plan


def plan_project(branch: BranchSpec, spec: ProjectSpec, today, *, health: str, index: int) -> ProjectPlan:
    """Dates, readings and milestones of one project, checked to give ``health`` today."""
    if spec.start is not None:
        return _explicit_plan(branch, spec, today, health)
    rng = random.Random(f"{SEED}:project:{branch.name}:{spec.name}")
    dates = branch_dates(branch, today)
    cadence = spec.cadence or FIELD_CADENCE.get(branch.field) or rng.choice(
        [DispatchCadence.FORTNIGHTLY, DispatchCadence.MONTHLY]
    )
    indicators = _indicator_specs(rng, branch, spec)
    names = _milestone_names(rng, branch, spec)

    if branch.status == BranchStatus.PROPOSED:
        start = today + rng.randint(10, 30) * DAY
        deadline = max(dates.planned_end_on, start + 60 * DAY)
        plan = ProjectPlan(spec, start, deadline, ProjectStatus.PLANNED, Light.GREEN, cadence=cadence)
        plan.indicators = [IndicatorPlan(ind, []) for ind in indicators]
        plan.milestones = _spread(names, start, deadline, today, rng)
        return plan

    if branch.status == BranchStatus.CONCLUDED:
        start = dates.formed_on + rng.randint(1, 5) * DAY
        span = 20 if "20天" in branch.goal else rng.randint(60, 200)
        deadline = min(start + span * DAY, dates.concluded_on - rng.randint(0, 5) * DAY)
        deadline = max(deadline, start + 15 * DAY)
        finished = min(deadline, dates.concluded_on) - rng.randint(0, 3) * DAY
        plan = ProjectPlan(spec, start, deadline, ProjectStatus.COMPLETED, Light.GREEN, cadence=cadence)
        plan.indicators = [IndicatorPlan(ind, _readings(rng, ind, start, finished, 1.0)) for ind in indicators]
        plan.milestones = _spread(names, start, deadline, deadline + DAY, rng)
        for m in plan.milestones:
            m.done_on = min(m.done_on, finished)  # everything was done when the work finished
        return plan

    if branch.status == BranchStatus.DISSOLVED:
        start = dates.formed_on + rng.randint(3, 10) * DAY
        deadline = dates.planned_end_on
        stop = dates.dissolved_on - 5 * DAY
        plan = ProjectPlan(spec, start, deadline, ProjectStatus.CANCELLED, Light.GREEN, cadence=cadence)
        plan.indicators = [IndicatorPlan(ind, _readings(rng, ind, start, stop, 0.2)) for ind in indicators]
        plan.milestones = _spread(names, start, deadline, stop, rng)
        return plan

    # An active branch: draw until the computed light is the one aimed at.
    plan = None
    for _attempt in range(40):
        plan = _draw_active(rng, branch, dates, spec, indicators, names, today, health, index, cadence)
        if _light_of(plan, today) == health:
            return plan
    return plan


def _spread(names, start, deadline, done_before, rng) -> list[MilestonePlan]:
    """Milestones spread over the project's time; those due before ``done_before`` are done."""
    total = (deadline - start).days
    rows = []
    for i, name in enumerate(names):
        if i == len(names) - 1:
            due = deadline
        else:
            due = start + datetime.timedelta(days=max(1, round(total * (i + 1) / len(names)) - rng.randint(0, 5)))
        done = None
        if due < done_before:
            done = max(start, min(due - rng.randint(0, 4) * DAY, done_before - DAY))
        rows.append(MilestonePlan(name, due, done))
    return rows


def _draw_active(rng, branch, dates, spec, indicators, names, today, health, index, cadence) -> ProjectPlan:
    # Later projects of a branch often started after the first (a second phase).
    earliest = dates.formed_on + rng.randint(0, 20) * DAY
    if index:
        earliest += rng.randint(0, max(0, (today - earliest).days - 40)) * DAY
    start = min(earliest, today - 21 * DAY)
    start = max(start, dates.formed_on)
    latest_end = max(dates.planned_end_on, today + 30 * DAY)
    deadline = today + rng.randint(20, max(21, (latest_end - today).days)) * DAY
    elapsed = (today - start).days / (deadline - start).days

    mode = "gap"
    if health == Light.GREEN:
        gap = rng.uniform(-0.12, 0.05)
    elif health == Light.YELLOW:
        if elapsed >= 0.25 and rng.random() < 0.55:
            gap = rng.uniform(0.13, 0.17)
        else:
            mode, gap = "milestone", rng.uniform(-0.08, 0.04)
    else:
        if elapsed >= 0.35 and rng.random() < 0.6:
            gap = rng.uniform(0.26, min(0.4, elapsed - 0.02))
        else:
            mode, gap = "milestone", rng.uniform(-0.06, 0.06)
    progress = max(0.02, min(0.97, elapsed - gap))
    last_on = today - rng.randint(0, 4) * DAY
    stall = health == Light.RED and mode == "gap"
    plan = ProjectPlan(spec, start, deadline, ProjectStatus.IN_PROGRESS, health, cadence=cadence)
    plan.indicators = [
        IndicatorPlan(ind, _readings(rng, ind, start, last_on, progress, stall=stall)) for ind in indicators
    ]
    plan.milestones = _spread(names, start, deadline, today, rng)
    if mode == "milestone":
        late = rng.randint(2, 6) if health == Light.YELLOW else rng.randint(9, 24)
        due = max(today - late * DAY, start + DAY)
        past = [m for m in plan.milestones if m.due_on < today]
        target = past[-1] if past else plan.milestones[0]
        target.due_on, target.done_on = due, None
    return plan


def demo_project_plans(today: datetime.date) -> dict[str, list[ProjectPlan]]:
    """Every demo branch's projects, planned (no database access)."""
    health = branch_health()
    plans = {}
    for branch in BRANCHES:
        specs = project_specs(branch)
        if not specs:
            continue
        aim = health.get(branch.name, Light.GREEN)
        rng = random.Random(f"{SEED}:lights:{branch.name}")
        carrier = rng.randrange(len(specs))  # the project that carries the branch's light
        rows = []
        for i, spec in enumerate(specs):
            project_health = spec.health or (aim if i == carrier else Light.GREEN)
            if not spec.health and aim == Light.RED and i != carrier and rng.random() < 0.4:
                project_health = Light.YELLOW
            rows.append(plan_project(branch, spec, today, health=project_health, index=i))
        plans[branch.name] = rows
    return plans


# ================================================================ seeding
def _goal(plan: ProjectPlan) -> str:
    if plan.spec.goal:
        return plan.spec.goal
    targets = "，".join(
        f"{p.spec.name}{'压减至' if p.spec.target < p.spec.baseline else '达到'}{_decimal(p.spec.target, p.spec.decimals)}"
        f"{p.spec.unit}"
        for p in plan.indicators
    )
    d = plan.deadline
    return f"{d.year}年{d.month}月{d.day}日前{targets}。"


def _writer(branch: Branch, staff):
    """Figures are entered by the branch's secretary when they have a login, else by the staff."""
    secretary = branch.memberships.filter(role=MembershipRole.SECRETARY, left_on__isnull=True).select_related(
        "person__user"
    ).first()
    return secretary.person.user if secretary and secretary.person.user_id else staff


def _create_project(
    branch: Branch, plan: ProjectPlan, *, orgs, fields, chief, staff, writer, step_by_step=False
) -> Project:
    """Create one planned project. ``step_by_step`` records every reading through the service (the
    showcase branch, whose indicator history then shows each step)."""
    spec = plan.spec
    branch_spec = next(s for s in BRANCHES if s.name == branch.name)
    responsible = [orgs[k] for k in branch_spec.responsible]
    if spec.lead:
        responsible = [o for o in responsible if o.pk != orgs[spec.lead].pk] + [orgs[branch_spec.lead]]
    project = project_create(
        by=staff,
        branch=branch,
        responsible_units=responsible,
        dispatch_chief=chief,
        name=spec.name,
        front=FIELD_FRONT[branch_spec.field],
        field=fields[branch_spec.field],
        goal=_goal(plan),
        start_on=plan.start_on,
        deadline=plan.deadline,
        lead_unit=orgs[spec.lead or branch_spec.lead],
        dispatch_cadence=plan.cadence,
    )
    latest = []
    earlier = []
    for ind_plan in plan.indicators:
        ind = ind_plan.spec
        indicator = indicator_create(
            project=project, by=staff, name=ind.name, unit=ind.unit, weight=ind.weight,
            baseline=Decimal(str(ind.baseline)), target=Decimal(str(ind.target)),
        )
        readings = ind_plan.readings
        if not readings:
            continue
        if step_by_step:
            latest += [(indicator, on, value) for on, value in readings]
            continue
        # The earlier readings only feed the pace (their side effects — the current value and
        # the light — are superseded by the latest reading's), so they are written in bulk, with
        # their history rows, and only the latest goes through the service.
        earlier += [
            IndicatorReading(indicator=indicator, value=value, recorded_on=on, recorded_by=writer)
            for on, value in readings[:-1]
        ]
        latest.append((indicator, *readings[-1]))
    if earlier:
        bulk_create_with_history(earlier, IndicatorReading, default_user=writer)
    for m in plan.milestones:
        # A milestone done in the past is created done (one service call instead of two).
        milestone_create(project=project, by=writer if m.done_on else staff, name=m.name, due_on=m.due_on,
                         done_on=m.done_on)
    for indicator, on, value in latest:
        indicator_record_reading(indicator=indicator, value=value, by=writer, recorded_on=on)
    return project


def _apply_lifecycle(branch: Branch, spec: BranchSpec, projects: list[Project], staff, today):
    """Move a freshly seeded branch (and its projects) to where the story has it."""
    if spec.status == BranchStatus.PROPOSED or branch.status != BranchStatus.PROPOSED:
        return
    dates = branch_dates(spec, today)
    branch = branch_transition(branch=branch, to=BranchStatus.ACTIVE, by=staff, on=dates.formed_on)
    for project in projects:
        if project.status == ProjectStatus.PLANNED:
            project_transition(project=project, to=ProjectStatus.IN_PROGRESS, by=staff)
    if spec.status == BranchStatus.CONCLUDED:
        for project in projects:
            project_transition(project=project, to=ProjectStatus.COMPLETED, by=staff, reason="攻坚目标全部完成")
        branch_transition(branch=branch, to=BranchStatus.CONCLUDED, by=staff, on=dates.concluded_on, reason=spec.note)
    elif spec.status == BranchStatus.DISSOLVED:
        for project in projects:
            project_transition(project=project, to=ProjectStatus.CANCELLED, by=staff, reason=spec.note)
        for membership in branch.memberships.filter(left_on__isnull=True).select_related("person__user", "branch"):
            membership_end(membership=membership, by=staff, left_on=dates.dissolved_on)
        branch_transition(branch=branch, to=BranchStatus.DISSOLVED, by=staff, reason=spec.note, on=dates.dissolved_on)


def seed_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    """Seed the "what" of the Jingjiang demo (after ``branches.demo``); returns counts."""
    today = today or timezone.localdate()
    orgs = organizations_by_key()
    fields = {f.name: f for f in WorkField.objects.all()}
    branches = {(b.supervising_committee_id, b.name): b for b in Branch.objects.filter(name__in=[s.name for s in BRANCHES])}
    existing = set(Project.objects.filter(branch__in=branches.values()).values_list("branch_id", "name"))
    usernames = {dispatch_chief_username(s.committee) for s in BRANCHES} | {"zuzhibu", OTHER_CITY_ACCOUNT.username}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    plans = demo_project_plans(today)
    for spec in BRANCHES:
        branch = branches.get((orgs[spec.committee].pk, spec.name))
        if branch is None:
            continue
        staff = users[OTHER_CITY_ACCOUNT.username if spec.city == "tx" else "zuzhibu"]
        chief = users[dispatch_chief_username(spec.committee)]
        writer = _writer(branch, staff)
        projects = []
        for plan in plans.get(spec.name, []):
            if (branch.pk, plan.spec.name) in existing:
                continue
            projects.append(
                _create_project(branch, plan, orgs=orgs, fields=fields, chief=chief, staff=staff, writer=writer,
                                step_by_step=spec.name == SHOWCASE_BRANCH)
            )
        if projects:
            _apply_lifecycle(branch, spec, projects, staff, today)
    demo_projects = Project.objects.filter(branch__in=branches.values())
    city_branches = Branch.objects.filter(supervising_committee__path__startswith=orgs["jj"].path)
    lights_count = Counter(city_branches.values_list("light", flat=True))
    return {
        "攻坚项目": demo_projects.count(),
        "指标": Indicator.objects.filter(project__in=demo_projects).count(),
        "指标读数": IndicatorReading.objects.filter(indicator__project__in=demo_projects).count(),
        "节点": Milestone.objects.filter(project__in=demo_projects).count(),
        "靖江绿灯支部": lights_count.get(Light.GREEN, 0),
        "黄灯": lights_count.get(Light.YELLOW, 0),
        "红灯": lights_count.get(Light.RED, 0),
    }
