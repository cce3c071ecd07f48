// SPDX-License-Identifier: BSL-1.0
// Raw probe: counts open descriptors / handles without going through unisock.
#include "native/handles.hpp"

#if defined(_WIN32)
#include <windows.h>
#else
#include <dirent.h>
#endif

namespace conformance::native {

#if defined(_WIN32)

long open_handle_count() {
    DWORD count = 0;
    GetProcessHandleCount(GetCurrentProcess(), &count);
    return static_cast<long>(count);
}

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

bool running_under_wine() { return false; }

#endif

} // namespace conformance::native
