/**
 * AuraChat's implementation: accept loop, connections, routing, the line codec, the JSON wire encoder
 * and the log dispatchers. Not exported by the module; nothing here is API.
 */
package io.aurachat.internal;
