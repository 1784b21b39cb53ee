#!/bin/sh
# Rebuilds the CLI's test objects. Tests never run this: they read the committed .o files.
# Needs clang-19, libbpf-dev and bpftool (vmlinux.h is generated from the running kernel's BTF).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$build/vmlinux.h"
for src in xdp_events proprietary execve_filename raw_execve xdp_perf tc_tail_calls; do
    (cd "$here" && clang-19 -target bpf -mcpu=v3 -O2 -g -fdebug-prefix-map="$here"=. -I"$build" \
        -c "$src.c" -o "$src.o")
    echo "built $src.o"
done
