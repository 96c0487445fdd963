/**
 * Accounts: the mode a server runs in ({@link io.aurachat.accounts.AccountsMode}), where accounts are kept
 * ({@link io.aurachat.accounts.AccountStore}, {@link io.aurachat.accounts.MemoryAccountStore}), how passwords are
 * hashed ({@link io.aurachat.accounts.PasswordHasher}) and the owner's operations ({@link
 * io.aurachat.accounts.AccountAdmin}). docs/accounts.md tells the whole story.
 */
package io.aurachat.accounts;
