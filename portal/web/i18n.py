"""Words on the pages, in Chinese and English; Chinese is the default."""

from __future__ import annotations

from collections.abc import Callable

from domain.lifecycle import STATUS_ZH

MESSAGES: dict[str, tuple[str, str]] = {
    "portal": ("武汉市人工智能产业政策资金申报平台", "Wuhan AI Industry Policy Funding Portal"),
    "home": ("首页", "Home"),
    "programs": ("政策项目", "Programs"),
    "calculator": ("资金测算", "Calculator"),
    "publicity": ("公示公告", "Publicity"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "register": ("单位注册", "Register"),
    "email": ("电子邮箱", "E-mail"),
    "password": ("密码", "Password"),
    "name": ("姓名", "Name"),
    "org_name": ("单位名称", "Organization name"),
    "uscc": ("统一社会信用代码", "Unified social credit code"),
    "contact_name": ("联系人", "Contact person"),
    "contact_phone": ("联系电话", "Contact phone"),
    "submit": ("提交", "Submit"),
    "save": ("保存", "Save"),
    "estimate": ("测算", "Estimate"),
    "amount": ("金额", "Amount"),
    "rule": ("政策依据", "Rule"),
    "article": ("政策条款", "Article"),
    "policy_text": ("政策原文", "Policy text"),
    "my_applications": ("我的申报", "My applications"),
    "console": ("工作台", "Console"),
    "language": ("English", "中文"),
    "objection": ("提出异议", "Object"),
    "reason": ("异议理由", "Reason"),
    "contact": ("联系方式", "Contact"),
    "period": ("公示期", "Period"),
    "organization": ("单位", "Organization"),
    "program": ("项目", "Program"),
    "no_items": ("暂无记录", "Nothing here yet"),
    "uscc_ok": ("代码有效,登记地:", "Valid code, registered in division "),
    "registered_in_wuhan": ("(武汉市)", "(Wuhan)"),
    "not_in_wuhan": ("(非武汉市)", "(outside Wuhan)"),
    "objection_received": (
        "异议已收到,我们将依法核查。",
        "Your objection was received and will be examined.",
    ),
    "welcome": ("欢迎", "Welcome"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "status": ("状态", "Status"),
    "type": ("类型", "Type"),
    "reference": ("编号", "Reference"),
    "created_at": ("创建时间", "Created"),
    "next_deadline": ("下一截止日", "Next deadline"),
    "actions": ("操作", "Actions"),
    "view": ("查看", "View"),
    "back": ("返回", "Back"),
}

TYPE_NAMES: dict[str, tuple[str, str]] = {
    "event_filing": ("重大活动事前备案", "Event filing"),
    "event_claim": ("重大活动兑现申报", "Event claim"),
    "ipo_domestic_claim": ("境内上市奖励", "Domestic listing reward"),
    "ipo_overseas_claim": ("境外上市奖励", "Overseas listing reward"),
    "scenario_project": ("示范应用场景项目", "Scenario project"),
    "unveiling_award": ("揭榜挂帅奖励", "Unveiling award"),
}


def translator(language: str) -> Callable[[str], str]:
    index = 0 if language == "zh" else 1

    def t(key: str) -> str:
        pair = MESSAGES.get(key) or TYPE_NAMES.get(key)
        if pair is None:
            if language == "zh" and key in STATUS_ZH:
                return STATUS_ZH[key]  # type: ignore[index]
            return key.replace("_", " ")
        return pair[index]

    return t
