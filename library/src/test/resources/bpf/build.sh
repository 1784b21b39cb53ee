#!/usr/bin/env bash
# Rebuilds the library's test objects. Needs clang and libbpf's headers (apt-get install clang libbpf-dev).
set -euo pipefail
cd "$(dirname "$0")"
CLANG="${CLANG:-$(command -v clang-19 || command -v clang)}"
for src in *.c; do
  "$CLANG" -target bpf -mcpu=v3 -O2 -g -I/usr/include/x86_64-linux-gnu -c "$src" -o "${src%.c}.o"
  echo "built ${src%.c}.o"
done
