package dev.jvmbpf.runtime.maps;

/** The shape of a map, as an ELF object or the Java API declares it. */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
}
