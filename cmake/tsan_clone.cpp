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
// And the child gets memory of its own: CLONE_VM is dropped (CLONE_VFORK stays, so the parent
// still waits until the child has exec'd or died). In a shared address space, every intercepted
// call the child makes lands in the parent's TSan state: Qt's child resets the signal
// dispositions with sigaction(), which TSan intercepts to keep its table of user handlers; the
// parent then ran a handler from a table the child had rewritten, a jump into data (seen as
// SEGVs with a wild PC in the JobRunner threads, about one run in three of 2,000 jobs). Its
// close()/dup3() rewrote TSan's descriptor table the same way. A copy costs a few ms per worker
// start, in TSan builds only.

#include <dlfcn.h>
#include <sched.h>
#include <sys/types.h>

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
    if ((flags & CLONE_VFORK) != 0)
        flags &= ~CLONE_VM;
    return glibcClone()(fn, stack, flags, arg, parentTid, tls, childTid);
}
