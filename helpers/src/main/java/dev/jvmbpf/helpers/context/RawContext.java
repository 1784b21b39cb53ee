package dev.jvmbpf.helpers.context;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.Region;

/**
 * Raw input memory, as the conformance vectors pass it: r1 = its address (0 when there is none),
 * r2 = its length. The memory is writable and is the packet of {@code LD_ABS}/{@code LD_IND}.
 */
public final class RawContext implements ProgramContext {
    private final byte[] memory;
    private final Region region;

    public RawContext(byte[] memory) {
        this.memory = memory;
        this.region = Region.of("input memory", memory, true);
    }

    /** The bytes the program reads and writes (not a copy). */
    public byte[] memory() {
        return memory;
    }

    @Override
    public Entry install(Machine machine) {
        if (memory.length == 0) {
            return new Entry(0, 0);
        }
        long address = machine.memory().register(region);
        machine.setPacket(address, memory.length);
        return new Entry(address, memory.length);
    }
}
