/**
 * Testing your own commands without sockets: {@link io.aurachat.testing.ChatHarness} runs a real server's
 * hub in memory, and {@link io.aurachat.testing.HarnessClient}s send it lines and read what it sent back.
 */
package io.aurachat.testing;
