/**
 * STREAMS (SVR4): the system calls a workload makes on streams ({@link dev.haven.api.streams.Streams}), the
 * module and driver SPI ({@link dev.haven.api.streams.StreamModule}, {@link dev.haven.api.streams.StreamDriver},
 * {@link dev.haven.api.streams.StreamHandler}, {@link dev.haven.api.streams.Queue},
 * {@link dev.haven.api.streams.MessageBlock}), and the services the checkpointer and the shell use
 * ({@link dev.haven.api.streams.StreamsCheckpointing}, {@link dev.haven.api.streams.StreamsAdmin}).
 */
@Export
@Version("1.1.0")
package dev.haven.api.streams;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
