// Linked into every executable of a TSan build (see Sanitizers.cmake), compiled without TSan.
//
// QProcess (Qt 6.4, forkfd) starts children with clone(CLONE_VM | CLONE_VFORK). The TSan runtime
// of GCC 12 and clang 14 intercepts clone() and, for such a vfork-like clone, runs its
// "child after fork" hook inside the child. The child shares the parent's memory and thread
// state, so the hook lands in the parent: it turns on "ignore reads, writes and sync" for the
// thread that started the process (a JobRunner's pool thread) for the rest of its life, and
// marks the whole process as forked (the next new thread then aborts with "starting new
// threads after multi-threaded fork is not supported"). After that, TSan reports races that
// do not exist (every happens-before edge from that thread is lost) and misses real ones.
//
// Defining clone() here, in the executable, takes precedence over the runtime's interceptor:
// the call goes straight to glibc, and TSan keeps its view of the parent.
//
// And the child is a real fork(), made through TSan's own fork() interceptor, which takes the
// runtime's locks around the fork and sets the child's runtime up afresh. A child that merely
// shared the parent's memory (CLONE_VM) rewrote the parent's TSan state with every intercepted
// call it made: Qt's child resets the signal dispositions with sigaction(), which TSan intercepts
// to keep its table of user handlers, and the parent then ran a handler from a table the child
// had rewritten, a jump into data (SEGVs with a wild PC in the JobRunner threads, about one run
// in three of 2,000 jobs); close()/dup3() rewrote its descriptor table the same way. A raw copy
// (clone without CLONE_VM) was not enough either: the child inherits the runtime's internal
// spin locks as some other thread held them at that instant, and a child whose first
// intercepted call needs one spins for ever before its exec (seen in CI: two copies of longrun
// spinning at full speed, the parent blocked in its vfork-like wait until it was killed). The
// parent still waits as after a vfork: until the child has exec'd or died (a close-on-exec
// pipe), and gets a pidfd when CLONE_PIDFD asked for one. A fork costs a few ms per worker
// start, in TSan builds only.

#include <cerrno>
#include <csignal>
#include <dlfcn.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdarg>

namespace {
using CloneFn = int (*)(int (*)(void *), void *, int, void *, ...);

CloneFn glibcClone()
{
    static const CloneFn real = [] {
        void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
        return libc ? reinterpret_cast<CloneFn>(dlsym(libc, "clone")) : nullptr;
    }();
    return real;
}

// fork() through TSan's interceptor, then `fn` in the child; returns once the child has exec'd
// or died, as CLONE_VFORK would. -1 with errno set when the fork fails.
int forkLikeVfork(int (*fn)(void *), void *arg, int flags, pid_t *parentTid)
{
    int gate[2];
    if (::pipe2(gate, O_CLOEXEC) != 0)
        return -1;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(gate[0]);
        ::_exit(fn(arg));
    }
    const int forkErrno = errno;
    ::close(gate[1]);
    if (pid > 0) {
        char byte = 0;
        while (::read(gate[0], &byte, 1) < 0 && errno == EINTR) {
        }
    }
    ::close(gate[0]);
    if (pid < 0) {
        errno = forkErrno;
        return -1;
    }
    if ((flags & CLONE_PIDFD) != 0 && parentTid != nullptr)
        *parentTid = static_cast<pid_t>(::syscall(SYS_pidfd_open, pid, 0));
    return pid;
}
} // namespace

extern "C" int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
    // The optional arguments are passed on as they came; glibc reads only those the flags ask.
    va_list ap;
    va_start(ap, arg);
    auto *parentTid = va_arg(ap, pid_t *);
    auto *tls = va_arg(ap, void *);
    auto *childTid = va_arg(ap, pid_t *);
    va_end(ap);
    // A vfork-like clone as QProcess makes it: nothing asked but the shared memory, the wait,
    // a pidfd and SIGCHLD at exit.
    constexpr int kVforkLike = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CSIGNAL;
    if ((flags & CLONE_VFORK) != 0 && (flags & ~kVforkLike) == 0 && (flags & CSIGNAL) == SIGCHLD)
        return forkLikeVfork(fn, arg, flags, parentTid);
    if ((flags & CLONE_VFORK) != 0)
        flags &= ~CLONE_VM;
    return glibcClone()(fn, stack, flags, arg, parentTid, tls, childTid);
}
