"""The Jingjiang demo, part one: the "who" (see /work/shared/domain — the article on 靖江's
"攻坚" branches). Organizations, work fields, logins, the Party-member registry, the 74 branches
of the two batches with their members and Party-life activities, and the eight industrial chains.

``seed_demo(today=...)`` is idempotent: every record is looked up by its natural key first
(an organization by parent and name, a person by unit, name and phone, a branch by committee and
name…). A branch's members and activities are seeded together with the branch, so a second run
— even on a later day — finds the branch and adds nothing to it.

Everything random comes from generators seeded with fixed numbers, so two runs plan the same
data; only the dates move with ``today`` so that the demo stays alive.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from branches.demo_accounts import (
    ADMINISTRATION_ACCOUNTS,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    OTHER_CITY_ACCOUNT,
    SHOWCASE_BRANCH,
    dispatch_chief_username,
)
from branches.models import (
    Activity,
    ActivityKind,
    Branch,
    BranchKind,
    BranchScope,
    BranchStatus,
    ChainCategory,
    ChainMember,
    ChainNode,
    ChainStage,
    Front,
    Gender,
    IndustrialChain,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
    User,
    WeakLink,
    WeakLinkKind,
    WorkField,
)
from branches.roles import Role
from branches.services import (
    activity_create,
    branch_create,
    membership_appoint,
    person_bulk_create,
    person_link_user,
    weak_link_create,
    weak_link_resolve,
)

SEED = 20260301

K = OrganizationKind

# ================================================================ organizations
# (key, name, short name, kind, parent key). Names are unique across the whole demo so the
# seeder can find every node in one query.
ORGANIZATIONS: list[tuple] = [
    ("province", "江苏省", "", K.PROVINCE, None),
    ("jj", "靖江市", "", K.CITY, "province"),
    ("sw", "中共靖江市委", "市委", K.PARTY_COMMITTEE, "jj"),
    ("jj_zzb", "中共靖江市委组织部", "市委组织部", K.DEPARTMENT, "sw"),
    ("xcb", "中共靖江市委宣传部", "市委宣传部", K.DEPARTMENT, "sw"),
]

# Government departments and their Party organizations (党组 / 党委) under them.
_DEPARTMENTS = [
    ("spj", "靖江市行政审批局", "市行政审批局", K.PARTY_GROUP),
    ("fgw", "靖江市发展和改革委员会", "市发改委", K.PARTY_GROUP),
    ("gaj", "靖江市公安局", "市公安局", K.PARTY_COMMITTEE),
    ("zjj", "靖江市住房和城乡建设局", "市住建局", K.PARTY_COMMITTEE),
    ("zrj", "靖江市自然资源和规划局", "市自然资源和规划局", K.PARTY_GROUP),
    ("jtj", "靖江市交通运输局", "市交通运输局", K.PARTY_COMMITTEE),
    ("swj", "靖江市商务局", "市商务局", K.PARTY_GROUP),
    ("gxj", "靖江市工业和信息化局", "市工信局", K.PARTY_GROUP),
    ("nyj", "靖江市农业农村局", "市农业农村局", K.PARTY_COMMITTEE),
    ("sthj", "泰州市靖江生态环境局", "市生态环境局", K.PARTY_GROUP),
    ("cgj", "靖江市城市管理局", "市城管局", K.PARTY_COMMITTEE),
    ("slj", "靖江市水利局", "市水利局", K.PARTY_GROUP),
    ("rsj", "靖江市人力资源和社会保障局", "市人社局", K.PARTY_GROUP),
    ("scj", "靖江市市场监督管理局", "市市场监管局", K.PARTY_GROUP),
    ("kjj", "靖江市科学技术局", "市科技局", K.PARTY_GROUP),
    ("swu", "国家税务总局靖江市税务局", "市税务局", K.PARTY_COMMITTEE),
    ("wjw", "靖江市卫生健康委员会", "市卫健委", K.PARTY_COMMITTEE),
]
# Towns, the street and the parks, each with its Party committee (党委 / 党工委).
_LOCALITIES = [
    ("gs", "孤山镇", K.TOWN, K.PARTY_COMMITTEE),
    ("xq", "新桥镇", K.TOWN, K.PARTY_COMMITTEE),
    ("xieq", "斜桥镇", K.TOWN, K.PARTY_COMMITTEE),
    ("xl", "西来镇", K.TOWN, K.PARTY_COMMITTEE),
    ("js", "季市镇", K.TOWN, K.PARTY_COMMITTEE),
    ("sc", "生祠镇", K.TOWN, K.PARTY_COMMITTEE),
    ("mq", "马桥镇", K.TOWN, K.PARTY_COMMITTEE),
    ("dx", "东兴镇", K.TOWN, K.PARTY_COMMITTEE),
    ("jc", "靖城街道", K.TOWN, K.WORKING_COMMITTEE),
    ("cny", "城南园区", K.DEVELOPMENT_ZONE, K.WORKING_COMMITTEE),
    ("xgy", "新港园区", K.DEVELOPMENT_ZONE, K.WORKING_COMMITTEE),
]


def _party_org(key, name, short, kind):
    if kind == K.PARTY_GROUP:
        return (f"{key}_party", f"中共{name}党组", f"{short}党组", kind, key)
    if kind == K.WORKING_COMMITTEE:
        return (f"{key}_party", f"中共{name}工作委员会", f"{short}党工委", kind, key)
    return (f"{key}_party", f"中共{name}委员会", f"{short}党委", kind, key)


for _key, _name, _short, _party in _DEPARTMENTS:
    ORGANIZATIONS.append((_key, _name, _short, K.DEPARTMENT, "jj"))
    ORGANIZATIONS.append(_party_org(_key, _name, _short, _party))
for _key, _name, _kind, _party in _LOCALITIES:
    ORGANIZATIONS.append((_key, _name, "", _kind, "jj"))
    ORGANIZATIONS.append(_party_org(_key, _name, _name, _party))

ORGANIZATIONS += [
    ("kfq", "靖江经济技术开发区", "经济技术开发区", K.DEVELOPMENT_ZONE, "jj"),
    ("kfq_party", "中共靖江经济技术开发区工作委员会", "开发区党工委", K.WORKING_COMMITTEE, "kfq"),
    ("gdgs", "国网江苏省电力有限公司靖江市供电分公司", "市供电公司", K.ENTERPRISE, "jj"),
    ("gdgs_party", "中共国网靖江市供电分公司委员会", "市供电公司党委", K.PARTY_COMMITTEE, "gdgs"),
    ("ctjt", "靖江市城市建设投资集团有限公司", "市城投集团", K.ENTERPRISE, "jj"),
    ("gjtd", "江苏澄靖过江通道建设有限公司", "过江通道建设公司", K.ENTERPRISE, "jj"),
    # Enterprises, under the park or town they stand in.
    ("znkg", "中南高科（靖江）产业园发展有限公司", "中南高科", K.ENTERPRISE, "kfq"),
    ("sf", "中国商飞靖江航空零部件项目公司", "商飞靖江项目", K.ENTERPRISE, "kfq"),
    ("xsd", "江苏新时代造船有限公司", "新时代造船", K.ENTERPRISE, "xgy"),
    ("xsj", "江苏新世纪造船有限公司", "新世纪造船", K.ENTERPRISE, "xgy"),
    ("xyz", "江苏新扬子造船有限公司", "新扬子造船", K.ENTERPRISE, "xgy"),
    ("hyzj", "靖江市海运船舶配套有限公司", "海运船配", K.ENTERPRISE, "xgy"),
    ("tg", "靖江市华东特种钢材有限公司", "华东特钢", K.ENTERPRISE, "xgy"),
    ("qp1", "江苏恒润汽车零部件有限公司", "恒润汽配", K.ENTERPRISE, "cny"),
    ("qp2", "靖江市德瑞汽车电子有限公司", "德瑞汽车电子", K.ENTERPRISE, "kfq"),
    ("qp3", "江苏苏中专用车辆有限公司", "苏中专用车", K.ENTERPRISE, "cny"),
    ("dj1", "江苏靖江电机有限公司", "靖江电机", K.ENTERPRISE, "cny"),
    ("dj2", "靖江市金达电器有限公司", "金达电器", K.ENTERPRISE, "gs"),
    ("gj1", "江苏华力液压机械股份有限公司", "华力液压", K.ENTERPRISE, "kfq"),
    ("gj2", "靖江市恒通工程机械有限公司", "恒通工程机械", K.ENTERPRISE, "js"),
    ("hk1", "靖江航宇精密制造有限公司", "航宇精密", K.ENTERPRISE, "kfq"),
    ("xcl", "江苏新源新材料科技有限公司", "新源新材料", K.ENTERPRISE, "xgy"),
    ("it1", "靖江智联信息科技有限公司", "智联信息", K.ENTERPRISE, "cny"),
    ("jk1", "江苏康源生物医药有限公司", "康源生物医药", K.ENTERPRISE, "kfq"),
    ("lx", "江苏绿循再生资源科技有限公司", "绿循再生资源", K.ENTERPRISE, "gs"),
    ("wl", "靖江市长江物流园发展有限公司", "长江物流园", K.ENTERPRISE, "sc"),
    # Research institutes and social organizations.
    ("yjy_cb", "靖江市船舶与海洋工程研究院", "船舶海工研究院", K.RESEARCH_INSTITUTE, "jj"),
    ("yjy_hk", "靖江航空装备产业技术研究院", "航空装备研究院", K.RESEARCH_INSTITUTE, "kfq"),
    ("yjy_xcl", "靖江新材料产业研究院", "新材料研究院", K.RESEARCH_INSTITUTE, "jj"),
    ("yjy_qc", "靖江汽车零部件检测研究中心", "汽车零部件检测中心", K.RESEARCH_INSTITUTE, "jj"),
    ("xh_cb", "靖江市船舶工业行业协会", "船舶行业协会", K.SOCIAL_ORGANIZATION, "jj"),
    ("xh_qp", "靖江市汽车零部件行业商会", "汽配商会", K.SOCIAL_ORGANIZATION, "jj"),
    ("xh_dj", "靖江市电机电器行业协会", "电机电器协会", K.SOCIAL_ORGANIZATION, "jj"),
    ("xh_gj", "靖江市工程机械行业商会", "工程机械商会", K.SOCIAL_ORGANIZATION, "jj"),
    ("xh_qyj", "靖江市企业家协会", "企业家协会", K.SOCIAL_ORGANIZATION, "jj"),
    # The second city: a few nodes of its own, so that cross-city isolation is visible.
    ("tx", "泰兴市", "", K.CITY, "province"),
    ("tx_sw", "中共泰兴市委", "泰兴市委", K.PARTY_COMMITTEE, "tx"),
    ("tx_zzb", "中共泰兴市委组织部", "泰兴市委组织部", K.DEPARTMENT, "tx_sw"),
    ("tx_fgw", "泰兴市发展和改革委员会", "泰兴市发改委", K.DEPARTMENT, "tx"),
    ("tx_fgw_party", "中共泰兴市发展和改革委员会党组", "泰兴市发改委党组", K.PARTY_GROUP, "tx_fgw"),
    ("tx_hq", "泰兴市黄桥镇", "黄桥镇", K.TOWN, "tx"),
    ("tx_hq_party", "中共泰兴市黄桥镇委员会", "黄桥镇党委", K.PARTY_COMMITTEE, "tx_hq"),
    ("tx_kfq", "泰兴经济开发区", "泰兴经开区", K.DEVELOPMENT_ZONE, "tx"),
    ("tx_kfq_party", "中共泰兴经济开发区工作委员会", "泰兴经开区党工委", K.WORKING_COMMITTEE, "tx_kfq"),
    ("tx_sthj", "泰州市泰兴生态环境局", "泰兴市生态环境局", K.DEPARTMENT, "tx"),
    ("tx_nyj", "泰兴市农业农村局", "泰兴市农业农村局", K.DEPARTMENT, "tx"),
]

ORG_BY_KEY = {row[0]: row for row in ORGANIZATIONS}

# ================================================================ work fields (an editable list)
WORK_FIELDS = [
    ("城建交通", Front.KEY_WORK),
    ("美丽靖江", Front.KEY_WORK),
    ("乡村振兴", Front.KEY_WORK),
    ("产业链供应链", Front.KEY_WORK),
    ("项目招引", Front.MAJOR_PROJECT),
    ("动迁", Front.MAJOR_PROJECT),
    ("项目建设", Front.MAJOR_PROJECT),
    ("营商环境", Front.IMPORTANT_REFORM),
    ("开发园区改革", Front.IMPORTANT_REFORM),
    ("基层“三整合”改革", Front.IMPORTANT_REFORM),
    ("文明城市创建", Front.IMPORTANT_REFORM),
]
FIELD_FRONT = dict(WORK_FIELDS)

# ================================================================ branches
A, C, P, D = BranchStatus.ACTIVE, BranchStatus.CONCLUDED, BranchStatus.PROPOSED, BranchStatus.DISSOLVED


@dataclass(frozen=True)
class BranchSpec:
    batch: int
    name: str
    field: str
    committee: str  # key of the supervising Party committee
    lead: str  # key of the lead unit
    responsible: tuple = ()
    goal: str = ""
    status: str = BranchStatus.ACTIVE
    chain: str = ""  # name of the industrial chain of a chain-kind organization
    note: str = ""  # why it concluded or was dissolved

    @property
    def scope(self) -> str:
        return BranchScope.CROSS_DOMAIN if self.responsible else BranchScope.SINGLE_DOMAIN

    @property
    def city(self) -> str:
        return "tx" if self.committee.startswith("tx_") else "jj"


def _b(batch, name, field_name, committee, lead, responsible=(), goal="", status=A, **extra):
    return BranchSpec(batch, name, field_name, committee, lead, tuple(responsible), goal, status, **extra)


BRANCHES: list[BranchSpec] = [
    # ------------------------------------------------------------ batch 1 (38)
    _b(1, "放管服改革攻坚支部", "营商环境", "spj_party", "spj", ["fgw", "gaj", "zjj", "zrj"],
       "围绕打造长三角“最优营商地”，致力“环节最少”，在企业开办、工程建设、不动产交易等重点领域开辟“绿色通道”，"
       "“一件事一次办”试点取得明显突破。"),
    _b(1, "中南高科靖江项目服务攻坚支部", "项目建设", "kfq_party", "kfq", ["znkg", "spj", "zrj", "gdgs", "scj"],
       "致力“服务最优”，建立“企业吹哨、部门报到”互动机制，为19个新签约入园项目提供全方位“店小二”服务，"
       "推动项目早开工、早投产。"),
    _b(1, "文明城市创建攻坚支部", "文明城市创建", "sw", "xcb", ["gaj", "cgj", "zjj", "jc"],
       "冲刺全国文明城市创建，发动干部群众到一线解决顽瘴痼疾，拉升城市“颜值”与“内涵”，确保通过全国文明城市测评。",
       status=C, note="通过全国文明城市测评，摘得“全国文明城市”金字招牌。"),
    _b(1, "孤山镇现代化循环产业链项目建设攻坚支部", "项目建设", "gs_party", "gs", ["zrj", "spj", "sthj", "lx"],
       "签约后20天内完成项目用地租赁、设施补偿、审批公告备案等前期手续，确保项目按期开工。",
       status=C, note="20天内完成全部前期手续，项目如期开工，团队荣获泰州“骏马奖”。"),
    _b(1, "经济技术开发区“三比一提升”攻坚支部", "开发园区改革", "kfq_party", "kfq", ["sf", "swj", "gxj", "spj"],
       "开展比招商、比服务、比效率，提升园区发展能级；组建党员突击队，全力促成中国商飞投资江苏“第一单”落地靖江。"),
    _b(1, "靖江大道快速化改造攻坚支部", "城建交通", "jtj_party", "jtj", ["ctjt", "zjj", "gaj", "gdgs"],
       "完成靖江大道快速化改造主线工程，施工期间保障沿线交通通行，年底前主线通车。"),
    _b(1, "城区断头路打通攻坚支部", "城建交通", "zjj_party", "zjj", ["zrj", "cgj", "jc"],
       "年内打通城区6条断头路，完善城市路网微循环。"),
    _b(1, "沿江公路提档升级攻坚支部", "城建交通", "jtj_party", "jtj", ["xgy", "dx", "xieq"],
       "完成沿江公路提档升级工程，打通滨江产业带交通主动脉。"),
    _b(1, "靖城街道老旧小区改造攻坚支部", "城建交通", "jc_party", "jc", ["zjj", "gdgs"],
       "完成12个老旧小区改造，同步实施雨污分流、加装电梯和停车位改造。",
       status=C, note="12个老旧小区改造全部完工并通过验收。"),
    _b(1, "城乡公交一体化攻坚支部", "城建交通", "jtj_party", "jtj", [],
       "优化城乡公交线网，实现镇村公交全覆盖，改造候车亭200座。"),
    _b(1, "长江岸线生态修复攻坚支部", "美丽靖江", "sthj_party", "sthj", ["slj", "zrj", "xgy", "dx"],
       "推进长江岸线生态修复和沿江化工企业整治，打造“水清岸绿”的滨江生态廊道。"),
    _b(1, "城区黑臭水体整治攻坚支部", "美丽靖江", "zjj_party", "zjj", ["slj", "sthj", "jc"],
       "完成城区河道黑臭水体整治，实现“长制久清”。"),
    _b(1, "生祠镇农村人居环境整治攻坚支部", "美丽靖江", "sc_party", "sc", [],
       "全域推进农村人居环境整治提升，打造省级美丽宜居乡村。"),
    _b(1, "大气污染防治攻坚支部", "美丽靖江", "sthj_party", "sthj", ["gxj", "zjj", "gaj"],
       "推进PM2.5与臭氧协同治理，全年空气质量优良天数比例稳步提升。"),
    _b(1, "季市镇高标准农田建设攻坚支部", "乡村振兴", "js_party", "js", ["nyj", "zrj"],
       "建成高标准农田2.5万亩，同步完善灌排设施和机耕道路。"),
    _b(1, "西来镇特色田园乡村建设攻坚支部", "乡村振兴", "xl_party", "xl", ["nyj", "zjj"],
       "创建省级特色田园乡村2个，带动村集体经济增收。"),
    _b(1, "新桥镇农村产业融合发展攻坚支部", "乡村振兴", "xq_party", "xq", ["nyj", "swj"],
       "发展农产品电商和冷链物流，推动一二三产业融合发展。"),
    _b(1, "东兴镇江鲜特色产业攻坚支部", "乡村振兴", "dx_party", "dx", ["nyj", "scj"],
       "建设江鲜特色产业园，打响靖江江鲜品牌。"),
    _b(1, "西来镇智能装备产业园项目招引攻坚支部", "项目招引", "xl_party", "xl", ["swj", "gxj"],
       "招引智能装备项目落户西来镇产业园，全年签约亿元以上项目5个。",
       status=D, note="主要意向投资方调整投资计划终止签约，攻坚任务并入全市统一招商，经研究撤销该支部。"),
    _b(1, "新能源汽车零部件项目招引攻坚支部", "项目招引", "swj_party", "swj", ["gxj", "kfq", "cny"],
       "围绕汽车及零部件产业链精准招商，全年签约新能源汽车零部件项目10个以上。"),
    _b(1, "城南园区高端装备项目招引攻坚支部", "项目招引", "cny_party", "cny", ["swj", "spj"],
       "招引高端装备制造项目，全年签约总投资50亿元以上。"),
    _b(1, "新港园区船舶配套项目招引攻坚支部", "项目招引", "xgy_party", "xgy", ["swj", "gxj"],
       "围绕船舶制造产业链补链延链，招引船舶配套项目落户新港园区。"),
    _b(1, "新桥镇农房改善动迁攻坚支部", "动迁", "xq_party", "xq", ["zjj", "zrj", "gdgs"],
       "完成农房改善项目涉及农户的签约搬迁，确保安置房按期交付。",
       status=C, note="全部农户签约搬迁完毕，实现零上访。"),
    _b(1, "城南园区征地拆迁攻坚支部", "动迁", "cny_party", "cny", ["zrj", "gaj", "gdgs"],
       "完成园区二期征地拆迁，为重大项目落地腾出发展空间。"),
    _b(1, "城北片区旧城改造征收攻坚支部", "动迁", "zjj_party", "zjj", ["jc", "zrj", "gaj"],
       "依法依规、阳光征收，完成城北片区房屋征收。"),
    _b(1, "新时代造船绿色智能船坞建设攻坚支部", "项目建设", "xgy_party", "xgy", ["xsd", "gxj", "sthj", "gdgs"],
       "服务新时代造船绿色智能船坞项目建设，确保船坞年内投用。"),
    _b(1, "市人民医院新院区建设攻坚支部", "项目建设", "wjw_party", "wjw", ["zjj", "zrj", "ctjt"],
       "推进市人民医院新院区主体工程建设，确保按期封顶。"),
    _b(1, "靖江港区公用码头建设攻坚支部", "项目建设", "jtj_party", "jtj", ["xgy", "sthj", "slj"],
       "建成靖江港区公用码头二期工程，提升港口吞吐能力。"),
    _b(1, "东兴镇光伏储能项目建设攻坚支部", "项目建设", "dx_party", "dx", ["gdgs", "fgw"],
       "推进整镇屋顶分布式光伏和储能电站建设，年内并网发电。"),
    _b(1, "城南园区标准厂房建设攻坚支部", "项目建设", "cny_party", "cny", ["zjj", "ctjt"],
       "建成标准厂房20万平方米，为招引项目“拎包入驻”提供载体。"),
    _b(1, "工程建设项目“拿地即开工”改革攻坚支部", "营商环境", "zrj_party", "zrj", ["spj", "zjj"],
       "推行“拿地即开工”审批模式，社会投资项目拿地到开工时间压缩至30天以内。"),
    _b(1, "纳税服务便利化攻坚支部", "营商环境", "swu_party", "swu", [],
       "推进办税缴费“非接触式”服务，主要涉税事项网上办理率达到98%以上。"),
    _b(1, "涉企政策“免申即享”攻坚支部", "营商环境", "fgw_party", "fgw", ["gxj", "swj", "scj", "rsj"],
       "梳理涉企惠企政策清单，实现政策兑现“免申即享”。"),
    _b(1, "开发区“区政合一”管理体制改革攻坚支部", "开发园区改革", "kfq_party", "kfq", ["rsj", "spj"],
       "深化开发区管理体制改革，理顺区镇关系，实现“区政合一”高效运转。"),
    _b(1, "城南园区“亩均论英雄”改革攻坚支部", "开发园区改革", "cny_party", "cny", ["gxj", "zrj", "swu"],
       "开展亩均效益综合评价，盘活低效用地，提升园区亩均税收。"),
    _b(1, "孤山镇“三整合”改革攻坚支部", "基层“三整合”改革", "gs_party", "gs", ["spj", "cgj"],
       "整合基层审批服务执法力量，推进“一支队伍管执法、一个平台管服务”。"),
    _b(1, "靖城街道网格化社会治理攻坚支部", "基层“三整合”改革", "jc_party", "jc", ["gaj"],
       "推进网格化社会治理，网格事件按期办结率达到98%。"),
    _b(1, "城乡供水一体化攻坚支部", "城建交通", "slj_party", "slj", ["zjj", "ctjt"],
       "完成镇村供水管网改造，实现城乡供水“同网、同质、同价”。"),
    # ------------------------------------------------------------ batch 2 (36)
    _b(2, "澄靖第二过江通道征迁攻坚支部", "动迁", "jtj_party", "jtj", ["xieq", "xgy", "gjtd", "gdgs", "zrj"],
       "抢抓澄靖第二过江通道工程建设重大发展机遇，联合属地党委、工程建设方、供电等部门，28天内完成225户搬迁户的"
       "征迁工作，确保工程如期开工。"),
    _b(2, "江阴—靖江城际轨道前期工作攻坚支部", "城建交通", "jtj_party", "jtj", ["fgw", "zrj"],
       "完成城际轨道靖江段线位规划和前期审批，力争年内开工。"),
    _b(2, "城区停车设施建设攻坚支部", "城建交通", "cgj_party", "cgj", ["zjj", "gaj"],
       "新增公共停车泊位3000个，缓解老城区停车难。"),
    _b(2, "老旧管网更新改造攻坚支部", "城建交通", "zjj_party", "zjj", ["gdgs", "cgj"],
       "完成城区老旧燃气、供水管网更新改造80公里。"),
    _b(2, "牧城公园提升改造攻坚支部", "美丽靖江", "cgj_party", "cgj", ["zjj"],
       "完成牧城公园提升改造，打造市民“家门口”的休闲空间。"),
    _b(2, "农村生活污水治理攻坚支部", "美丽靖江", "sthj_party", "sthj", ["nyj", "zjj", "xl", "js"],
       "完成农村生活污水治理设施建设，行政村覆盖率达到95%。"),
    _b(2, "沿江湿地公园建设攻坚支部", "美丽靖江", "zrj_party", "zrj", ["slj", "dx"],
       "建成沿江湿地公园一期，修复湿地1200亩。"),
    _b(2, "马桥镇村级集体经济增收攻坚支部", "乡村振兴", "mq_party", "mq", ["nyj"],
       "拟通过盘活村集体资产、发展物业经济，推动经济薄弱村集体经营性收入全部超过50万元。", status=P),
    _b(2, "孤山镇数字乡村建设攻坚支部", "乡村振兴", "gs_party", "gs", ["gxj", "nyj"],
       "建设数字乡村综合服务平台，实现村级事务“掌上办”。"),
    _b(2, "季市镇老街文旅融合攻坚支部", "乡村振兴", "js_party", "js", ["swj", "zjj"],
       "保护修缮季市老街，发展文旅融合产业，打造省级旅游特色街区。"),
    _b(2, "生祠镇稻米产业提升攻坚支部", "乡村振兴", "sc_party", "sc", ["nyj", "scj"],
       "建设优质稻米产业基地，培育区域稻米公共品牌。"),
    _b(2, "航空航天装备项目招引攻坚支部", "项目招引", "kfq_party", "kfq", ["swj", "kjj"],
       "围绕航空航天装备产业链精准招商，依托商飞项目招引上下游配套企业。"),
    _b(2, "生物医药项目招引攻坚支部", "项目招引", "swj_party", "swj", ["wjw", "kfq"],
       "招引生物医药和医疗器械项目，培育大健康产业集群。"),
    _b(2, "新一代信息技术项目招引攻坚支部", "项目招引", "gxj_party", "gxj", ["swj", "cny"],
       "招引新一代信息技术项目，全年签约项目8个以上。"),
    _b(2, "斜桥镇临港产业项目招引攻坚支部", "项目招引", "xieq_party", "xieq", ["swj"],
       "依托过江通道区位优势招引临港产业项目。"),
    _b(2, "沿江公路二期征迁攻坚支部", "动迁", "jtj_party", "jtj", ["dx", "gdgs"],
       "完成沿江公路二期工程沿线征迁和管线迁改。"),
    _b(2, "靖江港区疏港公路征迁攻坚支部", "动迁", "xgy_party", "xgy", ["jtj", "zrj"],
       "完成疏港公路沿线企业和农户征迁，保障道路按期施工。"),
    _b(2, "孤山镇土地综合整治动迁攻坚支部", "动迁", "gs_party", "gs", ["zrj", "nyj"],
       "推进全域土地综合整治，完成涉及农户搬迁和复垦。"),
    _b(2, "中南高科智造园二期建设攻坚支部", "项目建设", "kfq_party", "kfq", ["znkg", "zjj", "gdgs"],
       "推进中南高科智造园二期建设，年内交付厂房15万平方米。"),
    _b(2, "新世纪造船LNG船生产线建设攻坚支部", "项目建设", "xgy_party", "xgy", ["xsj", "gxj", "gdgs"],
       "服务新世纪造船LNG运输船生产线技改项目，确保按期投产。"),
    _b(2, "生祠镇物流园区项目建设攻坚支部", "项目建设", "sc_party", "sc", ["wl", "jtj", "zrj"],
       "拟推进长江物流园一期建设，打造沿江综合物流节点。", status=P),
    _b(2, "城南园区污水处理厂扩建攻坚支部", "项目建设", "cny_party", "cny", ["sthj", "zjj"],
       "完成园区污水处理厂扩建，日处理能力提升至4万吨。"),
    _b(2, "市场主体登记“跨省通办”攻坚支部", "营商环境", "scj_party", "scj", ["spj"],
       "实现市场主体登记长三角“跨省通办”，企业登记全程网办率达到95%。"),
    _b(2, "企业用工保障攻坚支部", "营商环境", "rsj_party", "rsj", ["kfq", "cny", "gxj"],
       "搭建企业用工对接平台，帮助重点企业解决招工难。"),
    _b(2, "政务服务“15分钟便民服务圈”攻坚支部", "营商环境", "spj_party", "spj", ["jc", "gs", "xq"],
       "建设覆盖城乡的“15分钟便民服务圈”，高频事项就近可办。"),
    _b(2, "新港园区“一区多园”整合提升攻坚支部", "开发园区改革", "xgy_party", "xgy", ["fgw", "zrj"],
       "推进“一区多园”整合提升，统一规划、统一招商、统一服务。"),
    _b(2, "开发区科技创新平台建设攻坚支部", "开发园区改革", "kfq_party", "kfq", ["kjj", "rsj"],
       "建设科技创新平台，新增省级以上研发机构10家。"),
    _b(2, "西来镇综合行政执法改革攻坚支部", "基层“三整合”改革", "xl_party", "xl", ["cgj", "scj"],
       "推进镇级综合行政执法改革，实现“一支队伍管执法”。"),
    _b(2, "东兴镇便民服务中心集成改革攻坚支部", "基层“三整合”改革", "dx_party", "dx", ["spj"],
       "推进便民服务中心集成改革，实现“一窗受理、集成服务”。"),
    _b(2, "新桥镇网格化治理攻坚支部", "基层“三整合”改革", "xq_party", "xq", ["gaj"],
       "推进全要素网格化治理，矛盾纠纷就地化解率达到95%。"),
    _b(2, "文明城市长效管理攻坚支部", "文明城市创建", "sw", "xcb", ["cgj", "gaj", "jc"],
       "巩固全国文明城市创建成果，建立常态长效管理机制。"),
    _b(2, "农贸市场标准化改造攻坚支部", "文明城市创建", "scj_party", "scj", ["cgj", "jc"],
       "完成城区农贸市场标准化改造，提升市场环境秩序。"),
    # Industrial-chain joint Party organizations (the article's last part), formed with batch 2.
    _b(2, "船舶制造产业链联合党委", "产业链供应链", "gxj_party", "gxj", ["xsd", "xsj", "xyz", "hyzj", "xh_cb", "yjy_cb"],
       "把管理串在链上、服务聚在链上、问题解在链上，稳住船舶制造产业链供应链，打通上游钢材供给和下游交付堵点。",
       chain="船舶制造"),
    _b(2, "汽车及零部件产业链联合党委", "产业链供应链", "gxj_party", "gxj", ["qp1", "qp2", "qp3", "xh_qp", "yjy_qc"],
       "链上企业党员骨干抱团作战，破解车规级芯片“供给中断”和整车订单“需求中断”两头断链风险。",
       chain="汽车及汽车零部件"),
    _b(2, "航空航天装备产业链联合党委", "产业链供应链", "kfq_party", "kfq", ["sf", "hk1", "yjy_hk"],
       "围绕商飞项目集聚航空零部件配套企业，加速科技成果向现实生产力转化。", chain="航空航天装备"),
    _b(2, "新材料产业链联合党委", "产业链供应链", "xgy_party", "xgy", ["xcl", "yjy_xcl", "tg"],
       "发挥党的组织优势和人才优势，协同攻关新材料关键核心技术。", chain="新材料"),
    # ------------------------------------------------------------ the second city (泰兴)
    _b(1, "黄桥老区振兴攻坚支部", "乡村振兴", "tx_hq_party", "tx_hq", ["tx_nyj"],
       "推进黄桥革命老区乡村振兴示范片建设。"),
    _b(1, "泰兴经开区化工园区整治提升攻坚支部", "开发园区改革", "tx_kfq_party", "tx_kfq", ["tx_sthj"],
       "推进化工园区安全环保整治提升，通过省级化工园区复核。"),
    _b(2, "泰兴市重大项目代办服务攻坚支部", "营商环境", "tx_fgw_party", "tx_fgw", ["tx_kfq"],
       "为市级重大项目提供全程代办服务，审批时限压缩一半。"),
]

BRANCH_BY_NAME = {spec.name: spec for spec in BRANCHES}
# The proposal nobody has been appointed to yet (the other proposal is ready to activate).
BARE_PROPOSAL = "马桥镇村级集体经济增收攻坚支部"
JINGJIANG_BRANCH_COUNT = 74

# Dates relative to today (days); the rest are drawn per branch.
_DATE_OVERRIDES = {
    "文明城市创建攻坚支部": {"formed": -330, "end": -120, "concluded": -110},
    "孤山镇现代化循环产业链项目建设攻坚支部": {"formed": -318, "end": -295, "concluded": -292},
    "澄靖第二过江通道征迁攻坚支部": {"formed": -45, "end": 75},
    "西来镇智能装备产业园项目招引攻坚支部": {"formed": -310, "end": 40, "dissolved": -200},
}


@dataclass(frozen=True)
class BranchDates:
    formed_on: datetime.date | None
    planned_end_on: datetime.date
    concluded_on: datetime.date | None = None
    dissolved_on: datetime.date | None = None


def branch_dates(spec: BranchSpec, today: datetime.date) -> BranchDates:
    """When ``spec`` was formed, is planned to end, and concluded or was dissolved."""
    rng = random.Random(f"{SEED}:dates:{spec.name}")
    day = datetime.timedelta(days=1)
    over = _DATE_OVERRIDES.get(spec.name, {})
    if spec.status == BranchStatus.PROPOSED:
        return BranchDates(None, today + rng.randint(150, 240) * day)
    if spec.batch == 1:
        formed = today + over.get("formed", -rng.randint(300, 345)) * day
        end = today + over.get("end", rng.randint(25, 130)) * day
    else:
        formed = today + over.get("formed", -rng.randint(60, 150)) * day
        end = today + over.get("end", rng.randint(70, 220)) * day
    concluded = dissolved = None
    if spec.status == BranchStatus.CONCLUDED:
        concluded = today + over.get("concluded", -rng.randint(40, 160)) * day
        end = min(end, concluded + rng.randint(-10, 5) * day) if "end" not in over else end
        end = max(end, formed + 15 * day)
    if spec.status == BranchStatus.DISSOLVED:
        dissolved = today + over.get("dissolved", -rng.randint(60, 150)) * day
    return BranchDates(formed, end, concluded, dissolved)


# ================================================================ industrial chains
U, M_, DN = ChainStage.UPSTREAM, ChainStage.MIDSTREAM, ChainStage.DOWNSTREAM
W = WeakLinkKind


@dataclass(frozen=True)
class ChainSpec:
    name: str
    category: str
    description: str
    nodes: tuple  # (name, stage) from upstream to downstream
    members: tuple  # (organization key, node position or None, role)
    weak_links: tuple = ()  # (node position, kind, title, description, resolved)


CHAINS = [
    ChainSpec(
        "船舶制造", ChainCategory.LEADING, "靖江四大主导产业之首，造船完工量居全国县级市前列。",
        (("船用钢材", U), ("船舶设计研发", U), ("船用配套设备", M_), ("分段制造", M_), ("总装建造", M_),
         ("船舶交付与修造", DN)),
        (("tg", 0, "船板供应"), ("yjy_cb", 1, "设计研发"), ("hyzj", 2, "配套设备"), ("xsj", 3, "分段与总装"),
         ("xsd", 4, "链主企业"), ("xyz", 4, "链主企业"), ("xh_cb", None, "行业协会"), ("gxj", None, "行业主管部门"),
         ("rsj", None, "用工保障")),
        ((0, W.RAW_MATERIAL, "船用钢板价格波动、交期延长", "上游钢厂排产紧张，部分规格船板交期超过60天。", False),
         (4, W.LABOUR, "高级焊工、涂装工缺口较大", "订单饱满，三家船厂高级焊工缺口约800人。", False),
         (2, W.SUPPLY_BREAK, "船用主机等核心配套本地化率偏低", "主机、甲板机械主要依赖外地采购，存在断供风险。", False),
         (5, W.LOGISTICS, "大型分段运输受限", "超限分段过境运输审批时间长。", True)),
    ),
    ChainSpec(
        "汽车及汽车零部件", ChainCategory.LEADING, "以专用车、汽车电子和零部件为主的主导产业。",
        (("钢材与铸锻件", U), ("汽车电子", U), ("零部件制造", M_), ("专用车整车", DN), ("售后与再制造", DN)),
        (("qp2", 1, "汽车电子"), ("qp1", 2, "零部件制造"), ("qp3", 3, "整车制造"), ("yjy_qc", None, "检测认证"),
         ("xh_qp", None, "行业商会"), ("gxj", None, "行业主管部门")),
        ((1, W.SUPPLY_BREAK, "车规级芯片供应紧张", "部分MCU芯片交期超过半年，影响汽车电子交付。", False),
         (3, W.DEMAND_BREAK, "下游整车订单下滑", "专用车市场需求疲软，一季度订单同比下降。", False),
         (2, W.LOGISTICS, "零部件跨省物流时效不稳", "长三角跨省运输时效不稳定。", True)),
    ),
    ChainSpec(
        "电机电器", ChainCategory.LEADING, "中小型电机和电器成套产品集聚。",
        (("硅钢与铜材", U), ("电机设计", U), ("电机制造", M_), ("电器成套", M_), ("应用与服务", DN)),
        (("dj1", 2, "电机制造"), ("dj2", 3, "电器成套"), ("xh_dj", None, "行业协会"), ("kjj", None, "科技服务")),
        ((0, W.RAW_MATERIAL, "铜材价格上涨挤压利润", "铜价高位运行，中小企业成本压力大。", False),
         (1, W.TECHNOLOGY, "高效节能电机核心技术不足", "高效电机设计仿真能力弱。", False)),
    ),
    ChainSpec(
        "工程机械", ChainCategory.LEADING, "液压件和中小型工程机械整机。",
        (("液压件", U), ("结构件", M_), ("整机装配", M_), ("租赁与再制造", DN)),
        (("gj1", 0, "液压件"), ("gj2", 2, "整机装配"), ("xh_gj", None, "行业商会")),
        ((2, W.DEMAND_BREAK, "海外订单下降", "海外市场需求收缩，出口订单下降。", False),
         (3, W.FINANCE, "中小企业融资难", "租赁企业资金周转紧张。", False)),
    ),
    ChainSpec(
        "航空航天装备", ChainCategory.EMERGING, "以中国商飞项目为牵引的新兴产业。",
        (("航空材料", U), ("零部件精密加工", M_), ("部装与总装配套", M_), ("维修与服务", DN)),
        (("sf", 2, "链主项目"), ("hk1", 1, "精密加工"), ("yjy_hk", None, "技术研发"), ("kfq", None, "园区服务")),
        ((0, W.SUPPLY_BREAK, "航空级铝材依赖外购", "航空级铝材全部依赖外地供应。", False),
         (1, W.TALENT, "适航认证人才缺乏", "本地缺少熟悉适航认证的高层次人才。", False)),
    ),
    ChainSpec(
        "新材料", ChainCategory.EMERGING, "高性能金属材料和复合材料。",
        (("基础原料", U), ("新材料研发", U), ("复合材料制造", M_), ("下游应用", DN)),
        (("tg", 0, "基础原料"), ("yjy_xcl", 1, "研发平台"), ("xcl", 2, "复合材料")),
        ((1, W.TECHNOLOGY, "核心配方技术受制于人", "关键配方依赖进口技术授权。", False),),
    ),
    ChainSpec(
        "新一代信息技术", ChainCategory.EMERGING, "工业软件、智能制造系统集成。",
        (("电子元器件", U), ("软件与平台", M_), ("系统集成", M_), ("行业应用", DN)),
        (("it1", 2, "系统集成"), ("qp2", 0, "电子元器件"), ("gxj", None, "行业主管部门")),
        ((1, W.TALENT, "高层次软件人才集聚度不高", "本地高校资源少，软件人才外流。", False),),
    ),
    ChainSpec(
        "大健康", ChainCategory.EMERGING, "生物医药、医疗器械和健康服务。",
        (("原料药", U), ("医疗器械", M_), ("生物医药制造", M_), ("健康服务", DN)),
        (("jk1", 2, "生物医药制造"), ("wjw", None, "行业主管部门")),
        ((0, W.RAW_MATERIAL, "原料药供应不稳", "部分原料药依赖单一供应商。", True),),
    ),
]

# ================================================================ people
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石顾季缪鞠殷蔡严钱施秦戴孔陶缪储"
)
_LOCAL_SURNAMES = "顾季缪鞠殷陆朱卢范丁"
_MALE = "伟强磊军勇杰涛斌超明辉刚健峰建国平海东波华兵亮俊浩宇鹏飞晨阳志宏文彬龙春锋成林"
_FEMALE = "芳娟敏静丽艳玲燕红霞婷琳慧莉萍雪梅洁颖倩琴秀英兰云凤晶怡佳蕾"

_POSTS = {
    "department": {
        "secretary": ["副局长", "党组成员、副局长", "党委委员、副局长", "二级调研员", "总工程师"],
        "deputy": ["办公室主任", "规划科科长", "综合科科长", "一级主任科员"],
        "commissioner": ["机关党委专职副书记", "副科长", "二级主任科员", "人事科科长"],
        "member": ["科员", "一级科员", "四级主任科员", "副科长", "三级主任科员", "执法大队中队长"],
        "liaison": ["科员", "综合科副科长", "办公室副主任", "四级主任科员"],
    },
    "town": {
        "secretary": ["党委副书记", "党委委员、副镇长", "人大主席", "党委委员、组织委员"],
        "deputy": ["党政办主任", "经济发展局局长", "建设局局长", "社会事业局局长"],
        "commissioner": ["宣传委员", "纪委副书记", "党建办主任", "组织干事"],
        "member": ["科员", "村党总支书记", "社区党委书记", "网格长", "征收办工作人员", "农业服务中心主任"],
        "liaison": ["党政办副主任", "科员", "便民服务中心主任"],
    },
    "zone": {
        "secretary": ["党工委委员、管委会副主任", "招商局局长", "党工委副书记"],
        "deputy": ["综合办主任", "招商一局局长", "企业服务局局长", "规划建设局局长"],
        "commissioner": ["党群工作部部长", "纪工委副书记", "组织干事"],
        "member": ["招商专员", "企业服务专员", "项目代办员", "科员", "规划建设局科员"],
        "liaison": ["企业服务专员", "综合办副主任"],
    },
    "enterprise": {
        "secretary": ["党委书记、董事长", "党委副书记、总经理", "党支部书记、副总经理"],
        "deputy": ["党支部书记", "综合管理部经理", "项目总监"],
        "commissioner": ["党群工作部主任", "工会主席", "纪检专员"],
        "member": ["项目经理", "工程师", "车间主任", "技术员", "安全总监", "采购部经理", "高级技师"],
        "liaison": ["综合部专责", "项目联络人", "办公室主任"],
    },
    "institute": {
        "secretary": ["院长", "党支部书记、副院长"],
        "deputy": ["副院长", "科研处处长"],
        "commissioner": ["办公室主任"],
        "member": ["研究员", "高级工程师", "工程师"],
        "liaison": ["科研秘书", "办公室主任"],
    },
    "society": {
        "secretary": ["会长", "党支部书记、秘书长"],
        "deputy": ["副会长", "秘书长"],
        "commissioner": ["副秘书长"],
        "member": ["副会长", "理事", "会员企业负责人"],
        "liaison": ["秘书长", "副秘书长"],
    },
}

_KIND_POSTS = {
    K.DEPARTMENT: "department", K.PARTY_COMMITTEE: "department", K.PARTY_GROUP: "department",
    K.WORKING_COMMITTEE: "zone", K.TOWN: "town", K.DEVELOPMENT_ZONE: "zone", K.ENTERPRISE: "enterprise",
    K.RESEARCH_INSTITUTE: "institute", K.SOCIAL_ORGANIZATION: "society", K.CITY: "department",
}

_COMMITMENTS = {
    "secretary": ["带头攻坚、周周调度，确保支部既定目标按期完成。", "当好“领头雁”，难题我先上、险处我先冲。"],
    "动迁": ["阳光征迁、依法依规，负责片区征迁户按期签约、零上访。", "带头入户走访，一户一策化解矛盾。"],
    "项目建设": ["全程代办项目手续，做到当日事当日毕。", "盯牢节点、倒排工期，确保项目按期投产。"],
    "项目招引": ["每月走访在谈企业不少于4家，全力促成项目签约落地。", "做好招商“店小二”，服务项目全周期。"],
    "营商环境": ["办事“零跑腿”，服务“不打烊”。", "压缩办理时限一半以上，企业满意率100%。"],
    "default": ["亮身份、作表率，在攻坚一线发挥先锋作用。", "比进度、比质量，按期完成承担的攻坚任务。",
                "主动认领难题，推动问题在一线解决。"],
}


@dataclass
class PersonPlan:
    key: int
    name: str
    gender: str
    birth_date: datetime.date
    joined_party_on: datetime.date
    is_probationary: bool
    unit: str
    post: str
    phone: str
    account: str = ""  # username of the login linked to this person
    branches: int = 0


@dataclass(frozen=True)
class MemberPlan:
    person: int
    role: str
    joined_on: datetime.date
    commitment: str = ""


@dataclass(frozen=True)
class ActivityPlan:
    kind: str
    title: str
    held_on: datetime.date
    location: str
    description: str
    participants: tuple


@dataclass
class BranchPlan:
    spec: BranchSpec
    dates: BranchDates
    members: list = field(default_factory=list)
    activities: list = field(default_factory=list)


@dataclass
class DemoPlan:
    people: list
    branches: list
    accounts: dict  # username → person key


class _Registry:
    """Plans people deterministically: names, dates, phones, who serves where."""

    def __init__(self, today):
        self.today = today
        self.rng = random.Random(SEED)
        self.people: list[PersonPlan] = []
        self.pools: dict[str, list[PersonPlan]] = {}
        self.names: set[str] = set()
        self.phones: set[str] = set()

    def _name(self, gender, unit):
        rng = self.rng
        while True:
            surname = rng.choice(_LOCAL_SURNAMES) if rng.random() < 0.25 else rng.choice(_SURNAMES)
            chars = _MALE if gender == Gender.MALE else _FEMALE
            given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
            name = surname + given
            if name not in self.names:
                self.names.add(name)
                return name

    def _phone(self):
        while True:
            phone = "1" + self.rng.choice(["38", "39", "58", "59", "51", "80", "87", "89", "36"]) + "".join(
                self.rng.choice("0123456789") for _ in range(8)
            )
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def new(self, unit, slot, *, name=None, gender=None, post=None, account="", pooled=True, senior=False):
        rng, today = self.rng, self.today
        gender = gender or (Gender.MALE if rng.random() < 0.64 else Gender.FEMALE)
        if name:
            self.names.add(name)
        else:
            name = self._name(gender, unit)
        age = rng.randint(38, 55) if senior or slot in ("secretary", "deputy") else rng.randint(24, 56)
        birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        probationary = slot == "member" and age <= 32 and rng.random() < 0.25
        if probationary:
            joined = today - datetime.timedelta(days=rng.randint(60, 330))
        else:
            joined = birth + datetime.timedelta(days=rng.randint(19, min(age - 2, 33)) * 365 + rng.randint(0, 364))
        if post is None:
            posts = _POSTS[_KIND_POSTS[ORG_BY_KEY[unit][3]]][slot]
            post = rng.choice(posts)
        person = PersonPlan(
            len(self.people), name, gender, birth, joined, probationary, unit, post, self._phone(), account
        )
        self.people.append(person)
        if pooled:
            self.pools.setdefault(unit, []).append(person)
        return person

    def pick(self, unit, slot, *, taken: set, reuse=0.0):
        """Someone from ``unit`` for ``slot``: sometimes a person already serving elsewhere (people
        serve in at most two branches at once), usually a new one."""
        if reuse and self.rng.random() < reuse:
            candidates = [p for p in self.pools.get(unit, []) if p.branches < 2 and p.key not in taken]
            if candidates:
                return self.rng.choice(candidates)
        return self.new(unit, slot)


_ACTIVITY_TITLES = {
    ActivityKind.THREE_SHOWS: ["攻坚支部成立暨党员“三亮”承诺仪式", "“亮身份、亮承诺、亮实绩”主题党日"],
    ActivityKind.FOUR_COMPETITIONS: ["“比进度、比质量、比服务、比作风”四比竞赛推进会", "“四比”竞赛阶段讲评会"],
    ActivityKind.DOUBLE_STUDY: ["“双学双宣”专题学习会", "学政策学业务、宣政策宣典型“双学双宣”活动"],
    ActivityKind.COMMANDO: ["党员突击队授旗仪式", "党员突击队“百日攻坚”誓师会"],
    ActivityKind.OTHER: ["攻坚项目现场推进会", "支部主题党日暨工作例会"],
}
_MICRO_SERVICE = {
    "动迁": "“征迁政策进万家”微主题服务",
    "项目建设": "“企业吹哨、部门报到”现场服务日",
    "项目招引": "走访在谈企业“店小二”微主题服务",
    "营商环境": "“政务服务进园区”微主题服务",
    "乡村振兴": "“农技服务进田头”微主题服务",
    "美丽靖江": "“护河清岸”志愿服务",
    "城建交通": "“文明施工·便民出行”微主题服务",
    "文明城市创建": "“文明创建 你我同行”志愿服务",
    "基层“三整合”改革": "“网格连心”上门服务",
    "开发园区改革": "“入企问需”微主题服务",
    "产业链供应链": "产业链供需对接微主题服务",
}
_COMMANDO_BRANCHES = {"经济技术开发区“三比一提升”攻坚支部", "澄靖第二过江通道征迁攻坚支部", "城南园区征地拆迁攻坚支部"}


def _plan_activities(rng, plan: BranchPlan, members: list[MemberPlan], today):
    spec, dates = plan.spec, plan.dates
    if spec.status in (BranchStatus.PROPOSED,) or dates.formed_on is None:
        return []
    last = dates.concluded_on or dates.dissolved_on or today
    span = (last - dates.formed_on).days
    if span < 6:
        return []
    kinds = [ActivityKind.THREE_SHOWS]
    if spec.name in _COMMANDO_BRANCHES:
        kinds.append(ActivityKind.COMMANDO)
    extra = [ActivityKind.FOUR_COMPETITIONS, ActivityKind.DOUBLE_STUDY, ActivityKind.MICRO_SERVICE, ActivityKind.OTHER]
    rng.shuffle(extra)
    count = 2 if spec.status == BranchStatus.DISSOLVED else rng.randint(2, 3) + (2 if spec.name == SHOWCASE_BRANCH else 0)
    kinds += extra[: max(0, count - len(kinds))]
    activities = []
    for i, kind in enumerate(kinds):
        if kind == ActivityKind.MICRO_SERVICE:
            title = _MICRO_SERVICE[spec.field]
        else:
            title = _ACTIVITY_TITLES[kind][0 if i == 0 or rng.random() < 0.5 else 1]
        if any(a.title == title for a in activities):
            continue
        offset = 2 if i == 0 else rng.randint(min(8, span - 1), span - 1)
        held_on = dates.formed_on + datetime.timedelta(days=min(offset, span - 1))
        lead = ORG_BY_KEY[spec.lead]
        location = (lead[2] or lead[1]) + ("会议室" if kind in (ActivityKind.THREE_SHOWS, ActivityKind.DOUBLE_STUDY) else "攻坚一线")
        serving = [m.person for m in members if m.role != MembershipRole.LIAISON or rng.random() < 0.5]
        share = rng.uniform(0.55, 1.0)
        participants = tuple(sorted({p for p in serving if rng.random() < share} | {members[0].person}))
        description = {
            ActivityKind.THREE_SHOWS: "全体党员佩戴党员徽章、公开承诺事项，在攻坚一线亮身份、亮承诺、亮实绩。",
            ActivityKind.FOUR_COMPETITIONS: "对照“四比”竞赛细则通报各小组进度，点评先进、督促后进。",
            ActivityKind.DOUBLE_STUDY: "集中学习有关政策文件，并深入一线宣讲政策、宣传先进典型。",
            ActivityKind.MICRO_SERVICE: "党员分组深入企业、群众，现场收集诉求、解答政策、协调解决具体问题。",
            ActivityKind.COMMANDO: "组建党员突击队，明确攻坚任务清单和完成时限，党员冲在一线。",
            ActivityKind.OTHER: "现场查看项目进展，协调解决推进中的难点堵点问题。",
        }[kind]
        activities.append(ActivityPlan(kind, title, held_on, location, description, participants))
    return activities


def demo_plan(today: datetime.date) -> DemoPlan:
    """Plan the people, memberships and activities of every demo branch (no database access)."""
    reg = _Registry(today)
    accounts = {}
    # The demo logins and the 调度长 of every supervising committee are people too.
    for account in [*DEMO_ACCOUNTS, OTHER_CITY_ACCOUNT]:
        person = reg.new(account.work_unit, "secretary", name=account.full_name, gender=account.gender,
                         post=account.post, account=account.username, pooled=False)
        accounts[account.username] = person.key
    for committee in sorted({spec.committee for spec in BRANCHES}):
        username = dispatch_chief_username(committee)
        if username in accounts:
            continue
        unit = ORG_BY_KEY[committee][4] if committee != "sw" else "sw"
        post = _dispatch_chief_post(committee)
        person = reg.new(unit, "secretary", post=post, account=username, pooled=False, senior=True)
        accounts[username] = person.key

    plans = [_plan_branch(reg, spec, accounts, today) for spec in BRANCHES]
    return DemoPlan(reg.people, plans, accounts)


def _plan_branch(reg: _Registry, spec: BranchSpec, accounts: dict, today: datetime.date) -> BranchPlan:
    """Who serves in ``spec`` (secretary, deputy, commissioners, members, liaisons of the
    responsible units) and which Party-life activities it held."""
    rng = random.Random(f"{SEED}:members:{spec.name}")
    dates = branch_dates(spec, today)
    plan = BranchPlan(spec, dates)
    if spec.name == BARE_PROPOSAL:
        return plan  # no secretary and no project yet: activation is blocked
    joined = dates.formed_on or today - datetime.timedelta(days=rng.randint(3, 12))
    taken: set[int] = set()
    members = plan.members

    def add(person, role, joined_on=joined):
        taken.add(person.key)
        person.branches += 1
        pool = _COMMITMENTS.get("secretary" if role == MembershipRole.SECRETARY else spec.field)
        pool = pool or _COMMITMENTS["default"]
        commitment = rng.choice(pool) if role != MembershipRole.LIAISON and rng.random() < 0.7 else ""
        members.append(MemberPlan(person.key, role, joined_on, commitment))

    showcase = spec.name == SHOWCASE_BRANCH
    if showcase:
        add(reg.people[accounts["shuji"]], MembershipRole.SECRETARY)
    else:
        add(reg.new(spec.lead, "secretary"), MembershipRole.SECRETARY)
    if spec.status == BranchStatus.PROPOSED:
        return plan
    units = [spec.lead, *spec.responsible]
    deputy_unit = spec.responsible[0] if spec.responsible and rng.random() < 0.4 else spec.lead
    add(reg.pick(deputy_unit, "deputy", taken=taken, reuse=0.1), MembershipRole.DEPUTY_SECRETARY)
    commissioners = [MembershipRole.ORGANIZATION_COMMISSIONER, MembershipRole.PUBLICITY_COMMISSIONER,
                     MembershipRole.DISCIPLINE_COMMISSIONER]
    for role in sorted(rng.sample(commissioners, k=rng.randint(1, 2)), key=commissioners.index):
        add(reg.pick(spec.lead, "commissioner", taken=taken, reuse=0.15), role)
    for _ in range(rng.randint(2, 4) + (6 if showcase else 0)):
        add(reg.pick(rng.choice(units), "member", taken=taken, reuse=0.3), MembershipRole.MEMBER)
    if showcase:
        add(reg.people[accounts["dangyuan"]], MembershipRole.MEMBER)
    liaison_units = list(spec.responsible[: 4 if showcase else 2])
    for unit in liaison_units:
        if showcase and unit == "gdgs":
            add(reg.people[accounts["lianluoyuan"]], MembershipRole.LIAISON)
        else:
            add(reg.pick(unit, "liaison", taken=taken, reuse=0.2), MembershipRole.LIAISON)
    if showcase and "gdgs" not in liaison_units:
        add(reg.people[accounts["lianluoyuan"]], MembershipRole.LIAISON)
    # A few long-running branches changed their secretary half-way (the history shows it).
    if spec.batch == 1 and spec.status == BranchStatus.ACTIVE and rng.random() < 0.08:
        successor = reg.new(spec.lead, "secretary")
        successor.branches += 1
        members.append(MemberPlan(successor.key, MembershipRole.SECRETARY, joined + datetime.timedelta(days=120)))
    plan.activities = _plan_activities(rng, plan, members, today)
    return plan


def _dispatch_chief_post(committee: str) -> str:
    kind = ORG_BY_KEY[committee][3]
    if committee == "sw":
        return "市委常委、宣传部部长"
    if committee.startswith("tx_"):
        return "党组成员、副主任" if kind == K.PARTY_GROUP else "党（工）委副书记"
    return {
        K.PARTY_GROUP: "党组成员、副局长",
        K.PARTY_COMMITTEE: "党委委员、副局长" if ORG_BY_KEY[ORG_BY_KEY[committee][4]][3] != K.TOWN else "镇党委副书记、镇长",
        K.WORKING_COMMITTEE: "党工委委员、管委会副主任" if ORG_BY_KEY[ORG_BY_KEY[committee][4]][3] != K.TOWN
        else "街道党工委副书记",
    }[kind]


# ================================================================ seeding
def organizations_by_key() -> dict[str, Organization]:
    """The demo's organizations that exist, keyed as in ORGANIZATIONS (one query). A node is
    the demo's only under the demo parent: the natural key is (parent, name)."""
    rows = Organization.objects.filter(name__in=[row[1] for row in ORGANIZATIONS])
    by_natural_key = {(o.parent_id, o.name): o for o in rows}
    result = {}
    for key, name, _short, _kind, parent in ORGANIZATIONS:
        if parent and parent not in result:
            continue
        parent_id = result[parent].pk if parent else None
        org = by_natural_key.get((parent_id, name))
        if org is not None:
            result[key] = org
    return result


def seed_organizations() -> dict[str, Organization]:
    existing = organizations_by_key()
    orgs = {}
    for key, name, short, kind, parent in ORGANIZATIONS:
        org = existing.get(key)
        if org is None:
            org = Organization(name=name, short_name=short, kind=kind, parent=orgs.get(parent))
            org._history_user = None
            org.save()
        orgs[key] = org
    return orgs


def seed_work_fields() -> dict[str, WorkField]:
    fields = {f.name: f for f in WorkField.objects.filter(name__in=[n for n, _ in WORK_FIELDS])}
    for order, (name, front) in enumerate(WORK_FIELDS, start=1):
        if name not in fields:
            fields[name] = WorkField.objects.create(name=name, front=front, sort_order=order * 10)
    return fields


def _ensure_user(username, full_name, organization, role, password_hash, created):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, organization=organization, password=password_hash)
        user.save()
        created.append(username)
    elif user.organization_id != organization.pk:
        # An older demo database placed the login elsewhere: move it to where the data expects.
        user.organization = organization
        user.save(update_fields=["organization"])
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def seed_accounts(orgs, plan: DemoPlan) -> dict[str, User]:
    """The six demo logins, the second city's login and a 调度长 login per supervising committee."""
    password_hash = None
    wanted = [a.username for a in DEMO_ACCOUNTS] + [OTHER_CITY_ACCOUNT.username] + list(plan.accounts)
    wanted += [username for username, *_rest in ADMINISTRATION_ACCOUNTS]
    if User.objects.filter(username__in=wanted).count() < len(set(wanted)):
        # One hash for all: hashing is deliberately slow and the demo logins share a password.
        password_hash = make_password(DEMO_PASSWORD)
    people = {p.key: p for p in plan.people}
    users, created = {}, []
    for account in [*DEMO_ACCOUNTS, OTHER_CITY_ACCOUNT]:
        # The 调度长 group is given by the appointment (projects.services), not here.
        role = None if account.role == Role.DISPATCH_CHIEF else account.role
        # Secretaries get their group with the appointment too; the login is still the secretary's.
        users[account.username] = _ensure_user(
            account.username, account.full_name, orgs[account.organization], role, password_hash, created
        )
    for username, person_key in plan.accounts.items():
        if username in users:
            continue
        committee = next(c for c in {s.committee for s in BRANCHES} if dispatch_chief_username(c) == username)
        users[username] = _ensure_user(
            username, people[person_key].name, orgs[committee], None, password_hash, created
        )
    for username, full_name, role, is_staff in ADMINISTRATION_ACCOUNTS:
        user = _ensure_user(username, full_name, orgs["jj"], role, password_hash, created)
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
        users[username] = user
    return users


def seed_people(orgs, plan: DemoPlan, by) -> dict[int, Person]:
    """The Party-member registry, created in bulk (people have no side effects) with history."""
    phones = [p.phone for p in plan.people]
    existing = {(p.work_unit_id, p.name, p.phone): p for p in Person.objects.filter(phone__in=phones)}
    missing = []
    for p in plan.people:
        if (orgs[p.unit].pk, p.name, p.phone) not in existing:
            missing.append(
                Person(
                    name=p.name, gender=p.gender, birth_date=p.birth_date, joined_party_on=p.joined_party_on,
                    is_probationary=p.is_probationary, work_unit=orgs[p.unit], post=p.post, phone=p.phone,
                )
            )
    if missing:
        person_bulk_create(people=missing, by=by)
        existing = {(p.work_unit_id, p.name, p.phone): p for p in Person.objects.filter(phone__in=phones)}
    return {p.key: existing[(orgs[p.unit].pk, p.name, p.phone)] for p in plan.people}


def link_accounts(plan: DemoPlan, people, users, by):
    for username, person_key in plan.accounts.items():
        person, user = people[person_key], users[username]
        if person.user_id != user.pk:
            person_link_user(person=person, user=user, by=by)


def seed_chains(orgs, by) -> dict[str, IndustrialChain]:
    owner = orgs["sw"]
    chains = {c.name: c for c in IndustrialChain.objects.filter(organization=owner)}
    for spec in CHAINS:
        chain = chains.get(spec.name)
        if chain is not None:
            continue
        chain = IndustrialChain(name=spec.name, category=spec.category, description=spec.description, organization=owner)
        chain._history_user = by
        chain.save()
        chains[spec.name] = chain
        nodes = []
        for position, (name, stage) in enumerate(spec.nodes, start=1):
            node = ChainNode(chain=chain, name=name, stage=stage, position=position)
            node._history_user = by
            node.save()
            nodes.append(node)
        for org_key, position, role in spec.members:
            member = ChainMember(chain=chain, organization=orgs[org_key], role=role,
                                 node=nodes[position] if position is not None else None)
            member._history_user = by
            member.save()
        for position, kind, title, description, resolved in spec.weak_links:
            link = weak_link_create(chain=chain, node=nodes[position], by=by, kind=kind, title=title,
                                    description=description)
            if resolved:
                weak_link_resolve(weak_link=link, by=by)
    return chains


def seed_branches(orgs, fields, chains, plan: DemoPlan, people, users) -> int:
    """Create each missing branch with its members and activities; returns how many were new."""
    existing = {(b.supervising_committee_id, b.name) for b in Branch.objects.filter(name__in=BRANCH_BY_NAME)}
    created = 0
    for branch_plan in plan.branches:
        spec, dates = branch_plan.spec, branch_plan.dates
        if (orgs[spec.committee].pk, spec.name) in existing:
            continue
        by = users[OTHER_CITY_ACCOUNT.username if spec.city == "tx" else "zuzhibu"]
        branch = branch_create(
            by=by,
            responsible_units=[orgs[k] for k in spec.responsible],
            name=spec.name,
            batch=spec.batch,
            kind=BranchKind.INDUSTRIAL_CHAIN if spec.chain else BranchKind.TASK_FORCE,
            front=FIELD_FRONT[spec.field],
            field=fields[spec.field],
            scope=spec.scope,
            supervising_committee=orgs[spec.committee],
            lead_unit=orgs[spec.lead],
            chain=chains[spec.chain] if spec.chain else None,
            goal=spec.goal,
            formed_on=dates.formed_on,
            planned_end_on=dates.planned_end_on,
        )
        created += 1
        for member in sorted(branch_plan.members, key=lambda m: m.joined_on):
            membership_appoint(
                branch=branch, person=people[member.person], role=member.role, by=by,
                joined_on=member.joined_on, commitment=member.commitment,
            )
        for activity in branch_plan.activities:
            activity_create(
                branch=branch, by=by, participants=[people[k] for k in activity.participants],
                kind=activity.kind, title=activity.title, held_on=activity.held_on,
                location=activity.location, description=activity.description,
            )
    return created


def seed_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    """Seed the "who" of the Jingjiang demo; returns counts for the command's summary."""
    today = today or timezone.localdate()
    plan = demo_plan(today)
    orgs = seed_organizations()
    fields = seed_work_fields()
    users = seed_accounts(orgs, plan)
    staff = users["zuzhibu"]
    people = seed_people(orgs, plan, staff)
    link_accounts(plan, people, users, staff)
    chains = seed_chains(orgs, staff)
    seed_branches(orgs, fields, chains, plan, people, users)
    city = orgs["jj"]
    return {
        "单位": Organization.objects.filter(path__startswith=orgs["province"].path).count(),
        "工作领域": WorkField.objects.count(),
        "党员": Person.objects.filter(work_unit__path__startswith=orgs["province"].path).count(),
        "攻坚支部（靖江）": Branch.objects.filter(supervising_committee__path__startswith=city.path).count(),
        "攻坚支部（泰兴）": Branch.objects.filter(supervising_committee__path__startswith=orgs["tx"].path).count(),
        "支部成员": Membership.objects.filter(branch__name__in=BRANCH_BY_NAME).count(),
        "组织生活": Activity.objects.filter(branch__name__in=BRANCH_BY_NAME).count(),
        "产业链": IndustrialChain.objects.filter(organization=orgs["sw"]).count(),
        "薄弱环节": WeakLink.objects.filter(chain__organization=orgs["sw"]).count(),
        "账号": User.objects.filter(username__in=list(users)).count(),
    }


def account_lines() -> list[str]:
    """The demo logins with their Chinese role names, for the command's summary."""
    lines = [f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    for account in [*DEMO_ACCOUNTS, OTHER_CITY_ACCOUNT]:
        role = _ROLE_NAMES[account.role]
        lines.append(f"  {account.username:<12} {account.full_name:<4} {role:<10} {account.where}")
    chiefs = sorted({dispatch_chief_username(s.committee) for s in BRANCHES} - {"diaoduzhang"})
    lines.append(f"  另有各党（工）委（党组）调度长账号 {len(chiefs)} 个：{', '.join(chiefs[:4])} 等，密码相同。")
    admins = "、".join(f"{username}（{full_name}）" for username, full_name, _role, _staff in ADMINISTRATION_ACCOUNTS)
    lines.append(f"  三员账号：{admins}，密码相同，看不到党建业务数据。")
    return lines


# The Chinese role names (demo output only; the UI translates Role labels through the catalogue).
_ROLE_NAMES = {
    Role.DEPARTMENT_STAFF: "组织部工作人员",
    Role.LEADER: "领导",
    Role.DISPATCH_CHIEF: "调度长",
    Role.SECRETARY: "支部书记",
    Role.MEMBER: "党员",
    Role.UNIT_LIAISON: "责任单位联络员",
}
