/**
 * The verifier: what a program must satisfy before an engine runs it, and what it proves for the
 * engines. The rule it follows: never refuse a program the Linux kernel's verifier accepts from a
 * privileged (root) loader; refuse what it can show the kernel would refuse, in the kernel's
 * words where the kernel has them. Engines stay safe without it (every access is checked at run
 * time and faults with a {@code BpfFault}); the verifier gives early, precise errors and lets the
 * JIT drop checks it has proven unnecessary.
 *
 * <h2>Structural checks</h2>
 * Every instruction decodes validly; 1 to 1,000,000 slots; call and function-pointer targets
 * delimit subprograms; jumps stay in their subprogram and never land in the second slot of a
 * {@code lddw}; no subprogram falls off its end; nothing writes r10 and ALU operations read it
 * only as the source of a {@code mov}, a 64-bit {@code add} or a {@code sub}; helper ids exist in the
 * {@code HelperTable}; no recursion and at most 8 frames in a static
 * call chain; constant r10-relative accesses stay in [-512, 0).
 *
 * <h2>Type analysis</h2>
 * An abstract interpretation follows every path from the entry with one abstract value per
 * register and per 8-byte stack slot, in every frame of the call stack. The callbacks of
 * {@code bpf_loop}, {@code bpf_for_each_map_elem}, {@code bpf_find_vma} and
 * {@code bpf_user_ringbuf_drain} are followed from the call site, as the kernel does
 * ({@code SyncCallbacks}): the callback's frame goes on top of the caller's, with the arguments
 * the helper passes (bpf_loop's iteration number, for_each_map_elem's map and a value of it, the
 * context the caller gave, so that what the callback reads and writes through it is checked
 * against the caller's stack), and after each return it may run again or the helper returns
 * (zero or more iterations; bpf_loop at most its count, when the count's bound is known as the
 * kernel knows it); each return hands back a scalar in [0, 1] ("At callback return the register
 * R0 has ..."). Other functions whose address a {@code lddw} takes (callbacks of other
 * helpers, or of any helper when a function pointer is passed around untracked) are also followed
 * alone, with arguments of unknown type:
 * <ul>
 * <li>not initialised; a scalar (a constant when provable, else an unsigned range); the context;
 *     a stack pointer (frame and offset); a map pointer; a map value pointer, maybe null or not
 *     (from {@code map_lookup_elem}, or global data from {@code lddw} with a map-value source); a
 *     packet, packet-end or packet-metadata pointer (loaded from {@code xdp_md} offsets 0, 4, 8 or
 *     {@code __sk_buff} offsets 76, 80, 140); a ring-buffer record, maybe null (from
 *     {@code ringbuf_reserve}, with its size when constant); a function pointer. Pointers carry a
 *     constant offset and a variable part (an unsigned range). A RAW program's r1 is memory of
 *     unknown size and r2 a scalar; other programs get the context in r1.
 * <li>"unknown": an initialised value of a type the analysis does not follow (loads through
 *     kernel pointers of tracing contexts, results of helpers returning kernel pointers,
 *     arguments of callbacks followed alone, values that differ in type between joined paths). Everything is
 *     allowed with it and nothing is proven.
 * <li>Stack: which bytes of each frame were written, and 8-byte aligned spills of registers, so
 *     that a pointer stored and reloaded keeps its type (a partial reload is a scalar).
 * </ul>
 * A conditional jump whose outcome is known (constants, ranges, a non-null pointer against 0)
 * follows one side only, as the kernel does; otherwise each side is narrowed: a null check turns
 * every copy of a maybe-null pointer into a pointer or the constant 0, a comparison of a packet
 * pointer with {@code data_end} gives every pointer sharing its base a proven range, a comparison
 * with a constant narrows a scalar's range. At jump targets a state covered by one already seen
 * there ends the path; after 24 distinct states at one pc, new ones are joined into one (values
 * that differ become unknown scalars or unknown values), so that every loop ends. When this
 * processes more than 1,000,000 instructions (the kernel prunes more, with liveness and precision
 * tracking), the analysis starts again joining all states at each jump target: coarser (it accepts
 * more and proves less) but short. Only when that pass is also over the limit is the program
 * refused as "program too complex".
 *
 * <p>Refused, as the kernel refuses them: reading a register that is not initialised, including
 * r0 at the entry function's exit (a subprogram hands back r0 as it is, set or not) and r1-r5
 * after any call ("R3 !read_ok"); dereferencing a scalar, a maybe-null pointer before its null
 * check, {@code data_end} or a function pointer ("R1 invalid mem access 'scalar'"); map value
 * accesses with a constant offset outside [0, value_size); ring-buffer record accesses with a
 * constant offset outside the reserved size; packet accesses not covered by a comparison with
 * {@code data_end} ("invalid access to packet"), also after a helper that may
 * move the packet ({@code xdp_adjust_head}, {@code skb_store_bytes}, ... turn packet pointers into
 * scalars); constant stack accesses outside the frame; pointer arithmetic other than adding or
 * subtracting a scalar (multiplication, bitwise operations, 32-bit arithmetic, pointer plus
 * pointer, scalar minus pointer, any arithmetic on a maybe-null pointer, a map pointer or
 * {@code data_end}); helper arguments of the wrong type for {@code HelperSpec.args()}: map
 * pointers, keys and values (pointers to stack, map values or packet holding the map's key or
 * value size, inside their region, initialised when read), memory and size pairs (a pointer to
 * memory, or NULL with a size that may be zero; a scalar size, not the constant 0 where zero is
 * not allowed; constant sizes are checked against the region), the unmodified context, constant
 * strings in map values, function pointers, stack pointers, ring-buffer records; a packet pointer
 * given to a typed argument of a helper without {@code HelperSpec.packetAccess()} ("helper access
 * to the packet is not allowed").
 *
 * <p>Also refused where a path the kernel walks reaches them (not past a join or a branch taken
 * on a value the kernel may know better): division or modulo by the immediate 0 ("div by zero"),
 * shifts by an immediate outside [0, width) in programs of kernel types ("invalid shift N"; RAW
 * programs follow RFC 9669, which masks it), and a pointer stored to the stack in fewer than 8
 * bytes ("invalid size of register spill"). As Linux 6.14's check_helper_call, a
 * {@code map_lookup_elem} of an array or per-CPU array at a key that is a constant below
 * max_entries returns a map value that is never null: the key is constant where the kernel's
 * get_constant_map_key finds it so (zero bytes stored where the kernel does not spill, or a
 * spill of a constant scalar ending where the 4-byte key ends).
 *
 * <p>{@link dev.jvmbpf.runtime.verifier.Verifier.Options#UNPRIVILEGED} also refuses reads of
 * stack bytes no path wrote ("invalid read from stack"), directly or by a helper; the kernel
 * allows those reads to root since Linux 6.3, so the default ({@code PRIVILEGED}) allows them.
 *
 * <p>Kfunc calls ({@code KfuncCalls}, for the functions of {@code Kfuncs}): unknown functions
 * and reachable unresolved weak ones are refused in the kernel's words; open-coded iterators live
 * in their stack slots from {@code _new} to {@code _destroy} ({@code _next} returns the element
 * or NULL, and the loop is verified as any loop, by state equivalence); RCU read sections pair;
 * references acquired by KF_ACQUIRE functions are released on every path.
 *
 * <h2>Scalars and the kernel's rules on them</h2>
 * Scalars carry what the kernel's verifier tracks ({@code Bounds}): known bits and signed and
 * unsigned 64- and 32-bit ranges, with the kernel's ALU transfer functions, bounds
 * synchronisation and branch refinement of both registers on every comparison; a side of a
 * branch the bounds rule out is not explored, so dead code is not checked (writes to r10
 * included: "frame pointer is read only" only where a path reaches). Copies of a scalar (also
 * with one constant added) are linked: a comparison bounds them all, and a state seen before
 * covers a new one only where the new one links the same values with the same differences. With these the kernel's
 * rules are applied in its words: pointer arithmetic with unbounded or out-of-range scalars
 * (check_reg_sane_offset), map value accesses with variable offsets (min value negative, min/max
 * value outside the allowed memory range, unbounded memory access), helper size arguments
 * (check_mem_size_reg), data_meta accesses against data, stack alignment (of r10 and pointers
 * derived from it in the same function), __sk_buff context
 * fields for tc, socket, cgroup_skb and lwt programs, {@code xdp_md} fields for XDP programs
 * ({@code XdpContext}: whole {@code __u32} reads only), dereference of a modified context pointer,
 * atomics on the context or the packet, r0's range at the exit of cgroup sock_addr, sock,
 * sockopt, sysctl, dev, sockops, sk_lookup and netfilter programs. A scalar this analysis knows
 * less well than the kernel (a join of paths, a narrow stack fill, neg or a byte swap, a helper
 * result the kernel bounds) is marked imprecise and no refusal rests on it.
 *
 * <h2>Control flow</h2>
 * As the kernel's check_cfg, every instruction of a subprogram must be reached from its entry by
 * the control flow graph ("unreachable insn N"), whatever the values.
 *
 * <h2>Sockets and references</h2>
 * {@code __sk_buff->sk} is a socket that may be null; {@code sk_fullsock} and {@code tcp_sock}
 * cast a checked one into another that may be null, socket lookups (and sockmap or sockhash
 * lookups) return one the program holds a reference on, as {@code ringbuf_reserve} does for its
 * record. Loads through sockets follow the uapi structs' rules ({@code Sockets}); a reference
 * must be released ({@code sk_release}, {@code ringbuf_submit}/{@code discard}, the pointer itself
 * at offset 0) before the main program exits or tail-calls, and nothing else may be released;
 * after the release no copy of the pointer is usable. A comparison of the context, the stack or a
 * packet pointer with 0 is not decided (they are not among the kernel's non-null types), and one
 * load or store may not be reached with the context or a socket on one path and another pointer
 * on another. Generic element helpers refuse local-storage maps, and sockmap updates are refused
 * in the program types the kernel refuses them in ({@code HelperMapRules}). GPL-only helpers and every kfunc
 * call are refused to a program whose licence is not one the kernel takes as GPL-compatible
 * ({@link dev.jvmbpf.runtime.program.BpfProgram#gplCompatible()}; no licence counts as GPL).
 *
 * <h2>Not checked (accepted), unlike the kernel</h2>
 * Termination beyond three cases (loops are joined, not unrolled to the end; engines bound
 * execution instead): a path back at a loop head in exactly the state it had there ("infinite
 * loop detected", where every value is known as the kernel knows it; such a path is not ended by
 * its own earlier states there, and may_goto's budget path must not loop either), a loop no
 * path of the control flow graph leaves ("BPF program is too large") are refused where a path
 * reaches them, and before the states of a loop head are joined, a path whose values are all
 * the kernel's is followed on as the kernel's depth-first walk follows it (fall-through side
 * first), and refused when it repeats a state at a loop head or goes on for 1,000,000
 * instructions ("BPF program is too large. Processed 1000001 insn"); zero bytes and narrow
 * spills of the stack count as known there, and narrow fills of them read their constant;
 * alignment other than the stack's and atomics'; context rules of other program types,
 * variable context offsets from an imprecise scalar (from a known one: "variable ctx access");
 * locks; the combined stack size of a call chain; what variable-offset stack accesses read and
 * write (bytes in the range are taken as written; their alignment and bounds are the kernel's:
 * "misaligned stack access", "invalid variable-offset read from stack"); map value, memory and stack accesses with a
 * variable offset from an imprecise scalar (accepted unproven); pointer leaks and other
 * unprivileged-only rules; return ranges of fentry/fexit and cgroup_skb programs (the loader's sections fixture returns other
 * values); kernel pointer ({@code PTR_TO_BTF_ID}) types; which helpers a program type may call
 * (but for bpf_spin_lock and bpf_ktime_get_coarse_ns in tracing programs).
 *
 * <h2>Facts for the engines</h2>
 * {@link dev.jvmbpf.runtime.verifier.VerifiedProgram#stackOffsets()} (frame accesses with a
 * provable r10-relative offset, from a separate dataflow pass per subprogram),
 * {@link dev.jvmbpf.runtime.verifier.VerifiedProgram#frameAccesses()} (accesses that land at a
 * constant offset of the same frame, their own or a caller's, on every path),
 * {@link dev.jvmbpf.runtime.verifier.VerifiedProgram#provenAccesses()} (packet, map value and
 * ring-buffer accesses proven in bounds on every path, see
 * {@link dev.jvmbpf.runtime.verifier.ProvenAccess}), which accesses go to the packet or input
 * memory and which to the context, whether any read may see stack its call did not write
 * ({@code readsUnwrittenStack}), and the callback of each {@code bpf_loop} call where every path
 * passes the same one ({@code loopCallbacks}).
 */
package dev.jvmbpf.runtime.verifier;
