mov %r1, 4
ldfunc %r2, cb
mov %r3, 0
mov %r4, 0
call 181
exit
cb:
mov %r0, 0
jslt %r1, 0, +3
jsgt %r1, 5, +2
jle %r1, 5, +1
mov %r0, 7
exit
