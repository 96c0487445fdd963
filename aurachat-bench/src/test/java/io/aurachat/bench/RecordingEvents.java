package io.aurachat.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Codec events as strings, for socket-free codec tests. */
final class RecordingEvents implements Codec.Events {
    final List<String> events = new ArrayList<>();

    @Override
    public void ready(Client client) {
        events.add("ready");
    }

    @Override
    public void joined(Client client) {
        events.add("join");
    }

    @Override
    public void notice(Client client, Codec.Notice kind) {
        events.add("notice " + kind);
    }

    @Override
    public void message(Client client, ByteBuffer in, int at) {
        events.add("message " + Payload.sender(in, at) + "->" + Payload.recipient(in, at) + " #" + Payload.sequence(in, at));
    }

    @Override
    public void reply(Client client, long value) {
        events.add("reply " + value);
    }

    @Override
    public void failure(Client client, String what) {
        events.add("failure " + what);
    }
}
