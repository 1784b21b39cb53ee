package dev.jvmbpf.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.kernel.KernelVerifier;
import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.kernel.internal.VerifierRejection;
import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bpf_snprintf of jvmbpf against the running kernel's. The kernel formats with the same code as
 * bpf_trace_printk (only the number of arguments differs), so this checks the format rules, the
 * text and the return value of both. A format the kernel's verifier refuses at load time counts
 * as -EINVAL, which is what jvmbpf returns at run time. Left out: {@code %p} and {@code %pK} of
 * non-NULL pointers (the kernel hashes or hides them) and {@code %pus} (the test's pointer is a
 * kernel address, which user-space reads refuse; jvmbpf has one program memory for both).
 */
class KernelPrintfDifferentialTest {
    private static final int OUT_SIZE = 256;
    private static final int RC = 248;
    /** An argument replaced by a pointer to {@link #STRING}. */
    private static final long PTR = Long.MIN_VALUE + 0x5a5a;
    private static final byte[] STRING = java.util.Arrays.copyOf("world".getBytes(StandardCharsets.US_ASCII), 32);

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("kernel printf differential tests");
    }

    private record Case(String fmt, int size, long... args) {
        static Case of(String fmt, long... args) {
            return new Case(fmt, 240, args);
        }
    }

    private static List<Case> cases() {
        return List.of(
                Case.of("%d %i %u %x %X", -5, 42, -1, 0xbeef, 0xbeef),
                Case.of("%d|%u|%x", 0x1234_5678_ffff_fffeL, 0x1234_5678_ffff_fffeL, 0x1234_5678_ffff_fffeL),
                Case.of("%ld %li %lu %lx", 0xffffffffL, -1, -1, 0x1234abcd_ffffffffL),
                Case.of("%lld %lli %llu %llx %lX", Long.MIN_VALUE, 7, -1, 255, 0xabcdefL),
                Case.of("%5d|%-5d|%05d|%+d|% d|%+u|%08x", 42, 42, -42, 5, 5, 5, 0xbeef),
                Case.of("%-05d|%+05d|% 5d|%0-5x|%+-6ld", -7, 7, 7, 0xab, 3),
                Case.of("%c%c%c|%-4c|%4c|%04c", 'a', 'b', 'c', 'd', 'e', 'f'),
                Case.of("100%% %d %%", 3),
                Case.of("[%s] [%10s] [%-7s] [%pks]", PTR, PTR, PTR, PTR),
                Case.of("%px %20px %ps", 0x1234, 0x1234, 0x1234),
                Case.of("%pI4 %pi4 %pI6 %pi6", PTR, PTR, PTR, PTR),
                Case.of("%p", 0),
                Case.of("no conversions at all\n"),
                Case.of("tab\tand newline\n", 1),
                Case.of("caf\u00e9 %d", 1),
                new Case("%40d", 16, 1),
                new Case("%s and more", 4, PTR),
                new Case("abc", 0),
                Case.of("%5.2d", 1),
                Case.of("%.3s", PTR),
                Case.of("%hd", 1),
                Case.of("%o", 1),
                Case.of("%lc", 1),
                Case.of("%llc", 1),
                Case.of("%ls", PTR),
                Case.of("%lllx", 1),
                Case.of("%#x", 1),
                Case.of("%5%", 1),
                Case.of("%z", 1),
                Case.of("%pZ", 1),
                Case.of("%pa", 1),
                Case.of("%d %d", 1),
                Case.of("trailing %", 1),
                Case.of("ctl \u0001", 1),
                Case.of("%\u00e9", 1),
                Case.of("%-", 1),
                Case.of("%  +-0 12d|", 5),
                // more than the 12 arguments (96 bytes) the kernel takes: the error it returns
                Case.of("%d", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13));
    }

    private static byte[] args(Case c, long pointer) {
        ByteBuffer b = ByteBuffer.allocate(argsSize(c)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < c.args().length; i++) {
            b.putLong(8 * i, c.args()[i] == PTR ? pointer : c.args()[i]);
        }
        return b.array();
    }

    private static int argsSize(Case c) {
        return Math.max(96, 8 * c.args().length);
    }

    private static byte[] fmtBytes(Case c) {
        byte[] f = c.fmt().getBytes(StandardCharsets.ISO_8859_1);
        return java.util.Arrays.copyOf(f, f.length + 1);
    }

    /** {rc, output bytes} as the kernel produces them. */
    private static Object[] kernel(Case c) {
        List<Integer> fds = new ArrayList<>();
        try {
            byte[] fmt = fmtBytes(c);
            int fmtFd = BpfSyscall.createArrayMap("fmt", fmt.length, 1, MapFlags.BPF_F_RDONLY_PROG);
            fds.add(fmtFd);
            BpfSyscall.updateElement(fmtFd, 0, fmt);
            BpfSyscall.freezeMap(fmtFd);
            int outFd = BpfSyscall.createArrayMap("out", OUT_SIZE, 1, 0);
            fds.add(outFd);
            int strFd = BpfSyscall.createArrayMap("str", STRING.length, 1, 0);
            fds.add(strFd);
            BpfSyscall.updateElement(strFd, 0, STRING);
            int argsFd = BpfSyscall.createArrayMap("args", argsSize(c), 1, 0);
            fds.add(argsFd);
            BpfSyscall.updateElement(argsFd, 0, args(c, 0));
            StringBuilder asm = new StringBuilder();
            asm.append("ldmapvalue %r6, ").append(outFd).append(", 0\n");
            asm.append("ldmapvalue %r7, ").append(strFd).append(", 0\n");
            asm.append("ldmapvalue %r4, ").append(argsFd).append(", 0\n");
            for (int i = 0; i < c.args().length; i++) {
                if (c.args()[i] == PTR) {
                    asm.append("stxdw [%r4+").append(8 * i).append("], %r7\n");
                }
            }
            asm.append("ldmapvalue %r3, ").append(fmtFd).append(", 0\n");
            asm.append("mov %r1, %r6\nmov %r2, ").append(c.size()).append('\n');
            asm.append("mov %r5, ").append(8 * c.args().length).append('\n');
            asm.append("call 165\nstxdw [%r6+").append(RC).append("], %r0\nmov %r0, 0\nexit\n");
            Instruction[] code = Assembler.assemble(asm.toString());
            int prog;
            try {
                prog = BpfSyscall.loadProgram(KernelVerifier.kernelType(ProgramType.SOCKET_FILTER), "snprintf", Instruction.encode(code));
            } catch (VerifierRejection e) {
                return new Object[] {-22L, new byte[c.size()]};
            }
            fds.add(prog);
            BpfSyscall.testRun(prog, new byte[64], 1);
            byte[] out = BpfSyscall.lookupElement(outFd, 0, OUT_SIZE);
            long rc = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getLong(RC);
            return new Object[] {rc, java.util.Arrays.copyOf(out, c.size())};
        } finally {
            fds.forEach(BpfSyscall::close);
        }
    }

    private static Object[] jvmbpf(Case c) {
        Machine m = new Machine(BpfProgram.raw("snprintf", new Instruction[0]), StandardHelpers.table(),
                Output.discard());
        m.beginRun();
        byte[] out = new byte[OUT_SIZE];
        long o = m.memory().register(Region.of("out", out, true));
        long s = m.memory().register(Region.of("str", STRING.clone(), true));
        long a = m.memory().register(Region.of("args", args(c, s), false));
        long f = m.memory().register(Region.of("fmt", fmtBytes(c), false));
        long rc = StandardHelpers.table().get(165).implementation().call(m, o, c.size(), f, a, 8L * c.args().length);
        return new Object[] {rc, java.util.Arrays.copyOf(out, c.size())};
    }

    @Test
    void snprintfAgreesWithTheKernel() {
        List<String> mismatches = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (Case c : cases()) {
            Object[] k = kernel(c);
            Object[] j = jvmbpf(c);
            String ks = k[0] + " " + hex.formatHex((byte[]) k[1]);
            String js = j[0] + " " + hex.formatHex((byte[]) j[1]);
            if (!ks.equals(js)) {
                mismatches.add("\"" + c.fmt() + "\": kernel " + k[0] + " \"" + text((byte[]) k[1]) + "\", jvmbpf "
                        + j[0] + " \"" + text((byte[]) j[1]) + "\"");
            }
        }
        System.out.println("snprintf: " + cases().size() + " formats compared with the kernel");
        assertEquals(List.of(), mismatches);
    }

    private static String text(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static final String[][] STRNCMP = {
        {"abc", "3", "abd"}, {"abd", "3", "abc"}, {"abc", "3", "abc"}, {"abcX", "3", "abc"}, {"ab", "3", "abc"},
        {"abc", "4", "ab"}, {"\u00ff", "1", "a"}, {"a", "1", "\u00ff"}, {"x", "1", ""}, {"", "1", "y"},
        {"same", "5", "same"}, {"samf", "5", "same"}, {"hello", "2", "help"}};

    /** The kernel's strncmp(s1, s1_sz, s2) with s2 in a frozen read-only map. */
    private static long kernelStrncmp(byte[] s1, int size, byte[] s2) {
        List<Integer> fds = new ArrayList<>();
        try {
            int s2Fd = BpfSyscall.createArrayMap("s2", s2.length, 1, MapFlags.BPF_F_RDONLY_PROG);
            fds.add(s2Fd);
            BpfSyscall.updateElement(s2Fd, 0, s2);
            BpfSyscall.freezeMap(s2Fd);
            int s1Fd = BpfSyscall.createArrayMap("s1", 16, 1, 0);
            fds.add(s1Fd);
            BpfSyscall.updateElement(s1Fd, 0, java.util.Arrays.copyOf(s1, 16));
            String asm = "ldmapvalue %r6, " + s1Fd + ", 0\nmov %r1, %r6\nmov %r2, " + size + "\nldmapvalue %r3, "
                    + s2Fd + ", 0\ncall 182\nstxdw [%r6+8], %r0\nmov %r0, 0\nexit\n";
            int prog = BpfSyscall.loadProgram(KernelVerifier.kernelType(ProgramType.SOCKET_FILTER), "strncmp",
                    Instruction.encode(Assembler.assemble(asm)));
            fds.add(prog);
            BpfSyscall.testRun(prog, new byte[64], 1);
            return ByteBuffer.wrap(BpfSyscall.lookupElement(s1Fd, 0, 16)).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
        } finally {
            fds.forEach(BpfSyscall::close);
        }
    }

    private static long jvmbpfStrncmp(byte[] s1, int size, byte[] s2) {
        Machine m = new Machine(BpfProgram.raw("strncmp", new Instruction[0]), StandardHelpers.table(),
                Output.discard());
        m.beginRun();
        long a = m.memory().register(Region.of("s1", java.util.Arrays.copyOf(s1, 16), true));
        long b = m.memory().register(Region.of("s2", s2, false));
        return StandardHelpers.table().get(182).implementation().call(m, a, size, b, 0, 0);
    }

    @Test
    void strncmpAgreesWithTheKernel() {
        List<String> mismatches = new ArrayList<>();
        for (String[] c : STRNCMP) {
            byte[] s1 = c[0].getBytes(StandardCharsets.ISO_8859_1);
            byte[] s2 = fmtBytes(Case.of(c[2]));
            int size = Integer.parseInt(c[1]);
            long k = kernelStrncmp(s1, size, s2);
            long j = jvmbpfStrncmp(s1, size, s2);
            if (k != j) {
                mismatches.add("strncmp(\"" + c[0] + "\", " + size + ", \"" + c[2] + "\"): kernel " + k + ", jvmbpf " + j);
            }
        }
        System.out.println("strncmp: " + STRNCMP.length + " cases compared with the kernel");
        assertEquals(List.of(), mismatches);
    }
}
