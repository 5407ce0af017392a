#ifndef JWTBENCH_CEPOLL_SHIM_H
#define JWTBENCH_CEPOLL_SHIM_H
// epoll for the HTTP load driver's workers (Glibc's Swift module leaves <sys/epoll.h> out).
#include <sys/epoll.h>
#endif
