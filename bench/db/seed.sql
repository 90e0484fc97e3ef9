-- Seeds the benchmark database with :rows usage rows over the last 120 days (1,000 users, 5,000 keys,
-- 8 models), in chunks of 1,000,000 through generate_series. Run by bench/db/run.sh on a migrated database:
--   psql "$URL" -v rows=10000000 -f bench/db/seed.sql
-- Deterministic ids: user i is md5('bench-user-' || i)::uuid, key k is md5('bench-key-' || k)::uuid and
-- belongs to user k % 1000.
\set ON_ERROR_STOP on
\timing on
SELECT ensure_usage_partitions(now() - interval '5 months', 7);

INSERT INTO users (id, email)
SELECT md5('bench-user-' || i)::uuid, 'bench' || i || '@example.com' FROM generate_series(0, 999) i
ON CONFLICT DO NOTHING;
INSERT INTO credit_balances (user_id, balance)
SELECT md5('bench-user-' || i)::uuid, 1000000000000 FROM generate_series(0, 999) i
ON CONFLICT DO NOTHING;
INSERT INTO api_keys (id, user_id, key_hash, key_prefix, name, mode)
SELECT md5('bench-key-' || k)::uuid, md5('bench-user-' || (k % 1000))::uuid, encode(sha256(('bench-key-' || k)::bytea), 'hex'),
       'lyr_live_' || k, 'bench ' || k, 'live'
FROM generate_series(0, 4999) k
ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS bench_meta (seeded_rows bigint NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now());
TRUNCATE bench_meta;
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';

-- Bulk load without the usage indexes, then rebuild them exactly as the migrations defined them (the
-- definitions are read back from the catalog, so they cannot drift from sql/).
DROP TABLE IF EXISTS bench_saved_indexes;
CREATE TABLE bench_saved_indexes AS
    SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'usage_logs'::regclass;
SELECT format('DROP INDEX %s', indexrelid::regclass) FROM pg_index WHERE indrelid = 'usage_logs'::regclass
\gexec

-- Chunks of 1M rows so that progress shows and no single statement holds everything.
SELECT format($f$
INSERT INTO usage_logs (request_id, user_id, api_key_id, project, provider, model, prompt_tokens, cached_tokens,
                        completion_tokens, reasoning_tokens, base_cost_pd, credits, credits_charged, margin_bps,
                        latency_ms, ttft_ms, status, is_stream, created_at)
SELECT 'seed-' || g,
       md5('bench-user-' || ((g %% 5000) %% 1000))::uuid,
       md5('bench-key-' || (g %% 5000))::uuid,
       CASE WHEN g %% 3 = 0 THEN 'alpha' WHEN g %% 3 = 1 THEN 'beta' END,
       (ARRAY['openai','openai','anthropic','anthropic','google','google','openai','anthropic'])[(1 + (g / 7) %% 8)::int],
       (ARRAY['openai/gpt-5','openai/gpt-5-mini','anthropic/claude-sonnet-4.5','anthropic/claude-haiku-4.5',
              'google/gemini-2.5-pro','google/gemini-2.5-flash','openai/gpt-4.1','anthropic/claude-opus-4.1'])[(1 + (g / 7) %% 8)::int],
       500 + (g * 7919) %% 4000, (g * 104729) %% 500, 50 + (g * 1299709) %% 1500, (g %% 11) * 10,
       ((g * 15485863) %% 20000) * 1000000, (g * 15485863) %% 20000, (g * 15485863) %% 20000, 6000,
       200 + (g * 31) %% 3000, 50 + (g * 17) %% 800,
       CASE WHEN g %% 50 = 0 THEN 429 ELSE 200 END, g %% 2 = 0,
       now() - make_interval(secs => ((g * 2654435761) %% 10368000)::double precision)
FROM generate_series(%s::bigint, %s::bigint) g
$f$, lo, least(lo + 999999, :rows - 1))
FROM generate_series(0, :rows - 1, 1000000) lo
\gexec

SELECT replace(def, ' ON ONLY ', ' ON ') FROM bench_saved_indexes
\gexec
DROP TABLE bench_saved_indexes;
VACUUM (ANALYZE) usage_logs;
INSERT INTO bench_meta (seeded_rows) VALUES (:rows);
