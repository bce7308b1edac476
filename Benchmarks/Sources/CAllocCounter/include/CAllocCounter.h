#ifndef ASYNCKAFKA_CALLOCCOUNTER_H
#define ASYNCKAFKA_CALLOCCOUNTER_H

/*
 * Process-wide allocation counting for the benchmark executable.
 *
 * This target defines malloc, calloc, realloc, posix_memalign, aligned_alloc
 * and memalign; linked into the executable, they interpose glibc's for every
 * shared library too (librdkafka, the Swift runtime, Foundation). Each forwards
 * to glibc's __libc_* entry point, and counts the call while counting is on
 * (a relaxed atomic increment; off, a relaxed load). free is not interposed.
 */

/* Starts or stops counting (counting is off at start). */
void bench_allocation_counting(int enabled);

/* The number of allocation calls counted so far, on every thread. */
unsigned long bench_allocation_count(void);

/* Size classes of bench_allocation_size_classes: class b counts sizes in
 * [2^(b-1), 2^b), class 0 size 0, the last class everything larger. */
#define BENCH_ALLOCATION_SIZE_CLASSES 32

/* Copies the counts per size class (BENCH_ALLOCATION_SIZE_CLASSES of them) to `out`. */
void bench_allocation_size_classes(unsigned long *out);

/* 1 when the interposition is active: a strdup inside glibc, which allocates
 * through malloc, is counted. Turns counting on for the check and restores it. */
int bench_allocation_interposition_active(void);

#endif
