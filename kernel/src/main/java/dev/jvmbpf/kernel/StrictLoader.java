package dev.jvmbpf.kernel;

import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.kernel.internal.Capabilities;
import dev.jvmbpf.kernel.internal.VerifierRejection;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Loads programs on one thread whose effective capabilities lack CAP_PERFMON and CAP_SYS_ADMIN. */
final class StrictLoader {
    static final StrictLoader INSTANCE = new StrictLoader();

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = Thread.ofPlatform().daemon().name("jvmbpf-strict-verifier").unstarted(r);
        return t;
    });
    private final Future<?> dropped = thread.submit(
            () -> Capabilities.dropEffective(Capabilities.CAP_SYS_ADMIN, Capabilities.CAP_PERFMON));

    private StrictLoader() {
    }

    KernelRejectedException check(String name, byte[] code) {
        try {
            dropped.get();
            return thread.submit(() -> {
                try {
                    int fd = BpfSyscall.loadProgram(KernelVerifier.kernelType(ProgramType.SOCKET_FILTER),
                            KernelExecutable.objectName(name), code);
                    BpfSyscall.close(fd);
                    return (KernelRejectedException) null;
                } catch (VerifierRejection e) {
                    return new KernelRejectedException(name, Errno.name(e.errno()), e.log());
                }
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying " + name, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("strict verification of " + name + " failed: " + e.getCause(), e.getCause());
        }
    }
}
