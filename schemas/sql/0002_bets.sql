-- 0002_bets — the click-to-bet lifecycle's server-side functions (docs/bets.md).
--
-- The engine's store runs each query in its own implicit transaction, possibly on another
-- connection than the last one, so every step of the money path that must be atomic is one
-- function call here: recording a click's bet within the user's limits, a placement result, a
-- grade. Every value is a parameter; nothing is spliced into SQL.

-- A bet as the REST API shows it (docs/api.md): money as strings with 2 decimals (exact),
-- times as ms since the Unix epoch.
CREATE FUNCTION sv_bet_json(b bets) RETURNS json
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN json_build_object(
        'bet_id', b.bet_id, 'click_id', b.click_id, 'user_id', b.user_id,
        'signal_id', b.signal_id, 'event_id', b.event_id, 'market', b.market, 'side', b.side,
        'player', b.player, 'point', b.point, 'book', b.book, 'price', b.price,
        'stake', b.stake::text, 'status', b.status, 'reason', b.reason,
        'placed_price', b.placed_price, 'closing_price', b.closing_price, 'clv', b.clv,
        'pnl', b.pnl::text,
        'created_ms', sv_ts_to_ms(b.created_at), 'updated_ms', sv_ts_to_ms(b.updated_at));

-- Record the bet of a click once.
--   p_status 'pending': a validated click; the user's limits are checked here, under a lock of
--   the user's row, so two clicks of one user at once cannot both pass the daily exposure.
--   p_status 'rejected': a click the engine refused (p_reason says why), recorded so a repeat
--   of the click gets the same answer.
-- outcome: created | duplicate (the click_id's bet, whatever this call asked) | click_taken
-- (another user's click_id) | no_user | max_stake | exposure; bet: the bet (created or
-- duplicate), else NULL; detail: the limit and what is used of it (max_stake, exposure).
-- Daily exposure: the stakes of the user's bets created on the current UTC day that are not
-- rejected or void, this one included.
CREATE FUNCTION sv_place_bet(p_bet_id text, p_click_id text, p_user_id bigint, p_signal_id text,
                             p_event_id text, p_market text, p_side text, p_player text,
                             p_point numeric, p_book text, p_price integer, p_stake numeric,
                             p_status text, p_reason text,
                             OUT outcome text, OUT bet json, OUT detail text)
    LANGUAGE plpgsql AS $$
DECLARE
    u users;
    b bets;
    used numeric;
BEGIN
    SELECT * INTO u FROM users WHERE id = p_user_id FOR UPDATE;
    IF NOT FOUND THEN
        outcome := 'no_user';
        RETURN;
    END IF;
    SELECT * INTO b FROM bets WHERE click_id = p_click_id;
    IF FOUND THEN
        IF b.user_id <> p_user_id THEN
            outcome := 'click_taken';
        ELSE
            outcome := 'duplicate';
            bet := sv_bet_json(b);
        END IF;
        RETURN;
    END IF;
    IF p_status = 'pending' THEN
        IF p_stake > u.max_stake THEN
            outcome := 'max_stake';
            detail := u.max_stake::text;
            RETURN;
        END IF;
        SELECT coalesce(sum(stake), 0) INTO used FROM bets
         WHERE user_id = p_user_id AND status NOT IN ('rejected', 'void')
           AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        IF used + p_stake > u.daily_exposure THEN
            outcome := 'exposure';
            detail := u.daily_exposure::text || ' ' || used::text;
            RETURN;
        END IF;
    END IF;
    BEGIN
        INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, player,
                          point, book, price, stake, status, reason)
        VALUES (p_bet_id, p_click_id, p_user_id, p_signal_id, p_event_id, p_market, p_side,
                p_player, p_point, p_book, p_price, p_stake, p_status, p_reason)
        RETURNING * INTO b;
    EXCEPTION WHEN unique_violation THEN
        -- the same click_id from another user at the same instant (one user's clicks are
        -- serialised by the lock above)
        SELECT * INTO b FROM bets WHERE click_id = p_click_id OR bet_id = p_bet_id;
        IF FOUND AND b.user_id = p_user_id AND b.click_id = p_click_id THEN
            outcome := 'duplicate';
            bet := sv_bet_json(b);
        ELSE
            outcome := 'click_taken';
        END IF;
        RETURN;
    END;
    outcome := 'created';
    bet := sv_bet_json(b);
END
$$;

-- A placement result: a pending bet becomes placed (at p_price, the book's price, else the
-- bet's) or rejected (p_reason). outcome: applied | unknown (no such bet) | already (the bet
-- is no longer pending: a redelivered result, or a bet cancelled meanwhile); status: the bet's
-- status afterwards.
CREATE FUNCTION sv_bet_result(p_bet_id text, p_accepted boolean, p_price integer, p_reason text,
                              OUT outcome text, OUT status text, OUT bet json)
    LANGUAGE plpgsql AS $$
DECLARE
    b bets;
BEGIN
    UPDATE bets SET status = CASE WHEN p_accepted THEN 'placed' ELSE 'rejected' END,
                    placed_price = CASE WHEN p_accepted THEN coalesce(p_price, bets.price) END,
                    reason = CASE WHEN p_accepted THEN bets.reason ELSE p_reason END
     WHERE bets.bet_id = p_bet_id AND bets.status = 'pending'
    RETURNING * INTO b;
    IF FOUND THEN
        outcome := 'applied';
    ELSE
        SELECT * INTO b FROM bets WHERE bets.bet_id = p_bet_id;
        outcome := CASE WHEN FOUND THEN 'already' ELSE 'unknown' END;
    END IF;
    status := b.status;
    bet := sv_bet_json(b);
END
$$;

-- Grade a placed bet: its status (won, lost, push, void), P/L, closing price and CLV, and its
-- row in grades, at once. false when the bet is not placed (graded already, or not placed).
CREATE FUNCTION sv_grade_bet(p_bet_id text, p_status text, p_pnl numeric, p_closing integer,
                             p_clv double precision, p_ts bigint) RETURNS boolean
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE bets SET status = p_status, pnl = p_pnl, closing_price = p_closing, clv = p_clv
     WHERE bet_id = p_bet_id AND status = 'placed';
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO grades (bet_id, result, pnl, closing_price, clv, ts)
    VALUES (p_bet_id, CASE p_status WHEN 'won' THEN 'win' WHEN 'lost' THEN 'loss' ELSE p_status END,
            p_pnl, p_closing, p_clv, sv_ms_to_ts(p_ts))
    ON CONFLICT (bet_id) WHERE bet_id IS NOT NULL DO UPDATE
        SET result = excluded.result, pnl = excluded.pnl, closing_price = excluded.closing_price,
            clv = excluded.clv, ts = excluded.ts;
    RETURN true;
END
$$;

-- A user's record (GET /api/v1/me/stats): counts by status, settled stakes and P/L, ROI = P/L /
-- settled stakes (void excluded), mean CLV of the graded bets that have one, and what is staked
-- today (the daily exposure in use) against the limits.
CREATE FUNCTION sv_user_stats(p_user_id bigint) RETURNS json
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'user_id', u.id,
        'bets', count(b.bet_id),
        'pending', count(*) FILTER (WHERE b.status = 'pending'),
        'placed', count(*) FILTER (WHERE b.status = 'placed'),
        'rejected', count(*) FILTER (WHERE b.status = 'rejected'),
        'won', count(*) FILTER (WHERE b.status = 'won'),
        'lost', count(*) FILTER (WHERE b.status = 'lost'),
        'push', count(*) FILTER (WHERE b.status = 'push'),
        'void', count(*) FILTER (WHERE b.status = 'void'),
        'staked', coalesce(sum(b.stake) FILTER (WHERE b.status IN ('won', 'lost', 'push')), 0)::numeric(16, 2)::text,
        'pnl', coalesce(sum(b.pnl) FILTER (WHERE b.status IN ('won', 'lost', 'push')), 0)::numeric(16, 2)::text,
        'roi', CASE WHEN coalesce(sum(b.stake) FILTER (WHERE b.status IN ('won', 'lost', 'push')), 0) > 0
                    THEN round(sum(b.pnl) FILTER (WHERE b.status IN ('won', 'lost', 'push'))
                               / sum(b.stake) FILTER (WHERE b.status IN ('won', 'lost', 'push')), 6) END,
        'clv_mean', round((avg(b.clv) FILTER (WHERE b.status IN ('won', 'lost', 'push')))::numeric, 6),
        'clv_bets', count(b.clv) FILTER (WHERE b.status IN ('won', 'lost', 'push')),
        'exposure_today', coalesce(sum(b.stake) FILTER (
            WHERE b.status NOT IN ('rejected', 'void')
              AND b.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0)::numeric(16, 2)::text,
        'max_stake', u.max_stake::text,
        'daily_exposure', u.daily_exposure::text)
      FROM users u LEFT JOIN bets b ON b.user_id = u.id
     WHERE u.id = p_user_id
     GROUP BY u.id
$$;

-- Cancel a pending bet of p_user_id: it becomes void (P/L 0). outcome: cancelled | not_pending
-- (bet: as it is) | unknown (no such bet of that user).
CREATE FUNCTION sv_cancel_bet(p_bet_id text, p_user_id bigint, OUT outcome text, OUT bet json)
    LANGUAGE plpgsql AS $$
DECLARE
    b bets;
BEGIN
    UPDATE bets SET status = 'void', pnl = 0, reason = 'cancelled by the user'
     WHERE bet_id = p_bet_id AND user_id = p_user_id AND status = 'pending'
    RETURNING * INTO b;
    IF FOUND THEN
        outcome := 'cancelled';
    ELSE
        SELECT * INTO b FROM bets WHERE bet_id = p_bet_id AND user_id = p_user_id;
        outcome := CASE WHEN FOUND THEN 'not_pending' ELSE 'unknown' END;
    END IF;
    bet := sv_bet_json(b);
END
$$;
