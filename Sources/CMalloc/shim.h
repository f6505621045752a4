#ifndef ALFA_CMALLOC_SHIM_H
#define ALFA_CMALLOC_SHIM_H
// glibc's allocator statistics (mallinfo2), for the benchmarks' memory figures.
#include <malloc.h>
#endif
