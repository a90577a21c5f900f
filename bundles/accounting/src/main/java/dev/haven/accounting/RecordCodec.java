package dev.haven.accounting;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

import dev.haven.api.accounting.AccountingRecord;
import dev.haven.api.accounting.IntervalRecord;
import dev.haven.api.accounting.ProcessRecord;
import dev.haven.api.accounting.Resource;
import dev.haven.api.accounting.SummaryRecord;
import dev.haven.api.accounting.Usage;
import dev.haven.api.partition.ProcessStatus;

/**
 * The payload of one record in an accounting file (docs/ACCOUNTING-FORMAT.md): a type byte, then the fields,
 * big-endian, strings as modified UTF-8 ({@link DataOutput#writeUTF}). Resources are written by their stable
 * names, so a reader skips a resource it does not know instead of misreading it.
 */
final class RecordCodec {
    static final int PROCESS = 1;
    static final int INTERVAL = 2;
    static final int SUMMARY = 3;

    private RecordCodec() {
    }

    static byte[] encode(AccountingRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (record instanceof ProcessRecord p) {
                out.writeByte(PROCESS);
                out.writeUTF(p.engine());
                out.writeUTF(p.partition());
                out.writeUTF(p.node());
                out.writeInt(p.pid());
                out.writeUTF(p.workload());
                instant(out, p.started());
                instant(out, p.ended());
                out.writeUTF(p.status().name());
                usage(out, p.usage());
            } else if (record instanceof IntervalRecord i) {
                out.writeByte(INTERVAL);
                out.writeUTF(i.engine());
                out.writeUTF(i.scope());
                instant(out, i.from());
                instant(out, i.to());
                usage(out, i.usage());
            } else if (record instanceof SummaryRecord s) {
                out.writeByte(SUMMARY);
                out.writeUTF(s.engine());
                out.writeUTF(s.scope());
                instant(out, s.at());
                usage(out, s.totals());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a payload; null for a record type this version does not know (it is skipped). */
    static AccountingRecord decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int type = in.readUnsignedByte();
        return switch (type) {
            case PROCESS -> new ProcessRecord(in.readUTF(), in.readUTF(), in.readUTF(), in.readInt(), in.readUTF(), instant(in),
                    instant(in), status(in.readUTF()), usage(in));
            case INTERVAL -> new IntervalRecord(in.readUTF(), in.readUTF(), instant(in), instant(in), usage(in));
            case SUMMARY -> new SummaryRecord(in.readUTF(), in.readUTF(), instant(in), usage(in));
            default -> null;
        };
    }

    private static ProcessStatus status(String name) throws IOException {
        try {
            return ProcessStatus.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown process status '" + name + "'");
        }
    }

    static void instant(DataOutput out, Instant at) throws IOException {
        out.writeLong(at.getEpochSecond());
        out.writeInt(at.getNano());
    }

    static Instant instant(DataInput in) throws IOException {
        long seconds = in.readLong();
        int nanos = in.readInt();
        if (nanos < 0 || nanos > 999_999_999) {
            throw new IOException("bad instant: " + nanos + " ns");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    static void usage(DataOutput out, Usage usage) throws IOException {
        out.writeShort(usage.amounts().size());
        for (Map.Entry<Resource, Long> amount : usage.amounts().entrySet()) {
            out.writeUTF(amount.getKey().key());
            out.writeLong(amount.getValue());
        }
        out.writeShort(usage.calls().size());
        for (Map.Entry<String, Long> call : usage.calls().entrySet()) {
            out.writeUTF(call.getKey());
            out.writeLong(call.getValue());
        }
    }

    static Usage usage(DataInput in) throws IOException {
        Map<Resource, Long> amounts = new EnumMap<>(Resource.class);
        int resources = in.readUnsignedShort();
        for (int i = 0; i < resources; i++) {
            Resource resource = Resource.byKey(in.readUTF());
            long amount = in.readLong();
            if (resource != null) {
                amounts.put(resource, amount);
            }
        }
        Map<String, Long> calls = new TreeMap<>();
        int kinds = in.readUnsignedShort();
        for (int i = 0; i < kinds; i++) {
            calls.put(in.readUTF(), in.readLong());
        }
        return new Usage(amounts, calls);
    }
}
