-- The store console: the admin password and sessions, and the payment types configured once for the
-- store, assigned to tills, with their processor secrets sealed (AES-256-GCM; the key lives in a file outside the
-- database, so this table and any dump or replica of it hold no usable secret). Never published to a chain.

CREATE TABLE admin_account (
  store_id text PRIMARY KEY REFERENCES store (id),
  -- scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>
  password_hash text NOT NULL,
  -- Wrong passwords in a row, and the lockout they caused: kept here so a restart does not lift it.
  failures integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  set_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE admin_session (
  -- SHA-256 of the session cookie's value, hex; the value itself is only ever in the browser's HttpOnly cookie.
  token_hash text PRIMARY KEY,
  store_id text NOT NULL REFERENCES store (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE TABLE payment_type (
  store_id text NOT NULL REFERENCES store (id),
  id text NOT NULL,
  number integer NOT NULL CHECK (number >= 0),
  name text NOT NULL,
  provider text NOT NULL,
  -- The store's values on the till's own schema (no secrets, no per-till fields).
  settings jsonb NOT NULL DEFAULT '{}',
  -- Unknown keys of an imported .conf, kept and exported again.
  foreign_keys jsonb NOT NULL DEFAULT '{}',
  -- The store config version of the last change to this type.
  version bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, id),
  UNIQUE (store_id, number)
);

CREATE TABLE till_payment_type (
  till_id text NOT NULL REFERENCES till (id),
  store_id text NOT NULL,
  payment_type_id text NOT NULL,
  PRIMARY KEY (till_id, payment_type_id),
  FOREIGN KEY (store_id, payment_type_id) REFERENCES payment_type (store_id, id)
);

CREATE TABLE payment_type_secret (
  store_id text NOT NULL,
  payment_type_id text NOT NULL,
  -- '' for the store's value of every assigned till.
  till_id text NOT NULL DEFAULT '',
  name text NOT NULL,
  -- base64 of version ‖ IV ‖ tag ‖ ciphertext, bound to (store, type, till, name).
  sealed text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, payment_type_id, till_id, name),
  FOREIGN KEY (store_id, payment_type_id) REFERENCES payment_type (store_id, id)
);
