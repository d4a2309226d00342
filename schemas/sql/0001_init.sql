-- 0001_init — the first schema of Savant's PostgreSQL store (docs/store.md).
--
-- Applied by engine/migrate.c in one transaction and recorded in schema_migrations with the
-- SHA-256 of this file. Never edit it once it has been applied anywhere: a changed file is
-- refused (checksum mismatch). Change the schema with a new file, 0002_<what>.sql.
--
-- Conventions: money is numeric (exact; currency amounts have 2 decimals), probabilities and
-- model scores are double precision (they are doubles in the engine and round-trip exactly),
-- prices are American odds in an integer, times are timestamptz (UTC instants), ids follow the
-- wire rules of schemas/wire_events.h. Every rule the wire contract states is a constraint here.

-- Event time: the wire's ts (ms since the Unix epoch, UTC) to timestamptz and back, exactly.
-- (timestamptz + interval is only stable in general; with a pure millisecond interval the result
-- does not depend on the time zone, so these are immutable.)
CREATE FUNCTION sv_ms_to_ts(ms bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN timestamptz '1970-01-01 00:00:00+00' + ms * interval '1 millisecond';

CREATE FUNCTION sv_ts_to_ms(ts timestamptz) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN floor(extract(epoch FROM ts) * 1000)::bigint;

-- An id of the wire (bet_id, click_id, signal_id, event_id, book): 1..64 bytes of printable
-- ASCII without '|'.
CREATE DOMAIN sv_id AS text
    CONSTRAINT sv_id_check CHECK (VALUE ~ '^[ -{}~]{1,64}$');

-- A token of the wire (market): 1..32 of [a-z0-9_].
CREATE DOMAIN sv_token AS text
    CONSTRAINT sv_token_check CHECK (VALUE ~ '^[a-z0-9_]{1,32}$');

-- A name of the wire (side, player): 1..96 bytes of UTF-8 without '|'.
CREATE DOMAIN sv_name AS text
    CONSTRAINT sv_name_check CHECK (octet_length(VALUE) BETWEEN 1 AND 96 AND strpos(VALUE, '|') = 0);

-- American odds: -100000..-100 or 100..100000.
CREATE DOMAIN sv_american AS integer
    CONSTRAINT sv_american_check CHECK (abs(VALUE) BETWEEN 100 AND 100000);

-- An amount of money in the account's currency, in cents; finite (no NaN).
CREATE DOMAIN sv_money AS numeric(16, 2)
    CONSTRAINT sv_money_check CHECK (VALUE > -100000000000000 AND VALUE < 100000000000000);

-- A line (spread, total, prop): finite, |point| <= 10000.
CREATE DOMAIN sv_line AS numeric
    CONSTRAINT sv_line_check CHECK (VALUE BETWEEN -10000 AND 10000);

-- Token scopes: at most 16 distinct lower-case words, no NULL, one dimension.
CREATE FUNCTION sv_scopes_ok(s text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN cardinality(s) <= 16
        AND (cardinality(s) = 0 OR array_ndims(s) = 1)
        AND NOT EXISTS (SELECT 1 FROM unnest(s) AS x WHERE x IS NULL OR x !~ '^[a-z][a-z0-9_:.]{0,31}$')
        AND cardinality(s) = (SELECT count(DISTINCT x) FROM unnest(s) AS x);

-- People and their limits. A user bets within max_stake per bet and daily_exposure per UTC day
-- (the sum of the stakes of the day's bets that are not rejected or void).
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL
        CONSTRAINT users_email_key UNIQUE
        CONSTRAINT users_email_check CHECK (length(email) BETWEEN 3 AND 254
                                            AND email ~ '^[^@[:cntrl:]]+@[^@[:cntrl:]]+$'),
    role text NOT NULL DEFAULT 'user'
        CONSTRAINT users_role_check CHECK (role IN ('admin', 'user')),
    max_stake sv_money NOT NULL DEFAULT 100
        CONSTRAINT users_max_stake_check CHECK (max_stake > 0 AND max_stake <= 1000000000),
    daily_exposure sv_money NOT NULL DEFAULT 1000
        CONSTRAINT users_daily_exposure_check CHECK (daily_exposure > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
-- one account per address, whatever its case
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

-- API tokens. Only the SHA-256 of a token is kept (lower-case hex); the token itself is shown
-- once when it is made. prefix = its first 8 characters, so people can tell tokens apart.
CREATE TABLE api_tokens (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL
        CONSTRAINT api_tokens_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL
        CONSTRAINT api_tokens_token_hash_key UNIQUE
        CONSTRAINT api_tokens_token_hash_check CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    prefix text NOT NULL
        CONSTRAINT api_tokens_prefix_check CHECK (prefix ~ '^[A-Za-z0-9_-]{8}$'),
    scopes text[] NOT NULL DEFAULT '{}'
        CONSTRAINT api_tokens_scopes_check CHECK (sv_scopes_ok(scopes)),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz,
    CONSTRAINT api_tokens_last_used_check CHECK (last_used_at >= created_at),
    CONSTRAINT api_tokens_revoked_check CHECK (revoked_at >= created_at)
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

-- Bets: one per click (click_id), pending -> placed | rejected -> won | lost | push | void.
-- What was bet (the candidate, book, price, stake) never changes once recorded; the trigger
-- below guards that and the status transitions, and keeps updated_at.
CREATE TABLE bets (
    bet_id sv_id PRIMARY KEY,
    click_id sv_id NOT NULL
        CONSTRAINT bets_click_id_key UNIQUE,
    user_id bigint NOT NULL
        CONSTRAINT bets_user_id_fkey REFERENCES users (id) ON DELETE RESTRICT,
    signal_id sv_id NOT NULL,
    event_id sv_id NOT NULL,
    market sv_token NOT NULL,
    side sv_name NOT NULL,
    player sv_name,
    point sv_line,
    book sv_id NOT NULL,
    price sv_american NOT NULL,
    stake sv_money NOT NULL
        CONSTRAINT bets_stake_check CHECK (stake > 0 AND stake <= 1000000000),
    status text NOT NULL DEFAULT 'pending'
        CONSTRAINT bets_status_check CHECK (status IN ('pending', 'placed', 'rejected', 'won',
                                                       'lost', 'push', 'void')),
    reason text
        CONSTRAINT bets_reason_check CHECK (length(reason) BETWEEN 1 AND 1000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    placed_price sv_american,
    closing_price sv_american,
    clv double precision
        CONSTRAINT bets_clv_check CHECK (clv BETWEEN -1 AND 100),
    pnl sv_money,
    CONSTRAINT bets_updated_check CHECK (updated_at >= created_at),
    -- placed (and graded from placed) bets carry the price the book accepted; others do not
    CONSTRAINT bets_placed_price_check CHECK (
        (status IN ('placed', 'won', 'lost', 'push') AND placed_price IS NOT NULL)
        OR (status IN ('pending', 'rejected') AND placed_price IS NULL)
        OR status = 'void'),
    -- P/L exists exactly when the bet is settled, and agrees with the result (coalesce: a
    -- missing P/L of a settled bet must fail the check, not make it unknown)
    CONSTRAINT bets_pnl_check CHECK (coalesce(
        (status IN ('pending', 'placed', 'rejected') AND pnl IS NULL)
        OR (status = 'won' AND pnl >= 0)
        OR (status = 'lost' AND pnl = -stake)
        OR (status IN ('push', 'void') AND pnl = 0), false))
);
CREATE INDEX bets_user_created_idx ON bets (user_id, created_at DESC);
CREATE INDEX bets_event_status_idx ON bets (event_id, status);
CREATE INDEX bets_signal_idx ON bets (signal_id);

CREATE FUNCTION sv_bets_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'bet "%" cannot be deleted (void it instead)', OLD.bet_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.bet_id, NEW.click_id, NEW.user_id, NEW.signal_id, NEW.event_id, NEW.market, NEW.side,
        NEW.player, NEW.point, NEW.book, NEW.price, NEW.stake, NEW.created_at)
       IS DISTINCT FROM
       (OLD.bet_id, OLD.click_id, OLD.user_id, OLD.signal_id, OLD.event_id, OLD.market, OLD.side,
        OLD.player, OLD.point, OLD.book, OLD.price, OLD.stake, OLD.created_at) THEN
        RAISE EXCEPTION 'bet "%": what was bet cannot change once recorded', OLD.bet_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status <> OLD.status AND NOT (
           (OLD.status = 'pending' AND NEW.status IN ('placed', 'rejected', 'void'))
        OR (OLD.status = 'placed' AND NEW.status IN ('won', 'lost', 'push', 'void'))
        -- a correction of a result
        OR (OLD.status IN ('won', 'lost', 'push', 'void') AND OLD.placed_price IS NOT NULL
            AND NEW.status IN ('won', 'lost', 'push', 'void'))) THEN
        RAISE EXCEPTION 'bet "%": status % cannot become %', OLD.bet_id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.updated_at := greatest(now(), OLD.updated_at);
    RETURN NEW;
END
$$;
CREATE TRIGGER bets_guard BEFORE UPDATE OR DELETE ON bets
    FOR EACH ROW EXECUTE FUNCTION sv_bets_guard();

-- Every revision of every signal the engine emitted (savant.signals.v1). Replays of the same
-- revision are no-ops (INSERT ... ON CONFLICT DO NOTHING); ts is the signal's event time.
CREATE TABLE signals_history (
    signal_id sv_id NOT NULL,
    rev integer NOT NULL
        CONSTRAINT signals_history_rev_check CHECK (rev >= 1),
    state text NOT NULL
        CONSTRAINT signals_history_state_check CHECK (state IN ('open', 'update', 'withdrawn')),
    event_id sv_id NOT NULL,
    market sv_token NOT NULL,
    side sv_name NOT NULL,
    player sv_name,
    point sv_line,
    book sv_id NOT NULL,
    price sv_american NOT NULL,
    p_fair double precision NOT NULL
        CONSTRAINT signals_history_p_fair_check CHECK (p_fair BETWEEN 0 AND 1),
    p_model double precision NOT NULL
        CONSTRAINT signals_history_p_model_check CHECK (p_model BETWEEN 0 AND 1),
    edge double precision NOT NULL
        CONSTRAINT signals_history_edge_check CHECK (edge BETWEEN -1 AND 100),
    kelly double precision NOT NULL
        CONSTRAINT signals_history_kelly_check CHECK (kelly BETWEEN 0 AND 1),
    stake_units double precision NOT NULL
        CONSTRAINT signals_history_stake_units_check CHECK (stake_units BETWEEN 0 AND 100),
    final double precision NOT NULL
        CONSTRAINT signals_history_final_check CHECK (final BETWEEN -100 AND 100),
    tier text NOT NULL
        CONSTRAINT signals_history_tier_check CHECK (tier IN ('TITANIUM_SMASH', 'GOLD_STAR',
                                                              'EDGE_LEAN', 'MONITOR', 'PASS')),
    ts timestamptz NOT NULL,
    CONSTRAINT signals_history_pkey PRIMARY KEY (signal_id, rev)
);
CREATE INDEX signals_history_event_idx ON signals_history (event_id, ts);

-- Grades (savant.grades.v1): one per bet, and one per signal for the signal itself (bet_id
-- NULL). pnl is money for a bet (its currency) and units for a signal; a later grade of the same
-- bet or signal (a correction) replaces the earlier one (INSERT ... ON CONFLICT DO UPDATE).
CREATE TABLE grades (
    id bigserial PRIMARY KEY,
    bet_id sv_id
        CONSTRAINT grades_bet_id_fkey REFERENCES bets (bet_id) ON DELETE RESTRICT,
    signal_id sv_id,
    result text NOT NULL
        CONSTRAINT grades_result_check CHECK (result IN ('win', 'loss', 'push', 'void')),
    pnl numeric NOT NULL
        CONSTRAINT grades_pnl_check CHECK (pnl > -100000000000000 AND pnl < 100000000000000),
    closing_price sv_american,
    clv double precision
        CONSTRAINT grades_clv_check CHECK (clv BETWEEN -1 AND 100),
    ts timestamptz NOT NULL,
    CONSTRAINT grades_subject_check CHECK (bet_id IS NOT NULL OR signal_id IS NOT NULL),
    CONSTRAINT grades_result_pnl_check CHECK (
        (result = 'win' AND pnl >= 0) OR (result = 'loss' AND pnl <= 0)
        OR (result IN ('push', 'void') AND pnl = 0))
);
CREATE UNIQUE INDEX grades_bet_key ON grades (bet_id) WHERE bet_id IS NOT NULL;
CREATE UNIQUE INDEX grades_signal_key ON grades (signal_id) WHERE bet_id IS NULL;
