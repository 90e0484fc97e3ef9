-- 002: credit procedures.
-- Errors use our own SQLSTATEs so that callers can tell them apart:
--   LY404 user not found, LY402 insufficient credits (DETAIL = available µcr), LY409 request id belongs to
--   another user, LY422 invalid argument, LY403 ledger is append-only.
-- Lock order, everywhere: the user's credit_balances row first, then the reservation row. No deadlocks.

-- Adds p_amount µcr. Idempotent by p_external_ref (e.g. a payment id): a second call returns applied = false.
CREATE OR REPLACE FUNCTION add_credits(p_user uuid, p_amount bigint, p_external_ref text DEFAULT NULL,
                                       p_note text DEFAULT NULL)
RETURNS TABLE (applied boolean, balance bigint, reserved bigint) LANGUAGE plpgsql AS $$
DECLARE
    b credit_balances%ROWTYPE;
BEGIN
    IF p_amount IS NULL OR p_amount <= 0 THEN
        RAISE EXCEPTION 'amount must be > 0' USING ERRCODE = 'LY422';
    END IF;
    SELECT * INTO b FROM credit_balances WHERE user_id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % not found', p_user USING ERRCODE = 'LY404';
    END IF;
    IF p_external_ref IS NOT NULL AND EXISTS (
        SELECT 1 FROM credit_ledger l WHERE l.kind = 'add' AND l.external_ref = p_external_ref) THEN
        RETURN QUERY SELECT false, b.balance, b.reserved;
        RETURN;
    END IF;
    UPDATE credit_balances c SET balance = c.balance + p_amount, updated_at = now()
        WHERE c.user_id = p_user RETURNING * INTO b;
    INSERT INTO credit_ledger (user_id, kind, amount, external_ref, note, balance_after, reserved_after)
        VALUES (p_user, 'add', p_amount, p_external_ref, p_note, b.balance, b.reserved);
    RETURN QUERY SELECT true, b.balance, b.reserved;
END $$;

-- Removes p_amount µcr atomically; refuses (LY402) when balance - reserved < p_amount, so the balance never
-- goes below zero and open reservations stay backed. Idempotent by p_external_ref.
CREATE OR REPLACE FUNCTION deduct_credits(p_user uuid, p_amount bigint, p_external_ref text DEFAULT NULL,
                                          p_note text DEFAULT NULL)
RETURNS TABLE (applied boolean, balance bigint, reserved bigint) LANGUAGE plpgsql AS $$
DECLARE
    b credit_balances%ROWTYPE;
BEGIN
    IF p_amount IS NULL OR p_amount <= 0 THEN
        RAISE EXCEPTION 'amount must be > 0' USING ERRCODE = 'LY422';
    END IF;
    SELECT * INTO b FROM credit_balances WHERE user_id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % not found', p_user USING ERRCODE = 'LY404';
    END IF;
    IF p_external_ref IS NOT NULL AND EXISTS (
        SELECT 1 FROM credit_ledger l WHERE l.kind = 'deduct' AND l.external_ref = p_external_ref) THEN
        RETURN QUERY SELECT false, b.balance, b.reserved;
        RETURN;
    END IF;
    IF b.balance - b.reserved < p_amount THEN
        RAISE EXCEPTION 'insufficient credits' USING ERRCODE = 'LY402', DETAIL = (b.balance - b.reserved)::text;
    END IF;
    UPDATE credit_balances c SET balance = c.balance - p_amount, updated_at = now()
        WHERE c.user_id = p_user RETURNING * INTO b;
    INSERT INTO credit_ledger (user_id, kind, amount, external_ref, note, balance_after, reserved_after)
        VALUES (p_user, 'deduct', p_amount, p_external_ref, p_note, b.balance, b.reserved);
    RETURN QUERY SELECT true, b.balance, b.reserved;
END $$;

-- True when balance - reserved >= p_amount; false for an unknown user.
CREATE OR REPLACE FUNCTION has_sufficient_credits(p_user uuid, p_amount bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT balance - reserved >= p_amount FROM credit_balances WHERE user_id = p_user), false);
$$;

-- Holds p_amount µcr for p_request_id until settled, released, or p_ttl_seconds elapse.
-- outcome: 'reserved' (new hold), 'replayed' (this request id already had a reservation, returned as is;
-- or was already settled without one: state 'settled', amount 0), 'insufficient' (nothing held).
CREATE OR REPLACE FUNCTION reserve_credits(p_request_id text, p_user uuid, p_amount bigint,
                                           p_ttl_seconds double precision)
RETURNS TABLE (outcome text, amount bigint, state text, created_at timestamptz, expires_at timestamptz,
               available bigint) LANGUAGE plpgsql AS $$
DECLARE
    b credit_balances%ROWTYPE;
    r credit_reservations%ROWTYPE;
BEGIN
    IF p_request_id IS NULL OR p_request_id = '' THEN
        RAISE EXCEPTION 'empty request id' USING ERRCODE = 'LY422';
    END IF;
    IF p_amount IS NULL OR p_amount < 0 THEN
        RAISE EXCEPTION 'amount must be >= 0' USING ERRCODE = 'LY422';
    END IF;
    SELECT * INTO b FROM credit_balances c WHERE c.user_id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % not found', p_user USING ERRCODE = 'LY404';
    END IF;
    SELECT * INTO r FROM credit_reservations x WHERE x.request_id = p_request_id;
    IF FOUND THEN
        IF r.user_id <> p_user THEN
            RAISE EXCEPTION 'request id % belongs to another user', p_request_id USING ERRCODE = 'LY409';
        END IF;
        RETURN QUERY SELECT 'replayed'::text, r.amount, r.state, r.created_at, r.expires_at, b.balance - b.reserved;
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM request_settlements s WHERE s.request_id = p_request_id) THEN
        RETURN QUERY SELECT 'replayed'::text, 0::bigint, 'settled'::text, now(), now(), b.balance - b.reserved;
        RETURN;
    END IF;
    IF b.balance - b.reserved < p_amount THEN
        RETURN QUERY SELECT 'insufficient'::text, p_amount, NULL::text, NULL::timestamptz, NULL::timestamptz,
                            b.balance - b.reserved;
        RETURN;
    END IF;
    UPDATE credit_balances c SET reserved = c.reserved + p_amount, updated_at = now()
        WHERE c.user_id = p_user RETURNING * INTO b;
    INSERT INTO credit_reservations (request_id, user_id, amount, state, expires_at)
        VALUES (p_request_id, p_user, p_amount, 'held', now() + make_interval(secs => p_ttl_seconds))
        RETURNING * INTO r;
    INSERT INTO credit_ledger (user_id, kind, amount, request_id, balance_after, reserved_after)
        VALUES (p_user, 'reserve', p_amount, p_request_id, b.balance, b.reserved);
    RETURN QUERY SELECT 'reserved'::text, r.amount, r.state, r.created_at, r.expires_at, b.balance - b.reserved;
END $$;

-- Settles a request in ONE transaction: releases its hold (if still held), charges, records the settlement and
-- writes the usage row. Idempotent by request id: a replay changes nothing and returns the first outcome.
-- Overrun policy: the charge is collected from the hold plus the free balance (balance minus OTHER requests'
-- holds) and capped there; the shortfall is returned as `uncollected` (usage row: credits vs credits_charged).
-- Other requests' holds are never consumed, so a request that stays within its estimate is always collected.
CREATE OR REPLACE FUNCTION settle_credits(
    p_request_id text, p_user uuid, p_charge bigint,
    p_api_key_id uuid, p_project text, p_metadata jsonb, p_provider text, p_model text,
    p_prompt_tokens bigint, p_cached_tokens bigint, p_cache_write_tokens bigint, p_completion_tokens bigint,
    p_reasoning_tokens bigint, p_base_cost_pd bigint, p_credits bigint, p_margin_bps integer,
    p_latency_ms integer, p_ttft_ms integer, p_status integer, p_error_code text, p_is_test boolean,
    p_is_stream boolean, p_created_at timestamptz)
RETURNS TABLE (charged bigint, uncollected bigint, released bigint, balance_after bigint, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
    b credit_balances%ROWTYPE;
    r credit_reservations%ROWTYPE;
    s request_settlements%ROWTYPE;
    hold bigint := 0;
    free bigint;
    v_charged bigint;
    old_balance bigint;
BEGIN
    IF p_request_id IS NULL OR p_request_id = '' THEN
        RAISE EXCEPTION 'empty request id' USING ERRCODE = 'LY422';
    END IF;
    IF p_charge IS NULL OR p_charge < 0 THEN
        RAISE EXCEPTION 'charge must be >= 0' USING ERRCODE = 'LY422';
    END IF;
    SELECT * INTO b FROM credit_balances c WHERE c.user_id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % not found', p_user USING ERRCODE = 'LY404';
    END IF;
    SELECT * INTO s FROM request_settlements x WHERE x.request_id = p_request_id;
    IF FOUND THEN
        IF s.user_id <> p_user THEN
            RAISE EXCEPTION 'request id % belongs to another user', p_request_id USING ERRCODE = 'LY409';
        END IF;
        RETURN QUERY SELECT s.charged, s.uncollected, s.released, b.balance, true;
        RETURN;
    END IF;
    SELECT * INTO r FROM credit_reservations x WHERE x.request_id = p_request_id FOR UPDATE;
    IF FOUND THEN
        IF r.user_id <> p_user THEN
            RAISE EXCEPTION 'request id % belongs to another user', p_request_id USING ERRCODE = 'LY409';
        END IF;
        IF r.state = 'held' THEN
            hold := r.amount;
        END IF;
        UPDATE credit_reservations x SET state = 'settled', closed_at = now() WHERE x.request_id = p_request_id;
    END IF;
    free := greatest(0, b.balance - (b.reserved - hold));
    v_charged := least(p_charge, free);
    old_balance := b.balance;
    UPDATE credit_balances c
        SET balance = c.balance - v_charged, reserved = c.reserved - hold, updated_at = now()
        WHERE c.user_id = p_user RETURNING * INTO b;
    IF hold > 0 THEN
        INSERT INTO credit_ledger (user_id, kind, amount, request_id, balance_after, reserved_after)
            VALUES (p_user, 'release', hold, p_request_id, old_balance, b.reserved);
    END IF;
    IF v_charged > 0 THEN
        INSERT INTO credit_ledger (user_id, kind, amount, request_id, balance_after, reserved_after)
            VALUES (p_user, 'charge', v_charged, p_request_id, b.balance, b.reserved);
    END IF;
    INSERT INTO request_settlements (request_id, user_id, charged, uncollected, released, usage_created_at)
        VALUES (p_request_id, p_user, v_charged, p_charge - v_charged, hold, COALESCE(p_created_at, now()));
    INSERT INTO usage_logs (request_id, user_id, api_key_id, project, metadata, provider, model, prompt_tokens,
                            cached_tokens, cache_write_tokens, completion_tokens, reasoning_tokens, base_cost_pd,
                            credits, credits_charged, margin_bps, latency_ms, ttft_ms, status, error_code, is_test,
                            is_stream, created_at)
        VALUES (p_request_id, p_user, p_api_key_id, p_project, p_metadata, p_provider, p_model,
                COALESCE(p_prompt_tokens, 0), COALESCE(p_cached_tokens, 0), COALESCE(p_cache_write_tokens, 0),
                COALESCE(p_completion_tokens, 0), COALESCE(p_reasoning_tokens, 0), COALESCE(p_base_cost_pd, 0),
                COALESCE(p_credits, 0), v_charged, COALESCE(p_margin_bps, 0), COALESCE(p_latency_ms, 0),
                p_ttft_ms, p_status, p_error_code, COALESCE(p_is_test, false), COALESCE(p_is_stream, false),
                COALESCE(p_created_at, now()));
    RETURN QUERY SELECT v_charged, p_charge - v_charged, hold, b.balance, false;
END $$;

-- Releases one held reservation; p_state is the final state ('released' or 'expired'). Returns false when
-- the reservation is not held (already settled, released or expired, or unknown).
CREATE OR REPLACE FUNCTION release_hold(p_request_id text, p_state text, p_note text DEFAULT NULL)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    v_user uuid;
    v_amount bigint;
    b credit_balances%ROWTYPE;
BEGIN
    SELECT x.user_id INTO v_user FROM credit_reservations x WHERE x.request_id = p_request_id AND x.state = 'held';
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM 1 FROM credit_balances c WHERE c.user_id = v_user FOR UPDATE;
    UPDATE credit_reservations x SET state = p_state, closed_at = now()
        WHERE x.request_id = p_request_id AND x.state = 'held' RETURNING x.amount INTO v_amount;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE credit_balances c SET reserved = c.reserved - v_amount, updated_at = now()
        WHERE c.user_id = v_user RETURNING * INTO b;
    INSERT INTO credit_ledger (user_id, kind, amount, request_id, note, balance_after, reserved_after)
        VALUES (v_user, 'release', v_amount, p_request_id, p_note, b.balance, b.reserved);
    RETURN true;
END $$;

-- Releases a held reservation without charging (the request failed or was abandoned).
CREATE OR REPLACE FUNCTION release_credits(p_request_id text)
RETURNS boolean LANGUAGE sql AS $$
    SELECT release_hold(p_request_id, 'released', NULL);
$$;

-- Releases the holds of requests that died: every held reservation with expires_at <= p_now (at most p_limit
-- per call). Returns how many were released.
CREATE OR REPLACE FUNCTION sweep_expired_reservations(p_now timestamptz DEFAULT now(), p_limit integer DEFAULT 1000)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    rec record;
    n integer := 0;
BEGIN
    FOR rec IN
        SELECT x.request_id FROM credit_reservations x
        WHERE x.state = 'held' AND x.expires_at <= p_now ORDER BY x.expires_at LIMIT p_limit
    LOOP
        IF release_hold(rec.request_id, 'expired', 'expired') THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END $$;
