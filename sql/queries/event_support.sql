-- name: filing_for_claim
SELECT id, org_id, status, payload, program_code, program_version, reference
FROM applications WHERE id = $1 AND type = 'event_filing';

-- name: live_claim_for_filing
SELECT id FROM applications
WHERE filing_id = $1 AND type = 'event_claim' AND status NOT IN ('withdrawn', 'rejected', 'lapsed')
  AND id IS DISTINCT FROM $2::uuid;

-- name: invoices_used_elsewhere
SELECT DISTINCT n.number, a.id, a.reference
FROM application_lines l
JOIN applications a ON a.id = l.application_id
CROSS JOIN LATERAL unnest(l.invoice_numbers) AS n(number)
WHERE l.invoice_numbers && $1::text[] AND n.number = ANY($1::text[]) AND l.application_id <> $2
ORDER BY n.number;

-- name: filings_due_to_lapse
-- Filings not recognized by the day their event starts.
SELECT * FROM applications
WHERE type = 'event_filing' AND status IN ('submitted', 'reviewed', 'returned')
  AND (payload->>'starts_on')::date <= $1
ORDER BY created_at
FOR UPDATE SKIP LOCKED;
