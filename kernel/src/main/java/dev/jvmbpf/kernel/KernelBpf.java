package dev.jvmbpf.kernel;

import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.kernel.internal.SyscallException;
import dev.jvmbpf.kernel.internal.VerifierRejection;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.program.ProgramType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Facts about the running kernel's BPF support. */
public final class KernelBpf {
    private static volatile KernelAvailability availability;

    private KernelBpf() {
    }

    /**
     * Whether this process can create maps, load and test-run programs. Probed once (an array map
     * and a two-instruction socket filter) and remembered.
     */
    public static KernelAvailability availability() {
        KernelAvailability a = availability;
        if (a == null) {
            a = probe();
            availability = a;
        }
        return a;
    }

    /** Throws {@link LoadException} saying why ({@link KernelAvailability#refusal()}) when bpf(2) does not work here. */
    public static void requireAvailable() {
        KernelAvailability a = availability();
        if (!a.available()) {
            throw new LoadException(a.refusal());
        }
    }

    private static KernelAvailability probe() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return KernelAvailability.no("bpf(2) needs Linux; this is " + os);
        }
        if (BpfSyscall.bpfSyscallNumber() < 0) {
            return KernelAvailability.no("bpf(2) syscall number unknown for architecture " + System.getProperty("os.arch"));
        }
        int map = -1;
        int prog = -1;
        try {
            map = BpfSyscall.createArrayMap("jvmbpf_probe", 8, 1, 0);
            byte[] code = Instruction.encode(new Instruction[] {
                Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 0, 0, 0, 7),
                Instruction.of(Opcodes.EXIT, 0, 0, 0, 0)});
            prog = BpfSyscall.loadProgram(KernelVerifier.kernelType(ProgramType.SOCKET_FILTER), "jvmbpf_probe", code);
            int r = BpfSyscall.testRun(prog, new byte[64], 1).retval();
            if (r != 7) {
                return KernelAvailability.no("BPF_PROG_TEST_RUN returned " + r + " for a program returning 7");
            }
            return KernelAvailability.yes();
        } catch (SyscallException e) {
            return KernelAvailability.no(explain(e.call(), e.errno()));
        } catch (VerifierRejection e) {
            return KernelAvailability.no("the kernel rejected a trivial program (" + Errno.name(e.errno()) + "): "
                    + e.log().strip());
        } catch (IllegalCallerException e) {
            return KernelAvailability.no("native access is disabled (run java with --enable-native-access=ALL-UNNAMED)");
        } catch (LinkageError | RuntimeException e) {
            return KernelAvailability.no("cannot call bpf(2) through the Foreign Function API: " + e);
        } finally {
            if (prog >= 0) {
                BpfSyscall.close(prog);
            }
            if (map >= 0) {
                BpfSyscall.close(map);
            }
        }
    }

    private static String explain(String call, int errno) {
        return switch (errno) {
            case Errno.EPERM -> call + " not permitted (EPERM): needs root or CAP_BPF+CAP_PERFMON+CAP_NET_ADMIN";
            case Errno.ENOSYS -> call + ": this kernel has no bpf(2) (ENOSYS)";
            default -> call + " failed (" + Errno.name(errno) + ")";
        };
    }

    /** The running kernel's release ({@code uname -r}), or "unknown". */
    public static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** "Linux 6.18.4" for reports. */
    public static String kernelDescription() {
        return "Linux " + kernelRelease();
    }
}
