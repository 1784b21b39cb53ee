#!/usr/bin/env bash
# Rebuilds the example objects from their C sources. Needs clang (19 preferred), bpftool (for
# vmlinux.h) and libbpf's headers:  apt-get install clang-19 llvm-19 bpftool libbpf-dev
# The committed .o files are what the tests and the README use; run this after editing a .c file.
set -euo pipefail
cd "$(dirname "$0")"
CLANG="${CLANG:-$(command -v clang-19 || command -v clang)}"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$build/vmlinux.h"
for src in *.c; do
  obj="${src%.c}.o"
  "$CLANG" -target bpf -mcpu=v3 -O2 -g -D__TARGET_ARCH_x86 -I"$build" -c "$src" -o "$obj"
  echo "built $obj"
done
