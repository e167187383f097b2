-- New rows' ids are time-ordered (UUIDv7, RFC 9562) instead of random (v4), for the indexes'
-- sake. Every index keyed by an id then takes new entries at its right-hand end, in pages
-- already in memory, instead of at a random page of the whole index: an application's id keys
-- its own primary key, its lines' and, as text, the audit trail's entity index, which at
-- millions of events no longer fits in shared buffers, so that each draft read a page from disk
-- and wrote a full-page image to the WAL. Rows already stored keep their ids; ids stay opaque
-- and unguessable (74 random bits). The portal makes an application's id itself (it names it in
-- the same statement's outbox row and audit event); these defaults serve every other insert.
CREATE FUNCTION uuid7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
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

ALTER TABLE organizations ALTER COLUMN id SET DEFAULT uuid7();
ALTER TABLE users ALTER COLUMN id SET DEFAULT uuid7();
ALTER TABLE applications ALTER COLUMN id SET DEFAULT uuid7();
ALTER TABLE publicity_batches ALTER COLUMN id SET DEFAULT uuid7();
ALTER TABLE objections ALTER COLUMN id SET DEFAULT uuid7();
ALTER TABLE documents ALTER COLUMN id SET DEFAULT uuid7();
ALTER TABLE notifications ALTER COLUMN id SET DEFAULT uuid7();
ALTER TABLE export_jobs ALTER COLUMN id SET DEFAULT uuid7();
