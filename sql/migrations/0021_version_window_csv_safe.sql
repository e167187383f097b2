-- A version is in effect on a day only inside its window (effective_from <= day <= effective_to):
-- of the versions whose window holds the day, the latest; NULL when none does, so a version whose
-- window has ended never governs a new draft (0015 fell back to the nearest version). The program
-- pages keep showing the nearest one (programs_on), marked not in effect.
CREATE OR REPLACE FUNCTION program_version_on(p_code text, p_day date) RETURNS integer
LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
    RETURN (
        SELECT max(v.version) FROM program_versions v
        WHERE v.program_code = p_code AND v.effective_from <= p_day AND p_day <= v.effective_to
    );
END
$$;

-- A text cell a spreadsheet would read as a formula (=, +, -, @, tab, carriage return first)
-- gets a leading ' (API.md); sql.exports.safe_text is the same rule for XLSX. SQL, IMMUTABLE and
-- not STRICT, so the planner inlines it into the export's COPY (no call per cell). The first
-- character's code against integers: ~70 ns a cell; left(t, 1) IN ('=', ...) cost twice that.
CREATE FUNCTION csv_safe(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN ascii(t) IN (61, 43, 45, 64, 9, 13) THEN '''' || t ELSE t END  -- = + - @ \t \r
$$;
