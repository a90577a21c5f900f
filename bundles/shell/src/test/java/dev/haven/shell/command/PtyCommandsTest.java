package dev.haven.shell.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The keys pty:write types and how pty:read shows the console. */
class PtyCommandsTest {

    @Test
    void escapesAndControlKeys() {
        assertArrayEquals(new byte[] { 'a', '\r', '\n', '\t', '\\', 0x1b, 3, 0x7f, '^', 0x15 }, PtyCommands.keys("a\\r\\n\\t\\\\\\x1b^C^?^^^u"));
        assertArrayEquals(new byte[] { 'x', '^' }, PtyCommands.keys("x^"), "a caret at the end is a caret");
    }

    @Test
    void badEscapesAreRefused() {
        assertEquals("unknown escape \\q in \\q (\\r \\n \\t \\\\ \\xHH)",
                assertThrows(IllegalArgumentException.class, () -> PtyCommands.keys("\\q")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PtyCommands.keys("\\x4"));
        assertThrows(IllegalArgumentException.class, () -> PtyCommands.keys("^1"));
    }

    @Test
    void controlCharactersAreShownEscaped() {
        assertEquals("$ ab\\r\\n\\x03\\x7f", PtyCommands.escape("$ ab\r\n\u0003\u007f"));
    }
}
