-- 005: apply_lease_flush writes the flush's usage rows and request_settlements anchors first and locks the users'
-- balance rows after them, so the locks (which acquire_credit_lease for the same users waits for) are held only
-- while the flush charges, not while it inserts hundreds of usage rows. Same transaction, same results.

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
    -- Each request once: its request_settlements row is the anchor (as with settle_credits); a request id that
    -- already has one keeps its first usage row. Written before the users' balance rows are locked, so those
    -- locks (which a lease grant for the same users waits for) are held only for the charging below.
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
    SELECT sum(x) INTO v_total FROM unnest(p_charges) AS x;
    INSERT INTO lease_flushes (flush_id, holder, requests, charged)
        VALUES (p_flush_id, p_holder, COALESCE(array_length(u_request_id, 1), 0), COALESCE(v_total, 0));
END $$;
