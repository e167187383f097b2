-- The Chinese working-day calendar: public holidays and make-up working days (调休).
-- Any day not listed is a working day from Monday to Friday and a rest day at the weekend.
CREATE TABLE calendar_days (
    day     date PRIMARY KEY,
    kind    text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name_zh text NOT NULL,
    name_en text NOT NULL
);

-- Seed data for calendar_days: public holidays (kind 'holiday', every day of each
-- official 放假 span, weekends inside it included) and make-up working days (kind 'workday',
-- 调休上班) for 2024-2027. Domain code (domain/calendar.py) counts working days from these rows.
--
-- Sources, the State Council General Office's yearly notices:
--   2024: 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号, 2023-10-25)
--   2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12)
--   2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
--   2027: no notice found when this file was written (it is usually published in
--         November of the year before). The 2027 rows are PROVISIONAL until an admin enters
--         the notice: only the statutory holidays of 《全国年节及纪念日放假办法》 (as revised
--         2024-11, in force 2025-01-01) are listed - 元旦 1 day, 春节 4 days (除夕 to 初三),
--         清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 - with the lunar dates converted for 2027.
--         The notice will add bridging days off and make-up working days; none are here.

INSERT INTO calendar_days (day, kind, name_zh, name_en) VALUES
    -- 2024
    ('2024-01-01', 'holiday', '元旦', 'New Year''s Day'),  -- 周一
    ('2024-02-04', 'workday', '春节调休上班', 'Make-up working day (Spring Festival)'),  -- 周日
    ('2024-02-10', 'holiday', '春节', 'Spring Festival'),  -- 周六
    ('2024-02-11', 'holiday', '春节', 'Spring Festival'),  -- 周日
    ('2024-02-12', 'holiday', '春节', 'Spring Festival'),  -- 周一
    ('2024-02-13', 'holiday', '春节', 'Spring Festival'),  -- 周二
    ('2024-02-14', 'holiday', '春节', 'Spring Festival'),  -- 周三
    ('2024-02-15', 'holiday', '春节', 'Spring Festival'),  -- 周四
    ('2024-02-16', 'holiday', '春节', 'Spring Festival'),  -- 周五
    ('2024-02-17', 'holiday', '春节', 'Spring Festival'),  -- 周六
    ('2024-02-18', 'workday', '春节调休上班', 'Make-up working day (Spring Festival)'),  -- 周日
    ('2024-04-04', 'holiday', '清明节', 'Qingming Festival'),  -- 周四
    ('2024-04-05', 'holiday', '清明节', 'Qingming Festival'),  -- 周五
    ('2024-04-06', 'holiday', '清明节', 'Qingming Festival'),  -- 周六
    ('2024-04-07', 'workday', '清明节调休上班', 'Make-up working day (Qingming Festival)'),  -- 周日
    ('2024-04-28', 'workday', '劳动节调休上班', 'Make-up working day (Labour Day)'),  -- 周日
    ('2024-05-01', 'holiday', '劳动节', 'Labour Day'),  -- 周三
    ('2024-05-02', 'holiday', '劳动节', 'Labour Day'),  -- 周四
    ('2024-05-03', 'holiday', '劳动节', 'Labour Day'),  -- 周五
    ('2024-05-04', 'holiday', '劳动节', 'Labour Day'),  -- 周六
    ('2024-05-05', 'holiday', '劳动节', 'Labour Day'),  -- 周日
    ('2024-05-11', 'workday', '劳动节调休上班', 'Make-up working day (Labour Day)'),  -- 周六
    ('2024-06-10', 'holiday', '端午节', 'Dragon Boat Festival'),  -- 周一
    ('2024-09-14', 'workday', '中秋节调休上班', 'Make-up working day (Mid-Autumn Festival)'),  -- 周六
    ('2024-09-15', 'holiday', '中秋节', 'Mid-Autumn Festival'),  -- 周日
    ('2024-09-16', 'holiday', '中秋节', 'Mid-Autumn Festival'),  -- 周一
    ('2024-09-17', 'holiday', '中秋节', 'Mid-Autumn Festival'),  -- 周二
    ('2024-09-29', 'workday', '国庆节调休上班', 'Make-up working day (National Day)'),  -- 周日
    ('2024-10-01', 'holiday', '国庆节', 'National Day'),  -- 周二
    ('2024-10-02', 'holiday', '国庆节', 'National Day'),  -- 周三
    ('2024-10-03', 'holiday', '国庆节', 'National Day'),  -- 周四
    ('2024-10-04', 'holiday', '国庆节', 'National Day'),  -- 周五
    ('2024-10-05', 'holiday', '国庆节', 'National Day'),  -- 周六
    ('2024-10-06', 'holiday', '国庆节', 'National Day'),  -- 周日
    ('2024-10-07', 'holiday', '国庆节', 'National Day'),  -- 周一
    ('2024-10-12', 'workday', '国庆节调休上班', 'Make-up working day (National Day)'),  -- 周六
    -- 2025
    ('2025-01-01', 'holiday', '元旦', 'New Year''s Day'),  -- 周三
    ('2025-01-26', 'workday', '春节调休上班', 'Make-up working day (Spring Festival)'),  -- 周日
    ('2025-01-28', 'holiday', '春节', 'Spring Festival'),  -- 周二
    ('2025-01-29', 'holiday', '春节', 'Spring Festival'),  -- 周三
    ('2025-01-30', 'holiday', '春节', 'Spring Festival'),  -- 周四
    ('2025-01-31', 'holiday', '春节', 'Spring Festival'),  -- 周五
    ('2025-02-01', 'holiday', '春节', 'Spring Festival'),  -- 周六
    ('2025-02-02', 'holiday', '春节', 'Spring Festival'),  -- 周日
    ('2025-02-03', 'holiday', '春节', 'Spring Festival'),  -- 周一
    ('2025-02-04', 'holiday', '春节', 'Spring Festival'),  -- 周二
    ('2025-02-08', 'workday', '春节调休上班', 'Make-up working day (Spring Festival)'),  -- 周六
    ('2025-04-04', 'holiday', '清明节', 'Qingming Festival'),  -- 周五
    ('2025-04-05', 'holiday', '清明节', 'Qingming Festival'),  -- 周六
    ('2025-04-06', 'holiday', '清明节', 'Qingming Festival'),  -- 周日
    ('2025-04-27', 'workday', '劳动节调休上班', 'Make-up working day (Labour Day)'),  -- 周日
    ('2025-05-01', 'holiday', '劳动节', 'Labour Day'),  -- 周四
    ('2025-05-02', 'holiday', '劳动节', 'Labour Day'),  -- 周五
    ('2025-05-03', 'holiday', '劳动节', 'Labour Day'),  -- 周六
    ('2025-05-04', 'holiday', '劳动节', 'Labour Day'),  -- 周日
    ('2025-05-05', 'holiday', '劳动节', 'Labour Day'),  -- 周一
    ('2025-05-31', 'holiday', '端午节', 'Dragon Boat Festival'),  -- 周六
    ('2025-06-01', 'holiday', '端午节', 'Dragon Boat Festival'),  -- 周日
    ('2025-06-02', 'holiday', '端午节', 'Dragon Boat Festival'),  -- 周一
    ('2025-09-28', 'workday', '国庆节、中秋节调休上班', 'Make-up working day (National Day and Mid-Autumn Festival)'),  -- 周日
    ('2025-10-01', 'holiday', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),  -- 周三
    ('2025-10-02', 'holiday', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),  -- 周四
    ('2025-10-03', 'holiday', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),  -- 周五
    ('2025-10-04', 'holiday', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),  -- 周六
    ('2025-10-05', 'holiday', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),  -- 周日
    ('2025-10-06', 'holiday', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),  -- 周一
    ('2025-10-07', 'holiday', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),  -- 周二
    ('2025-10-08', 'holiday', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),  -- 周三
    ('2025-10-11', 'workday', '国庆节、中秋节调休上班', 'Make-up working day (National Day and Mid-Autumn Festival)'),  -- 周六
    -- 2026
    ('2026-01-01', 'holiday', '元旦', 'New Year''s Day'),  -- 周四
    ('2026-01-02', 'holiday', '元旦', 'New Year''s Day'),  -- 周五
    ('2026-01-03', 'holiday', '元旦', 'New Year''s Day'),  -- 周六
    ('2026-01-04', 'workday', '元旦调休上班', 'Make-up working day (New Year''s Day)'),  -- 周日
    ('2026-02-14', 'workday', '春节调休上班', 'Make-up working day (Spring Festival)'),  -- 周六
    ('2026-02-15', 'holiday', '春节', 'Spring Festival'),  -- 周日
    ('2026-02-16', 'holiday', '春节', 'Spring Festival'),  -- 周一
    ('2026-02-17', 'holiday', '春节', 'Spring Festival'),  -- 周二
    ('2026-02-18', 'holiday', '春节', 'Spring Festival'),  -- 周三
    ('2026-02-19', 'holiday', '春节', 'Spring Festival'),  -- 周四
    ('2026-02-20', 'holiday', '春节', 'Spring Festival'),  -- 周五
    ('2026-02-21', 'holiday', '春节', 'Spring Festival'),  -- 周六
    ('2026-02-22', 'holiday', '春节', 'Spring Festival'),  -- 周日
    ('2026-02-23', 'holiday', '春节', 'Spring Festival'),  -- 周一
    ('2026-02-28', 'workday', '春节调休上班', 'Make-up working day (Spring Festival)'),  -- 周六
    ('2026-04-04', 'holiday', '清明节', 'Qingming Festival'),  -- 周六
    ('2026-04-05', 'holiday', '清明节', 'Qingming Festival'),  -- 周日
    ('2026-04-06', 'holiday', '清明节', 'Qingming Festival'),  -- 周一
    ('2026-05-01', 'holiday', '劳动节', 'Labour Day'),  -- 周五
    ('2026-05-02', 'holiday', '劳动节', 'Labour Day'),  -- 周六
    ('2026-05-03', 'holiday', '劳动节', 'Labour Day'),  -- 周日
    ('2026-05-04', 'holiday', '劳动节', 'Labour Day'),  -- 周一
    ('2026-05-05', 'holiday', '劳动节', 'Labour Day'),  -- 周二
    ('2026-05-09', 'workday', '劳动节调休上班', 'Make-up working day (Labour Day)'),  -- 周六
    ('2026-06-19', 'holiday', '端午节', 'Dragon Boat Festival'),  -- 周五
    ('2026-06-20', 'holiday', '端午节', 'Dragon Boat Festival'),  -- 周六
    ('2026-06-21', 'holiday', '端午节', 'Dragon Boat Festival'),  -- 周日
    ('2026-09-20', 'workday', '国庆节调休上班', 'Make-up working day (National Day)'),  -- 周日
    ('2026-09-25', 'holiday', '中秋节', 'Mid-Autumn Festival'),  -- 周五
    ('2026-09-26', 'holiday', '中秋节', 'Mid-Autumn Festival'),  -- 周六
    ('2026-09-27', 'holiday', '中秋节', 'Mid-Autumn Festival'),  -- 周日
    ('2026-10-01', 'holiday', '国庆节', 'National Day'),  -- 周四
    ('2026-10-02', 'holiday', '国庆节', 'National Day'),  -- 周五
    ('2026-10-03', 'holiday', '国庆节', 'National Day'),  -- 周六
    ('2026-10-04', 'holiday', '国庆节', 'National Day'),  -- 周日
    ('2026-10-05', 'holiday', '国庆节', 'National Day'),  -- 周一
    ('2026-10-06', 'holiday', '国庆节', 'National Day'),  -- 周二
    ('2026-10-07', 'holiday', '国庆节', 'National Day'),  -- 周三
    ('2026-10-10', 'workday', '国庆节调休上班', 'Make-up working day (National Day)'),  -- 周六
    -- 2027 (PROVISIONAL: statutory days only, see above)
    ('2027-01-01', 'holiday', '元旦（法定假日；调休安排待国务院通知）', 'New Year''s Day (statutory day, arrangement pending the notice)'),  -- 周五
    ('2027-02-05', 'holiday', '春节（法定假日；调休安排待国务院通知）', 'Spring Festival (statutory day, arrangement pending the notice)'),  -- 周五
    ('2027-02-06', 'holiday', '春节（法定假日；调休安排待国务院通知）', 'Spring Festival (statutory day, arrangement pending the notice)'),  -- 周六
    ('2027-02-07', 'holiday', '春节（法定假日；调休安排待国务院通知）', 'Spring Festival (statutory day, arrangement pending the notice)'),  -- 周日
    ('2027-02-08', 'holiday', '春节（法定假日；调休安排待国务院通知）', 'Spring Festival (statutory day, arrangement pending the notice)'),  -- 周一
    ('2027-04-05', 'holiday', '清明节（法定假日；调休安排待国务院通知）', 'Qingming Festival (statutory day, arrangement pending the notice)'),  -- 周一
    ('2027-05-01', 'holiday', '劳动节（法定假日；调休安排待国务院通知）', 'Labour Day (statutory day, arrangement pending the notice)'),  -- 周六
    ('2027-05-02', 'holiday', '劳动节（法定假日；调休安排待国务院通知）', 'Labour Day (statutory day, arrangement pending the notice)'),  -- 周日
    ('2027-06-09', 'holiday', '端午节（法定假日；调休安排待国务院通知）', 'Dragon Boat Festival (statutory day, arrangement pending the notice)'),  -- 周三
    ('2027-09-15', 'holiday', '中秋节（法定假日；调休安排待国务院通知）', 'Mid-Autumn Festival (statutory day, arrangement pending the notice)'),  -- 周三
    ('2027-10-01', 'holiday', '国庆节（法定假日；调休安排待国务院通知）', 'National Day (statutory day, arrangement pending the notice)'),  -- 周五
    ('2027-10-02', 'holiday', '国庆节（法定假日；调休安排待国务院通知）', 'National Day (statutory day, arrangement pending the notice)'),  -- 周六
    ('2027-10-03', 'holiday', '国庆节（法定假日；调休安排待国务院通知）', 'National Day (statutory day, arrangement pending the notice)')  -- 周日
;
