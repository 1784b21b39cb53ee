package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.HelperSpec;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The properties on the standard helpers' specs are the kernel's (Linux 6.18), checked here
 * against the kernel's own lists rather than against each other.
 */
class KernelHelperPropertiesTest {
    /** The cases of {@code bpf_helper_changes_pkt_data()} in net/core/filter.c, without BPF_FUNC_. */
    private static final Set<String> CHANGES_PKT_DATA = Set.of("clone_redirect", "l3_csum_replace",
            "l4_csum_replace", "lwt_push_encap", "lwt_seg6_action", "lwt_seg6_adjust_srh", "lwt_seg6_store_bytes",
            "msg_pop_data", "msg_pull_data", "msg_push_data", "skb_adjust_room", "skb_change_head",
            "skb_change_proto", "skb_change_tail", "skb_pull_data", "skb_store_bytes", "skb_vlan_pop",
            "skb_vlan_push", "store_hdr_opt", "xdp_adjust_head", "xdp_adjust_meta", "xdp_adjust_tail", "tail_call");

    /**
     * Of the helpers jvmbpf implements, those whose {@code bpf_func_proto} says
     * {@code .gpl_only = true} (kernel/trace/bpf_trace.c, kernel/bpf/helpers.c, net/core/filter.c).
     * ktime_get_ns was GPL-only before Linux 5.8; copy_from_user is not. The timer helpers'
     * flags and the dynptr and user_ringbuf_drain helpers' lack of one were also seen on 6.18: an
     * MIT-licensed program calling each timer helper is refused "cannot call GPL-restricted
     * function", one calling the others loads.
     */
    private static final Set<String> GPL_ONLY = Set.of("probe_read", "probe_read_str", "probe_read_user",
            "probe_read_kernel", "probe_read_user_str", "probe_read_kernel_str", "probe_write_user",
            "trace_printk", "trace_vprintk", "snprintf", "perf_event_output", "get_current_task",
            "get_current_task_btf", "perf_event_read", "perf_event_read_value", "perf_prog_read_value", "get_stackid",
            "get_stack", "override_return", "get_func_ip", "copy_from_user_task", "timer_init", "timer_set_callback",
            "timer_start", "timer_cancel");

    @Test
    void theKernelsNamesAreHelperNames() {
        for (String name : CHANGES_PKT_DATA) {
            assertTrue(HelperNames.idOf(name) > 0, name);
        }
        for (String name : GPL_ONLY) {
            assertTrue(HelperNames.idOf(name) > 0, name);
        }
    }

    /** The names of the standard helpers whose spec has {@code property}. */
    private static Set<String> standard(Predicate<HelperSpec> property) {
        Set<String> names = new TreeSet<>();
        for (HelperSpec spec : StandardHelpers.specs()) {
            if (property.test(spec)) {
                names.add(spec.name());
            }
        }
        return names;
    }

    /** Of the kernel's names, those jvmbpf implements. */
    private static Set<String> implemented(Set<String> kernel) {
        return standard(spec -> kernel.contains(spec.name()));
    }

    @Test
    void changesPacketIsTheKernelsList() {
        assertEquals(implemented(CHANGES_PKT_DATA), standard(HelperSpec::changesPacket));
    }

    @Test
    void gplOnlyIsTheKernelsFlag() {
        assertEquals(implemented(GPL_ONLY), standard(HelperSpec::gplOnly));
    }

    @Test
    void callbacksAreTheHelpersThatTakeAFunction() {
        assertEquals(Set.of("find_vma", "for_each_map_elem", "loop", "timer_set_callback", "user_ringbuf_drain"),
                standard(HelperSpec::takesCallback));
    }
}
