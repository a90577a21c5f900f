package dev.haven.ipc;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.haven.api.checkpoint.ImageException;

/**
 * The target's copy of a partition's shared memory during a live migration: one byte array per object,
 * filled page by page from the pages the object's {@link DirtyPages} marks. A round takes the object's
 * lock for at most {@link #CHUNK} pages at a time, so writers wait microseconds, never a whole copy.
 * The section written during the freeze names the copy by {@link #id} and each array by its index in
 * {@link #handed}; a restore takes the array itself, so the switch copies nothing. Only the migrating
 * thread uses a copy, except {@link #take} from a restore, after the freeze.
 */
final class PageCopy {
    /** Pages copied under one hold of an object's lock. */
    static final int CHUNK = 256;
    private static final SecureRandom IDS = new SecureRandom();

    /** The open copies of one virtualizer, by id: what a restore of a live image takes its bulk from. */
    static final class Registry {
        private final Map<Long, PageCopy> open = new ConcurrentHashMap<>();

        PageCopy open() {
            while (true) {
                PageCopy copy = new PageCopy(this, IDS.nextLong());
                if (copy.id != 0 && open.putIfAbsent(copy.id, copy) == null) {
                    return copy;
                }
            }
        }

        /** The array the section refers to, checked against the length it says. */
        byte[] take(String section, String what, long id, int index, int length) throws ImageException {
            PageCopy copy = open.get(id);
            if (copy == null) {
                throw new ImageException(ImageException.Reason.CORRUPT, "section '" + section + "': the content of " + what
                        + " was copied live by migration " + Long.toHexString(id)
                        + ", which has ended; a live migration's image cannot be restarted on its own");
            }
            byte[] bytes = index >= 0 && index < copy.handed.size() ? copy.handed.get(index) : null;
            if (bytes == null || bytes.length != length) {
                throw new ImageException(ImageException.Reason.CORRUPT, "section '" + section + "': " + what
                        + " names copy " + index + " of " + length + " bytes, which migration " + Long.toHexString(id)
                        + " does not hold");
            }
            return bytes;
        }
    }

    final long id;
    private final Registry registry;
    private final Map<SharedBytes, byte[]> copies = new IdentityHashMap<>();
    /** Copies named by the section written in the freeze, by index. */
    private final List<byte[]> handed = new ArrayList<>();
    private boolean closed;

    private PageCopy(Registry registry, long id) {
        this.registry = registry;
        this.id = id;
    }

    /**
     * Copies an object's dirty pages into its copy, starting to track an object seen for the first time
     * (all of it dirty then). Returns the bytes copied.
     */
    <T extends IpcObject & SharedBytes> long copy(T object) {
        long copied = 0;
        int page = 0;
        while (page >= 0) {
            object.lock.lock();
            try {
                byte[] content = object.content();
                if (object.dirty() == null) {
                    object.dirty(new DirtyPages(content.length));
                }
                byte[] copy = copies.get(object);
                if (copy == null || copy.length != content.length) {
                    // new, or resized by ftruncate (which marked it all dirty again)
                    copy = copy == null ? new byte[content.length] : Arrays.copyOf(copy, content.length);
                    copies.put(object, copy);
                }
                DirtyPages dirty = object.dirty();
                for (int n = 0; n < CHUNK; n++) {
                    page = dirty.next(page);
                    if (page < 0) {
                        break;
                    }
                    dirty.take(page);
                    int from = page * DirtyPages.PAGE;
                    int length = Math.min(DirtyPages.PAGE, content.length - from);
                    System.arraycopy(content, from, copy, from, length);
                    copied += length;
                    page++;
                }
            } finally {
                object.lock.unlock();
            }
        }
        return copied;
    }

    /** Bytes an object has written since its last copy; all of it if it is not tracked yet. */
    static <T extends IpcObject & SharedBytes> long dirty(T object) {
        object.lock.lock();
        try {
            DirtyPages pages = object.dirty();
            return pages == null ? object.content().length : Math.min((long) pages.count() * DirtyPages.PAGE,
                    object.content().length);
        } finally {
            object.lock.unlock();
        }
    }

    /** During the freeze: brings the object's copy up to date and gives the index the section names it by. */
    <T extends IpcObject & SharedBytes> int hand(T object) {
        copy(object);
        handed.add(copies.get(object));
        return handed.size() - 1;
    }

    /** Stops tracking every object and drops the copy; a restore that took arrays keeps them. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        registry.open.remove(id);
        for (SharedBytes object : copies.keySet()) {
            IpcObject locked = (IpcObject) object;
            locked.lock.lock();
            try {
                object.dirty(null);
            } finally {
                locked.lock.unlock();
            }
        }
        copies.clear();
        handed.clear();
    }
}
