-- 001: tables and indexes.
-- Money: *_credits / balance / reserved / amount columns are BIGINT micro-credits (1 credit = 1,000,000 µcr);
-- base_cost_pd is BIGINT picodollars (1e-12 USD). No floating point anywhere money is held.

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text,
    display_name  text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email)) WHERE email IS NOT NULL;

-- One row per user. Invariant (enforced): 0 <= reserved <= balance.
CREATE TABLE credit_balances (
    user_id                  uuid PRIMARY KEY REFERENCES users (id),
    balance                  bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
    reserved                 bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    tier                     text NOT NULL DEFAULT 'free',
    monthly_credits          bigint NOT NULL DEFAULT 0 CHECK (monthly_credits >= 0),
    margin_bps               integer CHECK (margin_bps >= 0),
    billing_customer_id      text,
    billing_subscription_id  text,
    updated_at               timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_balances_reserved_backed CHECK (reserved <= balance)
);

-- Keys are stored as their SHA-256 (hex); the plaintext is shown once at creation and never stored.
CREATE TABLE api_keys (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id),
    key_hash        text NOT NULL UNIQUE,
    key_prefix      text NOT NULL,
    name            text NOT NULL,
    project         text,
    mode            text NOT NULL CHECK (mode IN ('live', 'test')),
    is_active       boolean NOT NULL DEFAULT true,
    expires_at      timestamptz,
    last_used_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    tier_override   text,
    monthly_budget  bigint CHECK (monthly_budget >= 0)
);
CREATE INDEX api_keys_user ON api_keys (user_id, created_at DESC);

-- Append-only: every add, deduct, reserve, release and charge. amount >= 0, the kind gives the sign.
-- sum(add) - sum(deduct) - sum(charge) = balance, per user (see view credit_ledger_audit).
CREATE TABLE credit_ledger (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id),
    kind            text NOT NULL CHECK (kind IN ('add', 'deduct', 'reserve', 'release', 'charge')),
    amount          bigint NOT NULL CHECK (amount >= 0),
    request_id      text,
    external_ref    text,
    note            text,
    balance_after   bigint NOT NULL,
    reserved_after  bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
-- Idempotency: at most one entry of each kind per request id and per external reference.
CREATE UNIQUE INDEX credit_ledger_kind_request ON credit_ledger (kind, request_id) WHERE request_id IS NOT NULL;
CREATE UNIQUE INDEX credit_ledger_kind_external ON credit_ledger (kind, external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX credit_ledger_user ON credit_ledger (user_id, id DESC);

CREATE FUNCTION credit_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'credit_ledger is append-only' USING ERRCODE = 'LY403';
END $$;
CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE OR DELETE ON credit_ledger
    FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only();

CREATE VIEW credit_ledger_audit AS
SELECT b.user_id,
       b.balance,
       b.reserved,
       COALESCE(l.ledger_balance, 0) AS ledger_balance,
       COALESCE(l.ledger_reserved, 0) AS ledger_reserved
FROM credit_balances b
LEFT JOIN (
    SELECT user_id,
           sum(CASE kind WHEN 'add' THEN amount WHEN 'deduct' THEN -amount WHEN 'charge' THEN -amount ELSE 0 END)
               AS ledger_balance,
           sum(CASE kind WHEN 'reserve' THEN amount WHEN 'release' THEN -amount ELSE 0 END) AS ledger_reserved
    FROM credit_ledger GROUP BY user_id
) l USING (user_id);

-- Holds for in-flight requests. state: held -> settled | released | expired.
CREATE TABLE credit_reservations (
    request_id  text PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id),
    amount      bigint NOT NULL CHECK (amount >= 0),
    state       text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'settled', 'released', 'expired')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    closed_at   timestamptz
);
CREATE INDEX credit_reservations_held_expiry ON credit_reservations (expires_at) WHERE state = 'held';

-- One row per settled request id: the idempotency anchor of settle_credits and of usage rows
-- (usage_logs is partitioned by month, so it cannot carry a unique index on request_id alone).
CREATE TABLE request_settlements (
    request_id        text PRIMARY KEY,
    user_id           uuid NOT NULL,
    charged           bigint NOT NULL,
    uncollected       bigint NOT NULL,
    released          bigint NOT NULL,
    usage_created_at  timestamptz NOT NULL,
    settled_at        timestamptz NOT NULL DEFAULT now()
);

-- Per-model margin overrides ('*' may hold a deployment-wide default).
CREATE TABLE margin_configs (
    model       text PRIMARY KEY,
    margin_bps  integer NOT NULL CHECK (margin_bps >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Usage, one row per request, partitioned by month of created_at.
CREATE TABLE usage_logs (
    request_id          text NOT NULL,
    user_id             uuid NOT NULL,
    api_key_id          uuid,
    project             text,
    metadata            jsonb,
    provider            text NOT NULL,
    model               text NOT NULL,
    prompt_tokens       bigint NOT NULL DEFAULT 0,
    cached_tokens       bigint NOT NULL DEFAULT 0,
    cache_write_tokens  bigint NOT NULL DEFAULT 0,
    completion_tokens   bigint NOT NULL DEFAULT 0,
    reasoning_tokens    bigint NOT NULL DEFAULT 0,
    base_cost_pd        bigint NOT NULL DEFAULT 0,
    credits             bigint NOT NULL DEFAULT 0,
    credits_charged     bigint NOT NULL DEFAULT 0,
    margin_bps          integer NOT NULL DEFAULT 0,
    latency_ms          integer NOT NULL DEFAULT 0,
    ttft_ms             integer,
    status              smallint NOT NULL,
    error_code          text,
    is_test             boolean NOT NULL DEFAULT false,
    is_stream           boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (created_at);

-- Indexes for the usage queries (created on every partition automatically):
-- per user over a date range (totals, by day/model/provider/project, recent rows, single request lookup),
-- per key over a date range, per model over a date range (admin), and a BRIN for global date ranges.
CREATE INDEX usage_logs_user_time ON usage_logs (user_id, created_at DESC);
CREATE INDEX usage_logs_key_time ON usage_logs (api_key_id, created_at) WHERE api_key_id IS NOT NULL;
CREATE INDEX usage_logs_model_time ON usage_logs (model, created_at);
CREATE INDEX usage_logs_time_brin ON usage_logs USING brin (created_at);

-- Rows outside every monthly partition land here instead of failing the settlement.
CREATE TABLE usage_logs_default PARTITION OF usage_logs DEFAULT;

-- Creates the monthly partitions covering [month of p_from, + p_months months). Rows already in the
-- default partition for such a month are moved into the new partition. Returns how many were created.
CREATE FUNCTION ensure_usage_partitions(p_from timestamptz DEFAULT now(), p_months integer DEFAULT 3)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    lo timestamptz;
    hi timestamptz;
    part text;
    created integer := 0;
BEGIN
    FOR i IN 0 .. p_months - 1 LOOP
        lo := date_trunc('month', p_from AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + make_interval(months => i);
        hi := lo + interval '1 month';
        part := 'usage_logs_' || to_char(lo AT TIME ZONE 'UTC', 'YYYY_MM');
        CONTINUE WHEN to_regclass(part) IS NOT NULL;
        IF EXISTS (SELECT 1 FROM usage_logs_default WHERE created_at >= lo AND created_at < hi) THEN
            CREATE TEMP TABLE layers_moved_usage (LIKE usage_logs) ON COMMIT DROP;
            WITH moved AS (DELETE FROM usage_logs_default WHERE created_at >= lo AND created_at < hi RETURNING *)
            INSERT INTO layers_moved_usage SELECT * FROM moved;
            EXECUTE format('CREATE TABLE %I PARTITION OF usage_logs FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
            INSERT INTO usage_logs SELECT * FROM layers_moved_usage;
            DROP TABLE layers_moved_usage;
        ELSE
            EXECUTE format('CREATE TABLE %I PARTITION OF usage_logs FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        END IF;
        created := created + 1;
    END LOOP;
    RETURN created;
END $$;

SELECT ensure_usage_partitions(now() - interval '1 month', 4);
