-- Cluster mode's own tables in ccsyncDb (PostgreSQL only; applied with Quartz's tables at start, idempotent, one
-- node at a time). Delta fingerprints, watermarks and the dead letter are in delivery.sql and sources.sql and are
-- shared by every node already.

-- The API budget of every node together: one row holds the day's count and the pauses; each request's place in the
-- rolling second is a row in delivery_budget_permit.
CREATE TABLE IF NOT EXISTS delivery_budget (
    budget VARCHAR(40) PRIMARY KEY,
    day DATE,
    used_today INTEGER NOT NULL DEFAULT 0,
    paused_until TIMESTAMP WITH TIME ZONE,
    held_until TIMESTAMP WITH TIME ZONE
);
INSERT INTO delivery_budget (budget, used_today) VALUES ('api', 0) ON CONFLICT (budget) DO NOTHING;

-- One row per request let through: from granted_at until a second after released_at it counts against the
-- requests-per-second limit (released_at NULL: still waiting for its answer). Times are the database's clock.
CREATE TABLE IF NOT EXISTS delivery_budget_permit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node VARCHAR(200) NOT NULL,
    granted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    released_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS delivery_budget_permit_granted ON delivery_budget_permit (granted_at);

-- The inbox's read locks: a file is read by the node whose row it is. The row goes when the file has moved to done/
-- or error/ (or its delivery failed and it stays for a later poll); a row whose node stopped renewing heartbeat_at
-- belongs to a node that died, and another node may take the file.
CREATE TABLE IF NOT EXISTS inbox_lock (
    file_key VARCHAR(2000) PRIMARY KEY,
    node VARCHAR(200) NOT NULL,
    locked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL
);
