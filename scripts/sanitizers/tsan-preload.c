// Synchronisation that ThreadSanitizer cannot see, made visible to it. Preloaded
// (LD_PRELOAD) by scripts/sanitize.sh for the ThreadSanitizer run only.
//
// 1. C11 threads on top of the POSIX calls that TSan intercepts.
//
// Debian's librdkafka is built with C11 threads (thrd_create, mtx_lock, cnd_wait).
// glibc implements them by calling its internal pthread functions directly, so
// ThreadSanitizer never sees librdkafka's threads start (their first intercepted
// call, e.g. close() in the mock cluster's thread, then crashes TSan's runtime:
// "SEGV on unknown address 0x000000000c38 ... nested bug") nor its locks (every
// hand-over between a librdkafka thread and ours would be a false report).
// These definitions come first in symbol lookup and call the public pthread
// functions, which TSan intercepts, exactly as glibc's own wrappers do.
//
// 2. Swift's `Synchronization.Mutex` on Linux. Its fast path is an atomic compare-and-swap
// inlined into our (instrumented) code, but a contended lock or unlock runs in the
// standard library (`_MutexHandle._lockSlow`, `_tryLockSlow`, `_unlockSlow`, not
// instrumented: spinning compare-and-swaps and PI futexes). TSan then misses that hand-over
// and reports a race between two accesses that are both inside `withLock`. The wrappers
// below call the real functions and tell TSan about the hand-over (`__tsan_release`
// before a slow unlock, `__tsan_acquire` after a slow lock), on the lock word's address,
// the same address the inlined fast path synchronises on.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

static int map(int err) {
    switch (err) {
    case 0: return thrd_success;
    case ENOMEM: return thrd_nomem;
    case ETIMEDOUT: return thrd_timedout;
    case EBUSY: return thrd_busy;
    default: return thrd_error;
    }
}

struct start { thrd_start_t func; void *arg; };

static void *trampoline(void *raw) {
    struct start start = *(struct start *)raw;
    free(raw);
    return (void *)(intptr_t)start.func(start.arg);
}


int thrd_create(thrd_t *thr, thrd_start_t func, void *arg) {
    struct start *start = malloc(sizeof *start);
    if (!start) return thrd_nomem;
    start->func = func;
    start->arg = arg;
    int err = pthread_create((pthread_t *)thr, NULL, trampoline, start);
    if (err) free(start);
    return map(err);
}

int thrd_join(thrd_t thr, int *res) {
    void *value = NULL;
    int err = pthread_join((pthread_t)thr, &value);
    if (!err && res) *res = (int)(intptr_t)value;
    return map(err);
}

int thrd_detach(thrd_t thr) { return map(pthread_detach((pthread_t)thr)); }

int mtx_init(mtx_t *mtx, int type) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    if (type & mtx_recursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    int err = pthread_mutex_init((pthread_mutex_t *)mtx, &attr);
    pthread_mutexattr_destroy(&attr);
    return map(err);
}

int mtx_lock(mtx_t *mtx) { return map(pthread_mutex_lock((pthread_mutex_t *)mtx)); }
int mtx_trylock(mtx_t *mtx) { return map(pthread_mutex_trylock((pthread_mutex_t *)mtx)); }
int mtx_timedlock(mtx_t *restrict mtx, const struct timespec *restrict ts) {
    return map(pthread_mutex_timedlock((pthread_mutex_t *)mtx, ts));
}
int mtx_unlock(mtx_t *mtx) { return map(pthread_mutex_unlock((pthread_mutex_t *)mtx)); }
void mtx_destroy(mtx_t *mtx) { pthread_mutex_destroy((pthread_mutex_t *)mtx); }

int cnd_init(cnd_t *cond) { return map(pthread_cond_init((pthread_cond_t *)cond, NULL)); }
int cnd_signal(cnd_t *cond) { return map(pthread_cond_signal((pthread_cond_t *)cond)); }
int cnd_broadcast(cnd_t *cond) { return map(pthread_cond_broadcast((pthread_cond_t *)cond)); }
int cnd_wait(cnd_t *cond, mtx_t *mtx) {
    return map(pthread_cond_wait((pthread_cond_t *)cond, (pthread_mutex_t *)mtx));
}
int cnd_timedwait(cnd_t *restrict cond, mtx_t *restrict mtx, const struct timespec *restrict ts) {
    return map(pthread_cond_timedwait((pthread_cond_t *)cond, (pthread_mutex_t *)mtx, ts));
}
void cnd_destroy(cnd_t *cond) { pthread_cond_destroy((pthread_cond_t *)cond); }

void __tsan_acquire(void *addr) __attribute__((weak));
void __tsan_release(void *addr) __attribute__((weak));

// Swift's `_MutexHandle` slow paths (Swift calling convention: `self`, the lock word's
// address, in the swiftself register, which clang's `swift_context` parameter maps to).
#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define TRY_LOCK_SLOW "$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"
#define SWIFTCALL __attribute__((swiftcall))
#define SELF __attribute__((swift_context))

static void *next(const char *name) { return dlsym(RTLD_NEXT, name); }

SWIFTCALL void lockSlow(uint32_t tid, void *SELF word) __asm__(LOCK_SLOW);
SWIFTCALL void lockSlow(uint32_t tid, void *SELF word) {
    static SWIFTCALL void (*real)(uint32_t, void *SELF);
    if (!real) real = (SWIFTCALL void (*)(uint32_t, void *SELF))next(LOCK_SLOW);
    real(tid, word);
    if (__tsan_acquire) __tsan_acquire(word);
}

SWIFTCALL _Bool tryLockSlow(void *SELF word) __asm__(TRY_LOCK_SLOW);
SWIFTCALL _Bool tryLockSlow(void *SELF word) {
    static SWIFTCALL _Bool (*real)(void *SELF);
    if (!real) real = (SWIFTCALL _Bool (*)(void *SELF))next(TRY_LOCK_SLOW);
    _Bool locked = real(word);
    if (locked && __tsan_acquire) __tsan_acquire(word);
    return locked;
}

SWIFTCALL void unlockSlow(void *SELF word) __asm__(UNLOCK_SLOW);
SWIFTCALL void unlockSlow(void *SELF word) {
    static SWIFTCALL void (*real)(void *SELF);
    if (!real) real = (SWIFTCALL void (*)(void *SELF))next(UNLOCK_SLOW);
    if (__tsan_release) __tsan_release(word);
    real(word);
}
