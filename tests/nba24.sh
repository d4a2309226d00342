# tests/nba24.sh — the input of the scale-out tests (sourced after lib.sh; bash): 24 NBA games
# (scheduled, starting in a day), their spreads splits, 8 rounds of odds (24 games x 4 books x
# h2h and spreads, prices and lines moving by a fixed rule; the book "delta" prices the home side
# 10 cents better, so some candidates get an edge) and the finals. Writes $TMP/games.jsonl,
# $TMP/odds.jsonl and $TMP/finals.jsonl; sets G and n_odds. Then the helpers that run engines
# in a group on it (engine, run, finish) and read their outputs (last_scores, last_signals); the
# test sets X, the engines' options.
G=24
T=$T0 # TV25's times (lib.sh): odds a day before the start
TEAMS="Atlanta Hawks|Boston Celtics|Brooklyn Nets|Charlotte Hornets|Chicago Bulls|Cleveland Cavaliers|Dallas Mavericks|Denver Nuggets|Detroit Pistons|Golden State Warriors|Houston Rockets|Indiana Pacers|Los Angeles Clippers|Los Angeles Lakers|Memphis Grizzlies|Miami Heat|Milwaukee Bucks|Minnesota Timberwolves|New Orleans Pelicans|New York Knicks|Oklahoma City Thunder|Orlando Magic|Philadelphia 76ers|Phoenix Suns|Portland Trail Blazers|Sacramento Kings|San Antonio Spurs|Toronto Raptors|Utah Jazz|Washington Wizards"
# game g: team g-1 at home to team g+14 (mod 30)
AWK_TEAMS='BEGIN { n = split(teams, TM, "|") } function home(g) { return TM[(g - 1) % n + 1] } function away(g) { return TM[(g + 14) % n + 1] }'
games_in() { awk -v G=$G -v T=$T -v S=$START -v teams="$TEAMS" "$AWK_TEAMS"' END { for (g = 1; g <= G; g++)
    printf "{\"v\":1,\"ts\":%.0f,\"event_id\":\"g%d\",\"sport\":\"nba\",\"home\":\"%s\",\"away\":\"%s\",\"commence_ts\":%.0f,\"status\":\"scheduled\"}\n", T + g, g, home(g), away(g), S }' </dev/null; }
# the spreads splits of every game's home side: 62 % of tickets, 40 % of the money (TV25's)
splits_in() { awk -v G=$G -v T=$T -v teams="$TEAMS" "$AWK_TEAMS"' END { for (g = 1; g <= G; g++)
    printf "{\"v\":1,\"ts\":%.0f,\"kind\":\"splits\",\"event_id\":\"g%d\",\"market\":\"spreads\",\"side\":\"%s\",\"ticket_pct\":62,\"money_pct\":40}\n", T + 100 + g, g, home(g) }' </dev/null; }
# 8 rounds x 24 games x 4 books x (h2h, spreads), prices and lines moving by a fixed rule; the
# book "delta" prices the home side 10 cents better (some candidates get an edge)
odds_in() { awk -v G=$G -v T=$T -v teams="$TEAMS" "$AWK_TEAMS"' END { split("alpha beta gamma delta", B, " "); t = T + 1000
    for (i = 0; i < 8; i++) for (g = 1; g <= G; g++) for (b = 1; b <= 4; b++) {
        t += 100; p = 110 + (i * 7 + g * 3 + length(B[b])) % 40; q = p + (i % 3) * 5
        l = (i + g + length(B[b])) % 4 + 2; h = b == 4 ? 10 : 0
        printf "{\"v\":1,\"ts\":%.0f,\"event_id\":\"g%d\",\"sport\":\"nba\",\"book\":\"%s\",\"market\":\"h2h\",\"outcomes\":[{\"name\":\"%s\",\"price\":-%d},{\"name\":\"%s\",\"price\":%d}]}\n", t, g, B[b], home(g), p - h, away(g), q
        printf "{\"v\":1,\"ts\":%.0f,\"event_id\":\"g%d\",\"sport\":\"nba\",\"book\":\"%s\",\"market\":\"spreads\",\"outcomes\":[{\"name\":\"%s\",\"price\":%d,\"point\":-%d.5},{\"name\":\"%s\",\"price\":-110,\"point\":%d.5}]}\n", t, g, B[b], home(g), h ? 100 : -110, l, away(g), l } }' </dev/null; }
finals_in() { awk -v G=$G -v S=$START -v teams="$TEAMS" "$AWK_TEAMS"' END { for (g = 1; g <= G; g++)
    printf "{\"v\":1,\"ts\":%.0f,\"event_id\":\"g%d\",\"sport\":\"nba\",\"home\":\"%s\",\"away\":\"%s\",\"commence_ts\":%.0f,\"status\":\"final\",\"home_score\":%d,\"away_score\":%d}\n", S + 10800000 + g, g, home(g), away(g), S, 100 + g % 7, 98 + g % 5 }' </dev/null; }
games_in >"$TMP/games.jsonl"; odds_in >"$TMP/odds.jsonl"; finals_in >"$TMP/finals.jsonl"
n_odds=$(grep -c . "$TMP/odds.jsonl")

# engine LOG: starts an engine on $BROKERS; its pid in BG_PID
engine() { bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" "${X[@]}" 2>"$1"; }
http_of() { sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$1"; }
valid_sum() { # valid_sum TOPIC LOG...: events of TOPIC the live engines applied
    local t=$1 n=0 v f; shift
    for f in "$@"; do
        v=$(curl -s "http://127.0.0.1:$(http_of "$f")/metrics" 2>/dev/null |
            awk -v t="$t" '$1 == "savant_input_valid_total{topic=\"" t "\"}" {print $2}')
        n=$((n + ${v:-0}))
    done
    echo "$n"
}
covered() { # covered LOG...: no engine holds a changed game, a flush or an offset not stored
    local f n
    for f in "$@"; do
        n=$(curl -s "http://127.0.0.1:$(http_of "$f")/metrics" 2>/dev/null | awk '$1 ~ /^savant_state_(dirty_games|flushes_in_flight|offsets_held)$/ {n += $2; k++} END {print (k == 3 ? n : -1)}')
        [ "$n" = 0 ] || return 1
    done
}
valid_ge() { [ "$(valid_sum "$1" "${@:3}")" -ge "$2" ]; }
settled() { local a; a=$(topic_count savant.scores.v1); sleep 2; [ "$a" -gt 0 ] && [ "$a" = "$(topic_count savant.scores.v1)" ]; }
last_scores() { # key<TAB>bytes of the last score per key (a key lives in one partition: offset order)
    scores_keyed "$TMP/keyed"
    awk -F '\t' '{last[$1] = $2} END {for (k in last) print k "\t" last[k]}' "$TMP/keyed" | sort
}
last_signals() {
    timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.signals.v1 -e 2>/dev/null |
        jq -c '[.signal_id, .rev, .state, .book, .price, .p_model, .scores.final, .tier]' |
        jq -s -c 'group_by(.[0]) | map(max_by(.[1])) | .[]'
}
# run LOG...: the first two phases against the engines logging to LOG... (the games and splits,
# then the odds of $ODDS, default all of them)
run() {
    games_in | cat_produce games
    splits_in | cat_produce context
    wait_for 60 valid_ge games $G "$@" || fail "the games were not applied ($(valid_sum games "$@"))"
    wait_for 60 valid_ge context $G "$@" || fail "the splits were not applied ($(valid_sum context "$@"))"
    # committed: a partition taken over later is restored with its games, not consumed again
    # from its start, where the games and odds topics would be read in fetch order instead of
    # production order (docs/reliability.md). Every engine has its state in acknowledged records
    # and their offsets stored (with CHANGELOG=false: stored as each batch completes); then one
    # auto-commit interval.
    if [ "${CHANGELOG:-true}" = true ]; then
        wait_for 60 covered "$@" || fail "the games phase was not written to the changelog"
    fi
    sleep 0.5
    cat_produce odds <"${ODDS:-$TMP/odds.jsonl}"
}
finish() { # finish LOG...: the finals once every odds event is applied, then wait for the output
    wait_for 120 valid_ge odds "$n_odds" "$@" || fail "the odds were not applied ($(valid_sum odds "$@") of $n_odds)"
    cat_produce games <"$TMP/finals.jsonl"
    wait_for 60 valid_ge games $((2 * G)) "$@" || fail "the finals were not applied"
    wait_for 60 settled || fail "the output did not settle"
}
# reference BROKER-OPTION...: one undisturbed engine over the whole input, on a broker of its own
# (stopped after): $TMP/ref.scores, $TMP/ref.signals, n_ref (scores produced), n_sig (signals)
reference() {
    local ref
    start_broker "$@"
    engine "$TMP/ref.log"; ref=$BG_PID
    wait_for 30 grep -q 'event=started' "$TMP/ref.log" || fail "the engine did not start"
    run "$TMP/ref.log"
    finish "$TMP/ref.log"
    n_ref=$(topic_count savant.scores.v1)
    last_scores >"$TMP/ref.scores"
    last_signals >"$TMP/ref.signals"
    kill -TERM "$ref"; wait "$ref" || fail "reference engine exit status $?"
    n_sig=$(grep -c . "$TMP/ref.signals" || true)
    kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true
    [ "$n_sig" -gt 0 ] || fail "the input gave no signal: nothing to compare"
}
