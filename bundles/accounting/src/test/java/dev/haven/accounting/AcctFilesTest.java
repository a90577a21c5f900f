package dev.haven.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.accounting.AccountingFile;
import dev.haven.api.accounting.AccountingRecord;
import dev.haven.api.accounting.IntervalRecord;
import dev.haven.api.accounting.Usage;

/** The accounting data files on their own: pre-allocation, a torn last record, a damaged header. */
class AcctFilesTest {
    @TempDir
    Path directory;

    private static byte[] record(int n) {
        return RecordCodec.encode(new IntervalRecord("p1", "p1", Instant.ofEpochSecond(n), Instant.ofEpochSecond(n + 1), Usage.NONE));
    }

    private static List<Long> starts(AcctFiles files) throws Exception {
        return files.read().stream().map(AccountingRecord::at).map(at -> at.getEpochSecond() - 1).toList();
    }

    @Test
    void filesArePreallocatedFreeAndNumbered() throws Exception {
        AcctFiles files = new AcctFiles(directory, 3, 8192);
        try {
            assertEquals(List.of("acct.0", "acct.1", "acct.2"), files.list().stream().map(f -> f.path().getFileName().toString()).toList());
            for (AccountingFile file : files.list()) {
                assertEquals(AccountingFile.State.FREE, file.state());
                assertEquals(8192, Files.size(file.path()), "the whole size is taken at once");
            }
        } finally {
            files.close();
        }
    }

    @Test
    void aTornLastRecordIsWhereTheNextOneGoesAfterAReopen() throws Exception {
        AcctFiles files = new AcctFiles(directory, 2, 8192);
        for (int n = 0; n < 3; n++) {
            assertTrue(files.append(record(n)));
        }
        long used = files.list().get(0).used();
        files.close();
        // a crash in the middle of the third record's write: its last bytes (part of the CRC) never reached the disk
        try (RandomAccessFile raw = new RandomAccessFile(directory.resolve("acct.0").toFile(), "rw")) {
            raw.seek(AcctFiles.HEADER + used - 2);
            raw.write(new byte[] { 0, 0 });
        }
        AcctFiles reopened = new AcctFiles(directory, 2, 8192);
        try {
            assertEquals(List.of(0L, 1L), starts(reopened), "the torn record is not read");
            assertEquals(AccountingFile.State.ACTIVE, reopened.list().get(0).state());
            assertTrue(reopened.append(record(7)));
            assertEquals(List.of(0L, 1L, 7L), starts(reopened));
        } finally {
            reopened.close();
        }
    }

    @Test
    void aFileThatIsNotAnAccountingFileIsRecreated() throws Exception {
        Files.createDirectories(directory);
        Files.write(directory.resolve("acct.1"), new byte[100]);
        AcctFiles files = new AcctFiles(directory, 2, 8192);
        try {
            assertEquals(AccountingFile.State.FREE, files.list().get(1).state());
            assertEquals(8192, Files.size(directory.resolve("acct.1")));
        } finally {
            files.close();
        }
    }
}
