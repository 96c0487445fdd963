/**
 * The AuraChat wire vocabulary, shared by the server, the Java client and the load generator: client ids,
 * client descriptions, line types, field names, leave reasons and the stable error codes. The protocol
 * itself is specified in {@code PROTOCOL.md}.
 */
package io.aurachat.protocol;
