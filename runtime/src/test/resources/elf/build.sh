#!/bin/sh
# Rebuilds the committed ELF fixtures. Tests never run this: they read the committed .o files.
# Needs clang-19 (clang-14 and clang-16 for the per-version fixtures), libbpf-dev and bpftool.
# vmlinux.h is generated from the running kernel's BTF into the build directory, never committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD_DIR:-$here/../../../../target/elf-fixtures}
mkdir -p "$build"
if [ ! -s "$build/vmlinux.h" ]; then
    bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$build/vmlinux.h"
fi
arch_include=/usr/include/$(uname -m)-linux-gnu

compile() { # compile CLANG OUTPUT SOURCE FLAGS...
    cc=$1 out=$2 src=$3
    shift 3
    # Relative source paths and a mapped directory keep the build machine's paths out of the debug info.
    (cd "$here" && "$cc" -target bpf "$@" -fdebug-prefix-map="$here"=. -I"$build" -I"$arch_include" \
        -c "$src" -o "$out")
    echo "built $out with $cc $*"
}

for f in seed maps globals multi legacy sections tailcalls samesection textonly datasec voidcall bytearrays rewrite loops core iter huge; do
    compile clang-19 "$f.o" "$f.bpf.c" -O2 -g
done
for f in seed legacy multi maps voidcall; do
    compile clang-19 "$f-nog.o" "$f.bpf.c" -O2
done
compile clang-19 multi-v4.o multi.bpf.c -O2 -g -mcpu=v4
compile clang-19 huge-hash2g.o huge.bpf.c -O2 -g -DHASH_2G
compile clang-19 huge-array2g.o huge.bpf.c -O2 -g -DARRAY_2G
for v in 14 16; do
    if command -v clang-$v >/dev/null 2>&1; then
        for f in seed maps globals multi; do
            compile clang-$v "$f-clang$v.o" "$f.bpf.c" -O2 -g
        done
    else
        echo "clang-$v not installed: keeping the committed *-clang$v.o" >&2
    fi
done
