/**
 * What several of AuraChat's packages share and no user should see: the thread factory, the builders' checks,
 * the command-line splitter and the reply values' rules. Not exported by the module; nothing here is API.
 */
package io.aurachat.internal;
