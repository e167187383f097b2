"""A program defined as data, in a real browser: an admin writes it on the console, tries its
calculator, edits and publishes it; an organization applies on the form generated from it."""

from __future__ import annotations

import json
from typing import Any

from sql.settings import Settings
from tests.e2e.conftest import LiveServer, register_firm, screenshot
from tests.e2e.test_console import ADMIN, _seed_staff, _sign_in, _sign_out
from tests.factories import PASSWORD
from tests.portal.test_program_versions import TRAINING

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_an_admin_publishes_a_program_and_a_firm_applies_on_its_form(
    live_server: LiveServer, settings: Settings, page: Any
) -> None:
    url = live_server.url
    await _seed_staff(settings, live_server)

    # The admin writes the program; the first attempt has a rate above 100 %.
    await _sign_in(page, url, ADMIN)
    await page.goto(url + "/console/programs")
    await page.get_by_label("项目代码").fill("ai-training-subsidy")
    await page.get_by_label("政策条款").fill("九")
    await page.get_by_label("中文名称").fill("人工智能人才培训补贴")
    await page.get_by_label("英文名称").fill("AI training subsidy")
    await page.get_by_label("生效日期").fill("2026-01-01")
    await page.get_by_label("失效日期").fill("2026-12-31")
    wrong = json.loads(json.dumps(TRAINING))
    wrong["award"][1]["bp"] = 13000
    await page.get_by_label("项目定义").fill(json.dumps(wrong, ensure_ascii=False, indent=2))
    await page.get_by_role("button", name="创建项目草稿").click()
    await page.locator("#definition-problems", has_text="计算规则 第 2 项(按比例)").wait_for()
    await page.get_by_label("项目定义").fill(json.dumps(TRAINING, ensure_ascii=False, indent=2))
    await page.get_by_role("button", name="创建项目草稿").click()
    await page.locator("#version-status", has_text="草稿").wait_for()

    # What applicants will see, and the calculator on a sample.
    await page.locator("#preview-form", has_text="培训费用").wait_for()
    await page.get_by_label("培训费用").fill("2000000")
    await page.get_by_role("button", name="测算").click()
    await page.locator("#preview-amount", has_text="¥300,000.00").wait_for()

    # A higher cap, saved; then published.
    edited = json.loads(json.dumps(TRAINING))
    edited["award"][2]["amount"] = "400000.00"
    await page.locator("#params").fill(json.dumps(edited, ensure_ascii=False, indent=2))
    await page.get_by_role("button", name="保存草稿").click()
    await page.get_by_text("草稿已保存。").wait_for()
    await page.get_by_label("培训费用").fill("2000000")
    await page.get_by_role("button", name="测算").click()
    await page.locator("#preview-amount", has_text="¥400,000.00").wait_for()
    await screenshot(page, "console-program-draft")
    await page.get_by_role("button", name="发布此版本").click()
    await page.locator("#version-status", has_text="已发布").wait_for()
    await _sign_out(page)

    # A firm applies on the generated form.
    await register_firm(
        settings, url, "train@example.cn", "武汉培训科技有限公司", "孙培训", "420111"
    )
    await page.goto(url + "/login")
    await page.get_by_label("电子邮箱").fill("train@example.cn")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/app")
    await page.goto(url + "/app/new")
    card = page.locator('[data-program="ai-training-subsidy"]')
    await card.get_by_role("button", name="开始").click()
    await page.wait_for_url("**/edit")
    await page.get_by_label("培训项目").fill("大模型工程师培训")
    await page.locator('select[name="costs-0-category"]').select_option("tuition")
    await page.locator('input[name="costs-0-description"]').fill("学费")
    await page.locator('input[name="costs-0-amount"]').fill("600000.00")
    await page.locator("#payee-account_name").fill("武汉培训科技有限公司")
    await page.locator("#payee-bank").fill("汉口银行")
    await page.locator("#payee-account_no").fill("6217000000000009")
    await page.get_by_role("button", name="保存草稿").click()
    await page.wait_for_url("**/edit?saved=true")
    for kind, name in (("contract", "培训合同.pdf"), ("invoice", "培训发票.pdf")):
        await page.get_by_label("材料类型").select_option(kind)
        await page.locator("#doc-file").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": PDF}
        )
        await page.get_by_role("button", name="上传", exact=True).click()
        await page.get_by_role("link", name=name).wait_for()
    assert await page.locator("#checklist li.ok").count() == 2  # ticked as each is uploaded
    await page.locator("#save-status", has_text="已保存").wait_for()
    await screenshot(page, "app-program-form")
    await page.get_by_role("button", name="下一步:核对并提交").click()
    await page.wait_for_url("**/review")
    await page.get_by_role("button", name="确认提交").click()
    await page.locator("#app-status", has_text="已提交").wait_for()
    await page.locator("#facts", has_text="大模型工程师培训").wait_for()
