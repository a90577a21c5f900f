package dev.haven.workloads;

import static dev.haven.api.ipc.Ipc.IPC_CREAT;
import static dev.haven.api.ipc.Ipc.IPC_NOWAIT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.ipc.Message;
import dev.haven.api.ipc.SharedMemory;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * A key-value store over System V IPC: the server answers requests from a message queue and keeps
 * the data in shared memory (an open-addressing table of {@value #ENTRIES} entries), so both survive a
 * checkpoint and a migration with the partition. Requests are {@code SET key value}, {@code GET key}
 * and {@code DEL key}; replies go to a second queue with the requester's vpid as message type, and start
 * with the request number so a client can tell a reply to a retried request from a stale one.
 *
 * <p>Arguments: {@code server [KEY (0x4b56)]} or {@code client COUNT [KEY]}: the client sets COUNT keys,
 * reads each back, stores {@code verified} in its saved state and exits 0 when every value matched.
 * Every request is idempotent and the client resends one that got no reply within a second: a request
 * taken off the queue by a server instance that was then checkpointed before replying is simply asked
 * again after the restart.
 */
@Component
public final class Kv implements Workload {
    static final int ENTRIES = 256;
    static final int KEY_BYTES = 32;
    static final int VALUE_BYTES = 64;
    private static final int ENTRY = 1 + KEY_BYTES + VALUE_BYTES;

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public String description() {
        return "a key-value store on System V message queues and shared memory; args: server [KEY] | client COUNT [KEY]";
    }

    @Override
    public int run(ProcessContext context) {
        if (context.args().isEmpty()) {
            throw new KernelException(Errno.EINVAL, "kv needs 'server' or 'client COUNT'");
        }
        SysVIpc ipc = context.kernel().extension(SysVIpc.class);
        boolean server = context.args().get(0).equals("server");
        int keyArg = server ? 1 : 2;
        int key = context.args().size() > keyArg ? Integer.decode(context.args().get(keyArg)) : 0x4b56;
        int requests = ipc.msgget(key, IPC_CREAT | 0600);
        int replies = ipc.msgget(key + 1, IPC_CREAT | 0600);
        if (server) {
            SharedMemory table = ipc.shmat(ipc.shmget(key, (long) ENTRIES * ENTRY, IPC_CREAT | 0600), 0);
            while (true) {
                Message request = ipc.msgrcv(requests, 512, 0, 0);
                String[] words = new String(request.data(), StandardCharsets.UTF_8).split(" ", 4);
                ipc.msgsnd(replies, request.type(), (words[0] + " " + answer(table, words)).getBytes(StandardCharsets.UTF_8), 0);
            }
        }
        if (!context.args().get(0).equals("client") || context.args().size() < 2) {
            throw new KernelException(Errno.EINVAL, "kv takes 'server [KEY]' or 'client COUNT [KEY]'");
        }
        long count = Arguments.positiveLong(context.args().get(1), "COUNT");
        long done = context.state().getLong("done", 0);
        int me = context.kernel().getpid();
        for (long i = done; i < 2 * count; i++) {
            long n = i % count;
            String request = i < count ? "SET k" + n + " v" + n : "GET k" + n;
            String reply = ask(context, ipc, requests, replies, me, i, request);
            if (i >= count && !reply.equals("v" + n)) {
                context.state().putString("mismatch", "k" + n + " = " + reply);
                return 1;
            }
            context.state().putLong("done", i + 1);
        }
        context.state().putLong("verified", count);
        return 0;
    }

    /** Sends a request numbered {@code number} and waits for its reply, resending it after a second of silence. */
    private static String ask(ProcessContext context, SysVIpc ipc, int requests, int replies, int me, long number,
            String request) {
        byte[] bytes = (number + " " + request).getBytes(StandardCharsets.UTF_8);
        while (true) {
            ipc.msgsnd(requests, me, bytes, 0);
            for (int tries = 0; tries < 100; tries++) {
                try {
                    String reply = new String(ipc.msgrcv(replies, 512, me, IPC_NOWAIT).data(), StandardCharsets.UTF_8);
                    String[] parts = reply.split(" ", 2);
                    if (parts[0].equals(Long.toString(number))) {
                        return parts.length > 1 ? parts[1] : "";
                    }
                } catch (KernelException e) {
                    if (e.errno() != Errno.ENOMSG) {
                        throw e;
                    }
                    context.kernel().sleep(Duration.ofMillis(10));
                }
            }
        }
    }

    /** words: number, verb, key[, value]. */
    private static String answer(SharedMemory table, String[] words) {
        if (words.length < 3 || words[2].length() > KEY_BYTES) {
            return "ERR bad request";
        }
        byte[] wanted = Arrays.copyOf(words[2].getBytes(StandardCharsets.UTF_8), KEY_BYTES);
        int home = Math.floorMod(words[2].hashCode(), ENTRIES);
        byte[] entry = new byte[ENTRY];
        for (int probe = 0; probe < ENTRIES; probe++) {
            long offset = (long) ((home + probe) % ENTRIES) * ENTRY;
            table.read(offset, entry, 0, ENTRY);
            boolean used = entry[0] == 1;
            boolean same = used && Arrays.equals(entry, 1, 1 + KEY_BYTES, wanted, 0, KEY_BYTES);
            switch (words[1]) {
                case "GET" -> {
                    if (same) {
                        return new String(entry, 1 + KEY_BYTES, VALUE_BYTES, StandardCharsets.UTF_8).trim();
                    }
                    if (entry[0] == 0) {
                        return "";
                    }
                }
                case "SET" -> {
                    if (same || entry[0] != 1) {
                        if (words.length < 4 || words[3].length() > VALUE_BYTES) {
                            return "ERR bad value";
                        }
                        byte[] written = new byte[ENTRY];
                        written[0] = 1;
                        System.arraycopy(wanted, 0, written, 1, KEY_BYTES);
                        byte[] value = Arrays.copyOf(words[3].getBytes(StandardCharsets.UTF_8), VALUE_BYTES);
                        Arrays.fill(value, words[3].getBytes(StandardCharsets.UTF_8).length, VALUE_BYTES, (byte) ' ');
                        System.arraycopy(value, 0, written, 1 + KEY_BYTES, VALUE_BYTES);
                        table.write(offset, written, 0, ENTRY);
                        return "OK";
                    }
                }
                case "DEL" -> {
                    if (same) {
                        table.write(offset, new byte[] { 2 }, 0, 1);
                        return "OK";
                    }
                    if (entry[0] == 0) {
                        return "OK";
                    }
                }
                default -> {
                    return "ERR unknown verb " + words[1];
                }
            }
        }
        return words[1].equals("SET") ? "ERR full" : "";
    }
}
