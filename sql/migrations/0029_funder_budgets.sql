-- Budgets by funder: the city's, or one of Wuhan's districts'. An award split between the city
-- and the district (article 二's match) is reserved from both, in one transaction.

ALTER TABLE budgets ADD COLUMN funder text NOT NULL DEFAULT 'city'
    CHECK (funder IN ('city', '420102', '420103', '420104', '420105', '420106', '420107', '420111',
                      '420112', '420113', '420114', '420115', '420116', '420117'));
ALTER TABLE budgets DROP CONSTRAINT budgets_pkey;
ALTER TABLE budgets ADD PRIMARY KEY (program_code, year, funder);

-- What each approved award reserved from each budget, so that release, payment and refund move
-- exactly those budgets, by those amounts. A table rather than a jsonb on the application: each
-- row references the budget it was reserved from (so none names a budget that does not exist),
-- and a budget's reservations can be summed and checked against it in SQL.
CREATE TABLE award_funding (
    application_id uuid NOT NULL REFERENCES applications (id),
    program_code   text NOT NULL,
    year           integer NOT NULL,
    funder         text NOT NULL,
    amount_fen     bigint NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (application_id, funder),
    FOREIGN KEY (program_code, year, funder) REFERENCES budgets (program_code, year, funder)
);

-- Every award approved so far was reserved from its program's one budget: the city's.
INSERT INTO award_funding (application_id, program_code, year, funder, amount_fen)
SELECT a.id, a.program_code, a.budget_year, 'city', a.amount_approved_fen
FROM applications a
JOIN budgets b ON b.program_code = a.program_code AND b.year = a.budget_year AND b.funder = 'city'
WHERE a.amount_approved_fen IS NOT NULL;
