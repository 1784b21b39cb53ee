mov %r9, 5
mov %r1, %r10
call %r9
ldmapidx %r2, 0
stxdw [%r10-8], %r2
ldmapidx %r3, 1
stxdw [%r1-8], %r3
ldxdw %r1, [%r10-8]
stw [%r10-12], 0
mov %r2, %r10
add %r2, -12
call 1
jeq %r0, 0, +2
ldxdw %r0, [%r0]
exit
mov %r0, -1
exit
