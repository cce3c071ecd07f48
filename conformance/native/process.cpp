// SPDX-License-Identifier: BSL-1.0
// Raw OS helper: a child process whose stdin and stdout are pipes to this process
// (posix_spawn on POSIX, CreateProcess on Windows).
//
// The pipe ends this process keeps are never inherited: close-on-exec on POSIX and not
// inheritable on Windows, so a child started by one test (or by another thread at the same
// time) never holds another child's pipe open, and the leak check sees all of them closed
// once the child_process is destroyed.
#include "native/process.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#if defined(_WIN32)
#include <windows.h>
// After windows.h, which it needs.
#include <psapi.h>
#else
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <mach-o/dyld.h>
#endif
extern char** environ;
#endif

namespace conformance::native {

namespace {

using clock = std::chrono::steady_clock;

// How often the loops below look again at a child that gives no event to wait on
// (a process exit on POSIX, a pipe without data on Windows).
constexpr auto poll_interval = std::chrono::milliseconds(10);

std::chrono::milliseconds remaining(clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

// Takes the first line out of buffer (without "\n" or "\r\n"), if it holds a whole one.
std::optional<std::string> take_line(std::string& buffer) {
    const auto end = buffer.find('\n');
    if (end == std::string::npos) return std::nullopt;
    std::string line = buffer.substr(0, end);
    buffer.erase(0, end + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

} // namespace

#if defined(_WIN32)

namespace {

std::runtime_error windows_error(const std::string& what) {
    return std::runtime_error(what + " failed (Windows error " + std::to_string(GetLastError()) + ")");
}

void close_handle(HANDLE& h) noexcept {
    if (h != nullptr && h != INVALID_HANDLE_VALUE) CloseHandle(h);
    h = nullptr;
}

// One argument quoted the way the C runtime's command-line parser reads it back:
// backslashes are literal unless they precede a quote, where they are doubled.
std::string quote_argument(const std::string& arg) {
    if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string::npos) return arg;
    std::string quoted = "\"";
    std::size_t backslashes = 0;
    for (const char c : arg) {
        if (c == '\\') {
            ++backslashes;
            continue;
        }
        quoted.append(c == '"' ? backslashes * 2 + 1 : backslashes, '\\');
        backslashes = 0;
        quoted += c;
    }
    quoted.append(backslashes * 2, '\\');
    quoted += '"';
    return quoted;
}

std::string command_line(const std::string& program, const std::vector<std::string>& args) {
    std::string line = quote_argument(program);
    for (const auto& arg : args) line += " " + quote_argument(arg);
    return line;
}

// A pipe whose one end (the child's) is inheritable and the other (ours) is not.
struct pipe_ends {
    HANDLE ours = nullptr;
    HANDLE childs = nullptr;
};

pipe_ends make_pipe(bool child_reads) {
    SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE read_end = nullptr;
    HANDLE write_end = nullptr;
    if (!CreatePipe(&read_end, &write_end, &inheritable, 0)) throw windows_error("CreatePipe");
    pipe_ends ends = child_reads ? pipe_ends{write_end, read_end} : pipe_ends{read_end, write_end};
    SetHandleInformation(ends.ours, HANDLE_FLAG_INHERIT, 0);
    return ends;
}

// The attribute list that limits what the child inherits to exactly handles: without it,
// CreateProcess with bInheritHandles would also hand over every inheritable handle
// another thread happens to hold at that moment.
class inherit_only {
public:
    explicit inherit_only(std::vector<HANDLE> handles) : handles_(std::move(handles)) {
        SIZE_T size = 0;
        InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
        storage_.resize(size);
        list_ = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage_.data());
        if (!InitializeProcThreadAttributeList(list_, 1, 0, &size))
            throw windows_error("InitializeProcThreadAttributeList");
        if (!UpdateProcThreadAttribute(list_, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles_.data(),
                                       handles_.size() * sizeof(HANDLE), nullptr, nullptr)) {
            DeleteProcThreadAttributeList(list_);
            throw windows_error("UpdateProcThreadAttribute");
        }
    }
    ~inherit_only() { DeleteProcThreadAttributeList(list_); }
    inherit_only(const inherit_only&) = delete;
    inherit_only& operator=(const inherit_only&) = delete;

    LPPROC_THREAD_ATTRIBUTE_LIST get() const noexcept { return list_; }

private:
    std::vector<HANDLE> handles_;
    std::vector<char> storage_;
    LPPROC_THREAD_ATTRIBUTE_LIST list_ = nullptr;
};

// This process's stderr, duplicated as an inheritable handle for the child (the original
// may not be inheritable); nullptr when there is none.
HANDLE inheritable_stderr() {
    const HANDLE stderr_handle = GetStdHandle(STD_ERROR_HANDLE);
    if (stderr_handle == nullptr || stderr_handle == INVALID_HANDLE_VALUE) return nullptr;
    HANDLE copy = nullptr;
    if (!DuplicateHandle(GetCurrentProcess(), stderr_handle, GetCurrentProcess(), &copy, 0, TRUE,
                         DUPLICATE_SAME_ACCESS))
        return nullptr;
    return copy;
}

} // namespace

struct child_process::state {
    HANDLE process = nullptr;
    HANDLE stdin_write = nullptr;
    HANDLE stdout_read = nullptr;
    std::string buffer;
    bool end_of_output = false;
    std::optional<int> exit_code;

    // Reads what the pipe holds into buffer, waiting up to deadline for the first byte.
    // False once the child closed its stdout and nothing is left.
    bool fill(clock::time_point deadline) {
        if (end_of_output) return false;
        for (;;) {
            DWORD available = 0;
            if (!PeekNamedPipe(stdout_read, nullptr, 0, nullptr, &available, nullptr)) {
                end_of_output = true; // ERROR_BROKEN_PIPE: every writer has closed
                return false;
            }
            if (available > 0) {
                std::string chunk(available, '\0');
                DWORD got = 0;
                if (!ReadFile(stdout_read, chunk.data(), available, &got, nullptr)) {
                    end_of_output = true;
                    return false;
                }
                buffer.append(chunk, 0, got);
                return true;
            }
            if (clock::now() >= deadline) return true;
            std::this_thread::sleep_for(std::min<clock::duration>(poll_interval, remaining(deadline)));
        }
    }
};

child_process::child_process(const std::string& program, const std::vector<std::string>& args)
    : state_(new state) {
    pipe_ends stdin_pipe{};
    pipe_ends stdout_pipe{};
    HANDLE child_stderr = nullptr;
    try {
        stdin_pipe = make_pipe(true);
        stdout_pipe = make_pipe(false);
        child_stderr = inheritable_stderr();
        std::vector<HANDLE> inherited{stdin_pipe.childs, stdout_pipe.childs};
        if (child_stderr != nullptr) inherited.push_back(child_stderr);
        const inherit_only attributes(inherited);

        STARTUPINFOEXA startup{};
        startup.StartupInfo.cb = sizeof(startup);
        startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
        startup.StartupInfo.hStdInput = stdin_pipe.childs;
        startup.StartupInfo.hStdOutput = stdout_pipe.childs;
        startup.StartupInfo.hStdError = child_stderr;
        startup.lpAttributeList = attributes.get();

        std::string line = command_line(program, args);
        PROCESS_INFORMATION info{};
        if (!CreateProcessA(nullptr, line.data(), nullptr, nullptr, TRUE, EXTENDED_STARTUPINFO_PRESENT,
                            nullptr, nullptr, &startup.StartupInfo, &info))
            throw windows_error("CreateProcess " + line);
        CloseHandle(info.hThread);
        state_->process = info.hProcess;
    } catch (...) {
        close_handle(stdin_pipe.ours);
        close_handle(stdout_pipe.ours);
        close_handle(stdin_pipe.childs);
        close_handle(stdout_pipe.childs);
        close_handle(child_stderr);
        delete state_;
        throw;
    }
    // The child holds its own copies now; ours would keep the pipes from ever ending.
    close_handle(stdin_pipe.childs);
    close_handle(stdout_pipe.childs);
    close_handle(child_stderr);
    state_->stdin_write = stdin_pipe.ours;
    state_->stdout_read = stdout_pipe.ours;
}

child_process::~child_process() {
    close_stdin();
    if (!wait(std::chrono::milliseconds(0))) {
        terminate();
        WaitForSingleObject(state_->process, INFINITE);
    }
    close_handle(state_->stdout_read);
    close_handle(state_->process);
    delete state_;
}

void child_process::write_stdin(std::string_view data) {
    while (!data.empty()) {
        DWORD written = 0;
        if (state_->stdin_write == nullptr ||
            !WriteFile(state_->stdin_write, data.data(), static_cast<DWORD>(data.size()), &written, nullptr))
            throw windows_error("WriteFile to the child's stdin");
        data.remove_prefix(written);
    }
}

void child_process::close_stdin() { close_handle(state_->stdin_write); }

void child_process::terminate() {
    if (!state_->exit_code) TerminateProcess(state_->process, 1);
}

void child_process::kill() { terminate(); }

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
    if (state_->exit_code) return state_->exit_code;
    if (WaitForSingleObject(state_->process, static_cast<DWORD>(timeout.count())) != WAIT_OBJECT_0)
        return std::nullopt;
    DWORD code = 0;
    GetExitCodeProcess(state_->process, &code);
    state_->exit_code = static_cast<int>(code);
    return state_->exit_code;
}

std::string self_executable_path() {
    std::string path(MAX_PATH, '\0');
    for (;;) {
        const DWORD length = GetModuleFileNameA(nullptr, path.data(), static_cast<DWORD>(path.size()));
        if (length < path.size()) {
            path.resize(length);
            return path;
        }
        path.resize(path.size() * 2);
    }
}

bool program_available(const std::string& name) {
    char found[MAX_PATH];
    return SearchPathA(nullptr, name.c_str(), ".exe", MAX_PATH, found, nullptr) != 0;
}

bool child_process::terminate_lets_it_clean_up() noexcept { return false; }

std::optional<child_process::memory> child_process::memory_use() const {
    PROCESS_MEMORY_COUNTERS counters{};
    counters.cb = sizeof counters;
    if (!GetProcessMemoryInfo(state_->process, &counters, sizeof counters) || counters.WorkingSetSize == 0)
        return std::nullopt;
    return memory{counters.WorkingSetSize, counters.PeakWorkingSetSize};
}

std::optional<long> child_process::open_handle_count() const {
    DWORD count = 0;
    // A live process always holds handles: Wine answers 0 for another process's.
    if (!GetProcessHandleCount(state_->process, &count) || count == 0) return std::nullopt;
    return static_cast<long>(count);
}

#else

namespace {

std::runtime_error posix_error(const std::string& what, int code) {
    return std::runtime_error(what + " failed (errno " + std::to_string(code) + ")");
}

void close_fd(int& fd) noexcept {
    if (fd >= 0) ::close(fd); // never retried: the descriptor is gone either way
    fd = -1;
}

// Both ends close-on-exec: the child gets its end through posix_spawn's dup2 (which
// clears the flag on the copy), and no other child ever gets either end.
void make_pipe(int ends[2]) {
#if defined(__APPLE__)
    // macOS has no pipe2: the flag is set right after (a child spawned by another thread in
    // between could inherit these ends; the tests do not spawn concurrently).
    if (::pipe(ends) != 0) throw posix_error("pipe", errno);
    for (int i = 0; i < 2; ++i) ::fcntl(ends[i], F_SETFD, FD_CLOEXEC);
#else
    if (::pipe2(ends, O_CLOEXEC) != 0) throw posix_error("pipe2", errno);
#endif
}

// The child starts with default SIGPIPE/SIGINT/SIGTERM handling and nothing blocked,
// whatever this process (or its test framework) did with its own signals.
class spawn_attributes {
public:
    spawn_attributes() {
        posix_spawnattr_init(&attributes_);
        sigset_t none;
        sigemptyset(&none);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        sigaddset(&defaults, SIGINT);
        sigaddset(&defaults, SIGTERM);
        posix_spawnattr_setsigmask(&attributes_, &none);
        posix_spawnattr_setsigdefault(&attributes_, &defaults);
        posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    ~spawn_attributes() { posix_spawnattr_destroy(&attributes_); }
    spawn_attributes(const spawn_attributes&) = delete;
    spawn_attributes& operator=(const spawn_attributes&) = delete;
    const posix_spawnattr_t* get() const noexcept { return &attributes_; }

private:
    posix_spawnattr_t attributes_;
};

// The child's stdin and stdout become the given pipe ends.
class spawn_file_actions {
public:
    spawn_file_actions(int child_stdin, int child_stdout) {
        posix_spawn_file_actions_init(&actions_);
        posix_spawn_file_actions_adddup2(&actions_, child_stdin, STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions_, child_stdout, STDOUT_FILENO);
    }
    ~spawn_file_actions() { posix_spawn_file_actions_destroy(&actions_); }
    spawn_file_actions(const spawn_file_actions&) = delete;
    spawn_file_actions& operator=(const spawn_file_actions&) = delete;
    const posix_spawn_file_actions_t* get() const noexcept { return &actions_; }

private:
    posix_spawn_file_actions_t actions_;
};

int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// write(2) to a pipe whose reader is gone raises SIGPIPE in the writing thread; it is
// blocked here for the call, and a SIGPIPE it left pending is taken before unblocking, so
// the test process sees EPIPE instead of dying.
class sigpipe_blocked {
public:
    sigpipe_blocked() {
        sigemptyset(&pipe_only_);
        sigaddset(&pipe_only_, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_only_, &previous_);
    }
    ~sigpipe_blocked() {
        sigset_t pending;
        sigemptyset(&pending);
        if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
            int taken = 0;
            sigwait(&pipe_only_, &taken);
        }
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    sigpipe_blocked(const sigpipe_blocked&) = delete;
    sigpipe_blocked& operator=(const sigpipe_blocked&) = delete;

private:
    sigset_t pipe_only_;
    sigset_t previous_;
};

} // namespace

struct child_process::state {
    pid_t pid = -1;
    int stdin_write = -1;
    int stdout_read = -1;
    std::string buffer;
    bool end_of_output = false;
    std::optional<int> exit_code;

    // Reads what the pipe holds into buffer, waiting up to deadline for the first byte.
    // False once the child closed its stdout and nothing is left.
    bool fill(clock::time_point deadline) {
        if (end_of_output) return false;
        pollfd entry{stdout_read, POLLIN, 0};
        int ready = 0;
        do {
            ready = ::poll(&entry, 1, static_cast<int>(remaining(deadline).count()));
        } while (ready < 0 && errno == EINTR);
        if (ready <= 0) return true; // timed out: the caller decides
        char chunk[4096];
        ssize_t got = 0;
        do {
            got = ::read(stdout_read, chunk, sizeof chunk);
        } while (got < 0 && errno == EINTR);
        if (got <= 0) {
            end_of_output = true;
            return false;
        }
        buffer.append(chunk, static_cast<std::size_t>(got));
        return true;
    }
};

child_process::child_process(const std::string& program, const std::vector<std::string>& args)
    : state_(new state) {
    int stdin_pipe[2] = {-1, -1};
    int stdout_pipe[2] = {-1, -1};
    try {
        make_pipe(stdin_pipe);
        make_pipe(stdout_pipe);
    } catch (...) {
        for (int& fd : stdin_pipe) close_fd(fd);
        delete state_;
        throw;
    }

    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);

    int result = 0;
    {
        const spawn_file_actions actions(stdin_pipe[0], stdout_pipe[1]);
        const spawn_attributes attributes;
        // posix_spawnp looks a bare name up on PATH, and uses a path with a '/' as it is.
        result = ::posix_spawnp(&state_->pid, program.c_str(), actions.get(), attributes.get(),
                                argv.data(), environ);
    }
    // The child holds its own copies now; ours would keep the pipes from ever ending.
    close_fd(stdin_pipe[0]);
    close_fd(stdout_pipe[1]);
    if (result != 0) {
        close_fd(stdin_pipe[1]);
        close_fd(stdout_pipe[0]);
        delete state_;
        throw posix_error("posix_spawn " + program, result);
    }
    state_->stdin_write = stdin_pipe[1];
    state_->stdout_read = stdout_pipe[0];
}

child_process::~child_process() {
    close_stdin();
    if (!wait(std::chrono::milliseconds(0))) {
        terminate();
        if (!wait(std::chrono::seconds(5))) {
            ::kill(state_->pid, SIGKILL);
            int status = 0;
            while (::waitpid(state_->pid, &status, 0) < 0 && errno == EINTR) {
            }
        }
    }
    close_fd(state_->stdout_read);
    delete state_;
}

void child_process::write_stdin(std::string_view data) {
    const sigpipe_blocked guard;
    while (!data.empty()) {
        const ssize_t written = state_->stdin_write < 0 ? -1 : ::write(state_->stdin_write, data.data(), data.size());
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) throw posix_error("write to the child's stdin", state_->stdin_write < 0 ? EBADF : errno);
        data.remove_prefix(static_cast<std::size_t>(written));
    }
}

void child_process::close_stdin() { close_fd(state_->stdin_write); }

void child_process::terminate() {
    if (!state_->exit_code) ::kill(state_->pid, SIGTERM);
}

void child_process::kill() {
    if (!state_->exit_code) ::kill(state_->pid, SIGKILL);
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
    // waitpid has no timeout: WNOHANG, looked at again every poll_interval.
    const auto deadline = clock::now() + timeout;
    while (!state_->exit_code) {
        int status = 0;
        const pid_t reaped = ::waitpid(state_->pid, &status, WNOHANG);
        if (reaped == state_->pid) {
            state_->exit_code = exit_code_of(status);
        } else if (reaped < 0 && errno != EINTR) {
            state_->exit_code = -1; // not our child any more: nothing left to wait for
        } else if (clock::now() >= deadline) {
            return std::nullopt;
        } else {
            std::this_thread::sleep_for(std::min<clock::duration>(poll_interval, remaining(deadline)));
        }
    }
    return state_->exit_code;
}

std::string self_executable_path() {
#if defined(__APPLE__)
    std::uint32_t size = 0;
    _NSGetExecutablePath(nullptr, &size);
    std::string path(size, '\0');
    if (_NSGetExecutablePath(path.data(), &size) != 0) throw std::runtime_error("_NSGetExecutablePath failed");
    path.resize(path.find('\0'));
    return path;
#else
    std::string path(4096, '\0');
    const ssize_t length = ::readlink("/proc/self/exe", path.data(), path.size());
    if (length < 0) throw posix_error("readlink /proc/self/exe", errno);
    path.resize(static_cast<std::size_t>(length));
    return path;
#endif
}

bool program_available(const std::string& name) {
    if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::string_view directories = path != nullptr ? path : "/usr/bin:/bin";
    while (!directories.empty()) {
        const auto colon = directories.find(':');
        std::string directory(directories.substr(0, colon));
        directories.remove_prefix(colon == std::string_view::npos ? directories.size() : colon + 1);
        if (directory.empty()) directory = ".";
        const std::string candidate = directory + "/" + name;
        struct stat info {};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return true;
    }
    return false;
}

bool child_process::terminate_lets_it_clean_up() noexcept { return true; }

#if defined(__linux__)

std::optional<child_process::memory> child_process::memory_use() const {
    std::ifstream status("/proc/" + std::to_string(state_->pid) + "/status");
    memory use;
    bool resident = false;
    bool peak = false;
    // Lines such as "VmRSS:     4242 kB"; a zombie has none of them.
    for (std::string line; std::getline(status, line);) {
        std::size_t* field = line.rfind("VmRSS:", 0) == 0   ? &use.resident_bytes
                             : line.rfind("VmHWM:", 0) == 0 ? &use.peak_resident_bytes
                                                            : nullptr;
        if (field == nullptr) continue;
        *field = std::stoul(line.substr(line.find(':') + 1)) * 1024;
        (field == &use.resident_bytes ? resident : peak) = true;
    }
    if (!resident || !peak) return std::nullopt;
    return use;
}

std::optional<long> child_process::open_handle_count() const {
    DIR* listing = ::opendir(("/proc/" + std::to_string(state_->pid) + "/fd").c_str());
    if (listing == nullptr) return std::nullopt;
    long count = 0;
    while (const dirent* entry = ::readdir(listing))
        if (entry->d_name[0] != '.') ++count;
    ::closedir(listing);
    return count;
}

#else

// Another process's memory and descriptors need rights (task_for_pid) a test lacks.
std::optional<child_process::memory> child_process::memory_use() const { return std::nullopt; }

std::optional<long> child_process::open_handle_count() const { return std::nullopt; }

#endif

#endif

// ---- the same on every OS: line reading over state::fill --------------------------------

std::optional<std::string> child_process::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    for (;;) {
        if (auto line = take_line(state_->buffer)) return line;
        if (!state_->fill(deadline)) {
            if (state_->buffer.empty()) return std::nullopt;
            return std::exchange(state_->buffer, std::string()); // the unterminated last line
        }
        if (clock::now() >= deadline && state_->buffer.find('\n') == std::string::npos) return std::nullopt;
    }
}

std::string child_process::read_all(std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    while (state_->fill(deadline) && clock::now() < deadline) {
    }
    return std::exchange(state_->buffer, std::string());
}

} // namespace conformance::native
