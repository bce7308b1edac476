/*
 * malloc & co. interposed in the benchmark executable, forwarding to glibc and
 * counting calls. See CAllocCounter.h.
 */
#define _GNU_SOURCE
#include "CAllocCounter.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

static _Atomic int counting = 0;
static _Atomic unsigned long allocations = 0;

/* Allocations by size class: bucket b holds sizes in [2^(b-1), 2^b), bucket 0 size 0. */
static _Atomic unsigned long by_size[BENCH_ALLOCATION_SIZE_CLASSES];

static inline void count_one_sized(size_t size) {
    if (atomic_load_explicit(&counting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
        int bucket = size == 0 ? 0 : 64 - __builtin_clzl((unsigned long)size);
        if (bucket >= BENCH_ALLOCATION_SIZE_CLASSES) bucket = BENCH_ALLOCATION_SIZE_CLASSES - 1;
        atomic_fetch_add_explicit(&by_size[bucket], 1, memory_order_relaxed);
    }
}

void *malloc(size_t size) {
    count_one_sized(size);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    count_one_sized(count * size);
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    count_one_sized(size);
    return __libc_realloc(pointer, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    count_one_sized(size);
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *out = pointer;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
    count_one_sized(size);
    return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
    count_one_sized(size);
    return __libc_memalign(alignment, size);
}

void bench_allocation_counting(int enabled) {
    atomic_store_explicit(&counting, enabled ? 1 : 0, memory_order_relaxed);
}

unsigned long bench_allocation_count(void) {
    return atomic_load_explicit(&allocations, memory_order_relaxed);
}

void bench_allocation_size_classes(unsigned long *out) {
    for (int b = 0; b < BENCH_ALLOCATION_SIZE_CLASSES; b++)
        out[b] = atomic_load_explicit(&by_size[b], memory_order_relaxed);
}

int bench_allocation_interposition_active(void) {
    int was = atomic_load_explicit(&counting, memory_order_relaxed);
    bench_allocation_counting(1);
    unsigned long before = bench_allocation_count();
    /* strdup allocates inside libc.so: counted only if libc's call to malloc resolves here. */
    char *volatile copy = strdup("interposed?");
    unsigned long after = bench_allocation_count();
    __libc_free(copy);
    bench_allocation_counting(was);
    return after > before;
}
