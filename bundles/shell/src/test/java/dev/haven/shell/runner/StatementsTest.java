package dev.haven.shell.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.apache.felix.gogo.runtime.SyntaxError;
import org.junit.jupiter.api.Test;

class StatementsTest {

    @Test
    void newlinesAndSemicolonsSeparateStatements() {
        assertEquals(List.of("echo a", "echo b", "echo c"), Statements.split("echo a; echo b\necho c\n"));
    }

    @Test
    void commentsAndBlankLinesAreSkipped() {
        assertEquals(List.of("echo a", "lb"), Statements.split("# setup\n\n   \necho a # trailing\n  # indented\nlb\n"));
    }

    @Test
    void quotedSeparatorsStayInsideTheirStatement() {
        assertEquals(List.of("echo 'a;b' \"c;d\"", "echo e"), Statements.split("echo 'a;b' \"c;d\"; echo e"));
    }

    @Test
    void aClosureOverSeveralLinesIsOneStatement() {
        assertEquals(List.of("f = { echo x\n  echo y }", "f"), Statements.split("f = { echo x\n  echo y }\nf"));
    }

    @Test
    void conditionalOperatorsAndPipesKeepTheirStatementTogether() {
        assertEquals(List.of("echo a && echo b || echo c", "lb | grep x"),
                Statements.split("echo a && echo b || echo c; lb | grep x"));
    }

    @Test
    void anEmptyScriptHasNoStatements() {
        assertEquals(List.of(), Statements.split("\n# nothing\n;;\n"));
    }

    @Test
    void anUnterminatedQuoteIsASyntaxError() {
        assertThrows(SyntaxError.class, () -> Statements.split("echo 'open"));
    }

    @Test
    void aFailureIsShownByItsOwnMessageOrItsCausesOrItsType() {
        assertEquals("no partition named 'p9'", Statements.message(new IllegalStateException("no partition named 'p9'")));
        assertEquals("inner", Statements.message(new RuntimeException(new IllegalArgumentException("inner"))));
        assertEquals("java.lang.NullPointerException", Statements.message(new NullPointerException()));
    }
}
