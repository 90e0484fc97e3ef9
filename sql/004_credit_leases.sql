-- 004: credit leases (see docs/credits.md, "Credit leases").
-- A gateway process (the "holder") takes a slice of a user's free balance as a lease. The lease is counted in
-- credit_balances.reserved exactly like a hold, so no other request, process or deduction can spend it. The
-- process then places its requests' holds against the lease in memory, and writes what the requests used in
-- bulk: one apply_lease_flush call charges many requests and inserts their usage rows in one transaction.
-- PostgreSQL stays the system of record: balance = sum(add) - sum(deduct) - sum(charge) still holds per user,
-- and reserved = sum(reserve) - sum(release), with leases entering the ledger as 'reserve' / 'release' entries.
-- Lock order, as everywhere: the user's credit_balances row first, then the lease row.

CREATE TABLE credit_leases (
    user_id     uuid NOT NULL REFERENCES users (id),
    holder      text NOT NULL,
    amount      bigint NOT NULL CHECK (amount >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, holder)
);
CREATE INDEX credit_leases_expiry ON credit_leases (expires_at);

-- One row per applied flush: the idempotency anchor of apply_lease_flush (a retry after a lost
-- acknowledgement changes nothing).
CREATE TABLE lease_flushes (
    flush_id    uuid PRIMARY KEY,
    holder      text NOT NULL,
    requests    integer NOT NULL,
    charged     bigint NOT NULL,
    flushed_at  timestamptz NOT NULL DEFAULT now()
);

-- Grows p_holder's lease on p_user by at least p_need and at most p_want µcr, limited to half the free balance
-- (balance - reserved) unless p_need is more. When the free balance is below p_need nothing changes (granted = 0). Either way the
-- answer carries the lease and the balance as they now are, so the caller can report what is available.
CREATE OR REPLACE FUNCTION acquire_credit_lease(p_holder text, p_user uuid, p_need bigint, p_want bigint,
                                                p_ttl_seconds double precision)
RETURNS TABLE (granted bigint, lease_amount bigint, balance bigint, reserved bigint) LANGUAGE plpgsql AS $$
DECLARE
    b credit_balances%ROWTYPE;
    g bigint;
    l bigint;
BEGIN
    IF p_need IS NULL OR p_need < 0 OR p_want IS NULL OR p_want < p_need THEN
        RAISE EXCEPTION 'need must be >= 0 and want >= need' USING ERRCODE = 'LY422';
    END IF;
    SELECT * INTO b FROM credit_balances c WHERE c.user_id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % not found', p_user USING ERRCODE = 'LY404';
    END IF;
    IF b.balance - b.reserved < p_need THEN
        SELECT x.amount INTO l FROM credit_leases x WHERE x.user_id = p_user AND x.holder = p_holder;
        RETURN QUERY SELECT 0::bigint, COALESCE(l, 0), b.balance, b.reserved;
        RETURN;
    END IF;
    -- At most half of what is free beyond the need, so that other processes serving the same user still find
    -- credits to lease (a lease near a small balance then grows in halves).
    g := greatest(p_need, least(p_want, (b.balance - b.reserved) / 2));
    INSERT INTO credit_leases AS x (user_id, holder, amount, expires_at)
        VALUES (p_user, p_holder, g, now() + make_interval(secs => p_ttl_seconds))
        ON CONFLICT (user_id, holder) DO UPDATE
        SET amount = x.amount + EXCLUDED.amount, expires_at = EXCLUDED.expires_at
        RETURNING x.amount INTO l;
    IF g > 0 THEN
        UPDATE credit_balances c SET reserved = c.reserved + g, updated_at = now()
            WHERE c.user_id = p_user RETURNING * INTO b;
        INSERT INTO credit_ledger (user_id, kind, amount, note, balance_after, reserved_after)
            VALUES (p_user, 'reserve', g, 'lease ' || p_holder, b.balance, b.reserved);
    END IF;
    RETURN QUERY SELECT g, l, b.balance, b.reserved;
END $$;

-- Gives back up to p_amount µcr of p_holder's lease on p_user (all of it when p_amount is NULL); the lease row
-- goes when it reaches zero. Returns the amount given back.
CREATE OR REPLACE FUNCTION return_credit_lease(p_holder text, p_user uuid, p_amount bigint DEFAULT NULL,
                                               p_note text DEFAULT 'lease returned')
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    b credit_balances%ROWTYPE;
    l credit_leases%ROWTYPE;
    r bigint;
BEGIN
    PERFORM 1 FROM credit_balances c WHERE c.user_id = p_user FOR UPDATE;
    SELECT * INTO l FROM credit_leases x WHERE x.user_id = p_user AND x.holder = p_holder FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    r := least(l.amount, COALESCE(p_amount, l.amount));
    IF r < 0 THEN
        RAISE EXCEPTION 'amount must be >= 0' USING ERRCODE = 'LY422';
    END IF;
    IF l.amount - r = 0 THEN
        DELETE FROM credit_leases x WHERE x.user_id = p_user AND x.holder = p_holder;
    ELSE
        UPDATE credit_leases x SET amount = x.amount - r WHERE x.user_id = p_user AND x.holder = p_holder;
    END IF;
    IF r > 0 THEN
        UPDATE credit_balances c SET reserved = c.reserved - r, updated_at = now()
            WHERE c.user_id = p_user RETURNING * INTO b;
        INSERT INTO credit_ledger (user_id, kind, amount, note, balance_after, reserved_after)
            VALUES (p_user, 'release', r, p_note || ' ' || p_holder, b.balance, b.reserved);
    END IF;
    RETURN r;
END $$;

-- Extends p_holder's leases on p_users by p_ttl_seconds from now (a live process keeps its leases).
CREATE OR REPLACE FUNCTION renew_credit_leases(p_holder text, p_users uuid[], p_ttl_seconds double precision)
RETURNS integer LANGUAGE sql AS $$
    WITH renewed AS (
        UPDATE credit_leases x SET expires_at = now() + make_interval(secs => p_ttl_seconds)
        WHERE x.holder = p_holder AND x.user_id = ANY (p_users) RETURNING 1)
    SELECT count(*)::integer FROM renewed;
$$;

-- Gives back every lease whose holder stopped renewing it (the process died): at most p_limit per call.
CREATE OR REPLACE FUNCTION sweep_expired_leases(p_now timestamptz DEFAULT now(), p_limit integer DEFAULT 1000)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    rec record;
    n integer := 0;
BEGIN
    FOR rec IN
        SELECT x.user_id, x.holder FROM credit_leases x WHERE x.expires_at <= p_now
        ORDER BY x.expires_at LIMIT p_limit
    LOOP
        IF return_credit_lease(rec.holder, rec.user_id, NULL, 'lease expired') > 0 THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END $$;

-- Applies one flush of p_holder, in one transaction: for each user (p_users sorted by the caller, the lock
-- order), charges p_charges[i] µcr, which p_counts[i] requests used, out of the holder's lease, and writes the
-- flush's usage rows and request_settlements anchors (the u_ arrays, one element per request; credits_charged
-- as the holder computed it). A lease that ran out (it expired and was swept while the holder was cut off from
-- the database) is made up from the free balance, capped there, so the balance never goes negative; the
-- shortfall is returned. Set-based: a few statements per flush whatever its size.
-- Idempotent by p_flush_id: a replay changes nothing and answers replayed = true.
CREATE OR REPLACE FUNCTION apply_lease_flush(
    p_flush_id uuid, p_holder text, p_ttl_seconds double precision,
    p_users uuid[], p_charges bigint[], p_counts integer[],
    u_request_id text[], u_user_id uuid[], u_api_key_id uuid[], u_project text[], u_metadata text[],
    u_provider text[], u_model text[], u_prompt_tokens bigint[], u_cached_tokens bigint[],
    u_cache_write_tokens bigint[], u_completion_tokens bigint[], u_reasoning_tokens bigint[],
    u_base_cost_pd bigint[], u_credits bigint[], u_credits_charged bigint[], u_margin_bps integer[],
    u_latency_ms integer[], u_ttft_ms integer[], u_status integer[], u_error_code text[], u_is_test boolean[],
    u_is_stream boolean[], u_created_at timestamptz[], u_uncollected bigint[], u_released bigint[])
RETURNS TABLE (user_id uuid, charged bigint, from_lease bigint, shortfall bigint, balance bigint, reserved bigint,
               lease bigint, replayed boolean) LANGUAGE plpgsql AS $$
DECLARE
    v_covered bigint[];
    v_extra bigint[];
    v_lease bigint[];
    v_total bigint;
    v_missing bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM lease_flushes f WHERE f.flush_id = p_flush_id) THEN
        RETURN QUERY SELECT c.user_id, 0::bigint, 0::bigint, 0::bigint, c.balance, c.reserved,
                            COALESCE(x.amount, 0), true
            FROM credit_balances c LEFT JOIN credit_leases x ON x.user_id = c.user_id AND x.holder = p_holder
            WHERE c.user_id = ANY (p_users);
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_charges) AS q(charge) WHERE q.charge IS NULL OR q.charge < 0) THEN
        RAISE EXCEPTION 'charge must be >= 0' USING ERRCODE = 'LY422';
    END IF;
    -- Lock the users' balance rows in order, then read what each lease covers.
    PERFORM 1 FROM credit_balances c WHERE c.user_id = ANY (p_users) ORDER BY c.user_id FOR UPDATE OF c;
    SELECT array_agg(least(s.charge, s.lease_amount) ORDER BY s.ord),
           array_agg(least(s.charge - least(s.charge, s.lease_amount), greatest(0, s.free)) ORDER BY s.ord),
           array_agg(s.lease_amount - least(s.charge, s.lease_amount) ORDER BY s.ord),
           count(*) FILTER (WHERE s.free IS NULL)
      INTO v_covered, v_extra, v_lease, v_missing
      -- Scalar subqueries: one primary-key probe per user, whatever the size of the tables.
      FROM (SELECT q.ord, q.charge,
                   (SELECT b.balance - b.reserved FROM credit_balances b WHERE b.user_id = q.user_id) AS free,
                   COALESCE((SELECT l.amount FROM credit_leases l
                              WHERE l.user_id = q.user_id AND l.holder = p_holder), 0) AS lease_amount
              FROM unnest(p_users, p_charges) WITH ORDINALITY AS q(user_id, charge, ord)) s;
    IF v_missing > 0 THEN
        RAISE EXCEPTION 'user not found in flush' USING ERRCODE = 'LY404';
    END IF;
    UPDATE credit_leases l SET amount = l.amount - q.covered,
                               expires_at = now() + make_interval(secs => p_ttl_seconds)
      FROM unnest(p_users, v_covered) AS q(user_id, covered)
     WHERE l.user_id = q.user_id AND l.holder = p_holder;
    RETURN QUERY
    WITH q AS (
        SELECT * FROM unnest(p_users, p_charges, p_counts, v_covered, v_extra, v_lease)
                 AS q(user_id, charge, n, covered, extra, lease_after)
    ), upd AS (
        UPDATE credit_balances c
           SET balance = c.balance - q.covered - q.extra, reserved = c.reserved - q.covered, updated_at = now()
          FROM q WHERE c.user_id = q.user_id AND q.covered + q.extra > 0
        RETURNING c.user_id, c.balance, c.reserved, q.covered, q.extra, q.n
    ), led AS (
        INSERT INTO credit_ledger (user_id, kind, amount, external_ref, note, balance_after, reserved_after)
        SELECT u.user_id, e.kind, e.amount, e.external_ref, e.note, e.balance_after, e.reserved_after
          FROM upd u CROSS JOIN LATERAL (VALUES
                ('release', u.covered, NULL, 'lease ' || p_holder || ' used by ' || u.n || ' requests',
                 u.balance + u.covered + u.extra, u.reserved),
                ('charge', u.covered + u.extra, 'flush:' || p_flush_id || ':' || u.user_id, u.n || ' requests',
                 u.balance, u.reserved))
             AS e(kind, amount, external_ref, note, balance_after, reserved_after)
         WHERE e.amount > 0
        RETURNING 1
    )
    SELECT q.user_id, q.covered + q.extra, q.covered, q.charge - q.covered - q.extra,
           COALESCE(upd.balance, c.balance), COALESCE(upd.reserved, c.reserved), q.lease_after, false
      FROM q LEFT JOIN upd ON upd.user_id = q.user_id
             JOIN credit_balances c ON c.user_id = q.user_id;
    -- Each request once: its request_settlements row is the anchor (as with settle_credits); a request id that
    -- already has one keeps its first usage row.
    WITH t AS (
        SELECT * FROM unnest(u_request_id, u_user_id, u_api_key_id, u_project, u_metadata, u_provider, u_model,
                             u_prompt_tokens, u_cached_tokens, u_cache_write_tokens, u_completion_tokens,
                             u_reasoning_tokens, u_base_cost_pd, u_credits, u_credits_charged, u_margin_bps,
                             u_latency_ms, u_ttft_ms, u_status, u_error_code, u_is_test, u_is_stream, u_created_at,
                             u_uncollected, u_released)
             AS t(request_id, user_id, api_key_id, project, metadata, provider, model, prompt_tokens, cached_tokens,
                  cache_write_tokens, completion_tokens, reasoning_tokens, base_cost_pd, credits, credits_charged,
                  margin_bps, latency_ms, ttft_ms, status, error_code, is_test, is_stream, created_at, uncollected,
                  released)
    ), anchored AS (
        INSERT INTO request_settlements (request_id, user_id, charged, uncollected, released, usage_created_at)
        SELECT t.request_id, t.user_id, t.credits_charged, t.uncollected, t.released, t.created_at FROM t
        ON CONFLICT (request_id) DO NOTHING
        RETURNING request_settlements.request_id
    )
    INSERT INTO usage_logs (request_id, user_id, api_key_id, project, metadata, provider, model, prompt_tokens,
                            cached_tokens, cache_write_tokens, completion_tokens, reasoning_tokens, base_cost_pd,
                            credits, credits_charged, margin_bps, latency_ms, ttft_ms, status, error_code, is_test,
                            is_stream, created_at)
        SELECT t.request_id, t.user_id, t.api_key_id, t.project, t.metadata::jsonb, t.provider, t.model,
               t.prompt_tokens, t.cached_tokens, t.cache_write_tokens, t.completion_tokens, t.reasoning_tokens,
               t.base_cost_pd, t.credits, t.credits_charged, t.margin_bps, t.latency_ms, t.ttft_ms, t.status,
               t.error_code, t.is_test, t.is_stream, t.created_at
        FROM t JOIN anchored a ON a.request_id = t.request_id;
    SELECT sum(x) INTO v_total FROM unnest(p_charges) AS x;
    INSERT INTO lease_flushes (flush_id, holder, requests, charged)
        VALUES (p_flush_id, p_holder, COALESCE(array_length(u_request_id, 1), 0), COALESCE(v_total, 0));
END $$;
