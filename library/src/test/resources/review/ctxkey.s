mov %r6, %r1
ldmapidx %r1, 0
mov %r2, %r6
call 1
jeq %r0, 0, +2
ldxdw %r0, [%r0]
exit
mov %r0, -1
exit
