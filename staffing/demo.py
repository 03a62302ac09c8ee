"""Demo staff for `manage.py load_demo`: about 250 people in the city and county libraries
with their post and title histories, two years of training, certificates and the
structure targets.

Drawn with one seeded generator, kept consistent in memory and written with bulk_create,
so a run is repeatable and quick. Does nothing when any staff record exists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from governance.models import OrgUnit

from .models import (
    Certificate,
    Discipline,
    Education,
    EmploymentType,
    Enrolment,
    ExternalTraining,
    Gender,
    PostAppointment,
    PostCategory,
    Staff,
    StructureTarget,
    SubjectType,
    TitleRecord,
    TrainingProgram,
)
from .validators import id_check_char

# The demo's "today": most of 2026's training is done, December's is still to come.
AS_OF = dt.date(2026, 11, 20)
YEARS = (2025, 2026)
# Jiangxi's institutions made their first post appointments (岗位设置) around 2010; the
# post histories start there, the title histories go back further.
POSTS_FROM = dt.date(2010, 1, 1)
SEED = 2025

MGMT, PRO, WORKER = PostCategory.MANAGEMENT, PostCategory.PROFESSIONAL, PostCategory.WORKER
GENERAL, PROFESSIONAL = SubjectType.GENERAL, SubjectType.PROFESSIONAL
Kind, Mode = TrainingProgram.Kind, TrainingProgram.Mode

# People per unit: more in lending, children's and acquisitions, few in finance.
CITY_SIZES = {
    "FZ-SLIB-OFFICE": 9,
    "FZ-SLIB-ACQ": 13,
    "FZ-SLIB-LEND": 14,
    "FZ-SLIB-LEND-SELF": 3,
    "FZ-SLIB-LEND-CITYROOM": 4,
    "FZ-SLIB-CHILD": 12,
    "FZ-SLIB-CHILD-PICTURE": 3,
    "FZ-SLIB-LOCAL": 8,
    "FZ-SLIB-DIGI": 8,
    "FZ-SLIB-PROMO": 7,
    "FZ-SLIB-OUTREACH": 6,
    "FZ-SLIB-FIN": 3,
}
# Counties as in governance.demo.COUNTIES; the district libraries are a little larger.
COUNTY_SIZES = {
    "LC": 18,
    "DX": 16,
    "NC": 15,
    "LCX": 13,
    "NF": 15,
    "CR": 14,
    "LA": 14,
    "YH": 13,
    "JX": 15,
    "ZX": 12,
    "GC": 14,
}
# Where the ID number was issued. 东乡 was a county (361029) until 2017 and the numbers
# issued then were never changed.
AREA_CODES = {
    "SLIB": "361002",
    "LC": "361002",
    "DX": "361029",
    "NC": "361021",
    "LCX": "361022",
    "NF": "361023",
    "CR": "361024",
    "LA": "361025",
    "YH": "361026",
    "JX": "361027",
    "ZX": "361028",
    "GC": "361030",
}

SURNAMES = (
    "刘刘刘刘陈陈陈陈王王王李李李张张黄黄黄吴吴徐徐胡胡胡杨周周罗罗邓邓曾曾朱熊熊万"
    "饶饶傅揭黎艾章危付蔡谢彭邹江涂何龚余聂肖游雷乐舒杜宋郭汪卢夏程"
)
# Given names by the decade people were born in.
GIVEN = {
    (Gender.FEMALE, 1975): "秀英 桂兰 红梅 丽华 小红 春梅 美华 玉兰 建芳 淑珍 冬梅 爱华 金凤 "
    "丽萍 秋萍 海燕 晓燕 丽君 慧芳 艳红 玉珍 凤英",
    (Gender.FEMALE, 1990): "丽娟 静 敏 芳 婷 娟 丽 艳 燕 霞 晓丽 玲 琳 慧 颖 洁 晶晶 莉莉 "
    "文静 雪梅 小燕 婷婷 丹 倩 蕾 瑶 璐 佳 晓敏 红霞 春燕 媛",
    (Gender.FEMALE, 2100): "雨婷 欣怡 梦瑶 诗琪 思琪 佳怡 子涵 雅婷 晓雯 心怡 紫薇 雨萱 "
    "梓涵 若曦 可欣 怡然 嘉欣 思雨 静怡 语嫣",
    (Gender.MALE, 1975): "建国 建华 国强 志强 卫东 建军 国平 小平 志明 海涛 德明 长生 "
    "金华 水生 新民 勇 军 华 平 斌 春生 卫平",
    (Gender.MALE, 1990): "伟 磊 强 涛 鹏 波 斌 杰 浩 亮 俊 晨 飞 超 峰 刚 明 辉 志刚 海波 "
    "文斌 小龙 建波 晓东 振华 剑锋 俊杰 建平 志伟 家辉",
    (Gender.MALE, 2100): "子豪 浩然 宇轩 俊熙 一鸣 博文 子轩 梓豪 皓轩 天宇 思远 明哲 "
    "嘉豪 宇航 睿 晨阳 逸飞 泽宇 文博 家豪",
}

# Majors with their discipline group. 信息管理与信息系统 is counted with library and
# information science, as library recruitment notices list it with 图书馆学.
MAJORS = {
    "图书馆学": Discipline.LIBRARY,
    "图书情报": Discipline.LIBRARY,
    "信息资源管理": Discipline.LIBRARY,
    "档案学": Discipline.LIBRARY,
    "信息管理与信息系统": Discipline.LIBRARY,
    "图书档案管理": Discipline.LIBRARY,
    "计算机科学与技术": Discipline.IT,
    "软件工程": Discipline.IT,
    "网络工程": Discipline.IT,
    "计算机应用技术": Discipline.IT,
    "计算机网络技术": Discipline.IT,
    "电子信息工程": Discipline.SCIENCE,
    "数学与应用数学": Discipline.SCIENCE,
    "汉语言文学": Discipline.LANGUAGES,
    "英语": Discipline.LANGUAGES,
    "商务英语": Discipline.LANGUAGES,
    "语文教育": Discipline.LANGUAGES,
    "历史学": Discipline.HUMANITIES,
    "新闻学": Discipline.HUMANITIES,
    "美术学": Discipline.HUMANITIES,
    "会计学": Discipline.MANAGEMENT,
    "财务管理": Discipline.MANAGEMENT,
    "会计": Discipline.MANAGEMENT,
    "行政管理": Discipline.MANAGEMENT,
    "工商管理": Discipline.MANAGEMENT,
    "文秘": Discipline.OTHER,
    "法学": Discipline.OTHER,
    "学前教育": Discipline.OTHER,
}
DEPT_MAJORS = {
    "OFFICE": {"汉语言文学": 3, "行政管理": 3, "法学": 1, "图书馆学": 2, "新闻学": 1},
    "FIN": {"会计学": 5, "财务管理": 3},
    "DIGI": {
        "计算机科学与技术": 4,
        "软件工程": 2,
        "网络工程": 1,
        "信息管理与信息系统": 2,
        "电子信息工程": 1,
    },
    "ACQ": {
        "图书馆学": 5,
        "信息资源管理": 1,
        "档案学": 1,
        "汉语言文学": 2,
        "英语": 1,
        "信息管理与信息系统": 1,
    },
    "LOCAL": {"历史学": 3, "图书馆学": 3, "档案学": 2, "汉语言文学": 2},
    "CHILD": {"学前教育": 2, "汉语言文学": 2, "图书馆学": 3, "英语": 1, "美术学": 1},
    "PROMO": {"汉语言文学": 3, "新闻学": 2, "图书馆学": 2, "美术学": 1},
    "OUTREACH": {"图书馆学": 4, "信息管理与信息系统": 1, "汉语言文学": 1},
    "LEND": {
        "图书馆学": 4,
        "信息管理与信息系统": 2,
        "汉语言文学": 2,
        "英语": 1,
        "计算机科学与技术": 1,
        "工商管理": 1,
        "数学与应用数学": 1,
    },
}
COLLEGE_MAJOR = {  # the 大专 course of the same field
    "图书馆学": "图书档案管理",
    "信息资源管理": "图书档案管理",
    "档案学": "图书档案管理",
    "信息管理与信息系统": "图书档案管理",
    "计算机科学与技术": "计算机应用技术",
    "软件工程": "计算机应用技术",
    "网络工程": "计算机网络技术",
    "电子信息工程": "计算机应用技术",
    "会计学": "会计",
    "财务管理": "会计",
    "汉语言文学": "语文教育",
    "英语": "商务英语",
    "行政管理": "文秘",
    "新闻学": "文秘",
    "工商管理": "文秘",
    "法学": "文秘",
    "历史学": "语文教育",
    "数学与应用数学": "计算机应用技术",
}
GRADUATION_AGE = {2: 18, 3: 21, 4: 22, 5: 25, 6: 28}

TITLES = {
    "图书资料": {1: "管理员", 2: "助理馆员", 3: "馆员", 4: "副研究馆员", 5: "研究馆员"},
    "会计": {1: "会计员", 2: "助理会计师", 3: "会计师", 4: "高级会计师", 5: "正高级会计师"},
}
LEVEL_NAMES = {1: "员级", 2: "初级", 3: "中级", 4: "副高级", 5: "正高级"}
# First title (level, years after hiring) by education, and the least years between
# titles (人社部发〔2021〕42号 as applied in Jiangxi).
FIRST_TITLE = {6: (3, 1), 5: (2, 1), 4: (2, 1), 3: (1, 1), 2: (1, 1)}
MIN_YEARS = {2: {3: 2, 2: 4}, 3: {6: 2, 5: 2, 4: 4, 3: 4, 2: 7}, 4: {6: 2}, 5: {}}
# Shares of professional staff by title level: the counties' structure is lower.
CITY_LEVELS = {5: 0.05, 4: 0.15, 3: 0.40, 2: 0.30, 1: 0.10}
COUNTY_LEVELS = {5: 0.01, 4: 0.09, 3: 0.33, 2: 0.35, 1: 0.22}
# Professional grades per title level, highest-numbered (entry) grade first, and the
# weights of the grade held now: mostly the middle of each band.
BANDS = {5: (4, 3, 2, 1), 4: (7, 6, 5), 3: (10, 9, 8), 2: (12, 11), 1: (13,)}
GRADE_WEIGHTS = {
    5: {4: 3, 3: 6, 2: 1},
    4: {7: 30, 6: 55, 5: 15},
    3: {10: 30, 9: 50, 8: 20},
    2: {12: 55, 11: 45},
    1: {13: 1},
}
MGMT_GRADES = {10: 15, 9: 40, 8: 35, 7: 10}
WORKER_GRADES = {5: 20, 4: 35, 3: 35, 2: 10}

CERTIFICATES = [
    # qualification, number prefix, years valid (None: no expiry), departments
    ("阅读推广人", "YDTG", None, ("PROMO", "CHILD", "LEND", "OUTREACH")),
    ("少儿阅读指导", "SEYD", 5, ("CHILD",)),
    ("古籍修复", "GJXF", None, ("LOCAL",)),
    ("古籍普查登记", "GJPC", None, ("LOCAL", "ACQ")),
    ("视障读者服务", "SZFW", 3, ("LEND",)),
    ("图书馆讲解员", "JJY", 3, ("PROMO", "OFFICE")),
    ("数字资源服务", "SZZY", 5, ("DIGI",)),
]

# Programs held each year: (key, kind, audience (see AUDIENCES), hours, subject, mode, start
# (month, day), days, capacity (None: online, open)), (name, organiser).
PROGRAMS = [
    (
        ("gongxu", Kind.CONTINUING, "titled", 30, GENERAL, Mode.ONLINE, (3, 1), 245, None),
        ("专业技术人员继续教育公需科目网络学习", "江西省人力资源和社会保障厅"),
    ),
    (
        ("specialty", Kind.CONTINUING, "pro", 40, PROFESSIONAL, Mode.ONLINE, (4, 1), 183, None),
        ("图书资料系列专业科目网络研修", "国家图书馆"),
    ),
    (
        ("standards", Kind.CONTINUING, "pro", 24, PROFESSIONAL, Mode.ONSITE, (5, 12), 3, 60),
        ("公共图书馆服务规范与标准化研修班", "江西省图书馆"),
    ),
    (
        (
            "cataloguing",
            Kind.CONTINUING,
            "cataloguers",
            16,
            PROFESSIONAL,
            Mode.ONSITE,
            (6, 16),
            2,
            40,
        ),
        ("文献编目与RDA应用培训班", "江西省图书馆"),
    ),
    (
        ("digital", Kind.CONTINUING, "pro", 20, PROFESSIONAL, Mode.ONLINE, (9, 1), 30, None),
        ("数字资源建设与服务能力提升网络培训", "国家图书馆"),
    ),
    (
        ("law", Kind.CONTINUING, "posted", 12, GENERAL, Mode.ONLINE, (7, 1), 61, None),
        ("事业单位工作人员法治素养与保密知识专题学习", "抚州市人力资源和社会保障局"),
    ),
    (
        ("etiquette", Kind.ROUTINE, "frontline", 6, PROFESSIONAL, Mode.ONSITE, (3, 18), 1, 80),
        ("读者服务礼仪与沟通技巧培训", "抚州市图书馆"),
    ),
    (
        ("safety", Kind.ROUTINE, "everyone", 4, GENERAL, Mode.ONSITE, (11, 6), 1, 300),
        ("安全生产与消防应急演练", "抚州市图书馆"),
    ),
    (
        (
            "classification",
            Kind.ROUTINE,
            "cataloguers",
            8,
            PROFESSIONAL,
            Mode.ONSITE,
            (4, 22),
            1,
            40,
        ),
        ("中图法分类与主题标引实务", "抚州市图书馆"),
    ),
    (
        ("promotion", Kind.ROUTINE, "pro", 8, PROFESSIONAL, Mode.ONSITE, (5, 27), 1, 60),
        ("阅读推广活动策划与组织实务", "抚州市图书馆"),
    ),
    (
        ("guidance", Kind.ROUTINE, "county", 16, PROFESSIONAL, Mode.ONSITE, (10, 20), 2, 150),
        ("县（区）图书馆业务辅导培训班", "抚州市图书馆"),
    ),
    (
        ("picturebooks", Kind.ROUTINE, "children", 12, PROFESSIONAL, Mode.ONSITE, (7, 8), 2, 50),
        ("少儿阅读指导与绘本讲读培训", "抚州市图书馆"),
    ),
    (
        (
            "preservice",
            Kind.INDUCTION,
            "new_establishment",
            40,
            GENERAL,
            Mode.ONSITE,
            (10, 13),
            5,
            80,
        ),
        ("抚州市事业单位新进人员岗前培训", "抚州市人力资源和社会保障局"),
    ),
    (
        ("rotation", Kind.INDUCTION, "new_city", 24, PROFESSIONAL, Mode.ONSITE, (9, 8), 3, 20),
        ("新职工入馆教育与业务轮岗", "抚州市图书馆"),
    ),
    (
        ("basics", Kind.INDUCTION, "new_pro", 20, PROFESSIONAL, Mode.ONLINE, (8, 1), 61, None),
        ("图书馆员基础业务网络课程", "国家图书馆"),
    ),
    (
        ("county_new", Kind.INDUCTION, "new_county", 16, PROFESSIONAL, Mode.ONSITE, (9, 22), 2, 30),
        ("县（区）图书馆新进馆员业务培训", "抚州市图书馆"),
    ),
    (
        ("counter", Kind.INDUCTION, "new_frontline", 8, PROFESSIONAL, Mode.ONSITE, (3, 4), 1, 40),
        ("服务窗口岗位上岗培训", "抚州市图书馆"),
    ),
    (
        ("ils", Kind.INDUCTION, "new_pro", 8, PROFESSIONAL, Mode.ONSITE, (4, 8), 1, 40),
        ("图书馆集成管理系统操作培训", "抚州市图书馆"),
    ),
    (
        ("directors", Kind.SENIOR_TALENT, "directors", 40, PROFESSIONAL, Mode.ONSITE, (6, 2), 5, 3),
        ("全国公共图书馆馆长高级研修班", "国家图书馆"),
    ),
    (
        ("backbone", Kind.SENIOR_TALENT, "senior", 32, PROFESSIONAL, Mode.ONSITE, (8, 18), 4, 12),
        ("全省公共图书馆业务骨干高级研修班", "江西省图书馆"),
    ),
    (
        (
            "rare_books",
            Kind.SENIOR_TALENT,
            "local_history",
            40,
            PROFESSIONAL,
            Mode.ONSITE,
            (5, 18),
            5,
            3,
        ),
        ("古籍保护与修复技艺高级研修班", "国家古籍保护中心"),
    ),
    (
        (
            "promoters",
            Kind.SENIOR_TALENT,
            "promoters",
            24,
            PROFESSIONAL,
            Mode.ONSITE,
            (7, 21),
            3,
            8,
        ),
        ("阅读推广人高级研修班", "中国图书馆学会"),
    ),
    (
        ("talents", Kind.SENIOR_TALENT, "senior", 24, GENERAL, Mode.ONSITE, (11, 3), 3, 6),
        ("全市宣传文化系统高层次人才研修班", "中共抚州市委宣传部"),
    ),
    (
        ("research", Kind.SENIOR_TALENT, "senior", 16, PROFESSIONAL, Mode.ONSITE, (12, 7), 2, 15),
        ("图书馆学术研究与课题申报能力提升班", "江西省图书馆学会"),
    ),
    (
        ("national_conf", Kind.EXCHANGE, "senior", 16, PROFESSIONAL, Mode.ONSITE, (9, 24), 3, 6),
        ("中国图书馆年会", "中国图书馆学会"),
    ),
    (
        ("provincial_conf", Kind.EXCHANGE, "pro", 12, PROFESSIONAL, Mode.ONSITE, (11, 12), 2, 25),
        ("江西省图书馆学会学术年会", "江西省图书馆学会"),
    ),
    (
        ("children_forum", Kind.EXCHANGE, "children", 8, PROFESSIONAL, Mode.ONSITE, (6, 25), 2, 8),
        ("华东地区公共图书馆少儿服务工作交流会", "江西省图书馆"),
    ),
    (
        ("system_forum", Kind.EXCHANGE, "system", 8, PROFESSIONAL, Mode.ONSITE, (4, 15), 1, 80),
        ("抚州市公共图书馆服务体系建设经验交流会", "抚州市图书馆"),
    ),
    (
        ("smart_library", Kind.EXCHANGE, "pro", 6, PROFESSIONAL, Mode.ONLINE, (3, 25), 1, None),
        ("智慧图书馆建设专题学术讲座（线上）", "国家图书馆"),
    ),
    (
        ("linchuan", Kind.EXCHANGE, "local_studies", 8, PROFESSIONAL, Mode.ONSITE, (12, 12), 1, 40),
        ("地方文献与临川文化研究学术研讨会", "抚州市图书馆"),
    ),
]
EXTERNAL = [
    ("“全民阅读”推广能力线上研修", "中国图书馆学会", 10, PROFESSIONAL),
    ("图书馆学情报学前沿学术讲座", "江西师范大学", 6, PROFESSIONAL),
    ("古籍普查登记业务培训", "江西省古籍保护中心", 16, PROFESSIONAL),
    ("少儿阅读推广案例研讨会", "深圳少年儿童图书馆", 8, PROFESSIONAL),
    ("数字人文与图书馆服务网络课程", "武汉大学信息管理学院", 12, PROFESSIONAL),
    ("公共文化云平台操作培训", "江西省文化馆", 6, PROFESSIONAL),
    ("专业技术人员职业道德与心理健康讲座", "抚州市专业技术人员继续教育基地", 8, GENERAL),
]
# 2025 outcomes for professional staff: most reach 90 hours with two thirds professional;
# the rest stop short by various amounts or take too many general hours.
OUTCOMES = {
    2025: {"meet": 76, "low": 10, "near": 8, "general_heavy": 6},
    2026: {"meet": 62, "low": 20, "near": 10, "general_heavy": 8},
}

# The demo users' own records, with hand-written careers.
DEMO_STAFF = {
    "head1": {
        "unit": "FZ-SLIB-LEND",
        "name": "黄晓梅",
        "gender": Gender.FEMALE,
        "birth": dt.date(1979, 5, 14),
        "education": Education.BACHELOR,
        "degree": "学士",
        "major": "图书馆学",
        "hire": dt.date(2001, 8, 1),
        "titles": [
            (2, dt.date(2002, 9, 30)),
            (3, dt.date(2007, 12, 18)),
            (4, dt.date(2016, 12, 26)),
        ],
        "posts": [
            (POSTS_FROM, PRO, 9, "岗位设置首次聘用"),
            (dt.date(2017, 4, 1), PRO, 7, "职称晋升后聘任"),
            (dt.date(2022, 4, 1), PRO, 6, "岗位等级晋升"),
        ],
    },
    "head2": {
        "unit": "FZ-SLIB-CHILD",
        "name": "刘慧芳",
        "gender": Gender.FEMALE,
        "birth": dt.date(1983, 9, 2),
        "education": Education.MASTER,
        "degree": "硕士",
        "major": "图书情报",
        "hire": dt.date(2008, 8, 1),
        "titles": [(2, dt.date(2009, 9, 30)), (3, dt.date(2011, 12, 20))],
        "posts": [
            (POSTS_FROM, PRO, 12, "岗位设置首次聘用"),
            (dt.date(2012, 4, 1), PRO, 10, "职称晋升后聘任"),
            (dt.date(2016, 4, 1), PRO, 9, "岗位等级晋升"),
            (dt.date(2019, 7, 1), MGMT, 8, "竞聘少儿部主任，转任管理岗位"),
        ],
    },
    "staff1": {
        "unit": "FZ-SLIB-LEND",
        "name": "周雨婷",
        "gender": Gender.FEMALE,
        "birth": dt.date(1996, 3, 8),
        "education": Education.BACHELOR,
        "degree": "学士",
        "major": "信息管理与信息系统",
        "hire": dt.date(2019, 8, 1),
        "titles": [(2, dt.date(2020, 9, 30))],
        "posts": [
            (dt.date(2019, 8, 1), PRO, 13, "新进人员聘用"),
            (dt.date(2021, 3, 1), PRO, 12, "职称晋升后聘任"),
            (dt.date(2024, 4, 1), PRO, 11, "岗位等级晋升"),
        ],
        # 88 hours in 2025, 54 of them professional: short on both counts.
        "training_2025": ["gongxu", "specialty", "etiquette", "promotion", "safety"],
    },
}

STRUCTURE_TARGETS = [
    # year, dimension, value, minimum share
    (2025, StructureTarget.Dimension.TITLE_LEVEL, "3", "45"),
    (2025, StructureTarget.Dimension.TITLE_LEVEL, "4", "15"),
    (2025, StructureTarget.Dimension.EDUCATION, "4", "70"),
    (2025, StructureTarget.Dimension.DISCIPLINE, Discipline.LIBRARY, "30"),
    (2026, StructureTarget.Dimension.TITLE_LEVEL, "3", "50"),
    (2026, StructureTarget.Dimension.TITLE_LEVEL, "4", "15"),
    (2026, StructureTarget.Dimension.EDUCATION, "4", "70"),
    (2026, StructureTarget.Dimension.DISCIPLINE, Discipline.LIBRARY, "30"),
]

FRONTLINE = ("LEND", "CHILD")


@dataclass
class _Person:
    unit: OrgUnit
    library: str  # "SLIB" for the city library, else the county's code
    dept: str  # the department's code: LEND, CHILD …
    point: str = ""  # the service point's code, if any
    role: str = ""  # director, retiree, leaver, seconded, or a demo username
    name: str = ""
    gender: str = ""
    birth: dt.date = AS_OF
    employment: str = EmploymentType.ESTABLISHMENT
    category: str = ""
    education: int | None = None
    degree: str = ""
    major: str = ""
    hire: dt.date = AS_OF
    status: str = Staff.Status.IN_POST
    status_date: dt.date | None = None
    series: str = "图书资料"
    titles: list[tuple[int, dt.date, str]] = field(default_factory=list)
    posts: list[tuple[dt.date, str, int, str]] = field(default_factory=list)
    staff: Staff | None = None

    @property
    def city(self) -> bool:
        return self.library == "SLIB"

    @property
    def departed(self) -> bool:
        return self.status in (Staff.Status.LEFT, Staff.Status.RETIRED)

    @property
    def latest(self) -> dt.date:
        """The last day a title or post can start on."""
        return self.status_date - dt.timedelta(days=30) if self.departed else AS_OF

    @property
    def last_title_day(self) -> dt.date:
        """Titles are obtained at least two months before the post that follows them."""
        return self.latest - dt.timedelta(days=60)

    @property
    def title_level(self) -> int | None:
        return self.titles[-1][0] if self.titles else None

    def present(self, start: dt.date, end: dt.date) -> bool:
        return self.hire <= start and not (self.departed and self.status_date <= end)


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _years_later(day: dt.date, years: float) -> dt.date:
    return day + dt.timedelta(days=round(years * 365.25))


def _birthday(birth: dt.date, age: int) -> dt.date:
    year = birth.year + age
    return birth.replace(year=year) if (birth.month, birth.day) != (2, 29) else dt.date(year, 3, 1)


def _slots(units: dict[str, OrgUnit]) -> list[_Person]:
    people = []
    for code, size in CITY_SIZES.items():
        parts = code.split("-")
        point = parts[3] if len(parts) > 3 else ""
        people += [_Person(units[code], "SLIB", parts[2], point) for _ in range(size)]
    for county, size in COUNTY_SIZES.items():
        office = child = round(size * 0.3)
        for dept, n in (("OFFICE", office), ("LEND", size - office - child), ("CHILD", child)):
            people += [_Person(units[f"FZ-{county}-{dept}"], county, dept) for _ in range(n)]
    # The first person of each library's office is its director.
    seen: set[str] = set()
    for person in people:
        if person.dept == "OFFICE" and person.library not in seen:
            person.role = "director"
            seen.add(person.library)
    return people


def _assign_roles(rng: random.Random, people: list[_Person]) -> None:
    """The demo users' slots, and who has retired or left."""
    for username, spec in DEMO_STAFF.items():
        slot = next(p for p in people if p.unit.code == spec["unit"] and not p.role and not p.point)
        slot.role = username
    open_slots = [p for p in people if not p.role and p.dept != "FIN"]
    for person, role in zip(
        rng.sample(open_slots, 8), ["retiree"] * 5 + ["leaver"] * 3, strict=True
    ):
        person.role = role


def _second(rng: random.Random, people: list[_Person]) -> None:
    """Four established staff are seconded to the culture bureau and its projects."""
    candidates = [
        p
        for p in people
        if not p.role and p.employment == EmploymentType.ESTABLISHMENT and p.category in (PRO, MGMT)
    ]
    for p in rng.sample(candidates, 4):
        p.role, p.status = "seconded", Staff.Status.SECONDED
        p.status_date = dt.date(rng.choice([2025, 2026]), rng.randint(1, 9), 1)


def _employment_and_category(rng: random.Random, p: _Person) -> None:
    if p.role in DEMO_STAFF:
        return
    if p.role == "director":
        p.employment, p.category = EmploymentType.ESTABLISHMENT, MGMT
        return
    if p.dept in FRONTLINE and not p.role and rng.random() < 0.1:
        purchased = p.point or rng.random() < 0.3
        p.employment = EmploymentType.PURCHASED if purchased else EmploymentType.AGENCY
        p.category = ""
        return
    if p.role in ("", "leaver") and rng.random() < (0.6 if p.role == "leaver" else 0.2):
        p.employment = EmploymentType.CONTRACT
    if p.dept == "OFFICE":
        weights = {MGMT: 5, WORKER: 2, PRO: 2} if p.city else {MGMT: 15, WORKER: 15, PRO: 70}
    elif p.dept == "FIN":
        weights = {MGMT: 1, PRO: 2}
    else:
        weights = {MGMT: 2, WORKER: 4, PRO: 94}
    p.category = _pick(rng, weights)


def _person_basics(rng: random.Random, p: _Person, used_names: set[str]) -> None:
    """Gender, birth date, education and hire date."""
    spec = DEMO_STAFF.get(p.role)
    if spec:
        p.name, p.gender, p.birth = spec["name"], spec["gender"], spec["birth"]
        p.education, p.degree, p.major = spec["education"], spec["degree"], spec["major"]
        p.hire = spec["hire"]
        used_names.add(p.name)
        return
    p.gender = Gender.FEMALE if rng.random() < 0.65 else Gender.MALE
    if p.role == "retiree":
        # Retired in 2024 at 60 (men), 55 (women) or 50 (women in skilled-worker posts),
        # before the gradual rise of the retirement age began in 2025.
        age = 60 if p.gender == Gender.MALE else 50 if p.category == WORKER else 55
        p.birth = dt.date(2024 - age, rng.randint(1, 11), rng.randint(1, 28))
        retiring = _birthday(p.birth, age)  # from the first of the following month
        p.status = Staff.Status.RETIRED
        p.status_date = (retiring.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    else:
        if p.role == "director":
            bands = {(42, 56): 1}
        elif p.employment != EmploymentType.ESTABLISHMENT or p.role == "leaver":
            bands = {(23, 29): 30, (30, 39): 40, (40, 49): 20, (50, 59): 10}
        else:
            bands = {(23, 29): 11, (30, 39): 31, (40, 49): 31, (50, 59): 27}
        low, high = _pick(rng, bands)
        age = rng.randint(low, high)
        youngest = _birthday(AS_OF, -age)  # born on this day: turned `age` on AS_OF
        p.birth = youngest - dt.timedelta(days=rng.randint(0, 364))
    p.name = _name(rng, p, used_names)
    age_now = (AS_OF - p.birth).days // 365
    p.education = _education(rng, p, age_now)
    p.degree, p.major = _degree_and_major(rng, p, age_now)
    p.hire = _hire_date(rng, p)


def _name(rng: random.Random, p: _Person, used: set[str]) -> str:
    era = next(year for year in (1975, 1990, 2100) if p.birth.year < year)
    given = GIVEN[(p.gender, era)].split()
    while True:
        name = rng.choice(SURNAMES) + rng.choice(given)
        if name not in used:
            used.add(name)
            return name


def _education(rng: random.Random, p: _Person, age: int) -> int:
    if p.category == WORKER:
        weights = {2: 35, 3: 45, 4: 20}
    elif not p.category:
        weights = {2: 25, 3: 50, 4: 25}
    elif p.city:
        weights = {2: 1, 3: 13, 4: 64, 5: 19, 6: 3}
    else:
        weights = {2: 3, 3: 20, 4: 70, 5: 7}
    if age >= 50:  # fewer degrees among the older staff
        weights = {k: v * (2 if k <= 3 else 0.4 if k >= 5 else 1) for k, v in weights.items()}
    education = _pick(rng, weights)
    while GRADUATION_AGE[education] > age - 1:
        education -= 1
    return education


def _degree_and_major(rng: random.Random, p: _Person, age: int) -> tuple[str, str]:
    if p.education <= Education.SECONDARY:
        return "", ""
    major = _pick(rng, DEPT_MAJORS.get(p.dept, DEPT_MAJORS["LEND"]))
    if p.education == Education.COLLEGE:
        return "", COLLEGE_MAJOR.get(major, major)
    if p.education == Education.BACHELOR:
        # Older graduates of adult (correspondence) courses often have no degree.
        return ("学士" if rng.random() < (0.7 if age >= 45 else 0.93) else ""), major
    if major in ("图书馆学", "信息资源管理") and rng.random() < 0.5:
        major = "图书情报"
    return ("硕士" if p.education == Education.MASTER else "博士"), major


def _hire_date(rng: random.Random, p: _Person) -> dt.date:
    graduated = GRADUATION_AGE[p.education]
    gap = _pick(rng, {0: 40, 1: 20, 2: 12, 3: 10, 5: 8, 8: 6, 12: 4})
    if not p.category:  # agency and purchased-service staff came with the newer contracts
        gap = max(gap, (AS_OF.year - p.birth.year) - graduated - rng.randint(1, 9))
    year = p.birth.year + graduated + gap
    hire = dt.date(year, rng.randint(7, 12), rng.randint(1, 28))
    earliest = _birthday(p.birth, graduated)
    latest = (p.status_date - dt.timedelta(days=400)) if p.status_date else AS_OF
    latest -= dt.timedelta(days=30)
    if hire > latest:
        hire = latest - dt.timedelta(
            days=rng.randint(0, max(0, min(500, (latest - earliest).days)))
        )
    return max(hire, earliest)


def _departure(rng: random.Random, p: _Person) -> None:
    if p.role == "leaver":
        p.status = Staff.Status.LEFT
        p.status_date = dt.date(rng.choice([2025, 2025, 2026]), rng.randint(1, 10), 1)
        if p.hire >= p.status_date - dt.timedelta(days=400):
            p.hire = p.status_date - dt.timedelta(days=rng.randint(400, 1800))


# Titles ---------------------------------------------------------------------------------


def _min_chain(p: _Person, target: int) -> list[tuple[int, dt.date]]:
    """Each title from the first up to ``target`` on the earliest date the rules allow."""
    first, after = FIRST_TITLE[p.education]
    chain = [(first, _years_later(p.hire, after))]
    for level in range(first + 1, target + 1):
        years = MIN_YEARS.get(level - 1, {}).get(p.education, 5)
        chain.append((level, _years_later(chain[-1][1], years)))
    return chain


def _cap(p: _Person) -> int:
    """The highest title ``p`` can have reached by now."""
    best = 0
    for level in range(1, 6):
        chain = _min_chain(p, level)
        if chain[-1][0] == level and chain[-1][1] <= p.last_title_day:
            best = level
    return best


def _title_history(rng: random.Random, p: _Person, level: int, final: dt.date | None = None):
    """Titles up to ``level`` with random waits between the least intervals; with
    ``final`` the last one is obtained on that date."""
    chain = _min_chain(p, level)
    end = final or p.last_title_day
    slack = max(0, (end - chain[-1][1]).days)
    # The first title follows probation within the year; promotions wait longer, the
    # waits leaning towards the short end.
    first_wait = min(rng.randint(0, 300), slack)
    cuts = [0.0, *sorted(rng.random() ** 1.4 for _ in chain[1:])]
    if final:
        cuts[-1] = 1.0
    titles = []
    for (lvl, earliest), cut in zip(chain, cuts, strict=True):
        obtained = earliest + dt.timedelta(days=first_wait + int((slack - first_wait) * cut))
        titles.append((lvl, obtained, _title_basis(p, lvl, obtained, first=not titles)))
    p.titles = titles


def _title_basis(p: _Person, level: int, obtained: dt.date, *, first: bool) -> str:
    if first and level <= 2:
        return "见习期满初定"
    if p.series == "会计" and level <= 3:
        return f"{obtained.year}年度全国会计专业技术资格考试合格"
    return f"{obtained.year}年度江西省{p.series}系列{LEVEL_NAMES[level]}职称评审通过"


def _assign_titles(rng: random.Random, people: list[_Person]) -> None:
    """Professional staff by seniority get the levels of their library's structure; a
    few of those promoted got their latest title in 2025 or 2026. Half the management
    staff hold a title from their professional years."""
    for city in (True, False):
        group = [
            p
            for p in people
            if p.category == PRO and p.city == city and p.role not in DEMO_STAFF and _cap(p)
        ]
        bonus = {2: -4, 3: -2, 4: 0, 5: 3, 6: 5}
        seniority = {
            id(p): (AS_OF - p.hire).days / 365
            + bonus[p.education]
            - (3 if p.employment == EmploymentType.CONTRACT else 0)
            + rng.uniform(-4, 4)
            for p in group
        }
        group.sort(key=lambda p: -seniority[id(p)])
        shares = CITY_LEVELS if city else COUNTY_LEVELS
        counts = {level: round(share * len(group)) for level, share in shares.items()}
        # 员级 is held by the least senior of those who start there (大专 and 高中).
        juniors = [p for p in reversed(group) if FIRST_TITLE[p.education][0] == 1][: counts[1]]
        rest = [p for p in group if p not in juniors]
        quotas = [5] * counts[5] + [4] * counts[4] + [3] * counts[3]
        quotas += [2] * (len(rest) - len(quotas))
        for person, quota in [*zip(rest, quotas, strict=True), *((p, 1) for p in juniors)]:
            first = FIRST_TITLE[person.education][0]
            level = min(max(quota, first), _cap(person))
            final = None
            if level > first and rng.random() < 0.06:
                final = _recent_promotion(rng, person, level)
            _title_history(rng, person, level, final)
    for p in people:
        if p.category == MGMT and p.role not in DEMO_STAFF and _cap(p) and rng.random() < 0.55:
            level = min(_cap(p), _pick(rng, {2: 2, 3: 4, 4: 1}))
            _title_history(rng, p, max(level, FIRST_TITLE[p.education][0]))


def _recent_promotion(rng: random.Random, p: _Person, level: int) -> dt.date | None:
    earliest = max(_min_chain(p, level)[-1][1], dt.date(2025, 1, 1))
    latest = p.last_title_day
    if earliest > latest:
        return None
    return earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))


# Posts ----------------------------------------------------------------------------------


def _posts(rng: random.Random, p: _Person) -> None:
    """Post appointments from hiring (or 2010) on, ending the day before the next one."""
    start = max(p.hire, POSTS_FROM)
    first_basis = "新进人员聘用" if p.hire >= POSTS_FROM else "岗位设置首次聘用"
    latest = p.latest - dt.timedelta(days=14)
    events: list[tuple[dt.date, str, int, str]] = []
    if p.category == PRO:
        level = p.title_level or 1
        target = _pick(rng, GRADE_WEIGHTS[level])
        held = [t for t in p.titles if t[1] <= start]
        grade = 13
        if held:
            # Those long in their title by 2010 were placed higher in its band.
            band = BANDS[held[-1][0]]
            top = band.index(target) if held[-1][0] == level else len(band) - 1
            grade = band[min(int((start - held[-1][1]).days / 365 // 4), top)]
        events.append((start, PRO, grade, first_basis))
        for lvl, obtained, _basis in p.titles:
            if obtained > start:
                day = min(obtained + dt.timedelta(days=rng.randint(30, 240)), latest)
                events.append((day, PRO, BANDS[lvl][0], "职称晋升后聘任"))
        _climb(rng, events, BANDS[level], target, (2, 4.5), latest, "岗位等级晋升")
    elif p.category in (MGMT, WORKER):
        if p.category == MGMT:
            grades, years, basis = (10, 9, 8, 7), (2, 5), "管理岗位晋升"
        else:
            grades, years, basis = (5, 4, 3, 2), (4, 7), "工勤技能岗位等级晋升"
        if p.role == "director":
            target = 7 if p.city else 8
        else:
            target = _pick(rng, MGMT_GRADES if p.category == MGMT else WORKER_GRADES)
        steps = min(int((start - p.hire).days / 365 // 6), grades.index(target))
        events.append((start, p.category, grades[steps], first_basis))
        _climb(rng, events, grades, target, years, latest, basis)
    # Later events win when a promotion overtakes the previous appointment.
    events.sort(key=lambda e: e[0])
    kept: list[tuple[dt.date, str, int, str]] = []
    for event in events:
        if kept and event[0] <= kept[-1][0]:
            kept[-1] = (kept[-1][0], *event[1:])
        else:
            kept.append(event)
    p.posts = kept


def _climb(rng, events: list, grades: tuple, target: int, years: tuple, latest, basis: str):
    """Moves up ``grades`` from the last event's grade to ``target``, a few years apart."""
    day, category, grade, _basis = events[-1]
    for step in grades[grades.index(grade) + 1 : grades.index(target) + 1]:
        day = _years_later(day, rng.uniform(*years))
        if day > latest:
            break
        events.append((day, category, step, basis))


# Identity -------------------------------------------------------------------------------


def _identity(rng: random.Random, people: list[_Person]) -> None:
    """Staff numbers by hire date within each library, ID numbers and phones."""
    ids: set[str] = set()
    phones: set[str] = set()
    counters: Counter = Counter()
    libraries = list(AREA_CODES)
    for p in sorted(people, key=lambda p: (libraries.index(p.library), p.hire, p.birth)):
        counters[p.library] += 1
        n = counters[p.library]
        number = f"FZ{n:04d}" if p.city else f"{p.library}{n:03d}"
        if p.city or rng.random() < 0.2:
            area = AREA_CODES[_pick(rng, {"SLIB": 12, **dict.fromkeys(COUNTY_SIZES, 1)})]
        else:
            area = AREA_CODES[p.library]
        while True:
            parity = rng.choice("13579" if p.gender == Gender.MALE else "02468")
            first17 = f"{area}{p.birth:%Y%m%d}{rng.randint(0, 99):02d}{parity}"
            id_number = first17 + id_check_char(first17)
            if id_number not in ids:
                ids.add(id_number)
                break
        while True:
            prefix = rng.choice(["13", "15", "18"]) + str(rng.randint(0, 9))
            if prefix == "154":  # not issued
                continue
            phone = prefix + f"{rng.randint(0, 99_999_999):08d}"
            if phone not in phones:
                phones.add(phone)
                break
        p.staff = Staff(
            staff_number=number,
            name=p.name,
            gender=p.gender,
            birth_date=p.birth,
            id_number=id_number,
            phone=phone,
            unit=p.unit,
            employment_type=p.employment,
            hire_date=p.hire,
            status=p.status,
            status_date=p.status_date,
            education=p.education,
            degree=p.degree,
            major=p.major,
            discipline=MAJORS.get(p.major, "") if p.major else "",
            post_category=p.posts[-1][1] if p.posts else "",
            post_grade=p.posts[-1][2] if p.posts else None,
            title=TITLES[p.series][p.titles[-1][0]] if p.titles else "",
            title_level=p.title_level,
        )


# Training -------------------------------------------------------------------------------


def _is_new(p: _Person, program: TrainingProgram) -> bool:
    return dt.date(program.start.year - 1, 7, 1) <= p.hire <= program.start


# Who each program is for: audience -> test on a person and the program.
AUDIENCES = {
    "everyone": lambda p, pr: True,
    "posted": lambda p, pr: bool(p.category),
    "titled": lambda p, pr: p.category == PRO or p.title_level is not None,
    "pro": lambda p, pr: p.category == PRO,
    "frontline": lambda p, pr: p.dept in FRONTLINE and p.category in (PRO, ""),
    "cataloguers": lambda p, pr: (
        p.category == PRO and (p.dept in ("ACQ", "LOCAL") if p.city else p.dept == "LEND")
    ),
    "county": lambda p, pr: p.category == PRO and (not p.city or p.dept == "OUTREACH"),
    "children": lambda p, pr: p.category == PRO and p.dept == "CHILD",
    "new_establishment": lambda p, pr: (
        _is_new(p, pr) and p.employment == EmploymentType.ESTABLISHMENT
    ),
    "new_city": lambda p, pr: _is_new(p, pr) and p.city and bool(p.category),
    "new_county": lambda p, pr: _is_new(p, pr) and not p.city and bool(p.category),
    "new_pro": lambda p, pr: _is_new(p, pr) and p.category == PRO,
    "new_frontline": lambda p, pr: _is_new(p, pr) and p.dept in FRONTLINE,
    "directors": lambda p, pr: (
        p.role == "director" or (p.city and p.category == MGMT and p.dept == "OFFICE")
    ),
    "senior": lambda p, pr: (p.title_level or 0) >= (3 if p.city else 4),
    "local_history": lambda p, pr: p.category == PRO and p.city and p.dept == "LOCAL",
    "promoters": lambda p, pr: p.category == PRO and p.dept in ("PROMO", "CHILD"),
    "system": lambda p, pr: (
        p.role == "director" or p.dept == "OUTREACH" or (p.category == PRO and not p.city)
    ),
    "local_studies": lambda p, pr: p.dept in ("LOCAL", "ACQ", "OUTREACH") or p.role == "director",
}


@dataclass
class _Year:
    """One person's training in one year and the hours credited so far."""

    person: _Person
    year: int
    general: Decimal = Decimal(0)
    professional: Decimal = Decimal(0)
    enrolled: set[int] = field(default_factory=set)

    @property
    def total(self) -> Decimal:
        return self.general + self.professional

    @property
    def compliant(self) -> bool:
        return self.total >= 90 and 3 * self.professional >= 2 * self.total

    def credit(self, hours: Decimal, subject: str) -> None:
        if subject == PROFESSIONAL:
            self.professional += hours
        else:
            self.general += hours


class _Training:
    """Programs of both years and the enrolments and external training drawn for them."""

    def __init__(self, rng: random.Random, programs: dict[int, list[TrainingProgram]]):
        self.rng = rng
        # program pk -> (key, audience) from PROGRAMS
        self.spec = {
            pr.pk: (spec[0], spec[2])
            for year_programs in programs.values()
            for pr, (spec, _names) in zip(year_programs, PROGRAMS, strict=True)
        }
        self.programs = [pr for year_programs in programs.values() for pr in year_programs]
        self.taken: Counter = Counter()
        self.enrolments: list[Enrolment] = []
        self.external: list[ExternalTraining] = []

    def open_programs(self, p: _Person, year: int) -> list[TrainingProgram]:
        return [
            pr
            for pr in self.programs
            if pr.start.year == year
            and p.present(pr.start, pr.end)
            and (pr.capacity is None or self.taken[pr.pk] < pr.capacity)
            and AUDIENCES[self.spec[pr.pk][1]](p, pr)
        ]

    def enrol(
        self, record: _Year, program: TrainingProgram, *, show: float = 0.96, partial=0.02
    ) -> None:
        if program.pk in record.enrolled:
            return
        record.enrolled.add(program.pk)
        self.taken[program.pk] += 1
        attended = program.end <= AS_OF and self.rng.random() < show
        hours = None
        if attended and program.hours >= 16 and self.rng.random() < partial:
            hours = program.hours / 2  # left half way through
        self.enrolments.append(
            Enrolment(program=program, staff=record.person.staff, attended=attended, hours=hours)
        )
        if attended:
            record.credit(hours if hours is not None else program.hours, program.subject_type)

    def add_external(self, record: _Year, entry=None) -> bool:
        name, organiser, hours, subject = entry or self.rng.choice(EXTERNAL)
        last = min(dt.date(record.year, 12, 20), record.person.latest, AS_OF)
        first = max(dt.date(record.year, 1, 10), record.person.hire)
        if first > last:
            return False
        day = first + dt.timedelta(days=self.rng.randint(0, (last - first).days))
        self.external.append(
            ExternalTraining(
                staff=record.person.staff,
                name=name,
                organiser=organiser,
                date=day,
                hours=Decimal(hours),
                subject_type=subject,
            )
        )
        record.credit(Decimal(hours), subject)
        return True

    def professional_year(self, p: _Person, year: int) -> None:
        rng = self.rng
        record = _Year(p, year)
        available = self.open_programs(p, year)
        by_key = {self.spec[pr.pk][0]: pr for pr in available}
        outcome = _pick(rng, OUTCOMES[year])
        for pr in available:
            if pr.kind == Kind.INDUCTION:
                self.enrol(record, pr)
        general_odds = {"gongxu": 0.95, "safety": 0.6, "law": 0.3, "talents": 0.5}
        if outcome == "general_heavy":
            general_odds = dict.fromkeys(general_odds, 1.0)
        for key, odds in general_odds.items():
            if key in by_key and rng.random() < odds:
                self.enrol(record, by_key[key])
        if rng.random() < 0.15:
            self.add_external(record)
        pro = [
            pr for pr in available if pr.subject_type == PROFESSIONAL and pr.kind != Kind.INDUCTION
        ]
        rng.shuffle(pro)
        # Programs meant for the person's own field come first.
        pro.sort(key=lambda pr: self.spec[pr.pk][1] in ("pro", "titled"))
        if outcome == "meet":
            goal = 90 + rng.choice([0, 0, 4, 8, 12, 20, 30])
            for pr in pro:
                if record.total >= goal and record.compliant:
                    break
                self.enrol(record, pr)
            # A whole year's staff make up the rest with training taken elsewhere.
            whole_year = p.present(dt.date(year, 1, 1), dt.date(year, 12, 31))
            while year < AS_OF.year and whole_year and not record.compliant:
                pick = rng.choice([e for e in EXTERNAL if e[3] == PROFESSIONAL])
                self.add_external(record, pick)
        elif outcome == "general_heavy":
            for pr in pro:
                if record.total >= 90:
                    break
                if 3 * (record.professional + pr.hours) < 2 * (record.total + pr.hours):
                    self.enrol(record, pr)
        else:
            cap = rng.randint(24, 79) if outcome == "low" else rng.randint(80, 89)
            for pr in pro:
                if record.total + pr.hours <= cap:
                    self.enrol(record, pr)
        if year == AS_OF.year:  # some have already signed up for December
            for pr in available:
                if pr.start > AS_OF and rng.random() < 0.4:
                    self.enrol(record, pr)

    def other_year(self, p: _Person, year: int) -> None:
        """Management, skilled-worker and agency staff: general subjects, induction, and
        the directors' programs."""
        record = _Year(p, year)
        odds = {"gongxu": 0.8, "law": 0.6, "safety": 0.8, "directors": 0.5, "system_forum": 0.8}
        odds.update({"linchuan": 0.3, "talents": 0.3, "backbone": 0.3})
        for pr in self.open_programs(p, year):
            if pr.kind == Kind.INDUCTION or self.rng.random() < odds.get(self.spec[pr.pk][0], 0):
                self.enrol(record, pr)

    def fixed_year(self, p: _Person, year: int, keys: list[str]) -> None:
        record = _Year(p, year)
        for pr in self.open_programs(p, year):
            if self.spec[pr.pk][0] in keys:
                self.enrol(record, pr, show=1.0, partial=0)


def _programs(rng: random.Random) -> dict[int, list[TrainingProgram]]:
    """Each year's programs, in the order of PROGRAMS."""
    programs: dict[int, list[TrainingProgram]] = {}
    for year in YEARS:
        programs[year] = []
        for (_key, kind, _aud, hours, subject, mode, (m, d), days, cap), names in PROGRAMS:
            start = dt.date(year, m, d) + dt.timedelta(days=rng.randint(0, 6) if days < 30 else 0)
            programs[year].append(
                TrainingProgram(
                    name=f"{year}年{names[0]}",
                    kind=kind,
                    organiser=names[1],
                    start=start,
                    end=start + dt.timedelta(days=days - 1),
                    hours=Decimal(hours),
                    subject_type=subject,
                    mode=mode,
                    capacity=cap,
                )
            )
    TrainingProgram.objects.bulk_create([pr for year in YEARS for pr in programs[year]])
    return programs


def _certificates(rng: random.Random, people: list[_Person]) -> list[Certificate]:
    """Qualifications for the departments that use them; one that lapsed before 2025 was
    renewed, so only a few run out in 2026."""
    rows, serial = [], Counter()

    def issue(p: _Person, kind: str, prefix: str, valid: int | None, issued: dt.date):
        serial[prefix] += 1
        expires = _birthday(issued, valid) - dt.timedelta(days=1) if valid else None
        rows.append(
            Certificate(
                staff=p.staff,
                kind=kind,
                number=f"{prefix}-{issued.year}-{serial[prefix]:04d}",
                issued=issued,
                expires=expires,
            )
        )
        if expires and expires < dt.date(2025, 6, 30):
            issue(p, kind, prefix, valid, expires + dt.timedelta(days=rng.randint(-60, 20)))

    for p in people:
        if p.departed or p.category not in (PRO, MGMT):
            continue
        for kind, prefix, valid, depts in CERTIFICATES:
            if p.dept not in depts or rng.random() > (0.35 if p.city else 0.15):
                continue
            first = max(dt.date(2017, 1, 1), p.hire + dt.timedelta(days=365))
            last = dt.date(2025, 10, 31)
            if first <= last:
                issued = first + dt.timedelta(rng.randint(0, (last - first).days))
                issue(p, kind, prefix, valid, issued)
    return rows


def _people(rng: random.Random) -> list[_Person]:
    """Everyone, with their careers, drawn in memory before anything is written."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="FZ-")}
    people = _slots(units)
    _assign_roles(rng, people)
    used_names: set[str] = set()
    for p in people:
        _employment_and_category(rng, p)
        if p.dept == "FIN" and p.category == PRO:
            p.series = "会计"
        _person_basics(rng, p, used_names)
        _departure(rng, p)
    _second(rng, people)
    for p in people:
        spec = DEMO_STAFF.get(p.role)
        if spec:
            p.titles = [
                (level, day, _title_basis(p, level, day, first=i == 0))
                for i, (level, day) in enumerate(spec["titles"])
            ]
            p.posts = spec["posts"]
            p.category = p.posts[-1][1]
    _assign_titles(rng, people)
    for p in people:
        if p.role not in DEMO_STAFF:
            _posts(rng, p)
    _identity(rng, people)
    return people


@transaction.atomic
def load_demo_staffing() -> dict[str, int]:
    """About 250 staff with histories, training, certificates and structure targets.
    Runs after the org tree and users exist; does nothing when any staff exists."""
    keys = [
        "staff",
        "appointments",
        "titles",
        "programs",
        "enrolments",
        "external_trainings",
        "certificates",
        "targets",
    ]
    if Staff.objects.exists():
        return dict.fromkeys(keys, 0)

    rng = random.Random(SEED)  # noqa: S311 -- repeatable demo figures, not security
    people = _people(rng)

    users = {u.username: u for u in get_user_model().objects.filter(username__in=list(DEMO_STAFF))}
    for p in people:
        if p.role in users:
            p.staff.user = users[p.role]
            p.staff.email = users[p.role].email
    Staff.objects.bulk_create([p.staff for p in people])

    appointments = []
    for p in people:
        for i, (start, category, grade, basis) in enumerate(p.posts):
            if i + 1 < len(p.posts):
                end = p.posts[i + 1][0] - dt.timedelta(days=1)
            else:
                end = p.status_date - dt.timedelta(days=1) if p.departed else None
            appointments.append(
                PostAppointment(
                    staff=p.staff, category=category, grade=grade, start=start, end=end, basis=basis
                )
            )
    PostAppointment.objects.bulk_create(appointments, batch_size=500)
    titles = [
        TitleRecord(
            staff=p.staff,
            series=p.series,
            title=TITLES[p.series][level],
            level=level,
            obtained=obtained,
            basis=basis,
        )
        for p in people
        for level, obtained, basis in p.titles
    ]
    TitleRecord.objects.bulk_create(titles, batch_size=500)

    programs = _programs(rng)
    training = _Training(rng, programs)
    for year in YEARS:
        order = people[:]
        rng.shuffle(order)
        # Senior programs have few places: the senior staff are asked first.
        order.sort(key=lambda p: -(p.title_level or 0))
        for p in order:
            keys_for_year = DEMO_STAFF.get(p.role, {}).get(f"training_{year}")
            if keys_for_year:
                training.fixed_year(p, year, keys_for_year)
            elif p.category == PRO:
                training.professional_year(p, year)
            else:
                training.other_year(p, year)
    Enrolment.objects.bulk_create(training.enrolments, batch_size=500)
    ExternalTraining.objects.bulk_create(training.external, batch_size=500)

    certificates = Certificate.objects.bulk_create(_certificates(rng, people))
    targets = StructureTarget.objects.bulk_create(
        [
            StructureTarget(year=year, dimension=dimension, value=value, min_share=Decimal(share))
            for year, dimension, value, share in STRUCTURE_TARGETS
        ]
    )
    return {
        "staff": len(people),
        "appointments": len(appointments),
        "titles": len(titles),
        "programs": len(training.programs),
        "enrolments": len(training.enrolments),
        "external_trainings": len(training.external),
        "certificates": len(certificates),
        "targets": len(targets),
    }
