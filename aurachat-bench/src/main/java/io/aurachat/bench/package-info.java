/**
 * The AuraChat load generator: NIO clients that speak the AuraChat protocol and RESP3 (Redis pub/sub)
 * over one engine, the workloads (direct, fan-out, latency, idle) and the report that compares them.
 */
package io.aurachat.bench;
