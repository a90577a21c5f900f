package dev.haven.shell.runner;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.gogo.runtime.Parser;
import org.apache.felix.gogo.runtime.SyntaxError;
import org.apache.felix.gogo.runtime.Token;

/**
 * Splits a Gogo script into the statements the runner executes one at a time.
 *
 * <p>Gogo's own parser does the tokenizing, so quotes, braces, closures over several lines and
 * {@code #} or {@code //} comments behave exactly as in the shell. A statement ends at {@code ;} or at
 * a newline; {@code &&}, {@code ||}, {@code &} and pipes stay inside their statement, so
 * {@code a && b} keeps its meaning.
 */
final class Statements {
    private Statements() {
    }

    /**
     * The statements of {@code script}, trimmed, without empty ones.
     *
     * @throws SyntaxError when the script does not parse (an unterminated quote or brace, say)
     */
    static List<String> split(CharSequence script) {
        String text = script.toString();
        List<String> statements = new ArrayList<>();
        int from = -1;
        int to = -1;
        for (Parser.Executable executable : new Parser(text).program().tokens()) {
            Token token = executable;
            if (executable instanceof Parser.Operator && isSeparator(token)) {
                add(statements, text, from, to);
                from = -1;
                to = -1;
            } else if (token.length() > 0) {
                from = from < 0 ? token.start() : Math.min(from, token.start());
                to = Math.max(to, token.start() + token.length());
            }
        }
        add(statements, text, from, to);
        return statements;
    }

    private static boolean isSeparator(Token operator) {
        return Token.eq(";", operator) || Token.eq("\n", operator);
    }

    private static void add(List<String> statements, String text, int from, int to) {
        if (from >= 0) {
            String statement = text.substring(from, to).trim();
            if (!statement.isEmpty()) {
                statements.add(statement);
            }
        }
    }

    /**
     * What a person needs of a failure: its message; for a bare wrapper (no message of its own, or
     * only its cause's toString), its cause's; for a failure without any message, its type.
     */
    static String message(Throwable failure) {
        Throwable shown = failure;
        while (shown.getCause() != null && shown.getCause() != shown
                && (isBlank(shown.getMessage()) || shown.getMessage().equals(shown.getCause().toString()))) {
            shown = shown.getCause();
        }
        return isBlank(shown.getMessage()) ? shown.getClass().getName() : shown.getMessage();
    }

    private static boolean isBlank(String message) {
        return message == null || message.isBlank();
    }
}
