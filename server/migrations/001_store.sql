-- The store's journal of its tills (docs/architecture.md § 6b). Only SQL that PostgreSQL 15 accepts: PGlite (19) runs the same
-- file. Till clocks are kept as ms since the epoch (bigint) beside the server's own timestamptz, never trusted
-- as the server's time. Hashes are hex text (SHA-256), so both engines return the same type.

CREATE TABLE store (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- Bumped in the same transaction as any change to what GET /config returns.
  config_version bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE till (
  id text PRIMARY KEY,
  store_id text NOT NULL REFERENCES store (id),
  name text NOT NULL,
  kind text NOT NULL DEFAULT 'till' CHECK (kind IN ('till', 'self')),
  -- SHA-256 of the bearer token, hex; null until the till enrols.
  token_hash text UNIQUE,
  enrolled_at timestamptz,
  revoked_at timestamptz,
  device jsonb,
  last_seen_at timestamptz,
  last_push_at timestamptz,
  -- What the till reported with its last push, and the server's clock minus the till's when it came.
  status jsonb,
  clock_skew_ms bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX till_store ON till (store_id);

CREATE TABLE enrolment (
  -- SHA-256 of the normalised one-time code, hex.
  code_hash text PRIMARY KEY,
  till_id text NOT NULL REFERENCES till (id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX enrolment_till ON enrolment (till_id);

CREATE TABLE operation (
  id text PRIMARY KEY CHECK (id ~ '^[0-9A-HJKMNP-TV-Z]{26}$'),
  store_id text NOT NULL REFERENCES store (id),
  till_id text NOT NULL REFERENCES till (id),
  rev bigint NOT NULL CHECK (rev > 0),
  kind text NOT NULL,
  state text NOT NULL,
  provider text NOT NULL,
  payment_type_id text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  -- Till clock (ms).
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  body jsonb NOT NULL,
  -- The server's clock when this rev arrived.
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operation_store_created ON operation (store_id, created_at);
CREATE INDEX operation_till_created ON operation (till_id, created_at);
CREATE INDEX operation_open ON operation (store_id, state) WHERE state NOT IN ('approved', 'declined', 'compensated');
-- A chain's central table is partitioned by month with PK (id, created_at): the store replicates with this identity.
CREATE UNIQUE INDEX operation_id_created ON operation (id, created_at);
ALTER TABLE operation REPLICA IDENTITY USING INDEX operation_id_created;

CREATE TABLE shift (
  till_id text NOT NULL REFERENCES till (id),
  number bigint NOT NULL CHECK (number > 0),
  store_id text NOT NULL REFERENCES store (id),
  rev bigint NOT NULL CHECK (rev > 0),
  opened_at bigint NOT NULL,
  closed_at bigint NOT NULL,
  body jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (till_id, number)
);

-- Alarms and admin actions; a secret appears here only as "changed".
CREATE TABLE audit (
  id bigserial PRIMARY KEY,
  store_id text,
  till_id text,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_store_at ON audit (store_id, at);
