-- name: prior_application
-- An earlier application a claim may point to (an event's filing).
SELECT a.id, a.org_id, a.status, a.payload, a.program_code, a.program_version, a.reference, a.title
FROM applications a JOIN application_types t ON t.type = a.type AND t.prior
WHERE a.id = $1;

-- name: live_claim_for_filing
SELECT id FROM applications
WHERE filing_id = $1 AND status NOT IN ('withdrawn', 'rejected', 'lapsed')
  AND id IS DISTINCT FROM $2::uuid;

-- name: invoices_used_elsewhere
SELECT DISTINCT n.number, a.id, a.reference
FROM application_lines l
JOIN applications a ON a.id = l.application_id
CROSS JOIN LATERAL unnest(l.invoice_numbers) AS n(number)
WHERE l.invoice_numbers && $1::text[] AND n.number = ANY($1::text[]) AND l.application_id <> $2
ORDER BY n.number;

-- name: filings_due_to_lapse
-- Earlier applications not recognized by the day their program says they lapse on.
SELECT a.* FROM applications a
JOIN application_types t ON t.type = a.type AND t.prior
JOIN program_versions v ON v.program_code = a.program_code AND v.version = a.program_version
WHERE a.status IN ('submitted', 'reviewed', 'returned')
  AND v.params -> 'prior' ->> 'lapses_on' IS NOT NULL
  AND (a.payload ->> (v.params -> 'prior' ->> 'lapses_on'))::date <= $1
ORDER BY a.created_at
FOR UPDATE OF a SKIP LOCKED;
