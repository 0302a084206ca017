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

/* The kernel's key retention service (keyrings(7)), whose system calls have
   no glibc wrappers and syscall(2) is variadic. Each returns -1 with errno
   set on failure, and -1 / ENOSYS where there is no such service. */
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>
#endif

static inline long sotto_add_key(const char *type, const char *description, const void *payload, size_t length, int keyring) {
#ifdef __linux__
    return syscall(SYS_add_key, type, description, payload, length, keyring);
#else
    errno = ENOSYS; return -1;
#endif
}

/* The id of a special keyring (KEY_SPEC_*), without creating it. */
static inline long sotto_keyring_id(int keyring) {
#ifdef __linux__
    return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, keyring, 0);
#else
    errno = ENOSYS; return -1;
#endif
}

/* The id of the key of `description` in `keyring` (searched recursively). */
static inline long sotto_search_key(int keyring, const char *type, const char *description) {
#ifdef __linux__
    return syscall(SYS_keyctl, KEYCTL_SEARCH, keyring, type, description, 0);
#else
    errno = ENOSYS; return -1;
#endif
}

static inline long sotto_read_key(long key, void *buffer, size_t length) {
#ifdef __linux__
    return syscall(SYS_keyctl, KEYCTL_READ, key, buffer, length);
#else
    errno = ENOSYS; return -1;
#endif
}

static inline long sotto_set_key_timeout(long key, unsigned seconds) {
#ifdef __linux__
    return syscall(SYS_keyctl, KEYCTL_SET_TIMEOUT, key, seconds);
#else
    errno = ENOSYS; return -1;
#endif
}

/* Only processes that possess the key (through their session keyring) may
   see, read, change or remove it; not every process of the same user. */
static inline long sotto_restrict_key(long key) {
#ifdef __linux__
    /* possessor: view 0x01, read 0x02, write 0x04, search 0x08, setattr 0x20 (keyutils.h's KEY_POS_*) */
    return syscall(SYS_keyctl, KEYCTL_SETPERM, key, 0x2f000000UL);
#else
    errno = ENOSYS; return -1;
#endif
}

static inline long sotto_invalidate_key(long key) {
#ifdef __linux__
    return syscall(SYS_keyctl, KEYCTL_INVALIDATE, key);
#else
    errno = ENOSYS; return -1;
#endif
}
