package dev.haven.workloads;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

/** Argument parsing shared by the sample workloads; bad arguments fail as EINVAL, as a C program's would. */
final class Arguments {
    private Arguments() {
    }

    static long positiveLong(String text, String what) {
        try {
            long value = Long.parseLong(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the argument's name
        }
        throw new KernelException(Errno.EINVAL, what + " must be a positive integer, not '" + text + "'");
    }

    static long nonNegativeLong(String text, String what) {
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the argument's name
        }
        throw new KernelException(Errno.EINVAL, what + " must be an integer of at least 0, not '" + text + "'");
    }
}
