package dev.jvmbpf;

import dev.jvmbpf.runtime.maps.MapType;

/**
 * A map as an {@link ObjectSpec} declares it, before load. {@code name} is the name programs
 * and {@link LoadedObject#map} use (global data: the section name, {@code .rodata}); {@code section}
 * where it was declared ({@code .maps}, {@code maps}, {@code .data}). {@code keyType} and
 * {@code valueType} are the C spellings of the BTF types ({@code __u64}, {@code struct event}),
 * null when the object has no BTF for them (legacy maps, {@code key_size} declarations): such
 * maps take numbers of 1, 2, 4 or 8 bytes and {@code byte[]}. {@code readOnly}: {@code .rodata},
 * frozen at load as the kernel freezes it. {@code maxEntries} is the kernel's unsigned 32-bit
 * {@code max_entries} (up to 2^32 - 1).
 */
public record MapDeclaration(String name, String section, MapType type, int keySize, int valueSize, long maxEntries,
        int flags, String keyType, String valueType, boolean readOnly) {
}
