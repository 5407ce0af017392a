#ifndef JWTBENCH_CFUZZDRIVER_H
#define JWTBENCH_CFUZZDRIVER_H
// libFuzzer's documented entry point for programs that own `main` (libclang_rt.fuzzer). A
// SwiftPM executable on Linux always has a `main` (SwiftPM links main to <module>_main), so
// libFuzzer's own `main` cannot be used; each fuzz target's `main` calls this instead.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
