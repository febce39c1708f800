/*
 * fuzz.h - the libFuzzer entry point every tests/fuzz/fuzz_*.c defines.
 * Each target builds twice: with clang -fsanitize=fuzzer (run-fuzz.sh) and
 * as a plain driver with replay_main.c that replays its seed corpus in
 * `make check`.  A target frees everything it allocates, so a leak is a
 * finding.
 */
#ifndef KFPCACHE_FUZZ_H
#define KFPCACHE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
