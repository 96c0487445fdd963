package io.aurachat.client;

import java.io.IOException;

/** A client configured to discover its server heard no answer from any AuraChat server in time. */
public class ServerNotFoundException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what was tried, for people */
    public ServerNotFoundException(String message) {
        super(message);
    }
}
