-- The jdbc token store (ccsync.token.store=jdbc) in ccsyncDb. Idempotent, and SQL that H2 and PostgreSQL both accept.

-- One row per connected Constant Contact account (ccsync.token.account), shared by every ccsync instance that uses
-- that connection. version is the compare-and-swap counter: every write sets version + 1 where version is still the
-- one it read. The tokens and the kept answer are AES-256-GCM text when ccsync.token.encryption-key is set.
-- incoming is the crash journal: a token endpoint answer kept from the moment it arrives until its pair is stored.
-- lease_holder and lease_until are the refresh lease: the instance refreshing now, renewed while it works; an
-- instance that dies stops renewing, and others may take the lease once lease_until has passed (database time).
CREATE TABLE IF NOT EXISTS token_state (
    account VARCHAR(100) NOT NULL PRIMARY KEY,
    version BIGINT NOT NULL,
    access_token VARCHAR(100000),
    refresh_token VARCHAR(100000),
    scope VARCHAR(4000),
    refresh_token_since TIMESTAMP WITH TIME ZONE,
    refresh_mode VARCHAR(20) NOT NULL,
    last_refresh_at TIMESTAMP WITH TIME ZONE,
    last_refresh_outcome VARCHAR(10000),
    reauthorization VARCHAR(10000),
    refresh_started_at TIMESTAMP WITH TIME ZONE,
    incoming VARCHAR(100000),
    incoming_at TIMESTAMP WITH TIME ZONE,
    lease_holder VARCHAR(300),
    lease_until TIMESTAMP WITH TIME ZONE,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
