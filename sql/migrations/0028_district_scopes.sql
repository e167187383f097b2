-- Districts review first, the city decides. A staff account's scope: the city (no districts) or
-- one or more of Wuhan's districts, whose applications alone it sees and works on. An
-- application's district: where it happens when its form says so (an event's district), else its
-- earlier application's (a claim follows its filing), else where its organization is registered.

ALTER TABLE users ADD COLUMN districts text[] NOT NULL DEFAULT '{}'
    CHECK (districts <@ ARRAY['420102', '420103', '420104', '420105', '420106', '420107', '420111',
                              '420112', '420113', '420114', '420115', '420116', '420117']);

ALTER TABLE applications ADD COLUMN district_code text;

CREATE FUNCTION application_district() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_named text := coalesce(NEW.payload->>'district', NEW.payload->'fields'->>'district');
BEGIN
    IF v_named ~ '^4201[0-9]{2}$' THEN
        NEW.district_code := v_named;
    ELSE
        NEW.district_code := coalesce(
            (SELECT f.district_code FROM applications f WHERE f.id = NEW.filing_id),
            (SELECT o.district_code FROM organizations o WHERE o.id = NEW.org_id));
    END IF;
    RETURN NEW;
END
$$;

UPDATE applications a SET district_code = coalesce(
    CASE WHEN coalesce(a.payload->>'district', a.payload->'fields'->>'district') ~ '^4201[0-9]{2}$'
         THEN coalesce(a.payload->>'district', a.payload->'fields'->>'district') END,
    (SELECT o.district_code FROM organizations o WHERE o.id = a.org_id))
WHERE a.filing_id IS NULL;
UPDATE applications a SET district_code = coalesce(f.district_code, o.district_code)
FROM organizations o, applications f
WHERE a.filing_id IS NOT NULL AND o.id = a.org_id AND f.id = a.filing_id;
ALTER TABLE applications ALTER COLUMN district_code SET NOT NULL;

CREATE TRIGGER applications_district BEFORE INSERT OR UPDATE OF payload, filing_id ON applications
    FOR EACH ROW EXECUTE FUNCTION application_district();

-- The caller's scope, read with the caller.
CREATE OR REPLACE VIEW live_tokens AS
SELECT t.token_hash, t.expires_at, u.id AS user_id, u.email, u.name, u.org_id, u.language,
       u.org_role, (u.email_verified_at IS NOT NULL) AS email_verified, u.districts
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.revoked_at IS NULL AND u.is_active;

-- Article 二's computing-centre match is half the district's money: its district reviews first.
INSERT INTO program_versions (program_code, version, effective_from, effective_to, params, note,
                              created_at, created_by, status, published_at, published_by)
SELECT program_code, 2, effective_from, effective_to,
       jsonb_set(params, '{workflow,review_chain}', '"district_then_city"'),
       '区初审 → 市复核:所在区先初审,市级复核并审批', now(), 'migration', 'published', now(), 'migration'
FROM program_versions WHERE program_code = 'computing-center-match' AND version = 1;
