call local a
call local b
stw [%r10-4], 0
ldmapidx %r1, 0
mov %r2, %r10
add %r2, -4
call 1
jeq %r0, 0, +2
ldxdw %r0, [%r0]
exit
mov %r0, -1
exit
a:
stdw [%r10-8], 1234
mov %r0, 0
exit
b:
stw [%r10-16], 0
ldmapidx %r1, 0
mov %r2, %r10
add %r2, -16
mov %r3, %r10
add %r3, -8
mov %r4, 0
mov %r9, 2
call %r9
mov %r0, 1
exit
