#ifndef JWTBENCH_CZLIB_SHIM_H
#define JWTBENCH_CZLIB_SHIM_H
// DEFLATE for HdrHistogram's compressed V2 encoding (.hlog interval logs).
#include <zlib.h>
#endif
