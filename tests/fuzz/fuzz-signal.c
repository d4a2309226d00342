/*
 * fuzz-signal — libFuzzer target: arbitrary bytes through wire_decode(WIRE_SIGNAL), and the round-trip
 * property of tests/fuzz/fuzz.h for every event it accepts.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decoder(WIRE_SIGNAL, data, size);
}
