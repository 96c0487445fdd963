/**
 * Values that both ends of the AuraChat wire protocol share: client ids, client descriptions, leave
 * reasons and the stable error codes. The protocol itself is specified in {@code PROTOCOL.md}.
 */
package io.aurachat.protocol;
