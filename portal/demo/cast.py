"""The sandbox's people: an organization in each of Wuhan's districts, and staff of every role.

Everyone signs in with PASSWORD; the addresses are on reserved domains (RFC 2606), so no mail
reaches anyone even where SMTP is configured.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.uscc import check_character

PASSWORD = "demo-password-2026"  # noqa: S105 - printed for newcomers; `portal demo` refuses production


@dataclass(frozen=True, slots=True)
class Org:
    name: str
    short: str  # the brand, in names of the things it applies for
    district: str  # GB/T 2260
    serial: int

    @property
    def uscc(self) -> str:
        first17 = f"91{self.district}MA4K{self.serial:05d}"
        return first17 + check_character(first17)

    @property
    def email(self) -> str:
        return f"firm{self.serial:02d}@example.com"

    @property
    def payee(self) -> dict[str, str]:
        return {
            "account_name": self.name,
            "bank": "中国工商银行武汉分行",
            "account_no": f"62220202{self.serial:04d}0088",
        }


ORGS = (
    Org("武汉江岸智联科技有限公司", "智联", "420102", 1),
    Org("武汉江汉云图数据有限公司", "云图", "420103", 2),
    Org("武汉硚口汉正智造有限公司", "汉正", "420104", 3),
    Org("武汉汉阳知音智能有限公司", "知音", "420105", 4),
    Org("武汉武昌珞珈算法有限公司", "珞珈", "420106", 5),
    Org("武汉青山钢城工业智能有限公司", "钢城", "420107", 6),
    Org("武汉洪山光谷模型科技有限公司", "光谷", "420111", 7),
    Org("武汉东西湖临空智能有限公司", "临空", "420112", 8),
    Org("武汉汉南通航智控有限公司", "通航", "420113", 9),
    Org("武汉蔡甸车谷智驾有限公司", "车谷", "420114", 10),
    Org("武汉江夏智慧农业科技有限公司", "智农", "420115", 11),
    Org("武汉黄陂木兰视觉有限公司", "木兰", "420116", 12),
    Org("武汉新洲问津智算有限公司", "问津", "420117", 13),
)


@dataclass(frozen=True, slots=True)
class Staff:
    email: str
    name: str
    roles: tuple[str, ...]
    districts: tuple[str, ...] = ()  # none: the city's staff


STAFF = (
    Staff("admin@example.org", "管理员 王敏", ("admin",)),
    Staff("reviewer1@example.org", "审核员 李强", ("reviewer",)),
    Staff("reviewer2@example.org", "审核员 赵静", ("reviewer",)),
    Staff("reviewer3@example.org", "审核员 孙磊", ("reviewer",)),
    Staff("hongshan@example.org", "洪山区审核员 陈晨", ("reviewer",), ("420111",)),
    Staff("wuchang@example.org", "武昌区审核员 刘洋", ("reviewer",), ("420106",)),
    Staff("approver@example.org", "审批人 周涛", ("approver",)),
    Staff("finance@example.org", "财务 吴霞", ("finance",)),
    Staff("auditor@example.org", "审计 郑华", ("auditor",)),
)
