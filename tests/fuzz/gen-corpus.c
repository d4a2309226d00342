/*
 * gen-corpus — writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/:
 * a few valid events per type as msgpack (from the JSON below, through wire_from_json and
 * wire_encode), the same events as JSON for fuzz-json, and a mix for fuzz-msgpack_any.
 * Run once from the source root after changing a schema; the seeds are committed.
 *
 *   cc -D_GNU_SOURCE -Icommon -Ischemas tests/fuzz/gen-corpus.c build/libsavant.a \
 *      -lmsgpackc -ljansson -lm -o build/gen-corpus && build/gen-corpus
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wire.h"

static const struct {
    wire_type_t t;
    const char *json;
} seeds[] = {
    {WIRE_ODDS, "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"evt1\",\"sport\":\"nba\","
                "\"book\":\"draftkings\",\"market\":\"spreads\",\"outcomes\":[{\"name\":\"Lakers\","
                "\"price\":-110,\"point\":-5.5},{\"name\":\"Celtics\",\"decimal\":1.91,\"point\":5.5}]}"},
    {WIRE_ODDS, "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"evt1\",\"sport\":\"nba\","
                "\"book\":\"fanduel\",\"market\":\"player_points\",\"player\":\"LeBron James\","
                "\"outcomes\":[{\"name\":\"Over\",\"price\":-115,\"point\":27.5},"
                "{\"name\":\"Under\",\"price\":100000,\"point\":27.5}]}"},
    {WIRE_ODDS, "{\"v\":1,\"ts\":1,\"event_id\":\"e\",\"sport\":\"soccer_epl\",\"book\":\"b\","
                "\"market\":\"h2h\",\"outcomes\":[]}"},
    {WIRE_GAME, "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"evt1\",\"sport\":\"nba\","
                "\"league\":\"NBA\",\"home\":\"Celtics\",\"away\":\"Lakers\","
                "\"commence_ts\":1767229200000,\"status\":\"live\",\"period\":2,\"clock_s\":431,"
                "\"home_score\":48,\"away_score\":51}"},
    {WIRE_GAME, "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"evt2\",\"sport\":\"nfl\","
                "\"home\":\"Packers\",\"away\":\"Bears\",\"commence_ts\":1767229200000,"
                "\"status\":\"scheduled\"}"},
    {WIRE_CONTEXT, "{\"v\":1,\"ts\":1767225600000,\"kind\":\"splits\",\"event_id\":\"evt1\","
                   "\"market\":\"h2h\",\"side\":\"Lakers\",\"ticket_pct\":62.5,\"money_pct\":41}"},
    {WIRE_CONTEXT, "{\"v\":1,\"ts\":1767225600000,\"kind\":\"injury\",\"event_id\":\"evt1\","
                   "\"team\":\"Lakers\",\"player\":\"LeBron James\",\"status\":\"questionable\","
                   "\"impact\":0.35,\"is_starter\":true}"},
    {WIRE_CONTEXT, "{\"v\":1,\"ts\":1767225600000,\"kind\":\"player\",\"player\":\"LeBron James\","
                   "\"team\":\"Lakers\",\"birth_date\":\"1984-12-30\"}"},
    {WIRE_CONTEXT, "{\"v\":1,\"ts\":1767225600000,\"kind\":\"officials\",\"event_id\":\"evt1\","
                   "\"lead\":\"Scott Foster\",\"crew\":[\"Tony Brothers\",\"Marc Davis\"],"
                   "\"over_pct\":0.55,\"home_bias\":-0.1}"},
    {WIRE_CONTEXT, "{\"v\":1,\"ts\":1767225600000,\"kind\":\"weather\",\"event_id\":\"evt1\","
                   "\"temp_f\":41,\"wind_mph\":12.5,\"precip_in\":0.1,\"humidity\":80,"
                   "\"indoor\":false}"},
    {WIRE_CONTEXT, "{\"v\":1,\"ts\":1767225600000,\"kind\":\"space_weather\",\"kp\":5.33,"
                   "\"xray_flux\":1e-06}"},
    {WIRE_CLICK, "{\"v\":1,\"ts\":1767225600000,\"click_id\":\"c1\",\"user_id\":\"u1\","
                 "\"signal_id\":\"sig1\",\"event_id\":\"evt1\",\"book\":\"fanduel\",\"stake\":25,"
                 "\"max_price_move\":0.02}"},
    {WIRE_SCORE, "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"evt1\",\"market\":\"totals\","
                 "\"side\":\"Over\",\"point\":220.5,\"p_fair\":0.52,\"best_price\":-105,"
                 "\"best_decimal\":1.952,\"best_book\":\"fanduel\",\"books\":7,"
                 "\"line_variance\":0.75,\"flags\":[\"steam\",\"arb\"],\"p_model\":0.55,\"ai\":6.5,"
                 "\"research\":5,\"esoteric\":4.2,\"jarvis\":7,\"final\":7.8,\"tier\":\"GOLD_STAR\","
                 "\"confluence\":\"STRONG\"}"},
    {WIRE_SCORE, "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"evt1\",\"market\":\"h2h\","
                 "\"side\":\"Lakers\",\"p_fair\":0.4,\"best_price\":150,\"best_decimal\":2.5,"
                 "\"best_book\":\"b\",\"books\":1,\"line_variance\":0,\"flags\":[]}"},
    {WIRE_SIGNAL, "{\"v\":1,\"ts\":1767225600000,\"signal_id\":\"sig1\",\"rev\":2,"
                  "\"state\":\"update\",\"event_id\":\"evt1\",\"market\":\"totals\","
                  "\"side\":\"Over\",\"player\":\"Jayson Tatum\",\"point\":220.5,"
                  "\"book\":\"fanduel\",\"price\":-105,\"p_fair\":0.52,\"p_model\":0.55,"
                  "\"edge\":3.1,\"kelly\":0.04,\"stake_units\":1.5,\"scores\":{\"ai\":6.5,"
                  "\"research\":5,\"esoteric\":4.2,\"jarvis\":7,\"base\":6,\"final\":7.8},"
                  "\"confluence\":\"STRONG\",\"tier\":\"GOLD_STAR\",\"reasons\":[\"steam move\","
                  "\"sharp money\"],\"model\":\"lstm-2026.01\"}"},
    {WIRE_PLACEMENT, "{\"v\":1,\"ts\":1767225600000,\"bet_id\":\"b1\",\"click_id\":\"c1\","
                     "\"user_id\":\"u1\",\"signal_id\":\"sig1\",\"event_id\":\"evt1\","
                     "\"market\":\"totals\",\"side\":\"Over\",\"point\":220.5,"
                     "\"book\":\"fanduel\",\"price\":-105,\"stake\":25}"},
    {WIRE_PLACEMENT_RESULT, "{\"v\":1,\"ts\":1767225600000,\"bet_id\":\"b1\","
                            "\"status\":\"rejected\",\"price\":-110,\"reason\":\"price moved\"}"},
    {WIRE_PLACEMENT_RESULT, "{\"v\":1,\"ts\":1767225600000,\"bet_id\":\"b1\","
                            "\"status\":\"accepted\"}"},
    {WIRE_GRADE, "{\"v\":1,\"ts\":1767225600000,\"bet_id\":\"b1\",\"signal_id\":\"sig1\","
                 "\"result\":\"win\",\"pnl\":23.81,\"closing_price\":-112,\"clv\":0.021}"},
    {WIRE_GRADE, "{\"v\":1,\"ts\":1767225600000,\"signal_id\":\"sig1\",\"result\":\"void\","
                 "\"pnl\":0,\"closing_price\":100,\"clv\":-1}"},
    {WIRE_DLQ, "{\"v\":1,\"ts\":1767225600000,\"src_topic\":\"savant.odds.v1\","
               "\"src_partition\":3,\"src_offset\":12345,"
               "\"error\":\"outcomes[1].price: American odds need |price| >= 100\","
               "\"orig\":\"gqF2AcEA/w==\"}"},
};

static void write_file(const char *dir, const char *name, int n, const void *buf, size_t len)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "tests/fuzz/corpus/%s", dir);
    mkdir("tests/fuzz/corpus", 0755);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "tests/fuzz/corpus/%s/%s-%d", dir, name, n);
    if (!(f = fopen(path, "wb")) || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int main(void)
{
    int count[WIRE__CNT] = {0};
    for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
        wire_type_t t = seeds[i].t;
        void *ev = calloc(1, wire_struct_size(t));
        json_t *j = json_loads(seeds[i].json, 0, NULL);
        msgpack_sbuffer sb;
        msgpack_packer pk;
        wire_err_t err;

        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        if (!j || wire_from_json(t, j, ev, &err) || wire_encode(t, ev, &pk, &err)) {
            fprintf(stderr, "gen-corpus: seed %zu: %s: %s\n", i, err.field, err.reason);
            return 1;
        }
        count[t]++;
        write_file(wire_type_name(t), "seed", count[t], sb.data, sb.size);
        write_file("json", wire_type_name(t), count[t], seeds[i].json, strlen(seeds[i].json));
        if (count[t] == 1)
            write_file("msgpack_any", wire_type_name(t), 1, sb.data, sb.size);
        wire_release(t, ev);
        msgpack_sbuffer_destroy(&sb);
        json_decref(j);
        free(ev);
    }
    write_file("msgpack_any", "nested", 1,
               "\x83\xa1" "a\x93\x01\xff\x81\xa1" "b\xc0\xa1" "c\xcb\x40\x09\x00\x00\x00\x00\x00\x00"
               "\xa1" "d\xc4\x03\x00\x01\x02", 28);
    write_file("msgpack_any", "kinds", 1, "\x96\xca\x3f\xc0\x00\x00\xd4\x01\x00\xc2\xc3\xcf\xff\xff\xff"
               "\xff\xff\xff\xff\xff\xdc\x00\x01\x90", 24);
    return 0;
}
