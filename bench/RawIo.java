import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * The baseline of the checkpoint benchmark: sequential write of SIZE_MIB MiB in 256 KiB buffers then
 * fsync, and a sequential read of the same file: from the page cache (as a restart right after a
 * checkpoint reads), or with --cold from the disk after dropping the page cache (as a restart after a
 * crash, or on another machine, reads; needs root). Prints "write MiB/s read MiB/s".
 * Run as: java bench/RawIo.java FILE SIZE_MIB [--cold]
 */
public final class RawIo {
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long size = Long.parseLong(args[1]) << 20;
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        new Random(1).nextBytes(buffer.array());
        long begin = System.nanoTime();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            for (long done = 0; done < size; done += buffer.capacity()) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            out.force(true);
        }
        double write = seconds(begin);
        if (args.length > 2 && args[2].equals("--cold")) {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        }
        begin = System.nanoTime();
        long read = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int n; (n = in.read(buffer.clear())) > 0;) {
                read += n;
            }
        }
        double reading = seconds(begin);
        Files.delete(file);
        if (read != size) {
            throw new IOException("read " + read + " of " + size + " bytes");
        }
        System.out.printf("%.1f %.1f%n", size / 1048576.0 / write, size / 1048576.0 / reading);
    }

    private static double seconds(long begin) {
        return (System.nanoTime() - begin) / 1e9;
    }
}
