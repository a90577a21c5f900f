package dev.haven.ipc;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.PreCopy;
import dev.haven.api.checkpoint.SectionOutput;

/** A virtualizer's pre-copy: rounds over its partition's shared memory objects, then its section from the copy. */
final class SharedMemoryPreCopy<T extends IpcObject & SharedBytes> implements PreCopy {
    /** Writes the whole section, the bulk referring to the copy. */
    interface Section {
        void write(SectionOutput out, PageCopy copy) throws IOException;
    }

    private final PageCopy copy;
    /** The partition's shared memory objects now: new ones join, removed ones drop out. */
    private final Supplier<List<T>> objects;
    private final Section section;

    SharedMemoryPreCopy(PageCopy copy, Supplier<List<T>> objects, Section section) {
        this.copy = copy;
        this.objects = objects;
        this.section = section;
    }

    @Override
    public long round() {
        long copied = 0;
        for (T object : objects.get()) {
            copied += copy.copy(object);
        }
        return copied;
    }

    @Override
    public long dirty() {
        long dirty = 0;
        for (T object : objects.get()) {
            dirty += PageCopy.dirty(object);
        }
        return dirty;
    }

    @Override
    public long finish(CheckpointContext context, SectionOutput out) throws IOException {
        long dirty = dirty();
        section.write(out, copy);
        return dirty;
    }

    @Override
    public void close() {
        copy.close();
    }
}
