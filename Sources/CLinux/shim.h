#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* prctl(2) is variadic, which Swift cannot call. */
static inline int sotto_set_dumpable(int dumpable) {
#ifdef __linux__
    return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0UL, 0UL, 0UL);
#else
    (void)dumpable;
    return 0;
#endif
}
