"""The demo logins: one per role, each mapped onto the Jingjiang demo data by ``seed_demo``.

Every login shares the password below (printed by the command and listed in README.md and
docs/guide/README.md). Organization keys refer to ``branches.demo.ORGANIZATIONS``.
"""

from dataclasses import dataclass

from branches.roles import Role

DEMO_PASSWORD = "Demo@2026"

# The branch the per-branch accounts (secretary, member, liaison) are mapped onto: the one with
# the richest data (the article's 225 households in 28 days).
SHOWCASE_BRANCH = "澄靖第二过江通道征迁攻坚支部"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role
    organization: str  # key of the node the login sits at (its jurisdiction for staff/leaders)
    work_unit: str  # key of the person's home unit in the Party-member registry
    post: str
    gender: str
    where: str  # what the account is mapped onto, printed in the summary


DEMO_ACCOUNTS = [
    DemoAccount(
        "zuzhibu", "陈明", Role.DEPARTMENT_STAFF, "jj", "jj_zzb", "组织部组织科科长", "male",
        "靖江市 全市 74 个攻坚支部",
    ),
    DemoAccount(
        "lingdao", "王瑾", Role.LEADER, "jj", "jj_zzb", "市委常委、组织部部长", "female",
        "靖江市 全市（只读、数据看板）",
    ),
    DemoAccount(
        "diaoduzhang", "刘建国", Role.DISPATCH_CHIEF, "jtj_party", "jtj", "交通运输局党委副书记、副局长", "male",
        "市交通运输局党委 所督导支部的攻坚项目（含过江通道征迁）",
    ),
    DemoAccount(
        "shuji", "张卫东", Role.SECRETARY, "jtj", "jtj", "交通运输局综合运输科科长", "male",
        SHOWCASE_BRANCH + " 书记",
    ),
    DemoAccount(
        "dangyuan", "李娟", Role.MEMBER, "xieq", "xieq", "斜桥镇征收办副主任", "female",
        SHOWCASE_BRANCH + " 党员",
    ),
    DemoAccount(
        "lianluoyuan", "周涛", Role.UNIT_LIAISON, "gdgs", "gdgs", "供电公司运检部专责", "male",
        SHOWCASE_BRANCH + " 联络员（市供电公司）",
    ),
]

# A department-staff login of the second city: it sees Taixing only, never Jingjiang.
OTHER_CITY_ACCOUNT = DemoAccount(
    "taixing", "孙丽", Role.DEPARTMENT_STAFF, "tx", "tx_zzb", "泰兴市委组织部组织科科员", "female",
    "泰兴市（第二个城市，与靖江互不可见）",
)

# The 调度长 of each supervising committee: a member of that committee's leadership
# ("各党（工）委（党组）班子成员担任攻坚项目调度长"). Keyed by the committee's key; the
# transport committee's is the ``diaoduzhang`` demo login.
DISPATCH_CHIEFS = {
    "jtj_party": "diaoduzhang",
}


def dispatch_chief_username(committee_key: str) -> str:
    return DISPATCH_CHIEFS.get(committee_key) or "ddz_" + committee_key.removesuffix("_party")


# 三员分立: the three administrators of the demo (docs/guide/administrators.md). They sit at the
# city node but hold no Party role: they see no Party data. (username, full name, role, admin site)
ADMINISTRATION_ACCOUNTS = [
    ("xitong", "系统管理员", Role.SYSTEM_ADMIN, True),
    ("anquan", "安全管理员", Role.SECURITY_ADMIN, True),
    ("shenji", "审计员", Role.AUDITOR, False),
]
