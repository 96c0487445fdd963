package io.aurachat.command;

import io.aurachat.protocol.ClientInfo;
import java.util.List;
import java.util.Objects;

/**
 * What {@link CommandContext#resume} gave back: who the connection is now and what it was sent of what it missed.
 *
 * @param client the resumed client (its id and name as before the connection broke, its address now)
 * @param rooms the rooms it is in again, by name
 * @param session its new session token: a token is good for one resume
 * @param missed how many missed messages were sent to it before this result
 * @param recovered whether those were every message it missed
 */
public record ResumeResult(ClientInfo client, List<String> rooms, String session, int missed, boolean recovered) {
    /** Copies the list. */
    public ResumeResult {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(session, "session");
        rooms = List.copyOf(rooms);
    }
}
