package dev.jvmbpf.runtime.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import org.junit.jupiter.api.Test;

/** Alu.atomicUpdate: the one definition of what each atomic read-modify-write stores. */
class AluTest {
    @Test
    void eachOperationStoresTheKernelsValue() {
        assertEquals(15, Alu.atomicUpdate(Opcodes.ATOMIC_ADD, 8, 10, 5, 0));
        assertEquals(15, Alu.atomicUpdate(Opcodes.ATOMIC_ADD | Opcodes.ATOMIC_FETCH, 8, 10, 5, 0));
        assertEquals(0b111, Alu.atomicUpdate(Opcodes.ATOMIC_OR, 8, 0b101, 0b010, 0));
        assertEquals(0b100, Alu.atomicUpdate(Opcodes.ATOMIC_AND, 8, 0b101, 0b110, 0));
        assertEquals(0b011, Alu.atomicUpdate(Opcodes.ATOMIC_XOR, 8, 0b101, 0b110, 0));
        assertEquals(7, Alu.atomicUpdate(Opcodes.ATOMIC_XCHG, 8, 15, 7, 0));
        assertEquals(100, Alu.atomicUpdate(Opcodes.ATOMIC_CMPXCHG, 8, 7, 100, 7));
        assertEquals(7, Alu.atomicUpdate(Opcodes.ATOMIC_CMPXCHG, 8, 7, 100, 8));
        // A 4-byte compare-exchange compares the low 32 bits of r0 only.
        assertEquals(100, Alu.atomicUpdate(Opcodes.ATOMIC_CMPXCHG, 4, 7, 100, 0xffffffff00000007L));
        assertEquals(7, Alu.atomicUpdate(Opcodes.ATOMIC_CMPXCHG, 8, 7, 100, 0xffffffff00000007L));
    }

    @Test
    void anImmediateThatIsNoReadModifyWriteFaults() {
        BpfFault f = assertThrows(BpfFault.class, () -> Alu.atomicUpdate(0x30, 8, 0, 0, 0));
        assertEquals(FaultKind.INVALID_INSTRUCTION, f.kind());
        assertEquals("atomic op 0x30", f.detail());
    }
}
