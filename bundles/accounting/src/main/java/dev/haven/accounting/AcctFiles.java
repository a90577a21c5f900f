package dev.haven.accounting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import dev.haven.api.accounting.AccountingFile;
import dev.haven.api.accounting.AccountingFile.State;
import dev.haven.api.accounting.AccountingRecord;

/**
 * The pre-allocated accounting data files {@code acct.0 … acct.N-1} under {@code haven.home/acct}, as AIX's
 * {@code /var/aacct} files: records are appended to the ACTIVE file; when the next record does not fit it becomes
 * FULL and the next FREE file (lowest number) becomes ACTIVE; when no FREE file remains an alert is raised and
 * nothing is written until an operator releases a FULL file. Format: docs/ACCOUNTING-FORMAT.md. Thread-safe by
 * its monitor.
 */
final class AcctFiles {
    private static final System.Logger LOG = System.getLogger(AcctFiles.class.getName());
    static final byte[] MAGIC = { 'H', 'V', 'A', 'C', 'C', 'T', 0, 1 };
    static final int FORMAT_VERSION = 1;
    static final int HEADER = 64;
    /** A record's frame: its length before it, its CRC32C after it. */
    private static final int FRAME = 8;

    private final Path directory;
    private final long size;
    private final List<DataFile> files = new ArrayList<>();
    private DataFile active;
    private boolean alerted;

    private static final class DataFile {
        final Path path;
        final FileChannel channel;
        State state;
        long sequence;
        /** Its pre-allocated size: as created, even if the configured size changed since. */
        long size;
        long end = HEADER;
        long records;

        DataFile(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        AccountingFile info() {
            return new AccountingFile(path, state, sequence, size, end - HEADER, records);
        }
    }

    /**
     * Opens the files, creating and pre-allocating those missing; finds the ACTIVE one and the end of its records
     * (a torn last record from a crash is where the next one goes).
     */
    AcctFiles(Path directory, int count, long size) {
        if (count < 2 || size < 4096) {
            throw new IllegalArgumentException("accounting needs at least 2 files of at least 4096 bytes, not " + count
                    + " of " + size);
        }
        this.directory = directory;
        this.size = size;
        try {
            Files.createDirectories(directory);
            for (int index = 0; index < count; index++) {
                Path path = directory.resolve("acct." + index);
                boolean fresh = !Files.exists(path);
                FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                DataFile file = new DataFile(path, channel);
                if (fresh || channel.size() < HEADER || !readHeader(file)) {
                    preallocate(file);
                }
                files.add(file);
                if (file.state != State.FREE) {
                    scan(file, record -> {
                    });
                }
                if (file.state == State.ACTIVE && (active == null || file.sequence > active.sequence)) {
                    active = file;
                }
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot open the accounting files in " + directory + ": " + e.getMessage(), e);
        }
    }

    private void preallocate(DataFile file) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
        file.channel.truncate(0);
        file.size = size;
        for (long at = 0; at < size; at += zeros.capacity()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
            while (zeros.hasRemaining()) {
                file.channel.write(zeros, at + zeros.position());
            }
        }
        file.state = State.FREE;
        file.sequence = 0;
        writeHeader(file);
        file.channel.force(true);
    }

    private boolean readHeader(DataFile file) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        file.channel.read(header, 0);
        header.flip();
        byte[] magic = new byte[MAGIC.length];
        header.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC) || header.getShort() != FORMAT_VERSION) {
            LOG.log(Level.WARNING, file.path + " is not an accounting file of format " + FORMAT_VERSION + "; it is re-created");
            return false;
        }
        int state = header.get();
        if (state < 0 || state >= State.values().length) {
            return false;
        }
        file.state = State.values()[state];
        file.sequence = header.getLong();
        file.size = header.getLong();
        return file.size >= HEADER + FRAME && file.size == file.channel.size();
    }

    private void writeHeader(DataFile file) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        header.put(MAGIC).putShort((short) FORMAT_VERSION).put((byte) file.state.ordinal()).putLong(file.sequence)
                .putLong(file.size);
        header.clear();
        while (header.hasRemaining()) {
            file.channel.write(header, header.position());
        }
    }

    /** Reads every whole record of a file in order, and sets where its records end. */
    private void scan(DataFile file, Consumer<byte[]> payloads) throws IOException {
        long at = HEADER;
        long records = 0;
        ByteBuffer length = ByteBuffer.allocate(4);
        while (at + FRAME < file.size) {
            length.clear();
            file.channel.read(length, at);
            int n = length.flip().remaining() == 4 ? length.getInt() : 0;
            if (n <= 0 || at + FRAME + n > file.size) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(n + 4);
            while (body.hasRemaining() && file.channel.read(body, at + 4 + body.position()) > 0) {
                // read fully
            }
            body.flip();
            if (body.remaining() != n + 4) {
                break;
            }
            byte[] payload = new byte[n];
            body.get(payload);
            CRC32C crc = new CRC32C();
            crc.update(payload);
            if ((int) crc.getValue() != body.getInt()) {
                break;
            }
            payloads.accept(payload);
            records++;
            at += FRAME + n;
        }
        file.end = at;
        file.records = records;
    }

    /**
     * Appends one record, switching files when the active one is full.
     *
     * @return false when no file can take it (every file FULL: the alert is raised once)
     */
    synchronized boolean append(byte[] payload) throws IOException {
        if (FRAME + payload.length > size - HEADER) {
            throw new IOException("a record of " + payload.length + " bytes is larger than an accounting file");
        }
        if (active == null || active.end + FRAME + payload.length > active.size) {
            if (active != null) {
                active.state = State.FULL;
                writeHeader(active);
                active.channel.force(false);
            }
            active = files.stream().filter(file -> file.state == State.FREE && file.size >= HEADER + FRAME + payload.length)
                    .findFirst().orElse(null);
            if (active == null) {
                if (!alerted) {
                    alerted = true;
                    LOG.log(Level.ERROR, "ALERT: no free accounting file in " + directory
                            + "; records wait in the engines' buffers (and are dropped when they are full) until a file is released (acct:files --release FILE)");
                }
                return false;
            }
            active.state = State.ACTIVE;
            active.sequence = files.stream().mapToLong(file -> file.sequence).max().orElse(0) + 1;
            active.end = HEADER;
            active.records = 0;
            writeHeader(active);
            LOG.log(Level.DEBUG, "accounting now writes to " + active.path);
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME + payload.length);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        frame.putInt(payload.length).put(payload).putInt((int) crc.getValue());
        // A zero length after the record ends the scan there, whatever an earlier use of the file left behind.
        ByteBuffer end = ByteBuffer.allocate(4);
        frame.flip();
        long at = active.end;
        while (frame.hasRemaining()) {
            active.channel.write(frame, at + frame.position());
        }
        if (at + frame.limit() + 4 <= active.size) {
            active.channel.write(end, at + frame.limit());
        }
        active.end = at + frame.limit();
        active.records++;
        return true;
    }

    synchronized void force() throws IOException {
        if (active != null) {
            active.channel.force(false);
        }
    }

    /** Every record in the files, oldest file first. Damaged or unknown records are skipped. */
    synchronized List<AccountingRecord> read() throws IOException {
        List<AccountingRecord> records = new ArrayList<>();
        List<DataFile> used = files.stream().filter(file -> file.state != State.FREE)
                .sorted(Comparator.comparingLong(file -> file.sequence)).toList();
        for (DataFile file : used) {
            List<byte[]> payloads = new ArrayList<>();
            long end = file.end;
            long count = file.records;
            scan(file, payloads::add);
            file.end = end;
            file.records = count;
            for (byte[] payload : payloads) {
                try {
                    AccountingRecord record = RecordCodec.decode(payload);
                    if (record != null) {
                        records.add(record);
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "skipped a damaged record in " + file.path + ": " + e.getMessage());
                }
            }
        }
        return records;
    }

    synchronized List<AccountingFile> list() {
        return files.stream().map(file -> file.info()).toList();
    }

    /** Makes a FULL file FREE: its records are given up. */
    synchronized AccountingFile release(String name) throws IOException {
        DataFile file = files.stream().filter(candidate -> candidate.path.getFileName().toString().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no accounting file named '" + name + "'; there are "
                        + files.stream().map(candidate -> candidate.path.getFileName().toString()).toList()));
        if (file.state != State.FULL) {
            throw new IllegalArgumentException("accounting file " + name + " is " + file.state + ", not FULL: only a full file can be released");
        }
        file.state = State.FREE;
        file.sequence = 0;
        file.end = HEADER;
        file.records = 0;
        file.channel.write(ByteBuffer.allocate(4), HEADER);
        writeHeader(file);
        file.channel.force(false);
        alerted = false;
        return file.info();
    }

    synchronized void close() {
        for (DataFile file : files) {
            try {
                file.channel.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot close " + file.path, e);
            }
        }
    }
}
