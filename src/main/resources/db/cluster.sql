-- Cluster mode's own tables in ccsyncDb (PostgreSQL only; applied with Quartz's tables at start, idempotent, one
-- node at a time). Delta fingerprints, watermarks and the dead letter are in delivery.sql and sources.sql and are
-- shared by every node already.

-- The inbox's read locks: a file is read by the node whose row it is. The row goes when the file has moved to done/
-- or error/ (or its delivery failed and it stays for a later poll); a row whose node stopped renewing heartbeat_at
-- belongs to a node that died, and another node may take the file.
CREATE TABLE IF NOT EXISTS inbox_lock (
    file_key VARCHAR(2000) PRIMARY KEY,
    node VARCHAR(200) NOT NULL,
    locked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL
);
