#include <sys/resource.h>
#include <fcntl.h>
#include <errno.h>
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

/* An unlinked file in `directory` (open(2) with O_TMPFILE, a macro Swift
   cannot import), for output that must not exist until it is complete.
   -1 with errno set where the file system or the kernel has no O_TMPFILE. */
static inline int sotto_open_unlinked(const char *directory, mode_t mode) {
#ifdef __linux__
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif
    return open(directory, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
#else
    (void)directory; (void)mode;
    errno = EOPNOTSUPP;
    return -1;
#endif
}
