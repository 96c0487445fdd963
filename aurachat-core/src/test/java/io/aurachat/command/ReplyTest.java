package io.aurachat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyTest {

    private static final ClientInfo MARIO = new ClientInfo(ClientId.of(7), "Mario", "192.168.1.20",
            Instant.parse("2026-11-21T08:00:00Z"));

    @Test
    void okHasTypeOkAndNoFields() {
        Reply reply = Reply.ok();

        assertEquals("ok", reply.type());
        assertEquals(Map.of(), reply.fields());
        assertFalse(reply.closesConnection());
    }

    @Test
    void okWithTextHasATextField() {
        Reply reply = Reply.ok("rolled a 4");

        assertEquals("ok", reply.type());
        assertEquals(Map.of("text", "rolled a 4"), reply.fields());
        assertFalse(reply.closesConnection());
    }

    @Test
    void okWithFieldsHasTypeOk() {
        Reply reply = Reply.ok(Map.of("value", 4));

        assertEquals("ok", reply.type());
        assertEquals(Map.of("value", 4), reply.fields());
        assertFalse(reply.closesConnection());
    }

    @Test
    void exitIsByeWithReasonExitAndClosesTheConnection() {
        Reply reply = Reply.exit();

        assertEquals("bye", reply.type());
        assertEquals(Map.of("reason", "exit"), reply.fields());
        assertTrue(reply.closesConnection());
    }

    @Test
    void aReplyOfItsOwnTypeKeepsTheFields() {
        Reply reply = Reply.of("roll", Map.of("value", 4));

        assertEquals("roll", reply.type());
        assertEquals(Map.of("value", 4), reply.fields());
        assertFalse(reply.closesConnection());
    }

    static Stream<Object> allowedValues() {
        return Stream.of("text", "", true, false, 42, 42L, (short) 7, (byte) -1, 1.5d, 2.5f, -0.0d,
                Long.MIN_VALUE, Double.MAX_VALUE,
                new BigInteger("123456789012345678901234567890"), new BigDecimal("3.14159265358979323846"),
                Instant.parse("2026-11-21T08:15:02.318Z"), ClientId.of(3), MARIO,
                List.of(), List.of(1, "two", 3.0), Map.of(), Map.of("k", List.of(Map.of("j", 1))));
    }

    @ParameterizedTest
    @MethodSource("allowedValues")
    void acceptsEveryDocumentedValueType(Object value) {
        Reply reply = Reply.of("value", Map.of("v", value));

        assertEquals(Map.of("v", value), reply.fields());
    }

    @Test
    void writesAnyCollectionAsAListInIterationOrder() {
        Reply reply = Reply.of("value", Map.of("v", new LinkedHashSet<>(List.of("b", "a", "c"))));

        assertEquals(List.of("b", "a", "c"), reply.fields().get("v"));
    }

    @Test
    void acceptsNullValues() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("nothing", null);
        List<Object> list = new ArrayList<>();
        list.add(null);
        fields.put("list", list);

        Reply reply = Reply.of("maybe", fields);

        assertTrue(reply.fields().containsKey("nothing"));
        assertNull(reply.fields().get("nothing"));
        assertEquals(list, reply.fields().get("list"));
    }

    @Test
    void acceptsNestedMapsAndLists() {
        Map<String, Object> fields = Map.of(
                "game", Map.of("players", List.of(MARIO, Map.of("id", ClientId.of(2), "score", 10L)),
                        "board", List.of(List.of(1, 2), List.of(3, 4)),
                        "started", Instant.parse("2026-11-21T08:00:00Z")));

        Reply reply = Reply.of("state", fields);

        assertEquals(fields, reply.fields());
    }

    @Test
    void keepsTheFieldOrder() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("zeta", 1);
        fields.put("alpha", 2);
        fields.put("mu", 3);

        Reply reply = Reply.of("ordered", fields);

        assertEquals(List.of("zeta", "alpha", "mu"), List.copyOf(reply.fields().keySet()));
    }

    @Test
    void copiesTheFieldsDeeplySoLaterChangesToTheSourceDoNotShow() {
        List<Object> scores = new ArrayList<>(List.of(1, 2));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("scores", scores);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("inner", inner);
        fields.put("count", 2);

        Reply reply = Reply.of("scores", fields);
        scores.add(3);
        inner.put("extra", "x");
        fields.put("count", 3);
        fields.put("late", true);

        assertEquals(Map.of("inner", Map.of("scores", List.of(1, 2)), "count", 2), reply.fields());
    }

    @Test
    void fieldsCannotBeChangedThroughTheReply() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("list", new ArrayList<>(List.of(1)));
        fields.put("map", new LinkedHashMap<>(Map.of("k", "v")));
        Reply reply = Reply.of("frozen", fields);

        assertThrows(UnsupportedOperationException.class, () -> reply.fields().put("x", 1));
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) reply.fields().get("list");
        assertThrows(UnsupportedOperationException.class, () -> list.add(2));
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) reply.fields().get("map");
        assertThrows(UnsupportedOperationException.class, () -> map.put("k2", "v2"));
        assertEquals(Map.of("list", List.of(1), "map", Map.of("k", "v")), reply.fields());
    }

    @ParameterizedTest
    @ValueSource(strings = {"welcome", "message", "join", "leave", "rename", "bye", "error"})
    void rejectsTheTypesTheProtocolReserves(String type) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reply.of(type, Map.of()));
        assertTrue(e.getMessage().contains(type), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ok", "time", "clients", "help", "pong", "roll", "dice-2", "a"})
    void acceptsTypesTheProtocolDoesNotReserve(String type) {
        assertEquals(type, Reply.of(type, Map.of()).type());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "OK", "Roll", "1roll", "-roll", "roll_2", "roll 2", "roll!", "rollé", " ok", "ok\n"})
    void rejectsMalformedTypes(String type) {
        assertThrows(IllegalArgumentException.class, () -> Reply.of(type, Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"type", "command"})
    void rejectsTheFieldNamesTheProtocolUses(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reply.of("roll", Map.of(name, "x")));
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Reply.ok(Map.of(name, "x")));
    }

    @Test
    void allowsTypeAndCommandAsNamesInsideNestedObjects() {
        // Only the top-level object's "type" and "command" belong to the protocol.
        Reply reply = Reply.of("roll", Map.of("die", Map.of("type", "d6", "command", "ROLL")));

        assertEquals(Map.of("type", "d6", "command", "ROLL"), reply.fields().get("die"));
    }

    static Stream<Object> nonFiniteNumbers() {
        return Stream.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    }

    @ParameterizedTest
    @MethodSource("nonFiniteNumbers")
    void rejectsNaNAndInfinityAtAnyDepth(Object number) {
        assertThrows(IllegalArgumentException.class, () -> Reply.of("n", Map.of("v", number)));
        assertThrows(IllegalArgumentException.class, () -> Reply.of("n", Map.of("v", List.of(1, number))));
        assertThrows(IllegalArgumentException.class, () -> Reply.of("n", Map.of("v", Map.of("deep", number))));
    }

    static Stream<Arguments> unsupportedValues() {
        // Each value wrapped alone: a bare Object[] in the stream would be spread into several arguments.
        return Stream.<Object>of(new Object(), new int[] {1, 2}, new String[] {"a"}, Optional.of("x"), 'c',
                        new StringBuilder("text"), LocalDate.of(2026, 11, 21), new Date(0), LeaveReason.EXIT,
                        new java.util.concurrent.atomic.AtomicInteger(1), Thread.currentThread())
                .map(value -> Arguments.of(new Object[] {value}));
    }

    @ParameterizedTest
    @MethodSource("unsupportedValues")
    void rejectsUnsupportedValueClassesAtAnyDepth(Object value) {
        assertThrows(IllegalArgumentException.class, () -> Reply.of("v", Map.of("v", value)));
        // Not List.of(value): it would spread an array into its elements.
        assertThrows(IllegalArgumentException.class,
                () -> Reply.of("v", Map.of("v", Collections.singletonList(value))));
        assertThrows(IllegalArgumentException.class, () -> Reply.ok(Map.of("v", Map.of("w", value))));
    }

    @Test
    void rejectsNonStringKeysInNestedObjects() {
        assertThrows(IllegalArgumentException.class, () -> Reply.of("v", Map.of("v", Map.of(1, "one"))));
        assertThrows(IllegalArgumentException.class,
                () -> Reply.of("v", Map.of("v", List.of(Map.of(ClientId.of(1), "one")))));
        Map<String, Object> withNullKey = new LinkedHashMap<>();
        Map<Object, Object> inner = new LinkedHashMap<>();
        inner.put(null, "x");
        withNullKey.put("v", inner);
        assertThrows(IllegalArgumentException.class, () -> Reply.of("v", withNullKey));
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void rejectsANonStringKeyAtTheTopLevelWithIllegalArgumentException() {
        // A Map<String, ?> can hold other keys after an unchecked cast (e.g. a map built by a JSON
        // library); the Javadoc promises IllegalArgumentException for a field name that is not allowed.
        Map fields = new LinkedHashMap<>();
        fields.put(1, "one");

        assertThrows(IllegalArgumentException.class, () -> Reply.of("v", (Map<String, ?>) fields));
    }

    @Test
    void rejectsASelfContainingStructureInsteadOfOverflowingTheStack() {
        List<Object> loop = new ArrayList<>();
        loop.add(loop);

        assertThrows(IllegalArgumentException.class, () -> Reply.of("loop", Map.of("v", loop)));
    }

    @Test
    void rejectsNullArguments() {
        assertThrows(NullPointerException.class, () -> Reply.of(null, Map.of()));
        assertThrows(NullPointerException.class, () -> Reply.of("ok", null));
        assertThrows(NullPointerException.class, () -> Reply.ok((String) null));
    }
}
