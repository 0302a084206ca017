internal import CLinux
import Glibc

/// Process hygiene for commands that hold secrets: files they create are
/// private, and a crash writes no core file that could hold a key. The
/// resource limit stops plain core files; not being dumpable also stops a
/// core_pattern pipe handler, and ptrace and /proc/PID/mem from other
/// processes of the same user. A crash ends the process at once: the Swift
/// runtime's backtracer would read the crashed process's memory, and in a
/// process that is not dumpable it was seen to hang instead of exiting.
public enum Hardening {
    public static func apply() {
        umask(0o077)
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
        _ = sotto_set_dumpable(0)
        for crash in [SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP] { signal(crash, SIG_DFL) }
    }
}
