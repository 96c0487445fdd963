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
    void aReplyOfTwoFieldsIsAnOrderedUnmodifiableMapLikeAnyOther() {
        Reply two = Reply.ok(Map.of("to", "c2")).with("id", "121611328413499392");
        Map<String, Object> fields = two.fields();
        assertEquals(List.of("to", "id"), List.copyOf(fields.keySet()));
        assertEquals(List.of("c2", "121611328413499392"), List.copyOf(fields.values()));
        java.util.LinkedHashMap<String, Object> same = new java.util.LinkedHashMap<>();
        same.put("to", "c2");
        same.put("id", "121611328413499392");
        assertEquals(same, fields);
        assertEquals(fields, same);
        assertEquals(same.hashCode(), fields.hashCode());
        assertEquals(same.toString(), fields.toString());
        assertEquals("c2", fields.get("to"));
        assertEquals(null, fields.get("text"));
        assertTrue(fields.containsKey("id"));
        assertFalse(fields.containsKey("text"));
        assertEquals(Reply.of("ok", same), two, "equal to the same reply made from a map");
        assertThrows(UnsupportedOperationException.class, () -> fields.put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> fields.remove("to"));
        assertThrows(UnsupportedOperationException.class, fields::clear);
        assertThrows(UnsupportedOperationException.class, () -> fields.entrySet().iterator().next().setValue("c3"));
        assertEquals(List.of("to", "id", "more"), List.copyOf(two.with("more", true).fields().keySet()));
        assertEquals(List.of("to", "id"), List.copyOf(two.with("to", "c9").fields().keySet()), "replaced in place");
        assertEquals("c9", two.with("to", "c9").fields().get("to"));
        Reply nullFirst = Reply.of("x").with("a", null).with("b", 2);
        assertEquals(List.of("a", "b"), List.copyOf(nullFirst.fields().keySet()));
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
