package io.aurachat.server;

/** Placeholder. */
public final class ChatServer {
    private ChatServer() {}
}
