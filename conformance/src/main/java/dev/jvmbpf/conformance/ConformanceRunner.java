package dev.jvmbpf.conformance;

import dev.jvmbpf.conformance.vector.Expectation;
import dev.jvmbpf.conformance.vector.ParsedVector;
import dev.jvmbpf.conformance.vector.ProgramText;
import dev.jvmbpf.conformance.vector.SkippedVector;
import dev.jvmbpf.conformance.vector.Vector;
import dev.jvmbpf.conformance.vector.VectorParser;
import dev.jvmbpf.kernel.KernelEngine;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.InstructionDecoder;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs conformance vectors on one engine or compares several. Every engine but the kernel gets
 * the program only once the {@link Verifier} accepted it (unless the vector is marked
 * {@code -- unverified}). Each vector runs with r1 = the
 * address of a writable region holding its memory (0 without memory), r2 = the memory's length,
 * and the memory as the packet of {@code LD_ABS}/{@code LD_IND}. A vector passes when every engine
 * meets its expectation and, with several engines, all engines agree on r0, the memory afterwards
 * and the kind and pc of a fault (see {@link EngineResult#agree}).
 *
 * <p>Engine-agnostic: anything implementing {@link Engine} can be run or compared.
 */
public final class ConformanceRunner {
    /**
     * Instructions one run may execute. Vectors are small; the limit turns an engine bug that
     * loops forever into a fault. It leaves room for may_goto loops (8M iterations of a few
     * instructions).
     */
    public static final long BUDGET = 200_000_000L;

    private final List<Engine> engines;
    private final HelperTable helpers;

    public ConformanceRunner(List<Engine> engines, HelperTable helpers) {
        if (engines.isEmpty()) {
            throw new IllegalArgumentException("at least one engine is needed");
        }
        this.engines = List.copyOf(engines);
        this.helpers = helpers;
    }

    public ConformanceRunner(List<Engine> engines) {
        this(engines, ConformanceHelpers.table());
    }

    /** Runs every entry in order, handing each outcome to {@code sink} as soon as it is known. */
    public Summary run(List<VectorFiles.Entry> entries, Consumer<Outcome> sink) {
        Summary summary = new Summary(0, 0, 0);
        for (VectorFiles.Entry e : entries) {
            Outcome o = run(e);
            sink.accept(o);
            summary = summary.add(o);
        }
        return summary;
    }

    /** Parses and runs one file; a malformed file fails with the parser's file:line message. */
    public Outcome run(VectorFiles.Entry entry) {
        ParsedVector parsed;
        try {
            parsed = VectorParser.parse(entry.name(), entry.file());
        } catch (LoadException | UncheckedIOException e) {
            return Outcome.fail(entry.name(), e.getMessage());
        }
        return run(parsed);
    }

    public Outcome run(ParsedVector parsed) {
        return switch (parsed) {
            case SkippedVector s -> Outcome.skip(s.name(), s.reason());
            case Vector v -> run(v);
        };
    }

    public Outcome run(Vector v) {
        List<EngineResult> results = new ArrayList<>();
        for (Engine engine : engines) {
            results.add(execute(engine, v));
        }
        // The kernel refuses some programs by design (out-of-range shift immediates, callx): that is
        // its verdict, reported as such, and the other engines are judged without it.
        List<Integer> compared = new ArrayList<>();
        String kernelVerdict = null;
        for (int i = 0; i < engines.size(); i++) {
            if (engines.get(i) instanceof KernelEngine && results.get(i) instanceof EngineResult.Rejected r
                    && mismatch(v.expected(), r) != null) {
                kernelVerdict = r.message();
            } else {
                compared.add(i);
            }
        }
        if (compared.isEmpty()) {
            return Outcome.skip(v.name(), kernelVerdict);
        }
        List<String> problems = new ArrayList<>();
        for (int i : compared) {
            String m = mismatch(v.expected(), results.get(i));
            if (m != null) {
                problems.add(engines.size() == 1 ? m : engines.get(i).name() + ": " + m);
            }
        }
        if (compared.size() > 1) {
            EngineResult first = results.get(compared.getFirst());
            boolean agree = true;
            for (int i : compared) {
                agree &= EngineResult.agree(first, results.get(i)) && EngineResult.agree(results.get(i), first);
            }
            if (!agree) {
                StringBuilder sb = new StringBuilder("engines differ:");
                for (int i = 0; i < engines.size(); i++) {
                    sb.append(i == 0 ? " " : " | ").append(engines.get(i).name()).append(": ").append(results.get(i));
                }
                problems.add(sb.toString());
            }
        }
        if (kernelVerdict != null) {
            String note = kernelVerdict;
            return problems.isEmpty() ? new Outcome(Outcome.Status.PASS, v.name(), note)
                    : Outcome.fail(v.name(), String.join("; ", problems) + "; " + note);
        }
        return problems.isEmpty() ? Outcome.pass(v.name()) : Outcome.fail(v.name(), String.join("; ", problems));
    }

    /** Assembles or decodes the vector's program, loads it on {@code engine} and runs it once. */
    public EngineResult execute(Engine engine, Vector v) {
        Instruction[] program;
        try {
            program = instructions(v.program());
        } catch (LoadException e) {
            return new EngineResult.Rejected(e.getMessage());
        } catch (RuntimeException e) {
            return new EngineResult.Broken("assembling or decoding: " + e);
        }
        BpfProgram bpf = BpfProgram.raw(v.name(), program);
        VerifiedProgram verified;
        if (engine instanceof KernelEngine || v.unverified()) {
            // The kernel engine has its own verifier; unverified vectors test run-time checks.
            verified = VerifiedProgram.unverified(bpf);
        } else {
            try {
                verified = Verifier.verify(bpf, helpers);
            } catch (VerifierException e) {
                return new EngineResult.Rejected(e.getMessage());
            }
        }
        Executable exe;
        try {
            exe = engine.load(verified, helpers);
        } catch (LoadException e) {
            return new EngineResult.Rejected(e.getMessage());
        } catch (RuntimeException e) {
            return new EngineResult.Broken(engine.name() + " load: " + e);
        }
        try {
            return run(exe, v);
        } finally {
            if (exe instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // Closing only releases kernel descriptors; the result is already known.
                }
            }
        }
    }

    /** The instructions of a vector: decoded and validated, or assembled and validated. */
    public static Instruction[] instructions(ProgramText text) {
        return switch (text) {
            case ProgramText.Raw raw -> InstructionDecoder.decode(raw.bytes());
            case ProgramText.Assembly asm -> {
                Instruction[] p = Assembler.assemble(asm.source());
                InstructionDecoder.validate(p);
                yield p;
            }
        };
    }

    private EngineResult run(Executable exe, Vector v) {
        byte[] memory = v.hasMemory() ? v.memory() : new byte[0];
        Machine machine = exe.newMachine(Output.discard());
        machine.setBudget(BUDGET);
        machine.beginRun();
        long r1 = 0;
        if (v.hasMemory()) {
            r1 = machine.memory().register(Region.of("input memory", memory, !v.readOnly()));
            machine.setPacket(r1, memory.length);
        }
        try {
            long r0 = exe.execute(machine, r1, memory.length, 0, 0, 0);
            return new EngineResult.Returned(r0, memory.clone());
        } catch (BpfFault f) {
            return new EngineResult.Faulted(f.kind(), f.pc(), f.getMessage(), memory.clone());
        } catch (LoadException e) {
            // Engines that verify when first running (the kernel) refuse here.
            return new EngineResult.Rejected(e.getMessage(), true);
        } catch (RuntimeException | StackOverflowError e) {
            return new EngineResult.Broken(e.toString());
        }
    }

    /** Why {@code r} does not meet {@code expected}, or null when it does. */
    static String mismatch(Expectation expected, EngineResult r) {
        return switch (expected) {
            case Expectation.Returns x -> r instanceof EngineResult.Returned y && y.r0() == x.value() ? null
                    : "expected 0x" + Long.toHexString(x.value()) + " got " + r;
            case Expectation.Rejected x -> {
                if (r instanceof EngineResult.Rejected y) {
                    for (String t : x.text()) {
                        if (!y.message().contains(t)) {
                            yield "expected an error containing \"" + t + "\" got " + r;
                        }
                    }
                    yield null;
                }
                yield "expected an error" + (x.text().isEmpty() ? "" : " containing \"" + String.join(" ", x.text()) + "\"")
                        + " got " + r;
            }
            case Expectation.RejectedMatching x -> r instanceof EngineResult.Rejected y
                    && x.pattern().matcher(y.message()).find() ? null
                    : "expected an error matching /" + x.pattern().pattern() + "/ got " + r;
            case Expectation.Faults x -> {
                if (r instanceof EngineResult.Rejected y && y.whenRun()) {
                    yield null;
                }
                if (r instanceof EngineResult.Faulted y && y.kind() == x.kind() && (x.pc() < 0 || x.pc() == y.pc())) {
                    yield null;
                }
                yield "expected fault " + x.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                        + (x.pc() >= 0 ? " at pc " + x.pc() : "") + " got " + r;
            }
        };
    }
}
