-- Whether a bearer token holds (live_tokens, unexpired at p_at) for a user with one of p_roles:
-- what principal_by_token and a staff route's guard require, for a statement that checks a
-- cached caller itself (portal.auth.callers). A function, not a subquery in each statement: a
-- statement planned afresh for each call would plan the subquery's joins each time, which cost
-- more than the separate read it replaces (about 100 µs of planning a page). PL/pgSQL keeps its
-- plan for the session (see 0014). STABLE: it reads in the calling statement's snapshot.
CREATE FUNCTION token_holds_with_role(p_digest bytea, p_at timestamptz, p_roles text[])
RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (
        SELECT FROM live_tokens c JOIN user_roles r ON r.user_id = c.user_id
        WHERE c.token_hash = p_digest AND c.expires_at > p_at AND r.role = ANY (p_roles)
    );
END
$$;
