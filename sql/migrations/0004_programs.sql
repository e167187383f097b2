-- Policy as data: programs and their versions, yearly budgets, and the dated exchange list.
-- Money is integer fen everywhere.

CREATE TABLE programs (
    code     text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9-]{1,40}$'),
    -- Which calculator and parameter shape the program uses (domain/programs.py).
    kind     text NOT NULL,
    article  text NOT NULL,
    title_zh text NOT NULL,
    title_en text NOT NULL
);

CREATE TABLE program_versions (
    program_code   text NOT NULL REFERENCES programs (code),
    version        integer NOT NULL CHECK (version > 0),
    effective_from date NOT NULL,
    effective_to   date NOT NULL CHECK (effective_to >= effective_from),
    params         jsonb NOT NULL,
    note           text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    created_by     text NOT NULL,
    PRIMARY KEY (program_code, version)
);

CREATE TABLE budgets (
    program_code  text NOT NULL REFERENCES programs (code),
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    allocated_fen bigint NOT NULL CHECK (allocated_fen >= 0),
    reserved_fen  bigint NOT NULL DEFAULT 0 CHECK (reserved_fen >= 0),
    spent_fen     bigint NOT NULL DEFAULT 0 CHECK (spent_fen >= 0),
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (program_code, year),
    -- Overspending is impossible even if the code is wrong.
    CONSTRAINT budgets_within_allocation CHECK (reserved_fen + spent_fen <= allocated_fen)
);

-- One row per change: the entry in effect on a date is the latest valid_from on or before it.
CREATE TABLE exchanges (
    code         text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9]{1,9}$'),
    valid_from   date NOT NULL,
    name_zh      text NOT NULL,
    name_en      text NOT NULL,
    market       text NOT NULL CHECK (market IN ('domestic', 'overseas')),
    jurisdiction text NOT NULL,
    eligible     boolean NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    PRIMARY KEY (code, valid_from)
);

INSERT INTO programs (code, kind, article, title_zh, title_en) VALUES
    ('event-support', 'event-support', '十一', '人工智能国家级、国际性重大活动支持', 'Support for national and international AI events'),
    ('ipo-domestic', 'ipo-domestic', '十', '人工智能企业境内首发上市分阶段奖励', 'Staged reward for a first listing on SSE, SZSE or BSE'),
    ('ipo-overseas', 'ipo-overseas', '十', '人工智能企业境外上市一次性奖励', 'One-time reward for an overseas listing'),
    ('scenario-project', 'scenario-project', '七', '人工智能示范应用场景项目支持', 'Support for AI demonstration application scenario projects'),
    ('unveiling-award', 'unveiling-award', '七', '国家人工智能揭榜挂帅项目奖励', 'Award for national AI 揭榜挂帅 (open-competition) task winners');

-- The policy runs three years from its effective date (a parameter: the draft leaves it blank).
INSERT INTO program_versions (program_code, version, effective_from, effective_to, params, note, created_at, created_by) VALUES
    ('event-support', 1, '2024-06-01', '2027-05-31',
     '{"rate_bp": 5000, "cap_fen": 200000000, "filing_lead_days": 30, "claim_window_days": 90}',
     '政策默认参数', '2024-06-01T00:00:00+08:00', 'migration'),
    ('ipo-domestic', 1, '2024-06-01', '2027-05-31',
     '{"stage_amounts_fen": {"tutoring": 200000000, "accepted": 200000000, "listed": 400000000}, "total_cap_fen": 800000000, "exclusive_with_overseas": true}',
     '政策默认参数;分阶段金额为平台默认值', '2024-06-01T00:00:00+08:00', 'migration'),
    ('ipo-overseas', 1, '2024-06-01', '2027-05-31',
     '{"amount_fen": 600000000, "min_invested_bp": 8000, "exclusive_with_domestic": true, "apply_by_month_day": "06-30"}',
     '政策默认参数', '2024-06-01T00:00:00+08:00', 'migration'),
    ('scenario-project', 1, '2024-06-01', '2027-05-31',
     '{"rate_bp": 3000, "cap_fen": 100000000}',
     '政策默认参数', '2024-06-01T00:00:00+08:00', 'migration'),
    ('unveiling-award', 1, '2024-06-01', '2027-05-31',
     '{"amount_fen": 100000000}',
     '政策默认参数', '2024-06-01T00:00:00+08:00', 'migration');

-- Domestic exchanges, and overseas ones whose regulators have signed memoranda with the CSRC.
INSERT INTO exchanges (code, valid_from, name_zh, name_en, market, jurisdiction, eligible, created_at, created_by) VALUES
    ('SSE',    '2024-01-01', '上海证券交易所', 'Shanghai Stock Exchange', 'domestic', 'CN', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('SZSE',   '2024-01-01', '深圳证券交易所', 'Shenzhen Stock Exchange', 'domestic', 'CN', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('BSE',    '2024-01-01', '北京证券交易所', 'Beijing Stock Exchange', 'domestic', 'CN', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('HKEX',   '2024-01-01', '香港交易所', 'Hong Kong Exchanges and Clearing', 'overseas', 'HK', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('NYSE',   '2024-01-01', '纽约证券交易所', 'New York Stock Exchange', 'overseas', 'US', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('NASDAQ', '2024-01-01', '纳斯达克证券交易所', 'Nasdaq Stock Market', 'overseas', 'US', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('LSE',    '2024-01-01', '伦敦证券交易所', 'London Stock Exchange', 'overseas', 'GB', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('SGX',    '2024-01-01', '新加坡交易所', 'Singapore Exchange', 'overseas', 'SG', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('FWB',    '2024-01-01', '法兰克福证券交易所', 'Frankfurt Stock Exchange', 'overseas', 'DE', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('SIX',    '2024-01-01', '瑞士证券交易所', 'SIX Swiss Exchange', 'overseas', 'CH', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('TSE',    '2024-01-01', '东京证券交易所', 'Tokyo Stock Exchange', 'overseas', 'JP', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('ASX',    '2024-01-01', '澳大利亚证券交易所', 'Australian Securities Exchange', 'overseas', 'AU', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('TSX',    '2024-01-01', '多伦多证券交易所', 'Toronto Stock Exchange', 'overseas', 'CA', true, '2024-06-01T00:00:00+08:00', 'migration'),
    ('KRX',    '2024-01-01', '韩国交易所', 'Korea Exchange', 'overseas', 'KR', true, '2024-06-01T00:00:00+08:00', 'migration');
