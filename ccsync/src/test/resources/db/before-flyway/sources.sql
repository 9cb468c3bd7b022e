-- The CRM polls' watermarks: the last delivered row (updated_at, then id for ties) per poll name.
CREATE TABLE IF NOT EXISTS source_watermark (
  source_name VARCHAR(100) PRIMARY KEY,
  last_updated_at TIMESTAMP NOT NULL,
  last_id VARCHAR(255) NOT NULL,
  advanced_at TIMESTAMP NOT NULL
);
