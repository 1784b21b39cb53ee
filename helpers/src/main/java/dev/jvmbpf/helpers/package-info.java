/**
 * The kernel's helper functions for jvmbpf programs ({@link dev.jvmbpf.helpers.StandardHelpers}),
 * with the kernel's ids, names, argument types, GPL-only flags and packet-changing property
 * (Linux 6.18), and the contexts programs run with ({@code context}).
 *
 * <h2>Helpers whose effect lives in the kernel</h2>
 *
 * Routes, devices, sockets, tunnels, perf counters and call stacks exist only in a kernel. The
 * helpers that reach them work here on a userspace model: {@link dev.jvmbpf.helpers.KernelModel}
 * for host-wide state (given to {@link dev.jvmbpf.helpers.StandardHelpers#table(KernelModel)}; its
 * {@link dev.jvmbpf.helpers.KernelModel#effects()} report what the kernel would have done), and
 * {@link dev.jvmbpf.helpers.context.SkBuffContext} for what belongs to one packet (its socket,
 * hash, VLAN tag, tunnel metadata). Each model is deterministic; "settable" names the setting.
 * Error returns are the kernel's for the same case.
 *
 * <table>
 * <caption>Models of kernel-side helpers</caption>
 * <tr><th>id</th><th>helper</th><th>model</th></tr>
 * <tr><td>13</td><td>clone_redirect</td><td>every ifindex is a device: 0, effect recorded; -EINVAL for flags
 *     other than BPF_F_INGRESS</td></tr>
 * <tr><td>18, 19</td><td>skb_vlan_push, skb_vlan_pop</td><td>as skb_vlan_push/pop: the outer tag out of band in
 *     {@code vlan_present/vlan_tci/vlan_proto}, further tags in the packet after the MAC addresses</td></tr>
 * <tr><td>20, 21</td><td>skb_get_tunnel_key, skb_set_tunnel_key</td><td>get: the key the packet arrived with
 *     (settable: {@code SkBuffContext.Builder.tunnelKey}), else -EINVAL; set: kept as the packet's
 *     {@code txTunnelKey}, recorded, and read by later gets as the kernel's do (remote and local swapped,
 *     tunnel flags with BPF_F_TUNINFO_FLAGS)</td></tr>
 * <tr><td>29, 30</td><td>skb_get_tunnel_opt, skb_set_tunnel_opt</td><td>likewise for options (settable:
 *     {@code tunnelOptions}); -ENOENT without; set needs a key set first</td></tr>
 * <tr><td>22, 55</td><td>perf_event_read, perf_event_read_value</td><td>the slot's counter, enabled and running
 *     times (settable: {@code perfCounter}); -ENOENT for a slot without one</td></tr>
 * <tr><td>56</td><td>perf_prog_read_value</td><td>the program's own event (settable: {@code attachedPerfValue},
 *     default zeros)</td></tr>
 * <tr><td>27, 67</td><td>get_stackid, get_stack</td><td>the kernel or user stack (settable: {@code kernelStack},
 *     {@code userStack}; default empty: get_stack copies 0 bytes, get_stackid -EFAULT); stack ids are the
 *     kernel's jhash2 of the addresses masked to the map's buckets</td></tr>
 * <tr><td>31</td><td>skb_change_proto</td><td>IPv4/IPv6: 20 bytes of room made or removed after the MAC
 *     header, {@code protocol} set, hash cleared; other protocols -ENOTSUPP</td></tr>
 * <tr><td>32</td><td>skb_change_type</td><td>sets {@code pkt_type} (at most PACKET_OTHERHOST)</td></tr>
 * <tr><td>33, 37</td><td>skb_under_cgroup, current_task_under_cgroup</td><td>1 when the cgroup array's slot
 *     holds the process's cgroup id (as get_current_cgroup_id gives it); -EAGAIN for an empty slot, -ENOENT
 *     for a packet without socket</td></tr>
 * <tr><td>34, 41, 48</td><td>get_hash_recalc, set_hash_invalid, set_hash</td><td>{@code skb->hash} (settable
 *     in the context); when 0, a stable flow hash (jhash2 of addresses, protocol, ports), never 0</td></tr>
 * <tr><td>38, 39, 43, 50</td><td>skb_change_tail, skb_pull_data, skb_change_head, skb_adjust_room</td><td>on
 *     the context's linear packet, which they replace (data, data_end, len follow); the kernel's limits
 *     (16,064 bytes) and errors; adjust_room's encapsulation metadata is not modelled</td></tr>
 * <tr><td>40</td><td>csum_update</td><td>packets are not CHECKSUM_COMPLETE here: -ENOTSUPP</td></tr>
 * <tr><td>46</td><td>get_socket_cookie</td><td>the packet's socket (settable: {@code socketCookie} of the
 *     context, 0 = none); other contexts: the model's {@code socketCookie}</td></tr>
 * <tr><td>49, 57</td><td>setsockopt, getsockopt</td><td>options kept per model by level and name (settable:
 *     {@code socketOption}); getsockopt of an option never set: -EINVAL, buffer zeroed</td></tr>
 * <tr><td>51</td><td>redirect_map</td><td>XDP_REDIRECT when the devmap/cpumap/xskmap holds the key (recorded),
 *     else the flags' low two bits; XDP_ABORTED for unknown flags</td></tr>
 * <tr><td>53, 70</td><td>sock_map_update, sock_hash_update</td><td>stores the model's socket cookie as the
 *     value; -EOPNOTSUPP when it is 0 (no socket)</td></tr>
 * <tr><td>58</td><td>override_return</td><td>recorded; 0</td></tr>
 * <tr><td>59</td><td>sock_ops_cb_flags_set</td><td>recorded; returns the flags the kernel does not know</td></tr>
 * <tr><td>69</td><td>fib_lookup</td><td>longest-prefix match in the model's routes (settable: {@code route}):
 *     ifindex, smac, dmac filled, SUCCESS or FRAG_NEEDED over the MTU; no route:
 *     BPF_FIB_LKUP_RET_NOT_FWDED</td></tr>
 * <tr><td>82</td><td>sk_select_reuseport</td><td>0 (recorded) when the map holds the key, else -ENOENT</td></tr>
 * <tr><td>84, 85, 99, 95, 96, 107, 137, 139</td><td>sk_lookup_tcp/udp, skc_lookup_tcp, sk_fullsock, tcp_sock,
 *     sk_storage_get, skc_to_tcp_sock, skc_to_tcp_request_sock</td><td>no kernel sockets exist: NULL</td></tr>
 * <tr><td>86</td><td>sk_release</td><td>0</td></tr>
 * <tr><td>122</td><td>get_netns_cookie</td><td>the model's {@code netnsCookie} (default 1)</td></tr>
 * <tr><td>124</td><td>sk_assign</td><td>recorded, 0; -EINVAL for flags or no socket</td></tr>
 * <tr><td>152, 155</td><td>redirect_neigh, redirect_peer</td><td>TC_ACT_REDIRECT (recorded); TC_ACT_SHOT for
 *     bad flags or parameters</td></tr>
 * <tr><td>158</td><td>get_current_task_btf</td><td>no kernel task: NULL, as get_current_task</td></tr>
 * <tr><td>163</td><td>check_mtu</td><td>every device has the model's {@code mtu} (default 1500) and a 14-byte
 *     header: SUCCESS or FRAG_NEEDED, the MTU stored in {@code *mtu_len}</td></tr>
 * <tr><td>173</td><td>get_func_ip</td><td>the model's {@code funcIp} (default 0)</td></tr>
 * <tr><td>180</td><td>find_vma</td><td>no memory mappings: -ENOENT, the callback never runs</td></tr>
 * <tr><td>191</td><td>copy_from_user_task</td><td>reads as probe_read_user (memory the program can reach)</td></tr>
 * <tr><td>81</td><td>get_local_storage</td><td>the one storage of the run's attachment in a cgroup storage map
 *     (this CPU's for the per-CPU type)</td></tr>
 * <tr><td>147</td><td>d_path</td><td>the model's {@code path} and its NUL for any path (settable); -EFAULT
 *     without one, -ENAMETOOLONG for a short buffer</td></tr>
 * <tr><td>169-172</td><td>timer_init, set_callback, start, cancel</td><td>callbacks fire after the program
 *     returns, in the same run, earliest expiry first (at most 1024 firings a run); cancel returns 1 for an
 *     armed timer and forgets the callback, as Linux 6.18 does</td></tr>
 * <tr><td>209</td><td>user_ringbuf_drain</td><td>samples Java submitted
 *     ({@code LoadedObject.submitUserSample}), each handed once as a local dynptr, oldest first</td></tr>
 * </table>
 *
 * <p>The dynptr helpers (197-203) keep the kernel's 16-byte {@code bpf_dynptr_kern} layout in program
 * memory (local dynptrs over map values, ring-buffer dynptrs) and its return codes.
 */
package dev.jvmbpf.helpers;
