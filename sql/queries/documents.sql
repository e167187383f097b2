-- name: insert_document
INSERT INTO documents
    (org_id, uploaded_by, filename, content_type, size_bytes, sha256, storage_key, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id, org_id, filename, content_type, size_bytes, sha256, storage_key, created_at;

-- name: document_by_id
SELECT id, org_id, filename, content_type, size_bytes, sha256, storage_key, created_at
FROM documents WHERE id = $1;

-- name: documents_owned
-- The subset of the ids ($2) that belong to organization $1: attachments are checked with it.
SELECT id FROM documents WHERE org_id = $1 AND id = ANY($2::uuid[]);
