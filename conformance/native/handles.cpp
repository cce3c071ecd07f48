// SPDX-License-Identifier: BSL-1.0
// Raw probe: counts open descriptors / handles without going through unisock.
#include "native/handles.hpp"

#if defined(_WIN32)
#include <windows.h>
#else
#include <dirent.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#endif

namespace conformance::native {

#if defined(_WIN32)

long open_handle_count() {
    DWORD count = 0;
    GetProcessHandleCount(GetCurrentProcess(), &count);
    return static_cast<long>(count);
}

std::optional<std::string> descriptor_limit_unsupported() {
    return std::string("Windows has no per-process limit on open handles that a program can lower (no "
                       "RLIMIT_NOFILE; the kernel's fixed cap is 2^24 handles), so there is no WSAEMFILE to provoke");
}

std::optional<std::string> lower_descriptor_limit(long) { return descriptor_limit_unsupported(); }

bool running_under_wine() {
    const HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

#else

long open_handle_count() {
#if defined(__linux__)
    const char* directory = "/proc/self/fd";
#else
    const char* directory = "/dev/fd";
#endif
    DIR* listing = opendir(directory);
    if (listing == nullptr) return -1;
    long count = 0;
    while (const dirent* entry = readdir(listing)) {
        if (entry->d_name[0] != '.') ++count;
    }
    closedir(listing);
    return count - 1; // the listing's own descriptor
}

std::optional<std::string> descriptor_limit_unsupported() { return std::nullopt; }

std::optional<std::string> lower_descriptor_limit(long limit) {
    rlimit current{};
    if (::getrlimit(RLIMIT_NOFILE, &current) != 0) return std::string("getrlimit: ") + std::strerror(errno);
    current.rlim_cur = static_cast<rlim_t>(limit);
    if (::setrlimit(RLIMIT_NOFILE, &current) != 0) return std::string("setrlimit: ") + std::strerror(errno);
    return std::nullopt;
}

bool running_under_wine() { return false; }

#endif

} // namespace conformance::native
