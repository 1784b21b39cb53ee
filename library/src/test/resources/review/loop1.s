mov %r9, 5
mov %r1, %r10
call %r9
ldfunc %r2, cb1
stxdw [%r10-8], %r2
ldfunc %r3, cb2
stxdw [%r1-8], %r3
ldxdw %r2, [%r10-8]
mov %r1, 5
mov %r3, 0
mov %r4, 0
call 181
exit
cb1:
mov %r0, 0
exit
cb2:
mov %r0, 1
exit
