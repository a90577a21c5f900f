package dev.haven.image;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageException.Reason;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageReader;
import dev.haven.api.checkpoint.ImageStore;
import dev.haven.api.checkpoint.ImageWriter;

/**
 * Images as files in one local directory ({@code haven.home/images} unless configured): ids are
 * {@code <partition>-<UTC time>}, files {@code <id>.hvi}. The newest {@code keep} images of each
 * partition are kept. Images written elsewhere with {@code -d} are neither listed nor pruned.
 */
@Component(service = ImageStore.class, configurationPid = "dev.haven.image.local")
@Designate(ocd = LocalImageStoreConfig.class)
public final class LocalImageStore implements ImageStore {
    private static final System.Logger LOG = System.getLogger(LocalImageStore.class.getName());
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** What a partition name may be to become part of a file name: no separators, no leading dot. */
    private static final Pattern FILE_NAME_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Path directory;
    private final int keep;
    /**
     * The time in the last id handed out. Ids strictly increase, so two writers in one millisecond never
     * share one and ids sort in the order they were created. Guarded by this.
     */
    private Instant lastStamp = Instant.EPOCH;

    @Activate
    public LocalImageStore(BundleContext context, LocalImageStoreConfig config) throws IOException {
        this(config.directory().isBlank() ? home(context).resolve("images") : Path.of(config.directory()), config.keep());
    }

    LocalImageStore(Path directory, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, not " + keep);
        }
        this.directory = directory.toAbsolutePath();
        this.keep = keep;
        Files.createDirectories(this.directory);
        removeLeftoverTemps();
    }

    private static Path home(BundleContext context) {
        String home = context.getProperty("haven.home");
        return Path.of(home == null || home.isBlank() ? "var" : home);
    }

    /** Temporary files of writers that died with a crashed runtime: never committed, so never an image. */
    private void removeLeftoverTemps() throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, ".*.tmp")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
    }

    Path directory() {
        return directory;
    }

    @Override
    public ImageWriter create(ImageHeader header) throws IOException {
        return create(header, directory, true);
    }

    @Override
    public ImageWriter create(ImageHeader header, Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute);
        return create(header, absolute, absolute.equals(directory));
    }

    private ImageWriter create(ImageHeader header, Path target, boolean inStore) throws IOException {
        if (!FILE_NAME_PART.matcher(header.partition()).matches()) {
            throw new IllegalArgumentException("partition name '" + header.partition() + "' cannot be part of an image file name");
        }
        return new ImageFileWriter(nextId(header, target), target, header, committed -> {
            if (inStore) {
                prune(header.partition());
            }
        });
    }

    /** Also steps over files already there: another runtime's images, or this one's before a clock step back. */
    private synchronized String nextId(ImageHeader header, Path target) {
        Instant stamp = header.created().truncatedTo(ChronoUnit.MILLIS);
        if (!stamp.isAfter(lastStamp)) {
            stamp = lastStamp.plusMillis(1);
        }
        String id = header.partition() + "-" + TIME.format(stamp);
        while (Files.exists(target.resolve(id + ImageFormat.SUFFIX)) || Files.exists(target.resolve("." + id + ".tmp"))) {
            stamp = stamp.plusMillis(1);
            id = header.partition() + "-" + TIME.format(stamp);
        }
        lastStamp = stamp;
        return id;
    }

    private void prune(String partition) {
        try {
            List<ImageInfo> images = list(Optional.of(partition));
            for (ImageInfo old : images.subList(Math.min(keep, images.size()), images.size())) {
                Files.deleteIfExists(old.path());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not prune old images of " + partition, e);
        }
    }

    @Override
    public List<ImageInfo> list(Optional<String> partition) throws IOException {
        List<ImageInfo> images = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + ImageFormat.SUFFIX)) {
            for (Path file : files) {
                String id = idOf(file);
                if (partition.isPresent() && !id.startsWith(partition.get() + "-")) {
                    continue;
                }
                try {
                    ImageInfo info = ImageFileReader.read(file, id, false);
                    if (partition.map(info.header().partition()::equals).orElse(true)) {
                        images.add(info);
                    }
                } catch (ImageException e) {
                    LOG.log(Level.WARNING, "not listing damaged image " + file + ": " + e.getMessage());
                }
            }
        }
        images.sort(Comparator.comparing((ImageInfo info) -> info.header().created())
                .thenComparing(ImageInfo::id).reversed());
        return images;
    }

    @Override
    public Optional<ImageInfo> latest(String partition) throws IOException {
        return list(Optional.of(partition)).stream().findFirst();
    }

    @Override
    public ImageInfo inspect(String ref) throws IOException {
        Path file = resolve(ref);
        return ImageFileReader.read(file, idOf(file), false);
    }

    @Override
    public ImageInfo verify(String ref) throws IOException {
        Path file = resolve(ref);
        return ImageFileReader.read(file, idOf(file), true);
    }

    @Override
    public ImageReader open(String ref) throws IOException {
        Path file = resolve(ref);
        return ImageFileReader.open(file, idOf(file));
    }

    @Override
    public void remove(String ref) throws IOException {
        Path file = resolve(ref);
        // A path may name any file; only image files are ever deleted through the store.
        if (!file.getFileName().toString().endsWith(ImageFormat.SUFFIX)) {
            throw new ImageException(Reason.NOT_FOUND, "not removing " + file + ": not an image file (" + ImageFormat.SUFFIX + ")");
        }
        if (!Files.deleteIfExists(file)) {
            throw new ImageException(Reason.NOT_FOUND, "no image " + ref + " (" + file + ")");
        }
        ImageFileWriter.syncDirectory(file.getParent());
    }

    /** An image file path, or an id of this store. */
    private Path resolve(String ref) throws ImageException {
        if (ref == null || ref.isBlank()) {
            throw new ImageException(Reason.NOT_FOUND, "no image given");
        }
        Path file;
        try {
            file = ref.contains("/") || ref.endsWith(ImageFormat.SUFFIX) ? Path.of(ref).toAbsolutePath()
                    : directory.resolve(ref + ImageFormat.SUFFIX);
        } catch (InvalidPathException e) {
            throw new ImageException(Reason.NOT_FOUND, "no image " + ref + ": " + e.getReason());
        }
        if (!Files.isRegularFile(file)) {
            throw new ImageException(Reason.NOT_FOUND, "no image " + ref + (ref.contains("/") ? "" : " in " + directory));
        }
        return file;
    }

    private static String idOf(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(ImageFormat.SUFFIX) ? name.substring(0, name.length() - ImageFormat.SUFFIX.length()) : name;
    }
}
