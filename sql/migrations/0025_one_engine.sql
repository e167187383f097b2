-- One engine: the five first programs become definitions like the ten others.
--
-- Each published version keeps its number, window and numbers: its definition is the template
-- below with that version's parameters put in (rate, cap, days, amounts, shares, dates). The
-- applications keep their payloads as they are (a flat form stores its fields beside each other,
-- money in `<name>_fen`, as these always did), so nothing else moves; an award computed before
-- is the same to the fen computed now.

-- An application's type: the programs' claims (one type per flat form; every program defined in
-- the console shares program_claim) and the earlier applications they point to.
CREATE TABLE application_types (
    type         text PRIMARY KEY CHECK (type ~ '^[a-z][a-z0-9_]{1,40}$'),
    program_code text REFERENCES programs (code),
    prior        boolean NOT NULL DEFAULT false,
    prefix       text NOT NULL UNIQUE CHECK (prefix ~ '^[A-Z]{2}$'),  -- WHAI-<prefix>-<year>-<serial>
    CHECK ((type = 'program_claim') = (program_code IS NULL))
);
INSERT INTO application_types (type, program_code, prior, prefix) VALUES
    ('program_claim', NULL, false, 'PC'),
    ('event_filing', 'event-support', true, 'EV'),
    ('event_claim', 'event-support', false, 'EC'),
    ('ipo_domestic_claim', 'ipo-domestic', false, 'ID'),
    ('ipo_overseas_claim', 'ipo-overseas', false, 'IO'),
    ('scenario_project', 'scenario-project', false, 'SP'),
    ('unveiling_award', 'unveiling-award', false, 'UA');
ALTER TABLE applications DROP CONSTRAINT applications_type_check;
ALTER TABLE applications ADD CONSTRAINT applications_type_fkey
    FOREIGN KEY (type) REFERENCES application_types (type);

-- One live claim per earlier application, whatever the program.
DROP INDEX applications_one_live_claim;
CREATE UNIQUE INDEX applications_one_live_claim ON applications (filing_id)
    WHERE filing_id IS NOT NULL AND status NOT IN ('withdrawn', 'rejected', 'lapsed');

-- A flat form's payload names its lines field, as a nested one's does.
UPDATE applications SET payload = payload || jsonb_build_object('lines', CASE type
        WHEN 'event_filing' THEN 'budget_lines' WHEN 'event_claim' THEN 'expense_lines'
        ELSE 'investment_lines' END)
WHERE type IN ('event_filing', 'event_claim', 'scenario_project');

-- Follow-ups after payment compare two of the form's amounts (the overseas 80 % rule).
ALTER TABLE overseas_follow_ups RENAME TO follow_ups;
ALTER TABLE follow_ups RENAME COLUMN raised_total_fen TO whole_fen;
ALTER TABLE follow_ups RENAME COLUMN invested_fen TO part_fen;
ALTER TABLE follow_ups RENAME CONSTRAINT overseas_follow_ups_invested_fen_check TO follow_ups_part_fen_check;
ALTER TABLE follow_ups RENAME CONSTRAINT overseas_follow_ups_raised_total_fen_check TO follow_ups_whole_fen_check;
ALTER TABLE follow_ups RENAME CONSTRAINT overseas_follow_ups_year_check TO follow_ups_year_check;
ALTER INDEX overseas_follow_ups_pkey RENAME TO follow_ups_pkey;
UPDATE notification_preferences SET topic = 'follow_up.recovery_due'
WHERE topic = 'overseas.recovery_due';

CREATE FUNCTION pg_temp.yuan(fen jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT to_jsonb(((fen::bigint) / 100)::text || '.' || lpad(((fen::bigint) % 100)::text, 2, '0'))
$$;
CREATE FUNCTION pg_temp.without(doc jsonb, path text[], keep boolean) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN keep THEN doc ELSE doc #- path END
$$;

-- A published version never changes, but for this once: it is the same rule, as data.
ALTER TABLE program_versions DISABLE TRIGGER program_versions_keep_published;
UPDATE program_versions v SET params = jsonb_set(jsonb_set(jsonb_set(jsonb_set(t.doc,
        '{award,1,bp}', v.params->'rate_bp'),
        '{award,2,amount}', pg_temp.yuan(v.params->'cap_fen')),
        '{prior,eligibility,0,days}', v.params->'filing_lead_days'),
        '{eligibility,0,to_days}', v.params->'claim_window_days')
FROM (SELECT '{"type":"event_claim","layout":"flat","title":"{prior.title} · 兑现申报","fields":[{"name":"filing_id","kind":"reference","label_zh":"对应备案","label_en":"Filing","required":true,"of":"event_filing","refused_code":"filing_not_recognized"},{"name":"actual_attendance","kind":"integer","label_zh":"实际规模(人次)","label_en":"Actual attendance","required":true,"min":0,"max":100000000},{"name":"summary","kind":"long_text","label_zh":"情况总结","label_en":"Summary","required":true},{"name":"expense_lines","kind":"lines","label_zh":"费用明细","label_en":"Expense lines","required":true,"help_zh":"逐项填写实际发生的费用及对应发票号(多个发票号用逗号或空格分隔)。","help_en":"Each actual expense with its invoice numbers (separate several with commas or spaces).","options":[{"value":"venue","label_zh":"场地","label_en":"Venue"},{"value":"construction","label_zh":"搭建","label_en":"Construction"},{"value":"promotion","label_zh":"宣传推广","label_en":"Promotion"},{"value":"travel","label_zh":"差旅","label_en":"Travel"},{"value":"prizes","label_zh":"奖金","label_en":"Prizes"},{"value":"equipment","label_zh":"设备","label_en":"Equipment"},{"value":"services","label_zh":"服务","label_en":"Services"},{"value":"other","label_zh":"其他","label_en":"Other"}],"invoices":true}],"documents":[{"kind":"audit_report","label_zh":"专项审计报告","label_en":"Audit report"},{"kind":"invoice","label_zh":"费用发票","label_en":"Invoices"},{"kind":"evidence","label_zh":"活动举办佐证材料","label_en":"Evidence the event took place","required":false}],"eligibility":[{"rule":"link_window","field":"ends_on","from_days":1,"to_days":90,"code":"claim_window_closed"}],"award":[{"op":"input","field":"expense_lines"},{"op":"rate","bp":5000},{"op":"cap","amount":"2000000.00"}],"estimate_inputs":[{"name":"eligible_costs","field":"expense_lines"}],"prior":{"type":"event_filing","title_field":"title","lapses_on":"starts_on","fields":[{"name":"title","kind":"text","label_zh":"名称","label_en":"Title","required":true,"min":1},{"name":"event_type","kind":"choice","label_zh":"活动类型","label_en":"Event type","required":true,"options":[{"value":"exhibition","label_zh":"展会","label_en":"Exhibition"},{"value":"contest","label_zh":"创新创业大赛","label_en":"Contest"},{"value":"conference","label_zh":"会议论坛","label_en":"Conference"}]},{"name":"level","kind":"choice","label_zh":"级别","label_en":"Level","required":true,"options":[{"value":"national","label_zh":"国家级","label_en":"National"},{"value":"international","label_zh":"国际性","label_en":"International"}]},{"name":"venue","kind":"text","label_zh":"举办地点","label_en":"Venue","required":true},{"name":"district","kind":"choice","label_zh":"所在区","label_en":"District","required":true,"options":[{"value":"420102","label_zh":"江岸区","label_en":"Jiang''an"},{"value":"420103","label_zh":"江汉区","label_en":"Jianghan"},{"value":"420104","label_zh":"硚口区","label_en":"Qiaokou"},{"value":"420105","label_zh":"汉阳区","label_en":"Hanyang"},{"value":"420106","label_zh":"武昌区","label_en":"Wuchang"},{"value":"420107","label_zh":"青山区","label_en":"Qingshan"},{"value":"420111","label_zh":"洪山区","label_en":"Hongshan"},{"value":"420112","label_zh":"东西湖区","label_en":"Dongxihu"},{"value":"420113","label_zh":"汉南区","label_en":"Hannan"},{"value":"420114","label_zh":"蔡甸区","label_en":"Caidian"},{"value":"420115","label_zh":"江夏区","label_en":"Jiangxia"},{"value":"420116","label_zh":"黄陂区","label_en":"Huangpi"},{"value":"420117","label_zh":"新洲区","label_en":"Xinzhou"}],"pattern":"^[0-9]{6}$","refused_code":"event_not_in_wuhan"},{"name":"starts_on","kind":"date","label_zh":"开始日期","label_en":"Starts on","required":true,"help_zh":"须在活动开始前至少30天提交备案。","help_en":"File at least 30 days before the event starts."},{"name":"ends_on","kind":"date","label_zh":"结束日期","label_en":"Ends on","required":true},{"name":"expected_attendance","kind":"integer","label_zh":"预计规模(人次)","label_en":"Expected attendance","required":true,"min":0,"max":100000000},{"name":"co_organizers","kind":"text_list","label_zh":"协办单位","label_en":"Co-organizers","max":50},{"name":"budget_lines","kind":"lines","label_zh":"预算明细","label_en":"Budget lines","required":true,"help_zh":"按费用类别列出活动预算;合计随输入实时更新。","help_en":"The event''s budget by expense category; the total updates as you type.","options":[{"value":"venue","label_zh":"场地","label_en":"Venue"},{"value":"construction","label_zh":"搭建","label_en":"Construction"},{"value":"promotion","label_zh":"宣传推广","label_en":"Promotion"},{"value":"travel","label_zh":"差旅","label_en":"Travel"},{"value":"prizes","label_zh":"奖金","label_en":"Prizes"},{"value":"equipment","label_zh":"设备","label_en":"Equipment"},{"value":"services","label_zh":"服务","label_en":"Services"},{"value":"other","label_zh":"其他","label_en":"Other"}],"line_kind":"budget"}],"documents":[{"kind":"plan","label_zh":"活动方案","label_en":"Event plan"},{"kind":"qualification","label_zh":"主办单位资质证明","label_en":"Organizer''s qualification"}],"eligibility":[{"rule":"deadline","field":"starts_on","days":30,"code":"filing_too_late"},{"rule":"in_policy","field":"starts_on"},{"rule":"ordered","first":"starts_on","then":"ends_on"}]}}'::jsonb AS doc) t
WHERE v.program_code = 'event-support';
UPDATE program_versions v SET params = jsonb_set(jsonb_set(t.doc,
        '{award,1,bp}', v.params->'rate_bp'),
        '{award,2,amount}', pg_temp.yuan(v.params->'cap_fen'))
FROM (SELECT '{"type":"scenario_project","layout":"flat","title_field":"title","fields":[{"name":"call_year","kind":"integer","label_zh":"申报年度","label_en":"Call year","required":true,"min":2000,"max":2100},{"name":"title","kind":"text","label_zh":"名称","label_en":"Title","required":true,"min":1},{"name":"field","kind":"choice","label_zh":"应用领域","label_en":"Field","required":true,"options":[{"value":"smart_manufacturing","label_zh":"智能制造","label_en":"Smart manufacturing"},{"value":"connected_vehicles","label_zh":"智能网联汽车","label_en":"Connected vehicles"},{"value":"smart_construction","label_zh":"智能建造","label_en":"Smart construction"},{"value":"smart_health","label_zh":"智慧医疗","label_en":"Smart health"},{"value":"smart_education","label_zh":"智慧教育","label_en":"Smart education"},{"value":"smart_city","label_zh":"智慧城市","label_en":"Smart city"},{"value":"other","label_zh":"其他","label_en":"Other"}]},{"name":"total_investment","kind":"money","label_zh":"项目总投入","label_en":"Total investment","required":true,"help_zh":"须与下方投资明细合计一致。","help_en":"Must equal the sum of the investment lines below."},{"name":"investment_lines","kind":"lines","label_zh":"投资明细","label_en":"Investment lines","required":true,"help_zh":"按类别列出项目投资;合计须等于项目总投入。","help_en":"The project''s investment by category; the total must equal the total investment.","options":[{"value":"venue","label_zh":"场地","label_en":"Venue"},{"value":"construction","label_zh":"搭建","label_en":"Construction"},{"value":"promotion","label_zh":"宣传推广","label_en":"Promotion"},{"value":"travel","label_zh":"差旅","label_en":"Travel"},{"value":"prizes","label_zh":"奖金","label_en":"Prizes"},{"value":"equipment","label_zh":"设备","label_en":"Equipment"},{"value":"services","label_zh":"服务","label_en":"Services"},{"value":"other","label_zh":"其他","label_en":"Other"}],"line_kind":"investment"},{"name":"starts_on","kind":"date","label_zh":"开始日期","label_en":"Starts on","required":true,"help_zh":"须在活动开始前至少30天提交备案。","help_en":"File at least 30 days before the event starts."},{"name":"ends_on","kind":"date","label_zh":"结束日期","label_en":"Ends on","required":true},{"name":"summary","kind":"long_text","label_zh":"情况总结","label_en":"Summary"}],"documents":[{"kind":"plan","label_zh":"项目实施方案","label_en":"Project plan"}],"eligibility":[{"rule":"within_call","year_field":"call_year"},{"rule":"sum_equals","field":"total_investment","lines":"investment_lines","code":"investment_mismatch"},{"rule":"ordered","first":"starts_on","then":"ends_on"}],"award":[{"op":"input","field":"investment_lines"},{"op":"rate","bp":3000},{"op":"cap","amount":"1000000.00"}],"estimate_inputs":[{"name":"total_investment","field":"investment_lines"}],"workflow":{"experts":3,"yearly_call":true}}'::jsonb AS doc) t
WHERE v.program_code = 'scenario-project';
UPDATE program_versions v SET params = pg_temp.without(jsonb_set(jsonb_set(jsonb_set(jsonb_set(t.doc,
        '{award,0,amounts,tutoring}', pg_temp.yuan(v.params->'stage_amounts_fen'->'tutoring')),
        '{award,0,amounts,accepted}', pg_temp.yuan(v.params->'stage_amounts_fen'->'accepted')),
        '{award,0,amounts,listed}', pg_temp.yuan(v.params->'stage_amounts_fen'->'listed')),
        '{award,1,total}', pg_temp.yuan(v.params->'total_cap_fen')),
        '{eligibility,2}', coalesce((v.params->>'exclusive_with_overseas')::boolean, true))
FROM (SELECT '{"type":"ipo_domestic_claim","layout":"flat","title":"{exchange} {stock_code} 上市奖励 {stages}","fields":[{"name":"exchange","kind":"choice","label_zh":"交易所","label_en":"Exchange","required":true,"options":[{"value":"SSE","label_zh":"上海证券交易所","label_en":"Shanghai Stock Exchange"},{"value":"SZSE","label_zh":"深圳证券交易所","label_en":"Shenzhen Stock Exchange"},{"value":"BSE","label_zh":"北京证券交易所","label_en":"Beijing Stock Exchange"}]},{"name":"stages","kind":"choices","label_zh":"申请阶段","label_en":"Stages","required":true,"help_zh":"勾选本次申请的阶段,并填写各阶段的公开披露日期。","help_en":"Tick the stages you claim and give the date each was disclosed.","options":[{"value":"tutoring","label_zh":"辅导备案","label_en":"Tutoring filed"},{"value":"accepted","label_zh":"申报受理","label_en":"Application accepted"},{"value":"listed","label_zh":"成功上市","label_en":"Listed"}]},{"name":"stage_dates","kind":"dates","label_zh":"阶段日期","label_en":"Stage dates","of":"stages"},{"name":"stock_code","kind":"text","label_zh":"股票代码","label_en":"Stock code","required":true,"pattern":"^[0-9A-Z.]{1,12}$"},{"name":"disclosure","kind":"long_text","label_zh":"公开披露信息","label_en":"Disclosure"}],"documents":[{"kind":"disclosure","label_zh":"辅导备案、受理或上市的公告文件","label_en":"Disclosure of the stage reached"}],"eligibility":[{"rule":"registered_in_wuhan"},{"rule":"not_in_future","field":"stage_dates"},{"rule":"not_combinable_with","programs":["ipo-overseas"]}],"award":[{"op":"stages","field":"stages","amounts":{"tutoring":"2000000.00","accepted":"2000000.00","listed":"4000000.00"}},{"op":"remaining","total":"8000000.00"}],"estimate_inputs":["stages","already_paid"],"workflow":{"proposal":true}}'::jsonb AS doc) t
WHERE v.program_code = 'ipo-domestic';
UPDATE program_versions v SET params = pg_temp.without(jsonb_set(jsonb_set(jsonb_set(jsonb_set(t.doc,
        '{award,0,amount}', pg_temp.yuan(v.params->'amount_fen')),
        '{eligibility,4,bp}', v.params->'min_invested_bp'),
        '{workflow,follow_up,bp}', v.params->'min_invested_bp'),
        '{eligibility,0,closes}', v.params->'apply_by_month_day'),
        '{eligibility,2}', coalesce((v.params->>'exclusive_with_domestic')::boolean, true))
FROM (SELECT '{"type":"ipo_overseas_claim","layout":"flat","title":"{exchange} {stock_code} 境外上市奖励","fields":[{"name":"exchange","kind":"text","label_zh":"交易所","label_en":"Exchange","required":true,"pattern":"^[A-Z][A-Z0-9]{1,9}$"},{"name":"listed_on","kind":"date","label_zh":"上市日期","label_en":"Listed on","required":true},{"name":"raised_total","kind":"money","label_zh":"募集资金总额","label_en":"Funds raised","required":true},{"name":"invested_in_wuhan","kind":"money","label_zh":"投放武汉金额","label_en":"Invested in Wuhan","required":true},{"name":"stock_code","kind":"text","label_zh":"股票代码","label_en":"Stock code","required":true,"pattern":"^[0-9A-Z.]{1,12}$"}],"documents":[{"kind":"disclosure","label_zh":"境外上市公告文件","label_en":"Listing announcement"},{"kind":"evidence","label_zh":"募集资金投放武汉的证明","label_en":"Proof of funds invested in Wuhan","required":false}],"eligibility":[{"rule":"yearly_window","closes":"06-30","after":"listed_on","code":"call_closed"},{"rule":"at_most","code":"claim_exists"},{"rule":"not_combinable_with","programs":["ipo-domestic"]},{"rule":"listed_exchange","field":"exchange","on":"listed_on","market":"overseas"},{"rule":"share_at_least","part":"invested_in_wuhan","whole":"raised_total","bp":8000,"code":"funds_not_in_wuhan"}],"award":[{"op":"fixed","amount":"6000000.00"}],"estimate_inputs":["exchange","raised_total","invested_in_wuhan"],"workflow":{"follow_up":{"part":"invested_in_wuhan","whole":"raised_total","bp":8000}}}'::jsonb AS doc) t
WHERE v.program_code = 'ipo-overseas';
UPDATE program_versions v SET params = jsonb_set(t.doc, '{award,0,amount}', pg_temp.yuan(v.params->'amount_fen'))
FROM (SELECT '{"type":"unveiling_award","layout":"flat","title_field":"task_name","fields":[{"name":"task_list","kind":"choice","label_zh":"榜单","label_en":"Task list","required":true,"options":[{"value":"ai_innovation","label_zh":"人工智能创新任务","label_en":"AI innovation tasks"},{"value":"ai_medical_device","label_zh":"人工智能医疗器械","label_en":"AI medical devices"},{"value":"future_industry_agi","label_zh":"未来产业(通用人工智能)","label_en":"Future industries (AGI)"}]},{"name":"task_name","kind":"text","label_zh":"任务名称","label_en":"Task","required":true,"min":1},{"name":"task_batch","kind":"text","label_zh":"批次","label_en":"Batch","required":true},{"name":"certificate_no","kind":"text","label_zh":"证书编号","label_en":"Certificate number","required":true,"min":1,"max":60},{"name":"transformation_summary","kind":"long_text","label_zh":"成果转化情况","label_en":"Transformation in Wuhan","required":true}],"documents":[{"kind":"certificate","label_zh":"揭榜任务验收证明","label_en":"Proof the task was accepted"}],"eligibility":[{"rule":"at_most","per":"task_name","among":"organization","code":"claim_exists"},{"rule":"at_most","per":"certificate_no","among":"organization","code":"claim_exists"}],"award":[{"op":"fixed","amount":"1000000.00"}]}'::jsonb AS doc) t
WHERE v.program_code = 'unveiling-award';
ALTER TABLE program_versions ENABLE TRIGGER program_versions_keep_published;
UPDATE programs SET kind = 'defined';
