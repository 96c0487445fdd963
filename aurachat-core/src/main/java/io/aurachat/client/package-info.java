/**
 * The Java client of an AuraChat server: {@link io.aurachat.client.ChatClient}, built from an immutable
 * {@link io.aurachat.client.ClientConfig}, reporting what happens to a {@link io.aurachat.client.ChatListener}.
 * The connection and dispatch code is package-private beside them.
 */
package io.aurachat.client;
