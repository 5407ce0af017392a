#ifndef JWTBENCH_CJEMALLOC_SHIM_H
#define JWTBENCH_CJEMALLOC_SHIM_H
// jemalloc's mallctl, for per-thread allocation counters (thread.allocatedp / deallocatedp).
#include <jemalloc/jemalloc.h>
#endif
