#include "process/spawn.h"

#include "process/child.h"
#include "process/pidns.h"
#include "process/reaper.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <utility>

namespace longrun::worker {

namespace {

bool makePty(Fd &master, Fd &slave, std::string &error)
{
    master = Fd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    char name[128];
    if (!master.valid() || ::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0
        || ::ptsname_r(master.get(), name, sizeof name) != 0) {
        error = std::string("command: cannot create a pseudo-terminal: ") + std::strerror(errno);
        return false;
    }
    // O_NOCTTY: never our own controlling terminal; the program's child makes it its own.
    slave = Fd(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave.valid()) {
        error = std::string("command: cannot open '") + name + "': " + std::strerror(errno);
        return false;
    }
    winsize size = {};
    size.ws_row = 40;
    size.ws_col = 120;
    ::ioctl(slave.get(), TIOCSWINSZ, &size);
    // Keep "\n" as the program wrote it; the default "\r\n" would only clutter the tail.
    termios mode = {};
    if (::tcgetattr(slave.get(), &mode) == 0) {
        mode.c_oflag &= ~static_cast<tcflag_t>(ONLCR);
        ::tcsetattr(slave.get(), TCSANOW, &mode);
    }
    return true;
}

std::string failure(const ChildReport &report, const std::string &program, const std::string &cwd)
{
    const char *why = std::strerror(report.error);
    if (report.stage == kChdir)
        return "command: cannot change to directory '" + cwd + "': " + why;
    if (report.stage == kTerminal)
        return std::string("command: cannot give the pseudo-terminal to the program: ") + why;
    if (report.stage == kFork)
        return std::string("command: cannot fork: ") + why;
    return "command: cannot run '" + program + "': " + why;
}

void waitFor(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

// One try at starting the program, in a namespace or as our plain child. False when the
// namespace could not be made (nothing runs then; `program.containment` says why).
bool tryStart(ChildSetup setup, bool inNamespace, Program &program, const std::string &cwd)
{
    Fd reportRead, reportWrite;
    if (!makePipe(reportRead, reportWrite)) {
        program.error = std::string("command: cannot start: ") + std::strerror(errno);
        return true;
    }
    setup.report = reportWrite.get();
    setup.parent = getpid();
    NamespaceInit init;
    if (inNamespace) {
        init = startInit(&setup, setup.report);
        if (init.pid < 0) {
            program.containment = "subreaper: " + namespaceFailure(0, init.error);
            return false;
        }
    } else {
        prepareSubreaper();
        init.pid = ::fork();
        if (init.pid == 0)
            runChild(setup);
        if (init.pid < 0) {
            program.error = std::string("command: cannot fork: ") + std::strerror(errno);
            return true;
        }
    }
    reportWrite.reset();
    const ChildReports reports = readReports(reportRead.get());
    if (reports.failure.stage != 0) {
        waitFor(init.pid);
        if (reports.failure.stage == kNamespace) {
            program.containment =
                "subreaper: " + namespaceFailure(kNamespace, reports.failure.error);
            return false;
        }
        program.error = failure(reports.failure, setup.argv[0], cwd);
        return true;
    }
    program.pid = init.pid;
    program.status = std::move(init.status);
    if (inNamespace)
        program.containment = reports.procError != 0 ? procNote(reports.procError) : kPidNamespace;
    return true;
}

} // namespace

std::vector<std::string> ProgramEnvironment::words(const char *const *base) const
{
    std::vector<std::string> out;
    if (!clear) {
        for (const char *const *entry = base; entry && *entry; ++entry)
            out.emplace_back(*entry);
    }
    for (const std::string &word : set) {
        const std::string_view key = std::string_view(word).substr(0, word.find('=') + 1);
        std::erase_if(out, [&key](const std::string &old) { return old.starts_with(key); });
        out.push_back(word);
    }
    return out;
}

Program spawnProgram(const std::vector<std::string> &words, const std::string &cwd,
                     const ProgramEnvironment &env, bool tty)
{
    std::vector<char *> argv;
    for (const auto &word : words)
        argv.push_back(const_cast<char *>(word.c_str()));
    argv.push_back(nullptr);
    // Built before the fork: the child may only make async-signal-safe calls.
    const std::vector<std::string> envWords =
        env.inherited() ? std::vector<std::string>() : env.words(environ);
    std::vector<char *> envp;
    for (const auto &word : envWords)
        envp.push_back(const_cast<char *>(word.c_str()));
    envp.push_back(nullptr);

    Program program;
    Fd devNull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    Fd outWrite, errWrite;
    if (tty) {
        if (!makePty(program.out, outWrite, program.error))
            return program;
    } else if (!makePipe(program.out, outWrite) || !makePipe(program.err, errWrite)) {
        program.error = std::string("command: cannot create pipes: ") + std::strerror(errno);
        return program;
    }
    if (!devNull.valid()) {
        program.error = std::string("command: cannot start: ") + std::strerror(errno);
        return program;
    }
    const ChildSetup setup{argv.data(),
                           env.inherited() ? nullptr : envp.data(),
                           cwd.empty() ? nullptr : cwd.c_str(),
                           devNull.get(),
                           outWrite.get(),
                           tty ? outWrite.get() : errWrite.get(),
                           -1,
                           tty,
                           getpid()};
    bool started = false;
    if (const std::string off = namespacesDisabled(); !off.empty())
        program.containment = "subreaper: " + off;
    else
        started = tryStart(setup, true, program, cwd);
    if (!started)
        tryStart(setup, false, program, cwd);
    if (tty)
        program.slave = std::move(outWrite);
    return program;
}

} // namespace longrun::worker
