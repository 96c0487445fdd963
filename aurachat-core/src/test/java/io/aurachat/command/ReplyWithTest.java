package io.aurachat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyWithTest {

    @Test
    void fieldsKeepTheOrderTheyWereAddedIn() {
        Reply reply = Reply.of("roll").with("sides", 20).with("value", 17).with("who", "Mario");
        assertEquals(List.of("sides", "value", "who"), List.copyOf(reply.fields().keySet()));
        assertEquals(Map.of("sides", 20, "value", 17, "who", "Mario"), reply.fields());
    }

    @Test
    void withReturnsACopyAndReplacesInPlace() {
        Reply base = Reply.of("roll").with("a", 1).with("b", 2);
        Reply changed = base.with("a", 3);
        assertEquals(Map.of("a", 1, "b", 2), base.fields());
        assertEquals(List.of("a", "b"), List.copyOf(changed.fields().keySet()));
        assertEquals(3, changed.fields().get("a"));
    }

    @Test
    void valuesAreCheckedAndCopied() {
        List<Object> list = new ArrayList<>(List.of(1));
        Reply reply = Reply.of("x").with("list", list);
        list.add(2);
        assertEquals(List.of(1), reply.fields().get("list"));
        assertThrows(IllegalArgumentException.class, () -> Reply.of("x").with("bad", new Object()));
        assertThrows(IllegalArgumentException.class, () -> Reply.of("x").with("nan", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Reply.of("x").with("type", "y"));
        assertThrows(IllegalArgumentException.class, () -> Reply.of("x").with("command", "y"));
        assertThrows(IllegalArgumentException.class, () -> Reply.of("message"));
    }

    @Test
    void keepsWhetherTheReplyClosesTheConnection() {
        assertTrue(Reply.exit().with("note", "bye").closesConnection());
        assertFalse(Reply.ok().with("note", "x").closesConnection());
    }
}
