package dev.haven.api.streams;

import dev.haven.api.kernel.Credentials;

/**
 * The control part of an {@code M_IOCTL}, {@code M_IOCACK}, {@code M_IOCNAK}, {@code M_COPYIN},
 * {@code M_COPYOUT} or {@code M_IOCDATA} message: SVR4's {@code iocblk}, {@code copyreq} and
 * {@code copyresp} in one, since they share their leading fields. The data of the ioctl travels in the
 * message's continuation blocks.
 */
public final class IocBlock {
    /** {@code ioc_count} of a transparent ioctl: its argument is in the caller's memory, reached by M_COPYIN/M_COPYOUT. */
    public static final int TRANSPARENT = -1;

    private final int cmd;
    private final Credentials credentials;
    private final long id;
    private int count;
    private int rval;
    private int error;
    private int address;
    private int size;
    private LinkBlock link;

    public IocBlock(int cmd, Credentials credentials, long id, int count) {
        this.cmd = cmd;
        this.credentials = credentials;
        this.id = id;
        this.count = count;
    }

    /** {@code ioc_cmd}. */
    public int cmd() {
        return cmd;
    }

    /** {@code ioc_cr}. */
    public Credentials credentials() {
        return credentials;
    }

    /** {@code ioc_id}: which ioctl of the stream head this belongs to. */
    public long id() {
        return id;
    }

    /** {@code ioc_count}: bytes of data in the continuation, or {@link #TRANSPARENT}. */
    public int count() {
        return count;
    }

    public void count(int count) {
        this.count = count;
    }

    /** {@code ioc_rval}: the ioctl's return value, set by the module that acknowledges it. */
    public int rval() {
        return rval;
    }

    public void rval(int rval) {
        this.rval = rval;
    }

    /** {@code ioc_error}: the errno number of an M_IOCNAK (0 means EINVAL); in M_IOCDATA, non-zero means the copy failed. */
    public int error() {
        return error;
    }

    public void error(int error) {
        this.error = error;
    }

    /** {@code cq_addr}: offset in the caller's argument of an M_COPYIN/M_COPYOUT. */
    public int address() {
        return address;
    }

    /** {@code cq_size}: bytes to copy in or out. */
    public int size() {
        return size;
    }

    /** Sets the copy request of an M_COPYIN or M_COPYOUT. */
    public void copy(int address, int size) {
        this.address = address;
        this.size = size;
    }

    /** The {@code linkblk} of an I_LINK or I_UNLINK, or null. */
    public LinkBlock link() {
        return link;
    }

    public void link(LinkBlock link) {
        this.link = link;
    }

    @Override
    public String toString() {
        return "ioc(cmd=0x" + Integer.toHexString(cmd) + " id=" + id + " count=" + count + " rval=" + rval + " error=" + error + ")";
    }
}
