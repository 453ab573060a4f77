// The patient's account keys (docs/PROTOCOL.md, "Patient accounts"): two secrets make them,
// the passphrase (Argon2id) and the invitation code (BLAKE2b), so that neither the relay's
// database nor a found letter is enough; the relay only ever sees the account id and the
// sign-in key, never the passphrase, the code or the bundle key.
import { blake2b, concat, sodium, utf8 } from "./sodium";

/** Argon2id limits for new accounts: 3 passes over 64 MiB (libsodium's "moderate" passes,
 * its "interactive" memory): about a second on a phone, and what the relay's decoy uses. */
export const OPSLIMIT = 3;
export const MEMLIMIT = 64 * 1024 * 1024;

export interface AccountKeys {
  auth: Uint8Array; // sent to sign in; the relay keeps SHA-256 of it
  bundle: Uint8Array; // seals the key bundle kept on the relay
  cache: Uint8Array; // seals what this browser keeps (IndexedDB)
}

/** The account id the relay knows the patient by (derived from the code, not the name). */
export const accountId = (code: string) => blake2b(utf8(code), "pse1-account");
/** The code's half of the keys: kept by this device, never sent. */
export const codeSecret = (code: string) => blake2b(utf8(code), "pse1-acctkey");

export function deriveKeys(passphrase: string, salt: Uint8Array, ops: number, mem: number,
                           secret: Uint8Array): AccountKeys {
  const started = performance.now();
  const master = sodium.crypto_pwhash(32, utf8(passphrase.normalize("NFC")), salt, ops, mem,
                                       sodium.crypto_pwhash_ALG_ARGON2ID13);
  // For the benchmark (desktop/bench figures): how long the derivation held the thread.
  performance.measure("passerelle:argon2id", { start: started, end: performance.now() });
  try {
    return {
      auth: blake2b(master, "pse1-signin", secret),
      bundle: blake2b(master, "pse1-bundle", secret),
      cache: blake2b(master, "pse1-cache", secret),
    };
  } finally {
    sodium.memzero(master);
  }
}

const BUNDLE_MAGIC = utf8("PSK1");

/** "PSK1" | nonce (24) | XChaCha20-Poly1305(JSON), the context as associated data. */
export function seal(key: Uint8Array, context: string, value: unknown): Uint8Array {
  const nonce = sodium.randombytes_buf(24);
  const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    utf8(JSON.stringify(value)), utf8(context), null, nonce, key);
  return concat(BUNDLE_MAGIC, nonce, ct);
}

/** The sealed value, or null when the key is wrong (a wrong passphrase) or it was altered. */
export function open<T>(key: Uint8Array, context: string, sealed: Uint8Array): T | null {
  if (sealed.length < 4 + 24 + 16 || !BUNDLE_MAGIC.every((b, i) => sealed[i] === b)) return null;
  try {
    const raw = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null, sealed.slice(28), utf8(context), sealed.slice(4, 28), key);
    return JSON.parse(new TextDecoder().decode(raw)) as T;
  } catch {
    return null;
  }
}

export const bundleContext = (patientId: string) => `passerelle/v1/key-bundle/${patientId}`;
export const cacheContext = "passerelle/v1/browser-cache";
