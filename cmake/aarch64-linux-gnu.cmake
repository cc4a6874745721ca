# Cross-compiling for 64-bit Arm with Debian's toolchain (gcc-aarch64-linux-gnu) and the arm64
# libraries installed beside the host's (multiarch: /usr/lib/aarch64-linux-gnu). Used by
# `make test-aarch64` (tools/test-aarch64.sh), which runs the result under qemu-user.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Multiarch: libraries, CMake packages and pkg-config files from /usr/lib/aarch64-linux-gnu
# (never the host's x86_64-linux-gnu), headers from /usr/include, programs from the host.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
# ctest runs the programs it built through this (binfmt_misc runs the ones they start).
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
