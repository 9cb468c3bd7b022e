-- Opt-outs read back from Constant Contact (routes/optouts.camel.yaml). Idempotent, SQL that H2 and PostgreSQL accept.

-- One row per opt-out (an email and when it opted out), found once: the primary key makes a second find of the same
-- opt-out (the poll's overlap, a poll run again after a failure, another cluster node) a no-op. The row is also the
-- outbox: file_name/file_written_at say which CSV file carried it, crm_applied_at when ccsync.crm.optout-sql applied
-- it; rows without them are still to be written or applied. Delivery reads it by email: a remembered opt-out is
-- never sent in a way that could re-subscribe it. Times are UTC.
CREATE TABLE IF NOT EXISTS lifecycle_optout (
    email VARCHAR(320) NOT NULL,
    opted_out_at TIMESTAMP NOT NULL,
    opt_out_source VARCHAR(50),
    reason VARCHAR(4000),
    found_at TIMESTAMP NOT NULL,
    file_name VARCHAR(300),
    file_written_at TIMESTAMP,
    crm_applied_at TIMESTAMP,
    PRIMARY KEY (email, opted_out_at)
);

-- Where the opt-out poll stands: the latest opt_out_date written (UTC). The first row is the poll's start: when ccsync
-- was authorized (or ccsync.optouts.since), recorded by the first poll.
CREATE TABLE IF NOT EXISTS lifecycle_watermark (
    name VARCHAR(100) NOT NULL PRIMARY KEY,
    optout_after TIMESTAMP NOT NULL,
    advanced_at TIMESTAMP NOT NULL
);
