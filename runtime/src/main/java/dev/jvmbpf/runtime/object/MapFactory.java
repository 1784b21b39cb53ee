package dev.jvmbpf.runtime.object;

import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.Maps;

/** Creates the map instances an object declares; lets an application supply its own implementations. */
@FunctionalInterface
public interface MapFactory {
    /** Creates an empty map; may throw a RuntimeException for a spec it refuses. */
    BpfMap create(MapSpec spec);

    /** The runtime's own map implementations ({@link Maps#create}). */
    static MapFactory standard() {
        return Maps::create;
    }
}
