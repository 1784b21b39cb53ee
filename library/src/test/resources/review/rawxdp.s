ldxw %r2, [%r1+0]
ldxw %r3, [%r1+4]
mov %r0, 0
mov %r4, %r2
add %r4, 1
jgt %r4, %r3, +1
ldxb %r0, [%r2+0]
exit
