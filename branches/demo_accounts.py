"""The demo accounts: one per role, mapped onto the demo data by ``seed_demo``."""

from branches.roles import Role

DEMO_PASSWORD = "Demo@2026"

# username, full name, role
DEMO_ACCOUNTS = [
    ("zuzhibu", "陈明", Role.DEPARTMENT_STAFF),
    ("lingdao", "王瑾", Role.LEADER),
    ("diaoduzhang", "刘建国", Role.DISPATCH_CHIEF),
    ("shuji", "张卫东", Role.SECRETARY),
    ("dangyuan", "李娟", Role.MEMBER),
    ("lianluoyuan", "周涛", Role.UNIT_LIAISON),
]
