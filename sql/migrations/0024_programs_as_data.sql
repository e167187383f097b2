-- Programs defined as data: a version is a draft until an admin publishes it, and a program of
-- kind 'defined' keeps its whole rule (form, documents, eligibility, award, workflow) as the
-- version's document (the params column; domain.definition.model.Definition). Then the ten
-- other money articles of the policy, as such programs.

ALTER TABLE program_versions
    ADD COLUMN status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    ADD COLUMN published_at timestamptz,
    ADD COLUMN published_by text;
UPDATE program_versions SET published_at = created_at, published_by = created_by;
ALTER TABLE program_versions ALTER COLUMN status SET DEFAULT 'draft';
ALTER TABLE program_versions ADD CONSTRAINT program_versions_published_check
    CHECK ((status = 'published') = (published_at IS NOT NULL AND published_by IS NOT NULL));

-- A published version never changes: applications started under it and awards computed with it
-- name it. (Publishing is the change of a draft.)
CREATE FUNCTION program_versions_keep_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'program version %/% is published and never changes',
            OLD.program_code, OLD.version USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER program_versions_keep_published BEFORE UPDATE ON program_versions
    FOR EACH ROW EXECUTE FUNCTION program_versions_keep_published();

-- A claim on a program defined as data.
ALTER TABLE applications DROP CONSTRAINT applications_type_check;
ALTER TABLE applications ADD CONSTRAINT applications_type_check CHECK (type IN (
    'event_filing', 'event_claim', 'ipo_domestic_claim', 'ipo_overseas_claim', 'scenario_project',
    'unveiling_award', 'program_claim'));

-- A published version governs the days of its window; where published windows overlap, the
-- later version governs. A draft governs nothing.
CREATE OR REPLACE FUNCTION program_version_on(p_code text, p_day date) RETURNS integer
LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
    RETURN (
        SELECT max(v.version) FROM program_versions v
        WHERE v.program_code = p_code AND v.status = 'published'
          AND v.effective_from <= p_day AND p_day <= v.effective_to
    );
END
$$;

INSERT INTO programs (code, kind, article, title_zh, title_en) VALUES
    ('key-rd-project', 'defined', '一', '市重点研发计划人工智能项目', 'Key R&D programme: AI projects'),
    ('computing-center-match', 'defined', '二', '超(智)算中心省级补贴配套奖励', 'Computing-centre match of provincial subsidies'),
    ('vertical-model', 'defined', '三', '垂直行业模型研发补助', 'Vertical industry model R&D grant'),
    ('vertical-model-compute', 'defined', '三', '垂直行业模型本地算力使用补助', 'Local compute grant for vertical models'),
    ('public-platform-award', 'defined', '四', '人工智能公共服务平台奖励', 'AI public service platform award'),
    ('pilot-platform-support', 'defined', '四', '人工智能中试平台支持', 'AI pilot platform support'),
    ('little-giant-reward', 'defined', '六', '国家级专精特新“小巨人”企业奖励', 'National “little giant” firm reward'),
    ('unicorn-reward', 'defined', '六', '独角兽企业奖励', 'Unicorn firm reward'),
    ('ai-park-award', 'defined', '八', '人工智能核心产业园区奖励', 'AI core industrial park award'),
    ('cluster-award', 'defined', '八', '国家先进制造业集群竞赛获胜奖励', 'National advanced-manufacturing cluster award');

INSERT INTO program_versions (program_code, version, effective_from, effective_to, params, note,
                              created_at, created_by, status, published_at, published_by) VALUES
    ('key-rd-project', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"project_name","kind":"text","label_zh":"项目名称","label_en":"Project name","required":true},{"name":"research_area","kind":"choice","label_zh":"研究方向","label_en":"Research area","required":true,"options":[{"value":"foundation_theory","label_zh":"通用人工智能基础理论","label_en":"General AI theory"},{"value":"platform","label_zh":"基础平台技术","label_en":"Platform technology"},{"value":"model_algorithms","label_zh":"大模型关键算法","label_en":"Large-model algorithms"},{"value":"trustworthy_ai","label_zh":"可信人工智能","label_en":"Trustworthy AI"}]},{"name":"summary","kind":"long_text","label_zh":"研究内容与目标","label_en":"Aims and content","required":true},{"name":"starts_on","kind":"date","label_zh":"计划开始日期","label_en":"Planned start","required":true},{"name":"ends_on","kind":"date","label_zh":"计划结束日期","label_en":"Planned end","required":true},{"name":"requested","kind":"money","label_zh":"申请支持金额(元)","label_en":"Support requested (yuan)","required":true}],"award":[{"op":"input","field":"requested"},{"op":"within","min":"500000.00","max":"1000000.00"}],"documents":[{"kind":"plan","label_zh":"项目申报书","label_en":"Project proposal"},{"kind":"budget","label_zh":"经费预算表","label_en":"Budget"},{"kind":"evidence","label_zh":"前期研究基础材料","label_en":"Prior work","required":false}],"eligibility":[{"rule":"registered_in_wuhan"},{"rule":"at_most","per":"project_name"}],"estimate_inputs":["requested"],"title_field":"project_name","workflow":{}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration'),
    ('computing-center-match', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"center_name","kind":"text","label_zh":"超(智)算中心名称","label_en":"Computing centre","required":true},{"name":"subsidy_year","kind":"integer","label_zh":"省级补贴年度","label_en":"Year of the provincial subsidy","required":true,"min":2020,"max":2100},{"name":"provincial_subsidy","kind":"money","label_zh":"省级建设运营补贴金额(元)","label_en":"Provincial subsidy (yuan)","required":true}],"award":[{"op":"input","field":"provincial_subsidy"},{"op":"rate","bp":10000},{"op":"split","shares":[{"funder":"city","bp":5000},{"funder":"district","bp":5000}]}],"documents":[{"kind":"approval","label_zh":"省级补贴批复文件","label_en":"Provincial subsidy decision"},{"kind":"receipt","label_zh":"省级补贴到账凭证","label_en":"Proof of receipt"},{"kind":"report","label_zh":"运营情况报告","label_en":"Operating report","required":false}],"eligibility":[{"rule":"registered_in_wuhan"},{"rule":"at_most","times":10,"per":"center_name"}],"estimate_inputs":["provincial_subsidy"],"title_field":"center_name","workflow":{}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration'),
    ('vertical-model', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"model_name","kind":"text","label_zh":"模型名称","label_en":"Model name","required":true},{"name":"industry","kind":"choice","label_zh":"应用行业","label_en":"Industry","required":true,"options":[{"value":"electronics","label_zh":"电子信息制造","label_en":"Electronics manufacturing"},{"value":"industrial_inspection","label_zh":"工业质检","label_en":"Industrial inspection"},{"value":"education","label_zh":"教育","label_en":"Education"},{"value":"health","label_zh":"医疗","label_en":"Health"},{"value":"remote_sensing","label_zh":"遥感","label_en":"Remote sensing"},{"value":"other","label_zh":"其他","label_en":"Other"}]},{"name":"filing_no","kind":"text","label_zh":"生成式人工智能服务备案号","label_en":"Generative-AI service filing number","required":true,"max":60},{"name":"deployment","kind":"long_text","label_zh":"在汉落地应用情况","label_en":"Deployment in Wuhan","required":true},{"name":"rd_costs","kind":"money","label_zh":"研发成本(元)","label_en":"R&D costs (yuan)","required":true}],"award":[{"op":"input","field":"rd_costs"},{"op":"rate","bp":3000},{"op":"cap","amount":"5000000.00"}],"documents":[{"kind":"certificate","label_zh":"模型备案或评测证明","label_en":"Model filing or evaluation"},{"kind":"audit_report","label_zh":"研发费用专项审计报告","label_en":"Audit of R&D costs"},{"kind":"evidence","label_zh":"落地应用证明","label_en":"Proof of deployment"}],"eligibility":[{"rule":"registered_in_wuhan"},{"rule":"at_most","per":"model_name"}],"estimate_inputs":["rd_costs"],"title_field":"model_name","workflow":{}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration'),
    ('vertical-model-compute', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"model_name","kind":"text","label_zh":"模型名称","label_en":"Model name","required":true},{"name":"service_year","kind":"integer","label_zh":"算力使用年度","label_en":"Year of use","required":true,"min":2020,"max":2100},{"name":"provider","kind":"text","label_zh":"本地算力服务商","label_en":"Local compute provider","required":true},{"name":"local_compute_fees","kind":"money","label_zh":"本地算力服务费(元)","label_en":"Fees paid for local compute (yuan)","required":true}],"award":[{"op":"input","field":"local_compute_fees"},{"op":"rate","bp":5000},{"op":"remaining","total":"5000000.00"}],"documents":[{"kind":"contract","label_zh":"算力服务合同","label_en":"Compute service contract"},{"kind":"invoice","label_zh":"算力服务费发票","label_en":"Invoices"}],"eligibility":[{"rule":"registered_in_wuhan"},{"rule":"at_most","times":3,"per":"model_name"}],"estimate_inputs":["local_compute_fees","already_paid"],"title_field":"model_name","workflow":{}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration'),
    ('public-platform-award', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"platform_name","kind":"text","label_zh":"平台名称","label_en":"Platform","required":true},{"name":"platform_type","kind":"choice","label_zh":"平台类型","label_en":"Kind of platform","required":true,"options":[{"value":"algorithms","label_zh":"算法汇聚","label_en":"Algorithms"},{"value":"data","label_zh":"数据归集","label_en":"Data"},{"value":"testing","label_zh":"检测评估","label_en":"Testing and evaluation"}]},{"name":"users","kind":"integer","label_zh":"服务人工智能企业用户数","label_en":"AI firms served","required":true,"min":0},{"name":"investment","kind":"money","label_zh":"平台软硬件投入(元)","label_en":"Investment in the platform (yuan)","required":true},{"name":"requested","kind":"money","label_zh":"申请奖励金额(元)","label_en":"Award requested (yuan)","required":true}],"award":[{"op":"input","field":"requested"},{"op":"within","max":"2000000.00"}],"documents":[{"kind":"plan","label_zh":"平台建设运营报告","label_en":"Platform report"},{"kind":"evidence","label_zh":"服务成果证明","label_en":"Proof of services"}],"eligibility":[{"rule":"registered_in_wuhan"},{"rule":"at_most","per":"platform_name"}],"estimate_inputs":["requested"],"title_field":"platform_name","workflow":{}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration'),
    ('pilot-platform-support', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"platform_name","kind":"text","label_zh":"中试平台名称","label_en":"Pilot platform","required":true},{"name":"equipment_cost","kind":"money","label_zh":"关键大型仪器设备投入(元)","label_en":"Key equipment cost (yuan)","required":true},{"name":"openings","kind":"integer","label_zh":"年度对外开放次数","label_en":"Openings to others a year","required":true,"min":0},{"name":"requested","kind":"money","label_zh":"申请支持金额(元)","label_en":"Support requested (yuan)","required":true}],"award":[{"op":"input","field":"requested"},{"op":"within","max":"10000000.00"}],"documents":[{"kind":"plan","label_zh":"中试平台建设运营报告","label_en":"Platform report"},{"kind":"invoice","label_zh":"设备购置发票","label_en":"Equipment invoices"}],"eligibility":[{"rule":"registered_in_wuhan"},{"rule":"at_most","per":"platform_name"}],"estimate_inputs":["requested"],"title_field":"platform_name","workflow":{}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration'),
    ('little-giant-reward', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"recognition_batch","kind":"text","label_zh":"认定批次","label_en":"Recognition batch","required":true},{"name":"recognized_on","kind":"date","label_zh":"认定日期","label_en":"Recognized on","required":true}],"award":[{"op":"fixed","amount":"500000.00"}],"documents":[{"kind":"certificate","label_zh":"国家专精特新“小巨人”认定文件","label_en":"Recognition notice"}],"eligibility":[{"rule":"registered_in_wuhan"},{"rule":"at_most"}],"workflow":{"proposal":true}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration'),
    ('unicorn-reward', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"recognized_by","kind":"text","label_zh":"认定机构或榜单","label_en":"Recognized by","required":true},{"name":"recognized_on","kind":"date","label_zh":"首次认定日期","label_en":"First recognized on","required":true}],"award":[{"op":"fixed","amount":"1000000.00"}],"documents":[{"kind":"certificate","label_zh":"独角兽企业认定证明","label_en":"Proof of recognition"}],"eligibility":[{"rule":"registered_in_wuhan"},{"rule":"at_most"}],"workflow":{"proposal":true}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration'),
    ('ai-park-award', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"park_name","kind":"text","label_zh":"园区名称","label_en":"Park","required":true},{"name":"year_index","kind":"integer","label_zh":"连续奖励年次(1-3)","label_en":"Year of the award (1 to 3)","required":true,"min":1,"max":3},{"name":"progress","kind":"long_text","label_zh":"年度建设情况","label_en":"The year''s progress","required":true},{"name":"requested","kind":"money","label_zh":"申请奖励金额(元)","label_en":"Award requested (yuan)","required":true}],"award":[{"op":"input","field":"requested"},{"op":"within","max":"10000000.00"}],"documents":[{"kind":"plan","label_zh":"园区年度建设报告","label_en":"The park''s yearly report"},{"kind":"approval","label_zh":"核心产业园区遴选文件","label_en":"Selection as a core park"}],"eligibility":[{"rule":"at_most","times":3,"per":"park_name"}],"estimate_inputs":["requested","year_index"],"title_field":"park_name","workflow":{}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration'),
    ('cluster-award', 1, '2024-06-01', '2027-05-31',
     '{"fields":[{"name":"cluster_name","kind":"text","label_zh":"集群名称","label_en":"Cluster","required":true},{"name":"won_on","kind":"date","label_zh":"决赛获胜日期","label_en":"Won the final on","required":true}],"award":[{"op":"fixed","amount":"5000000.00"}],"documents":[{"kind":"certificate","label_zh":"集群竞赛决赛获胜文件","label_en":"Result of the national final"},{"kind":"qualification","label_zh":"集群促进机构证明","label_en":"Proof of being the promoting body"}],"eligibility":[{"rule":"at_most","per":"cluster_name"}],"title_field":"cluster_name","workflow":{}}',
     '政策原文', '2024-06-01T00:00:00+08:00', 'migration', 'published', '2024-06-01T00:00:00+08:00', 'migration');
