-- Per-key margin override (basis points: 6000 = 60% markup), winning over the user's and the model's margin.
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS margin_bps integer CHECK (margin_bps >= 0 AND margin_bps <= 1000000);
