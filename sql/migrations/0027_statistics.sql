-- Statistics: the staff's throughput counts the last 30 days' decisions per person from the audit
-- trail (Q.statistics_decisions). Without this the count reads the whole trail, which grows with
-- every event; with it, only the decisions, by time. Partial: decisions are a small share of
-- the events, so the index stays small and costs the other writes nothing.
CREATE INDEX audit_events_decisions_idx ON audit_events (at)
WHERE action IN ('application.pass', 'application.return', 'application.reject',
                 'application.approve', 'application.uphold_objection');
