CREATE FUNCTION public.application_district() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
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
$_$;

CREATE FUNCTION public.audit_append(p_at timestamp with time zone, p_actor text, p_action text, p_entity_type text, p_entity_id text, p_data jsonb) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_seq bigint;
BEGIN
    INSERT INTO audit_events (at, actor, action, entity_type, entity_id, data)
    VALUES (p_at, p_actor, p_action, p_entity_type, p_entity_id, p_data)
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;

CREATE FUNCTION public.audit_events_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION public.audit_hash(p_seq bigint, p_at timestamp with time zone, p_actor text, p_action text, p_entity_type text, p_entity_id text, p_data jsonb, p_prev_hash bytea) RETURNS bytea
    LANGUAGE plpgsql IMMUTABLE STRICT
    AS $$
BEGIN
    RETURN sha256(convert_to(jsonb_build_array(
        p_seq,
        to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        p_actor, p_action, p_entity_type, p_entity_id, p_data,
        encode(p_prev_hash, 'hex'))::text, 'UTF8'));
END
$$;

CREATE FUNCTION public.audit_seal(p_limit integer) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_no     bigint;
    v_prev   bytea;
    v_hash   bytea;
    v_seqs   bigint[] := '{}';
    v_nos    bigint[] := '{}';
    v_prevs  bytea[] := '{}';
    v_hashes bytea[] := '{}';
    r        record;
BEGIN
    PERFORM pg_advisory_xact_lock(7340000002);
    SELECT chain_no, hash INTO v_no, v_prev FROM audit_events
    WHERE chain_no IS NOT NULL ORDER BY chain_no DESC LIMIT 1;
    v_no := coalesce(v_no, 0);
    v_prev := coalesce(v_prev, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    FOR r IN
        SELECT seq, at, actor, action, entity_type, entity_id, data FROM audit_events
        WHERE chain_no IS NULL ORDER BY seq LIMIT p_limit
    LOOP
        v_no := v_no + 1;
        v_hash := audit_hash(v_no, r.at, r.actor, r.action, r.entity_type, r.entity_id, r.data, v_prev);
        v_seqs := v_seqs || r.seq;
        v_nos := v_nos || v_no;
        v_prevs := v_prevs || v_prev;
        v_hashes := v_hashes || v_hash;
        v_prev := v_hash;
    END LOOP;
    UPDATE audit_events e SET chain_no = s.chain_no, prev_hash = s.prev_hash, hash = s.hash
    FROM unnest(v_seqs, v_nos, v_prevs, v_hashes) AS s (seq, chain_no, prev_hash, hash)
    WHERE e.seq = s.seq;
    RETURN cardinality(v_seqs);
END
$$;

CREATE FUNCTION public.csv_safe(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN ascii(t) IN (61, 43, 45, 64, 9, 13) THEN '''' || t ELSE t END  -- = + - @ \t \r
$$;

CREATE FUNCTION public.objections_resolved_once() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'objection % is already resolved', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE FUNCTION public.program_version_on(p_code text, p_day date) RETURNS integer
    LANGUAGE plpgsql STABLE STRICT
    AS $$
BEGIN
    RETURN (
        SELECT max(v.version) FROM program_versions v
        WHERE v.program_code = p_code AND v.status = 'published'
          AND v.effective_from <= p_day AND p_day <= v.effective_to
    );
END
$$;

CREATE FUNCTION public.program_versions_keep_published() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'program version %/% is published and never changes',
            OLD.program_code, OLD.version USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION public.token_holds_with_role(p_digest bytea, p_at timestamp with time zone, p_roles text[]) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (
        SELECT FROM live_tokens c JOIN user_roles r ON r.user_id = c.user_id
        WHERE c.token_hash = p_digest AND c.expires_at > p_at AND r.role = ANY (p_roles)
    );
END
$$;

CREATE FUNCTION public.uuid7() RETURNS uuid
    LANGUAGE sql PARALLEL SAFE
    AS $$
    -- A random v4 UUID with its first 48 bits replaced by the Unix time in milliseconds and its
    -- version nibble turned from 4 (0100) to 7 (0111); the variant bits stay 10.
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                                      FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;

CREATE TABLE public.account_links (
    token_hash bytea NOT NULL,
    purpose text NOT NULL,
    user_id uuid,
    org_id uuid,
    email text NOT NULL,
    org_role text,
    created_by uuid,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT account_links_check CHECK (((purpose = 'invitation'::text) = ((org_id IS NOT NULL) AND (org_role IS NOT NULL)))),
    CONSTRAINT account_links_check1 CHECK (((purpose = 'invitation'::text) OR (user_id IS NOT NULL))),
    CONSTRAINT account_links_check2 CHECK ((expires_at > created_at)),
    CONSTRAINT account_links_email_check CHECK ((email = lower(email))),
    CONSTRAINT account_links_org_role_check CHECK ((org_role = ANY (ARRAY['org_admin'::text, 'member'::text]))),
    CONSTRAINT account_links_purpose_check CHECK ((purpose = ANY (ARRAY['verify_email'::text, 'password_reset'::text, 'invitation'::text]))),
    CONSTRAINT account_links_token_hash_check CHECK ((length(token_hash) = 32))
);

CREATE TABLE public.api_tokens (
    token_hash bytea NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    CONSTRAINT api_tokens_token_hash_check CHECK ((length(token_hash) = 32))
);

CREATE TABLE public.application_lines (
    application_id uuid NOT NULL,
    line_no integer NOT NULL,
    kind text NOT NULL,
    category text NOT NULL,
    description text NOT NULL,
    amount_fen bigint NOT NULL,
    invoice_numbers text[] DEFAULT '{}'::text[] NOT NULL,
    document_ids uuid[] DEFAULT '{}'::uuid[] NOT NULL,
    approved_fen bigint,
    cut_reason text,
    CONSTRAINT application_lines_amount_fen_check CHECK ((amount_fen >= 0)),
    CONSTRAINT application_lines_check CHECK (((approved_fen >= 0) AND (approved_fen <= amount_fen))),
    CONSTRAINT application_lines_kind_check CHECK ((kind = ANY (ARRAY['budget'::text, 'expense'::text, 'investment'::text]))),
    CONSTRAINT application_lines_line_no_check CHECK ((line_no >= 0))
);

CREATE TABLE public.application_types (
    type text NOT NULL,
    program_code text,
    prior boolean DEFAULT false NOT NULL,
    prefix text NOT NULL,
    CONSTRAINT application_types_check CHECK (((type = 'program_claim'::text) = (program_code IS NULL))),
    CONSTRAINT application_types_prefix_check CHECK ((prefix ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT application_types_type_check CHECK ((type ~ '^[a-z][a-z0-9_]{1,40}$'::text))
);

CREATE TABLE public.applications (
    id uuid DEFAULT public.uuid7() NOT NULL,
    org_id uuid NOT NULL,
    type text NOT NULL,
    status text NOT NULL,
    program_code text NOT NULL,
    program_version integer NOT NULL,
    reference text,
    title text DEFAULT ''::text NOT NULL,
    payload jsonb NOT NULL,
    filing_id uuid,
    amount_requested_fen bigint,
    amount_approved_fen bigint,
    award jsonb,
    budget_year integer,
    passed_by uuid,
    approved_by uuid,
    created_by uuid NOT NULL,
    submitted_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    fingerprint text,
    proposed_by uuid,
    district_code text NOT NULL,
    CONSTRAINT applications_amount_approved_fen_check CHECK ((amount_approved_fen >= 0)),
    CONSTRAINT applications_amount_requested_fen_check CHECK ((amount_requested_fen >= 0)),
    CONSTRAINT applications_check CHECK (((amount_approved_fen IS NULL) = (award IS NULL))),
    CONSTRAINT applications_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'submitted'::text, 'reviewed'::text, 'recognized'::text, 'approved'::text, 'publicized'::text, 'confirmed'::text, 'disbursed'::text, 'returned'::text, 'rejected'::text, 'withdrawn'::text, 'lapsed'::text])))
);

CREATE TABLE public.audit_events (
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id text NOT NULL,
    data jsonb DEFAULT '{}'::jsonb NOT NULL,
    prev_hash bytea,
    hash bytea,
    chain_no bigint
);

CREATE SEQUENCE public.audit_events_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.audit_events_seq OWNED BY public.audit_events.seq;

CREATE TABLE public.award_funding (
    application_id uuid NOT NULL,
    program_code text NOT NULL,
    year integer NOT NULL,
    funder text NOT NULL,
    amount_fen bigint NOT NULL,
    CONSTRAINT award_funding_amount_fen_check CHECK ((amount_fen >= 0))
);

CREATE TABLE public.budgets (
    program_code text NOT NULL,
    year integer NOT NULL,
    allocated_fen bigint NOT NULL,
    reserved_fen bigint DEFAULT 0 NOT NULL,
    spent_fen bigint DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    funder text DEFAULT 'city'::text NOT NULL,
    CONSTRAINT budgets_allocated_fen_check CHECK ((allocated_fen >= 0)),
    CONSTRAINT budgets_funder_check CHECK ((funder = ANY (ARRAY['city'::text, '420102'::text, '420103'::text, '420104'::text, '420105'::text, '420106'::text, '420107'::text, '420111'::text, '420112'::text, '420113'::text, '420114'::text, '420115'::text, '420116'::text, '420117'::text]))),
    CONSTRAINT budgets_reserved_fen_check CHECK ((reserved_fen >= 0)),
    CONSTRAINT budgets_spent_fen_check CHECK ((spent_fen >= 0)),
    CONSTRAINT budgets_within_allocation CHECK (((reserved_fen + spent_fen) <= allocated_fen)),
    CONSTRAINT budgets_year_check CHECK (((year >= 2000) AND (year <= 2100)))
);

CREATE TABLE public.calendar_days (
    day date NOT NULL,
    kind text NOT NULL,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    CONSTRAINT calendar_days_kind_check CHECK ((kind = ANY (ARRAY['holiday'::text, 'workday'::text])))
);

CREATE TABLE public.calls (
    program_code text NOT NULL,
    year integer NOT NULL,
    opens_on date NOT NULL,
    closes_on date NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT calls_check CHECK ((closes_on >= opens_on)),
    CONSTRAINT calls_year_check CHECK (((year >= 2000) AND (year <= 2100)))
);

CREATE TABLE public.deliveries (
    id bigint NOT NULL,
    outbox_id bigint NOT NULL,
    channel text NOT NULL,
    user_id uuid,
    address text,
    subject text,
    body text,
    status text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    enqueues integer DEFAULT 0 NOT NULL,
    due_at timestamp with time zone,
    last_error text,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    CONSTRAINT deliveries_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT deliveries_channel_check CHECK ((channel = ANY (ARRAY['inbox'::text, 'email'::text, 'sms'::text]))),
    CONSTRAINT deliveries_check CHECK (((status = 'sent'::text) = (sent_at IS NOT NULL))),
    CONSTRAINT deliveries_check1 CHECK (((channel = 'inbox'::text) OR ((address IS NOT NULL) AND (subject IS NOT NULL) AND (body IS NOT NULL)))),
    CONSTRAINT deliveries_enqueues_check CHECK ((enqueues >= 0)),
    CONSTRAINT deliveries_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'failed'::text, 'sent'::text, 'dead'::text]))),
    CONSTRAINT deliveries_user_check CHECK (((channel <> 'inbox'::text) OR (user_id IS NOT NULL)))
);

ALTER TABLE public.deliveries ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.deliveries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.disbursements (
    application_id uuid NOT NULL,
    paid_on date NOT NULL,
    amount_fen bigint NOT NULL,
    reference text NOT NULL,
    recorded_by uuid NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    batch_id uuid,
    CONSTRAINT disbursements_amount_fen_check CHECK ((amount_fen > 0))
);

CREATE TABLE public.documents (
    id uuid DEFAULT public.uuid7() NOT NULL,
    org_id uuid,
    uploaded_by uuid NOT NULL,
    filename text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 bytea NOT NULL,
    storage_key text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT documents_content_type_check CHECK ((content_type = ANY (ARRAY['application/pdf'::text, 'image/jpeg'::text, 'image/png'::text, 'application/ofd'::text, 'application/xml'::text]))),
    CONSTRAINT documents_sha256_check CHECK ((length(sha256) = 32)),
    CONSTRAINT documents_size_bytes_check CHECK ((size_bytes > 0))
);

CREATE TABLE public.exchanges (
    code text NOT NULL,
    valid_from date NOT NULL,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    market text NOT NULL,
    jurisdiction text NOT NULL,
    eligible boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by text NOT NULL,
    CONSTRAINT exchanges_code_check CHECK ((code ~ '^[A-Z][A-Z0-9]{1,9}$'::text)),
    CONSTRAINT exchanges_market_check CHECK ((market = ANY (ARRAY['domestic'::text, 'overseas'::text])))
);

CREATE TABLE public.export_jobs (
    id uuid DEFAULT public.uuid7() NOT NULL,
    requested_by uuid NOT NULL,
    format text NOT NULL,
    state text DEFAULT 'queued'::text NOT NULL,
    rows_total bigint,
    rows_done bigint DEFAULT 0 NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    heartbeat_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    error text,
    CONSTRAINT export_jobs_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT export_jobs_check CHECK (((state = ANY (ARRAY['done'::text, 'failed'::text])) = (finished_at IS NOT NULL))),
    CONSTRAINT export_jobs_check1 CHECK (((state <> 'running'::text) OR ((heartbeat_at IS NOT NULL) AND (started_at IS NOT NULL)))),
    CONSTRAINT export_jobs_format_check CHECK ((format = 'xlsx'::text)),
    CONSTRAINT export_jobs_rows_done_check CHECK ((rows_done >= 0)),
    CONSTRAINT export_jobs_rows_total_check CHECK ((rows_total >= 0)),
    CONSTRAINT export_jobs_state_check CHECK ((state = ANY (ARRAY['queued'::text, 'running'::text, 'done'::text, 'failed'::text])))
);

CREATE TABLE public.follow_ups (
    application_id uuid NOT NULL,
    year integer NOT NULL,
    whole_fen bigint NOT NULL,
    part_fen bigint NOT NULL,
    recovery_due boolean NOT NULL,
    note text NOT NULL,
    recorded_by uuid NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT follow_ups_part_fen_check CHECK ((part_fen >= 0)),
    CONSTRAINT follow_ups_whole_fen_check CHECK ((whole_fen > 0)),
    CONSTRAINT follow_ups_year_check CHECK (((year >= 2000) AND (year <= 2100)))
);

CREATE TABLE public.idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    request_hash bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    status_code integer,
    content_type text,
    body bytea,
    CONSTRAINT idempotency_keys_check CHECK ((((completed_at IS NULL) = (status_code IS NULL)) AND ((completed_at IS NULL) = (body IS NULL)))),
    CONSTRAINT idempotency_keys_key_check CHECK (((length(key) >= 1) AND (length(key) <= 200))),
    CONSTRAINT idempotency_keys_request_hash_check CHECK ((length(request_hash) = 32)),
    CONSTRAINT idempotency_keys_status_code_check CHECK (((status_code >= 100) AND (status_code <= 599)))
);

CREATE TABLE public.users (
    id uuid DEFAULT public.uuid7() NOT NULL,
    email text NOT NULL,
    name text NOT NULL,
    password_hash text NOT NULL,
    org_id uuid,
    language text DEFAULT 'zh'::text NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone NOT NULL,
    phone text,
    org_role text,
    email_verified_at timestamp with time zone,
    districts text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT users_districts_check CHECK ((districts <@ ARRAY['420102'::text, '420103'::text, '420104'::text, '420105'::text, '420106'::text, '420107'::text, '420111'::text, '420112'::text, '420113'::text, '420114'::text, '420115'::text, '420116'::text, '420117'::text])),
    CONSTRAINT users_email_check CHECK ((email = lower(email))),
    CONSTRAINT users_language_check CHECK ((language = ANY (ARRAY['zh'::text, 'en'::text]))),
    CONSTRAINT users_org_member_check CHECK (((org_id IS NULL) = (org_role IS NULL))),
    CONSTRAINT users_org_role_check CHECK ((org_role = ANY (ARRAY['org_admin'::text, 'member'::text]))),
    CONSTRAINT users_phone_check CHECK ((phone ~ '^\+?[0-9]{6,20}$'::text))
);

CREATE VIEW public.live_tokens AS
 SELECT t.token_hash,
    t.expires_at,
    u.id AS user_id,
    u.email,
    u.name,
    u.org_id,
    u.language,
    u.org_role,
    (u.email_verified_at IS NOT NULL) AS email_verified,
    u.districts
   FROM (public.api_tokens t
     JOIN public.users u ON ((u.id = t.user_id)))
  WHERE ((t.revoked_at IS NULL) AND u.is_active);

CREATE TABLE public.notices (
    code text NOT NULL,
    kind text NOT NULL,
    subject_id uuid NOT NULL,
    edition integer DEFAULT 1 NOT NULL,
    facts jsonb NOT NULL,
    digest text NOT NULL,
    issued_at timestamp with time zone NOT NULL,
    issued_by uuid,
    CONSTRAINT notices_code_check CHECK ((code ~ '^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'::text)),
    CONSTRAINT notices_digest_check CHECK ((digest ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT notices_edition_check CHECK ((edition >= 1)),
    CONSTRAINT notices_kind_check CHECK ((kind = ANY (ARRAY['filing'::text, 'decision'::text, 'publicity'::text, 'payment'::text])))
);

CREATE TABLE public.notification_preferences (
    user_id uuid NOT NULL,
    topic text NOT NULL,
    channel text NOT NULL,
    enabled boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT notification_preferences_channel_check CHECK ((channel = ANY (ARRAY['inbox'::text, 'email'::text, 'sms'::text]))),
    CONSTRAINT notification_preferences_topic_check CHECK ((topic ~ '^[a-z_]+\.[a-z_]+$'::text))
);

CREATE TABLE public.notifications (
    id uuid DEFAULT public.uuid7() NOT NULL,
    user_id uuid NOT NULL,
    delivery_id bigint NOT NULL,
    topic text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    application_id uuid,
    created_at timestamp with time zone NOT NULL,
    read_at timestamp with time zone
);

CREATE TABLE public.objections (
    id uuid DEFAULT public.uuid7() NOT NULL,
    application_id uuid NOT NULL,
    batch_id uuid NOT NULL,
    reason text NOT NULL,
    contact text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    resolution_comment text,
    resolved_by uuid,
    resolved_at timestamp with time zone,
    CONSTRAINT objections_resolution_check CHECK ((((status = 'open'::text) = (resolved_at IS NULL)) AND ((status = 'open'::text) = (resolution_comment IS NULL)))),
    CONSTRAINT objections_status_check CHECK ((status = ANY (ARRAY['open'::text, 'dismissed'::text, 'upheld'::text])))
);

CREATE TABLE public.oidc_identities (
    issuer text NOT NULL,
    subject text NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL
);

CREATE TABLE public.oidc_logins (
    key_hash bytea NOT NULL,
    stage text NOT NULL,
    nonce text,
    code_verifier text,
    next_path text DEFAULT '/'::text NOT NULL,
    identity jsonb,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT oidc_logins_check CHECK (((stage = 'registering'::text) = (identity IS NOT NULL))),
    CONSTRAINT oidc_logins_key_hash_check CHECK ((length(key_hash) = 32)),
    CONSTRAINT oidc_logins_stage_check CHECK ((stage = ANY (ARRAY['authorizing'::text, 'registering'::text])))
);

CREATE TABLE public.organizations (
    id uuid DEFAULT public.uuid7() NOT NULL,
    name text NOT NULL,
    uscc text NOT NULL,
    district_code text NOT NULL,
    contact_name text NOT NULL,
    contact_phone text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    bank_account jsonb,
    address text DEFAULT ''::text NOT NULL,
    CONSTRAINT organizations_address_check CHECK ((length(address) <= 200)),
    CONSTRAINT organizations_district_code_check CHECK ((district_code ~ '^[0-9A-HJ-NPQRTUWXY]{6}$'::text)),
    CONSTRAINT organizations_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT organizations_uscc_check CHECK ((uscc ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'::text))
);

CREATE TABLE public.outbox (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    topic text NOT NULL,
    payload jsonb NOT NULL,
    relayed_at timestamp with time zone
);

ALTER TABLE public.outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.payment_batches (
    id uuid DEFAULT public.uuid7() NOT NULL,
    items integer NOT NULL,
    total_fen bigint NOT NULL,
    recorded_by uuid NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT payment_batches_items_check CHECK ((items > 0)),
    CONSTRAINT payment_batches_total_fen_check CHECK ((total_fen > 0))
);

CREATE TABLE public.program_versions (
    program_code text NOT NULL,
    version integer NOT NULL,
    effective_from date NOT NULL,
    effective_to date NOT NULL,
    params jsonb NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by text NOT NULL,
    status text DEFAULT 'draft'::text NOT NULL,
    published_at timestamp with time zone,
    published_by text,
    CONSTRAINT program_versions_check CHECK ((effective_to >= effective_from)),
    CONSTRAINT program_versions_published_check CHECK (((status = 'published'::text) = ((published_at IS NOT NULL) AND (published_by IS NOT NULL)))),
    CONSTRAINT program_versions_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'published'::text]))),
    CONSTRAINT program_versions_version_check CHECK ((version > 0))
);

CREATE TABLE public.programs (
    code text NOT NULL,
    kind text NOT NULL,
    article text NOT NULL,
    title_zh text NOT NULL,
    title_en text NOT NULL,
    CONSTRAINT programs_code_check CHECK ((code ~ '^[a-z][a-z0-9-]{1,40}$'::text))
);

CREATE TABLE public.publicity_batches (
    id uuid DEFAULT public.uuid7() NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    closed_at timestamp with time zone,
    CONSTRAINT publicity_batches_check CHECK ((ends_on >= starts_on))
);

CREATE TABLE public.publicity_items (
    batch_id uuid NOT NULL,
    application_id uuid NOT NULL,
    amount_fen bigint NOT NULL,
    CONSTRAINT publicity_items_amount_fen_check CHECK ((amount_fen >= 0))
);

CREATE TABLE public.recoveries (
    application_id uuid NOT NULL,
    amount_fen bigint NOT NULL,
    repaid_fen bigint DEFAULT 0 NOT NULL,
    due_on date NOT NULL,
    reason text NOT NULL,
    recorded_by uuid NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT recoveries_amount_fen_check CHECK ((amount_fen > 0)),
    CONSTRAINT recoveries_check CHECK ((repaid_fen <= amount_fen)),
    CONSTRAINT recoveries_reason_check CHECK (((length(reason) >= 1) AND (length(reason) <= 10000))),
    CONSTRAINT recoveries_repaid_fen_check CHECK ((repaid_fen >= 0))
);

CREATE TABLE public.reference_counters (
    prefix text NOT NULL,
    year integer NOT NULL,
    last integer NOT NULL,
    CONSTRAINT reference_counters_last_check CHECK ((last > 0))
);

CREATE TABLE public.reminders_sent (
    subject text NOT NULL,
    kind text NOT NULL,
    sent_at timestamp with time zone NOT NULL
);

CREATE TABLE public.repayments (
    id uuid DEFAULT public.uuid7() NOT NULL,
    application_id uuid NOT NULL,
    amount_fen bigint NOT NULL,
    paid_on date NOT NULL,
    reference text NOT NULL,
    recorded_by uuid NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT repayments_amount_fen_check CHECK ((amount_fen > 0))
);

CREATE TABLE public.schema_migrations (
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.scores (
    application_id uuid NOT NULL,
    reviewer_id uuid NOT NULL,
    score integer NOT NULL,
    comment text NOT NULL,
    declared_no_conflict boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT scores_declared_no_conflict_check CHECK (declared_no_conflict),
    CONSTRAINT scores_score_check CHECK (((score >= 0) AND (score <= 100)))
);

CREATE TABLE public.throttles (
    key text NOT NULL,
    hits integer NOT NULL,
    window_start timestamp with time zone NOT NULL,
    locked_until timestamp with time zone,
    CONSTRAINT throttles_hits_check CHECK ((hits >= 0))
);

CREATE TABLE public.user_roles (
    user_id uuid NOT NULL,
    role text NOT NULL,
    granted_at timestamp with time zone NOT NULL,
    granted_by uuid,
    CONSTRAINT user_roles_role_check CHECK ((role = ANY (ARRAY['reviewer'::text, 'approver'::text, 'finance'::text, 'admin'::text, 'auditor'::text])))
);

CREATE TABLE public.web_sessions (
    id_hash bytea NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT web_sessions_id_hash_check CHECK ((length(id_hash) = 32))
);

ALTER TABLE ONLY public.audit_events ALTER COLUMN seq SET DEFAULT nextval('public.audit_events_seq'::regclass);

ALTER TABLE ONLY public.account_links
    ADD CONSTRAINT account_links_pkey PRIMARY KEY (token_hash);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (token_hash);

ALTER TABLE ONLY public.application_lines
    ADD CONSTRAINT application_lines_pkey PRIMARY KEY (application_id, line_no);

ALTER TABLE ONLY public.application_types
    ADD CONSTRAINT application_types_pkey PRIMARY KEY (type);

ALTER TABLE ONLY public.application_types
    ADD CONSTRAINT application_types_prefix_key UNIQUE (prefix);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_reference_key UNIQUE (reference);

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY public.award_funding
    ADD CONSTRAINT award_funding_pkey PRIMARY KEY (application_id, funder);

ALTER TABLE ONLY public.budgets
    ADD CONSTRAINT budgets_pkey PRIMARY KEY (program_code, year, funder);

ALTER TABLE ONLY public.calendar_days
    ADD CONSTRAINT calendar_days_pkey PRIMARY KEY (day);

ALTER TABLE ONLY public.calls
    ADD CONSTRAINT calls_pkey PRIMARY KEY (program_code, year);

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_outbox_id_channel_user_id_key UNIQUE (outbox_id, channel, user_id);

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.disbursements
    ADD CONSTRAINT disbursements_pkey PRIMARY KEY (application_id);

ALTER TABLE ONLY public.documents
    ADD CONSTRAINT documents_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.documents
    ADD CONSTRAINT documents_storage_key_key UNIQUE (storage_key);

ALTER TABLE ONLY public.exchanges
    ADD CONSTRAINT exchanges_pkey PRIMARY KEY (code, valid_from);

ALTER TABLE ONLY public.export_jobs
    ADD CONSTRAINT export_jobs_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.follow_ups
    ADD CONSTRAINT follow_ups_pkey PRIMARY KEY (application_id, year);

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key);

ALTER TABLE ONLY public.notices
    ADD CONSTRAINT notices_pkey PRIMARY KEY (code);

ALTER TABLE ONLY public.notices
    ADD CONSTRAINT notices_subject_key UNIQUE (kind, subject_id, edition);

ALTER TABLE ONLY public.notification_preferences
    ADD CONSTRAINT notification_preferences_pkey PRIMARY KEY (user_id, topic, channel);

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_delivery_id_key UNIQUE (delivery_id);

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.objections
    ADD CONSTRAINT objections_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.oidc_identities
    ADD CONSTRAINT oidc_identities_pkey PRIMARY KEY (issuer, subject);

ALTER TABLE ONLY public.oidc_logins
    ADD CONSTRAINT oidc_logins_pkey PRIMARY KEY (key_hash);

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_uscc_key UNIQUE (uscc);

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.payment_batches
    ADD CONSTRAINT payment_batches_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.program_versions
    ADD CONSTRAINT program_versions_pkey PRIMARY KEY (program_code, version);

ALTER TABLE ONLY public.programs
    ADD CONSTRAINT programs_pkey PRIMARY KEY (code);

ALTER TABLE ONLY public.publicity_batches
    ADD CONSTRAINT publicity_batches_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.publicity_items
    ADD CONSTRAINT publicity_items_pkey PRIMARY KEY (batch_id, application_id);

ALTER TABLE ONLY public.recoveries
    ADD CONSTRAINT recoveries_pkey PRIMARY KEY (application_id);

ALTER TABLE ONLY public.reference_counters
    ADD CONSTRAINT reference_counters_pkey PRIMARY KEY (prefix, year);

ALTER TABLE ONLY public.reminders_sent
    ADD CONSTRAINT reminders_sent_pkey PRIMARY KEY (subject, kind);

ALTER TABLE ONLY public.repayments
    ADD CONSTRAINT repayments_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (name);

ALTER TABLE ONLY public.scores
    ADD CONSTRAINT scores_pkey PRIMARY KEY (application_id, reviewer_id);

ALTER TABLE ONLY public.throttles
    ADD CONSTRAINT throttles_pkey PRIMARY KEY (key);

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_pkey PRIMARY KEY (user_id, role);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.web_sessions
    ADD CONSTRAINT web_sessions_pkey PRIMARY KEY (id_hash);

CREATE INDEX account_links_invitations_idx ON public.account_links USING btree (org_id, email) WHERE ((purpose = 'invitation'::text) AND (used_at IS NULL));

CREATE INDEX account_links_user_idx ON public.account_links USING btree (user_id, purpose) WHERE (used_at IS NULL);

CREATE INDEX api_tokens_user_id_idx ON public.api_tokens USING btree (user_id);

CREATE INDEX application_lines_invoices_idx ON public.application_lines USING gin (invoice_numbers);

CREATE INDEX applications_created_idx ON public.applications USING btree (created_at, id);

CREATE INDEX applications_fingerprint_idx ON public.applications USING btree (fingerprint) WHERE (fingerprint IS NOT NULL);

CREATE UNIQUE INDEX applications_one_live_claim ON public.applications USING btree (filing_id) WHERE ((filing_id IS NOT NULL) AND (status <> ALL (ARRAY['withdrawn'::text, 'rejected'::text, 'lapsed'::text])));

CREATE INDEX applications_org_idx ON public.applications USING btree (org_id, created_at DESC, id DESC);

CREATE INDEX applications_org_type_idx ON public.applications USING btree (org_id, type);

CREATE INDEX applications_queue_idx ON public.applications USING btree (status, program_code, created_at, id);

CREATE INDEX applications_status_created_idx ON public.applications USING btree (status, created_at, id);

CREATE UNIQUE INDEX audit_events_chain_no_key ON public.audit_events USING btree (chain_no) WHERE (chain_no IS NOT NULL);

CREATE INDEX audit_events_decisions_idx ON public.audit_events USING btree (at) WHERE (action = ANY (ARRAY['application.pass'::text, 'application.return'::text, 'application.reject'::text, 'application.approve'::text, 'application.uphold_objection'::text]));

CREATE INDEX audit_events_entity_idx ON public.audit_events USING btree (entity_type, entity_id, seq);

CREATE INDEX audit_events_unsealed_idx ON public.audit_events USING btree (seq) WHERE (chain_no IS NULL);

CREATE INDEX deliveries_dead_idx ON public.deliveries USING btree (id DESC) WHERE (status = 'dead'::text);

CREATE INDEX deliveries_due_idx ON public.deliveries USING btree (due_at) WHERE (status = ANY (ARRAY['pending'::text, 'failed'::text]));

CREATE INDEX disbursements_batch_idx ON public.disbursements USING btree (batch_id) WHERE (batch_id IS NOT NULL);

CREATE UNIQUE INDEX export_jobs_open_key ON public.export_jobs USING btree (requested_by, format) WHERE (state = ANY (ARRAY['queued'::text, 'running'::text]));

CREATE INDEX export_jobs_queue_idx ON public.export_jobs USING btree (state, created_at) WHERE (state = ANY (ARRAY['queued'::text, 'running'::text]));

CREATE INDEX export_jobs_requester_idx ON public.export_jobs USING btree (requested_by, created_at DESC);

CREATE INDEX idempotency_keys_created_at_idx ON public.idempotency_keys USING btree (created_at);

CREATE INDEX notifications_inbox_idx ON public.notifications USING btree (user_id, created_at DESC, id DESC);

CREATE INDEX notifications_unread_idx ON public.notifications USING btree (user_id) WHERE (read_at IS NULL);

CREATE INDEX objections_application_idx ON public.objections USING btree (application_id);

CREATE INDEX objections_listed_idx ON public.objections USING btree (created_at, id);

CREATE INDEX objections_open_idx ON public.objections USING btree (application_id) WHERE (status = 'open'::text);

CREATE INDEX oidc_identities_user_idx ON public.oidc_identities USING btree (user_id);

CREATE INDEX oidc_logins_expires_idx ON public.oidc_logins USING btree (expires_at);

CREATE INDEX outbox_pending_idx ON public.outbox USING btree (id) WHERE (relayed_at IS NULL);

CREATE INDEX publicity_batches_open_idx ON public.publicity_batches USING btree (ends_on) WHERE (closed_at IS NULL);

CREATE INDEX publicity_items_application_idx ON public.publicity_items USING btree (application_id);

CREATE INDEX repayments_application_idx ON public.repayments USING btree (application_id, paid_on);

CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email);

CREATE INDEX users_org_admins_idx ON public.users USING btree (org_id) WHERE ((org_role = 'org_admin'::text) AND is_active);

CREATE INDEX users_org_id_idx ON public.users USING btree (org_id);

CREATE INDEX web_sessions_expires_idx ON public.web_sessions USING btree (expires_at);

CREATE INDEX web_sessions_user_idx ON public.web_sessions USING btree (user_id);

CREATE TRIGGER applications_district BEFORE INSERT OR UPDATE OF payload, filing_id ON public.applications FOR EACH ROW EXECUTE FUNCTION public.application_district();

CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON public.audit_events FOR EACH ROW WHEN ((((old.chain_no IS NULL) AND (new.chain_no > 0) AND (length(new.hash) = 32) AND (length(new.prev_hash) = 32) AND (NOT (((((((new.seq IS DISTINCT FROM old.seq) OR (new.at IS DISTINCT FROM old.at)) OR (new.actor IS DISTINCT FROM old.actor)) OR (new.action IS DISTINCT FROM old.action)) OR (new.entity_type IS DISTINCT FROM old.entity_type)) OR (new.entity_id IS DISTINCT FROM old.entity_id)) OR (new.data IS DISTINCT FROM old.data)))) IS NOT TRUE)) EXECUTE FUNCTION public.audit_events_refuse_change();

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON public.audit_events FOR EACH ROW EXECUTE FUNCTION public.audit_events_refuse_change();

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON public.audit_events FOR EACH STATEMENT EXECUTE FUNCTION public.audit_events_refuse_change();

CREATE TRIGGER objections_resolved_once BEFORE UPDATE ON public.objections FOR EACH ROW WHEN ((old.status <> 'open'::text)) EXECUTE FUNCTION public.objections_resolved_once();

CREATE TRIGGER program_versions_keep_published BEFORE UPDATE ON public.program_versions FOR EACH ROW EXECUTE FUNCTION public.program_versions_keep_published();

ALTER TABLE ONLY public.account_links
    ADD CONSTRAINT account_links_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.account_links
    ADD CONSTRAINT account_links_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id);

ALTER TABLE ONLY public.account_links
    ADD CONSTRAINT account_links_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.application_lines
    ADD CONSTRAINT application_lines_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.application_types
    ADD CONSTRAINT application_types_program_code_fkey FOREIGN KEY (program_code) REFERENCES public.programs(code);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_approved_by_fkey FOREIGN KEY (approved_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_filing_id_fkey FOREIGN KEY (filing_id) REFERENCES public.applications(id);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_passed_by_fkey FOREIGN KEY (passed_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_program_code_program_version_fkey FOREIGN KEY (program_code, program_version) REFERENCES public.program_versions(program_code, version);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_proposed_by_fkey FOREIGN KEY (proposed_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_type_fkey FOREIGN KEY (type) REFERENCES public.application_types(type);

ALTER TABLE ONLY public.award_funding
    ADD CONSTRAINT award_funding_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id);

ALTER TABLE ONLY public.award_funding
    ADD CONSTRAINT award_funding_program_code_year_funder_fkey FOREIGN KEY (program_code, year, funder) REFERENCES public.budgets(program_code, year, funder);

ALTER TABLE ONLY public.budgets
    ADD CONSTRAINT budgets_program_code_fkey FOREIGN KEY (program_code) REFERENCES public.programs(code);

ALTER TABLE ONLY public.calls
    ADD CONSTRAINT calls_program_code_fkey FOREIGN KEY (program_code) REFERENCES public.programs(code);

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_outbox_id_fkey FOREIGN KEY (outbox_id) REFERENCES public.outbox(id);

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.disbursements
    ADD CONSTRAINT disbursements_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id);

ALTER TABLE ONLY public.disbursements
    ADD CONSTRAINT disbursements_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.payment_batches(id);

ALTER TABLE ONLY public.disbursements
    ADD CONSTRAINT disbursements_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.documents
    ADD CONSTRAINT documents_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id);

ALTER TABLE ONLY public.documents
    ADD CONSTRAINT documents_uploaded_by_fkey FOREIGN KEY (uploaded_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.export_jobs
    ADD CONSTRAINT export_jobs_requested_by_fkey FOREIGN KEY (requested_by) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.notices
    ADD CONSTRAINT notices_issued_by_fkey FOREIGN KEY (issued_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.notification_preferences
    ADD CONSTRAINT notification_preferences_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id);

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES public.deliveries(id);

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.objections
    ADD CONSTRAINT objections_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id);

ALTER TABLE ONLY public.objections
    ADD CONSTRAINT objections_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.publicity_batches(id);

ALTER TABLE ONLY public.objections
    ADD CONSTRAINT objections_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.oidc_identities
    ADD CONSTRAINT oidc_identities_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.follow_ups
    ADD CONSTRAINT overseas_follow_ups_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id);

ALTER TABLE ONLY public.follow_ups
    ADD CONSTRAINT overseas_follow_ups_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.payment_batches
    ADD CONSTRAINT payment_batches_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.program_versions
    ADD CONSTRAINT program_versions_program_code_fkey FOREIGN KEY (program_code) REFERENCES public.programs(code);

ALTER TABLE ONLY public.publicity_batches
    ADD CONSTRAINT publicity_batches_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.publicity_items
    ADD CONSTRAINT publicity_items_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id);

ALTER TABLE ONLY public.publicity_items
    ADD CONSTRAINT publicity_items_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.publicity_batches(id);

ALTER TABLE ONLY public.recoveries
    ADD CONSTRAINT recoveries_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.disbursements(application_id);

ALTER TABLE ONLY public.recoveries
    ADD CONSTRAINT recoveries_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.repayments
    ADD CONSTRAINT repayments_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.recoveries(application_id);

ALTER TABLE ONLY public.repayments
    ADD CONSTRAINT repayments_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.scores
    ADD CONSTRAINT scores_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id);

ALTER TABLE ONLY public.scores
    ADD CONSTRAINT scores_reviewer_id_fkey FOREIGN KEY (reviewer_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_granted_by_fkey FOREIGN KEY (granted_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id);

ALTER TABLE ONLY public.web_sessions
    ADD CONSTRAINT web_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
