package dev.haven.shell.command;

/** Parsing of command arguments with messages that name the argument. */
final class Arguments {
    private Arguments() {
    }

    static int integer(String text, String what, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the argument's name
        }
        throw new IllegalArgumentException(what + " must be an integer from " + min + " to " + max + ", not '" + text + "'");
    }
}
