-- The one definition of "the version of a program in effect on a day", for the program pages and
-- for every new draft: the version whose window holds the day, else (outside every window) the
-- nearest one: the latest that started before, or the earliest still to come.
-- PL/pgSQL, not SQL: its plan is kept for the session (see 0014).
CREATE FUNCTION program_version_on(p_code text, p_day date) RETURNS integer
LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
    RETURN (
        SELECT v.version FROM program_versions v
        WHERE v.program_code = p_code
        ORDER BY (v.effective_from <= p_day) DESC,
                 CASE WHEN v.effective_from <= p_day THEN v.version ELSE -v.version END DESC
        LIMIT 1
    );
END
$$;
