/**
 * LAN discovery over UDP: {@link io.aurachat.discovery.DiscoveryClient} finds AuraChat servers by
 * broadcast and multicast probes; {@link io.aurachat.discovery.DiscoveryConfig} configures the responder
 * that a {@link io.aurachat.server.ChatServer} runs beside its TCP port. Wire format: {@code PROTOCOL.md}.
 */
package io.aurachat.discovery;
