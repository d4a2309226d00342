/*
 * spacew — MT19937 as CPython implements it (Modules/_randommodule.c: init_genrand,
 * init_by_array, genrand_uint32, random_random), the Schumann fallback it drives, and the Kp and
 * solar-flare rules (see spacew.h).
 */
#include "spacew.h"

#include "caltime.h"
#include "pynum.h"

#define MT_M 397
#define MT_MATRIX_A 0x9908b0dfU
#define MT_UPPER 0x80000000U
#define MT_LOWER 0x7fffffffU

static void mt_init_genrand(eng_mt_t *m, uint32_t s)
{
    int k;

    m->mt[0] = s;
    for (k = 1; k < ENG_MT_N; k++)
        m->mt[k] = 1812433253U * (m->mt[k - 1] ^ (m->mt[k - 1] >> 30)) + (uint32_t)k;
    m->i = ENG_MT_N;
}

void eng_mt_seed(eng_mt_t *m, uint64_t seed)
{
    uint32_t key[2];
    int klen = 0, i = 1, j = 0, k;

    key[klen++] = (uint32_t)(seed & 0xffffffffU);
    if (seed >> 32)
        key[klen++] = (uint32_t)(seed >> 32);

    mt_init_genrand(m, 19650218U);
    for (k = ENG_MT_N > klen ? ENG_MT_N : klen; k; k--) {
        m->mt[i] = (m->mt[i] ^ ((m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) * 1664525U)) + key[j] +
                   (uint32_t)j;
        i++;
        j++;
        if (i >= ENG_MT_N) {
            m->mt[0] = m->mt[ENG_MT_N - 1];
            i = 1;
        }
        if (j >= klen)
            j = 0;
    }
    for (k = ENG_MT_N - 1; k; k--) {
        m->mt[i] = (m->mt[i] ^ ((m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) * 1566083941U)) - (uint32_t)i;
        i++;
        if (i >= ENG_MT_N) {
            m->mt[0] = m->mt[ENG_MT_N - 1];
            i = 1;
        }
    }
    m->mt[0] = 0x80000000U;
    m->i = ENG_MT_N;
}

uint32_t eng_mt_next(eng_mt_t *m)
{
    static const uint32_t mag01[2] = {0U, MT_MATRIX_A};
    uint32_t y;
    int k;

    if (m->i >= ENG_MT_N) {
        for (k = 0; k < ENG_MT_N - MT_M; k++) {
            y = (m->mt[k] & MT_UPPER) | (m->mt[k + 1] & MT_LOWER);
            m->mt[k] = m->mt[k + MT_M] ^ (y >> 1) ^ mag01[y & 1U];
        }
        for (; k < ENG_MT_N - 1; k++) {
            y = (m->mt[k] & MT_UPPER) | (m->mt[k + 1] & MT_LOWER);
            m->mt[k] = m->mt[k + (MT_M - ENG_MT_N)] ^ (y >> 1) ^ mag01[y & 1U];
        }
        y = (m->mt[ENG_MT_N - 1] & MT_UPPER) | (m->mt[0] & MT_LOWER);
        m->mt[ENG_MT_N - 1] = m->mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1U];
        m->i = 0;
    }
    y = m->mt[m->i++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

double eng_mt_random(eng_mt_t *m)
{
    uint32_t a = eng_mt_next(m) >> 5, b = eng_mt_next(m) >> 6;

    return ((double)a * 67108864.0 + (double)b) * (1.0 / 9007199254740992.0);
}

double eng_schumann(int64_t day, const char **status, double *hz, eng_why_t *why)
{
    eng_mt_t m;
    double dev, ad, score, freq;
    const char *st;
    int ymd = eng_cal_yyyymmdd(day);

    eng_mt_seed(&m, (uint64_t)(ymd < 0 ? -(int64_t)ymd : ymd));
    dev = (eng_mt_random(&m) - 0.5) * 1.0;
    ad = dev < 0 ? -dev : dev;
    if (ad < 0.1)
        st = "NORMAL";
    else if (ad < 0.3)
        st = dev > 0 ? "SLIGHTLY_ELEVATED" : "SLIGHTLY_DEPRESSED";
    else
        st = dev > 0 ? "ELEVATED" : "DEPRESSED";
    freq = eng_py_round(7.83 + dev, 2);
    if (st[0] == 'N')
        score = 0.7;
    else if (eng_schumann_triggered(st))
        score = 0.5;
    else
        score = 0.6;
    if (status)
        *status = st;
    if (hz)
        *hz = freq;
    eng_why_add(why, "schumann: %.2f Hz %s (seed %d) score %.2f", freq, st, ymd, score);
    return score;
}

bool eng_schumann_triggered(const char *status)
{
    const char *p;

    for (p = status; *p; p++)
        if (p[0] == 'E' && p[1] == 'L' && p[2] == 'E' && p[3] == 'V' && p[4] == 'A' &&
            p[5] == 'T' && p[6] == 'E' && p[7] == 'D')
            return true;
    return false;
}

double eng_kp_score(double kp)
{
    if (kp <= 2)
        return 0.8;
    if (kp <= 3)
        return 0.7;
    if (kp <= 4)
        return 0.5;
    if (kp <= 5)
        return 0.4;
    return 0.3;
}

bool eng_kp_triggered(double kp)
{
    return kp <= 2 || kp > 4;
}

double eng_solar_flare(bool has_xray, double xray_flux, bool has_kp, double kp, bool *triggered)
{
    double chaos = 0.0;
    bool fired = false;

    if (has_xray) {
        if (xray_flux >= 1e-4) {
            chaos = 0.3;
            fired = true;
        } else if (xray_flux >= 1e-5) {
            chaos = 0.15;
            fired = true;
        }
    } else if (has_kp && kp >= 5) {
        chaos = kp >= 7 ? 0.1 : 0.05;
        fired = kp >= 6;
    }
    if (triggered)
        *triggered = fired;
    return fired ? chaos * 0.5 : 0.0;
}
