package dev.haven.pty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

final class KernelAssert {
    private KernelAssert() {
    }

    static KernelException errno(Errno expected, Executable call) {
        KernelException e = assertThrows(KernelException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
        return e;
    }
}
