package dev.haven.ipc;

/**
 * Which pages of a shared memory object were written since a pre-copy round last copied them: one bit
 * per page, set on the write path (the only way bytes change is a kernel call) and cleared by the copy
 * that takes the page. Guarded by the object's lock.
 */
final class DirtyPages {
    static final int PAGE = Limits.PAGE;
    private final long[] bits;
    private final int pages;
    private int count;

    /** Every page of {@code length} bytes dirty: nothing has been copied yet. */
    DirtyPages(long length) {
        pages = (int) ((length + PAGE - 1) / PAGE);
        bits = new long[(pages + 63) >>> 6];
        for (int page = 0; page < pages; page++) {
            bits[page >>> 6] |= 1L << page;
        }
        count = pages;
    }

    int pages() {
        return pages;
    }

    /** Marks the pages that bytes {@code offset..offset+length} touch. */
    void mark(long offset, long length) {
        if (length <= 0) {
            return;
        }
        int last = (int) ((offset + length - 1) / PAGE);
        for (int page = (int) (offset / PAGE); page <= last; page++) {
            long bit = 1L << page;
            if ((bits[page >>> 6] & bit) == 0) {
                bits[page >>> 6] |= bit;
                count++;
            }
        }
    }

    /** Clears a page's bit and says whether it was set. */
    boolean take(int page) {
        long bit = 1L << page;
        if ((bits[page >>> 6] & bit) == 0) {
            return false;
        }
        bits[page >>> 6] &= ~bit;
        count--;
        return true;
    }

    /** The first dirty page at or after {@code from}, or -1. */
    int next(int from) {
        int word = from >>> 6;
        if (word >= bits.length) {
            return -1;
        }
        long w = bits[word] & (-1L << from);
        while (true) {
            if (w != 0) {
                int page = (word << 6) + Long.numberOfTrailingZeros(w);
                return page < pages ? page : -1;
            }
            if (++word == bits.length) {
                return -1;
            }
            w = bits[word];
        }
    }

    int count() {
        return count;
    }
}
