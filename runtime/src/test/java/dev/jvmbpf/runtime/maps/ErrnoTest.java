package dev.jvmbpf.runtime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one errno table: each name is the constant's, for positive and negated values alike. */
class ErrnoTest {
    @Test
    void namesAreTheConstantsNames() {
        assertEquals("EPERM", Errno.name(Errno.EPERM));
        assertEquals("ENOENT", Errno.name(-Errno.ENOENT));
        assertEquals("E2BIG", Errno.name(7));
        assertEquals("EEXIST", Errno.name(-17));
        assertEquals("EINVAL", Errno.name(22));
        assertEquals("EOPNOTSUPP", Errno.name(-95));
        assertEquals("ENOTSUPP", Errno.name(524));
    }

    @Test
    void zeroAndUnknownValues() {
        assertEquals("OK", Errno.name(0));
        assertEquals("errno 999", Errno.name(-999));
    }

    @Test
    void valuesAreTheKernels() {
        // include/uapi/asm-generic/errno-base.h, errno.h and include/linux/errno.h
        assertEquals(1, Errno.EPERM);
        assertEquals(2, Errno.ENOENT);
        assertEquals(4, Errno.EINTR);
        assertEquals(7, Errno.E2BIG);
        assertEquals(9, Errno.EBADF);
        assertEquals(11, Errno.EAGAIN);
        assertEquals(12, Errno.ENOMEM);
        assertEquals(13, Errno.EACCES);
        assertEquals(14, Errno.EFAULT);
        assertEquals(16, Errno.EBUSY);
        assertEquals(17, Errno.EEXIST);
        assertEquals(22, Errno.EINVAL);
        assertEquals(28, Errno.ENOSPC);
        assertEquals(34, Errno.ERANGE);
        assertEquals(38, Errno.ENOSYS);
        assertEquals(71, Errno.EPROTO);
        assertEquals(95, Errno.EOPNOTSUPP);
        assertEquals(97, Errno.EAFNOSUPPORT);
        assertEquals(524, Errno.ENOTSUPP);
    }
}
