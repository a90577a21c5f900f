package dev.haven.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;

/** Definitions saved from several threads at once: a stop racing a state change once failed on the shared temp file. */
class DefinitionStoreTest {
    @TempDir
    Path home;

    @Test
    void concurrentSavesOfOnePartitionAllSucceedAndLeaveOneWholeDefinition() throws Exception {
        DefinitionStore store = new DefinitionStore(home);
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<Void>> savers = new ArrayList<>();
        for (PartitionState state : List.of(PartitionState.STOPPED, PartitionState.ACTIVE)) {
            savers.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 300; i++) {
                        store.save(new DefinitionStore.Definition("p1", "node1", new PartitionSpec(true, Map.of()), state,
                                Optional.empty()));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<Void> saver : savers) {
            saver.get();
        }
        List<String> problems = new ArrayList<>();
        List<DefinitionStore.Definition> loaded = store.loadAll(problems);
        assertEquals(List.of(), problems);
        assertEquals(1, loaded.size());
        assertTrue(loaded.get(0).state() == PartitionState.STOPPED || loaded.get(0).state() == PartitionState.ACTIVE);
    }
}
