# SPDX-License-Identifier: BSL-1.0
# vcpkg overlay port of unisock, built from the checkout this file is in (four levels
# up), not from a download: the windows-latest job of .github/workflows/ci.yml builds a
# consumer with it (ci/consumers/vcpkg), so the port is exercised where vcpkg exists.
#
#   cmake ... -DVCPKG_OVERLAY_PORTS=ci/vcpkg/ports          (with a manifest naming unisock)
#   vcpkg install unisock --overlay-ports=ci/vcpkg/ports    (classic mode)
#
# vcpkg's binary cache keys a build on the port's files, not on these sources: outside a
# fresh CI runner, clear the cache (or bump the version) after changing the sources. A
# port for the vcpkg registry would take the sources of a release tag instead
# (vcpkg_from_github) and keep the rest of this file.
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)

# The library alone: no tests, conformance suite, examples or benchmarks.
vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DUNISOCK_BUILD_TESTS=OFF
        -DUNISOCK_BUILD_CONFORMANCE=OFF
        -DUNISOCK_BUILD_EXAMPLES=OFF
        -DUNISOCK_BUILD_BENCH=OFF
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH "lib/cmake/unisock")
vcpkg_fixup_pkgconfig()

# Headers and the licence once, in the release tree.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug/include" "${CURRENT_PACKAGES_DIR}/debug/share")
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
