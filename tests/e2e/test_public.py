"""The public side in a real browser: programs, the calculator, registration, sign-in."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer, screenshot
from tests.factories import PASSWORD, make_uscc


async def test_calculator_and_registration(live_server: LiveServer, page: Any) -> None:
    await page.goto(live_server.url + "/")
    await screenshot(page, "home")
    await page.get_by_role("link", name="人工智能国家级、国际性重大活动支持").first.click()
    await page.get_by_label("活动费用(元)").fill("5000000")
    await page.get_by_role("button", name="测算").click()
    await page.get_by_text("¥2,000,000.00").first.wait_for()
    await screenshot(page, "program-calculator")

    await page.goto(live_server.url + "/register")
    await page.get_by_label("单位名称").fill("武汉浏览器测试科技有限公司")
    await page.get_by_label("统一社会信用代码").fill("914403001922038217")
    await page.locator("#uscc-bad").wait_for()  # checked as it is typed
    uscc = make_uscc("420111")
    await page.get_by_label("统一社会信用代码").fill(uscc)
    await page.locator("#uscc-ok").wait_for()
    await page.get_by_label("联系人").fill("赵六")
    await page.get_by_label("联系电话").fill("13600000000")
    await page.get_by_label("姓名").fill("赵六")
    await page.get_by_label("电子邮箱").fill("e2e@example.cn")
    await page.get_by_label("密码").fill(PASSWORD)
    await screenshot(page, "register")
    await page.get_by_role("button", name="单位注册").click()
    await page.get_by_text("注册成功").wait_for()
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/app**")
    await page.goto(live_server.url + "/")
    await page.get_by_text("当前用户: 赵六").wait_for()
