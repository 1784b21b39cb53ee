mov %r9, 5
mov %r1, %r10
call %r9
stdw [%r10-16], 11
stdw [%r10-24], 22
mov %r2, %r10
add %r2, -16
stxdw [%r10-8], %r2
mov %r3, %r10
add %r3, -24
stxdw [%r1-8], %r3
ldxdw %r2, [%r10-8]
ldxdw %r0, [%r2]
exit
