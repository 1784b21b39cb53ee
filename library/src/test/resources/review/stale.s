call local g
mov %r1, %r0
call local f
exit
g:
stdw [%r10-8], 0
mov %r0, %r10
add %r0, -8
exit
f:
stdw [%r10-8], 5
call local h
ldxdw %r0, [%r10-8]
exit
h:
stdw [%r1+0], 77
mov %r0, 0
exit
