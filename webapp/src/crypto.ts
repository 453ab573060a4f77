// The wire formats of docs/PROTOCOL.md ("End to end"), byte for byte as desktop/crypto/*.py
// writes and reads them: envelopes, invitation derivations, the welcome, the practice profile.
import { b64, blake2b, concat, equal, sodium, unb64, utf8 } from "./sodium";

export class Rejected extends Error {}

/** The patient's private keys: X25519 to receive envelopes, Ed25519 to sign them. */
export interface Identity {
  encSk: Uint8Array; // 32
  encPk: Uint8Array;
  signSeed: Uint8Array; // 32, as PyNaCl's SigningKey bytes
  signSk: Uint8Array; // 64, libsodium's form
  signPk: Uint8Array;
}

export function identityFromBytes(raw: Uint8Array): Identity {
  if (raw.length !== 64) throw new Rejected("an identity is 64 bytes");
  const encSk = raw.slice(0, 32);
  const signSeed = raw.slice(32);
  const pair = sodium.crypto_sign_seed_keypair(signSeed);
  return {
    encSk, encPk: sodium.crypto_scalarmult_base(encSk), signSeed,
    signSk: pair.privateKey, signPk: pair.publicKey,
  };
}

export function newIdentity(): Identity {
  return identityFromBytes(sodium.randombytes_buf(64));
}

/** desktop.crypto.keys.Identity.to_bytes: X25519 secret key | Ed25519 seed. */
export function identityBytes(id: Identity): Uint8Array {
  return concat(id.encSk, id.signSeed);
}

// -- envelopes (desktop/crypto/envelope.py) ------------------------------------------------

const MAGIC = utf8("PSE1");
const KEY_ID = 8;
const SEALED = 32 + 48;
const NONCE = 24;
const SIG = 64;
const HEADER = 4 + 32 + 1;

export function keyId(encPk: Uint8Array): Uint8Array {
  return blake2b(encPk, "pse1-keyid", undefined, KEY_ID);
}

export function sealEnvelope(content: Uint8Array, context: Uint8Array, sender: Identity,
                             recipients: Uint8Array[]): Uint8Array {
  const unique: Uint8Array[] = [];
  for (const r of recipients) if (!unique.some((u) => equal(u, r))) unique.push(r);
  const contentKey = sodium.randombytes_buf(32);
  const nonce = sodium.randombytes_buf(NONCE);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    content, context, null, nonce, contentKey);
  const parts = [MAGIC, sender.signPk, Uint8Array.of(unique.length)];
  for (const pk of unique) parts.push(keyId(pk), sodium.crypto_box_seal(contentKey, pk));
  parts.push(nonce, ciphertext);
  const body = concat(...parts);
  const signature = sodium.crypto_sign_detached(concat(body, context), sender.signSk);
  return concat(body, signature);
}

export function openEnvelope(envelope: Uint8Array, context: Uint8Array, me: Identity,
                             trustedSigners: Uint8Array[]): Uint8Array {
  if (envelope.length < HEADER || !equal(envelope.slice(0, 4), MAGIC)) {
    throw new Rejected("not a Passerelle envelope");
  }
  const signer = envelope.slice(4, 36);
  if (!trustedSigners.some((t) => equal(t, signer))) {
    throw new Rejected("envelope signed by an unknown sender");
  }
  if (envelope.length < HEADER + NONCE + 16 + SIG) throw new Rejected("envelope too short");
  const body = envelope.slice(0, -SIG);
  const signature = envelope.slice(-SIG);
  if (!sodium.crypto_sign_verify_detached(signature, concat(body, context), signer)) {
    throw new Rejected("envelope fails its integrity check");
  }
  const count = body[HEADER - 1];
  let offset = HEADER;
  const mine = keyId(me.encPk);
  let contentKey: Uint8Array | null = null;
  for (let i = 0; i < count; i++) {
    const kid = body.slice(offset, offset + KEY_ID);
    const sealed = body.slice(offset + KEY_ID, offset + KEY_ID + SEALED);
    offset += KEY_ID + SEALED;
    if (contentKey === null && equal(kid, mine)) {
      try {
        contentKey = sodium.crypto_box_seal_open(sealed, me.encPk, me.encSk);
      } catch {
        throw new Rejected("envelope key cannot be opened");
      }
    }
  }
  if (contentKey === null) throw new Rejected("envelope is not addressed to this recipient");
  const nonce = body.slice(offset, offset + NONCE);
  if (nonce.length !== NONCE) throw new Rejected("envelope truncated");
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null, body.slice(offset + NONCE), context, nonce, contentKey);
  } catch {
    throw new Rejected("envelope content fails its integrity check");
  }
}

export const messageContext = (conv: string, msg: string) =>
  utf8(`passerelle/v1/message/${conv}/${msg}`);
export const stateContext = (conv: string, event: string, state: string) =>
  utf8(`passerelle/v1/state/${conv}/${event}/${state}`);
export const noticeContext = (notice: string, patient: string) =>
  utf8(`passerelle/v1/notice/${notice}/${patient}`);
export const preferencesContext = (patient: string, id: string) =>
  utf8(`passerelle/v1/notice-preferences/${patient}/${id}`);

// -- invitation codes (desktop/crypto/invitation.py) ---------------------------------------

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CODE_CHARS = 25;

/** What people type: lower case, spaces, dashes, O for 0, I or L for 1; null if not a code. */
export function normaliseCode(text: string): string | null {
  const cleaned = text.toUpperCase().replace(/[\s-]/g, "")
    .replace(/O/g, "0").replace(/[IL]/g, "1");
  if (cleaned.length !== CODE_CHARS || [...cleaned].some((c) => !ALPHABET.includes(c))) return null;
  return cleaned;
}

export function formatCode(code: string): string {
  return code.match(/.{1,5}/g)!.join("-");
}

const derive = (code: string, purpose: string) => blake2b(utf8(code), purpose);
export const redeemToken = (code: string) => derive(code, "pse1-redeem");
export const welcomeKey = (code: string) => derive(code, "pse1-welcome");
export const bindingKey = (code: string) => derive(code, "pse1-binding");

export function binding(code: string, encPk: Uint8Array, signPk: Uint8Array): Uint8Array {
  return blake2b(concat(utf8("pse1-binding|"), encPk, signPk), "", bindingKey(code));
}

export function openWelcome(code: string, sealed: Uint8Array): Record<string, unknown> {
  // PyNaCl's SecretBox.encrypt: nonce (24) | XSalsa20-Poly1305 ciphertext.
  let data: Uint8Array;
  try {
    data = sodium.crypto_secretbox_open_easy(sealed.slice(24), sealed.slice(0, 24), welcomeKey(code));
  } catch {
    throw new Rejected("welcome");
  }
  const welcome = JSON.parse(new TextDecoder().decode(data));
  if (typeof welcome !== "object" || welcome === null || Array.isArray(welcome)) {
    throw new Rejected("welcome");
  }
  return welcome;
}

// -- practice profile (desktop/crypto/profile.py) ------------------------------------------

export function openProfile(blob: Uint8Array, key: Uint8Array, signerPk: Uint8Array,
                            practiceId: string, version: number): Record<string, unknown> {
  if (blob.length < 4 + 24 + 16 + 64 || !equal(blob.slice(0, 4), utf8("PSF1"))) {
    throw new Rejected("not a practice profile");
  }
  const context = utf8(`passerelle/v1/profile/${practiceId}/${version}`);
  const body = blob.slice(0, -64);
  if (!sodium.crypto_sign_verify_detached(blob.slice(-64), concat(body, context), signerPk)) {
    throw new Rejected("practice profile fails its integrity check");
  }
  let content: Uint8Array;
  try {
    content = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null, body.slice(28), context, body.slice(4, 28), key);
  } catch {
    throw new Rejected("practice profile cannot be opened");
  }
  const profile = JSON.parse(new TextDecoder().decode(content));
  if (typeof profile !== "object" || profile === null) throw new Rejected("practice profile");
  return profile;
}

export { b64, unb64 };

// -- key statements after a rotation (desktop/crypto/practice_keys.py) ---------------------

/** The keys that follow `trusted` (the signing key this enrolment trusts), oldest first, as
 * [encPk, signPk]: each statement signed by the key it replaces and by the new one. */
export function followStatements(practiceId: string, trusted: Uint8Array,
                                 statements: unknown[]): [Uint8Array, Uint8Array][] {
  const read = statements.map((s) => checkStatement(practiceId, s));
  const chain: [Uint8Array, Uint8Array][] = [];
  let current = trusted;
  for (let moved = true; moved;) {
    moved = false;
    for (const [previous, encPk, signPk] of read) {
      if (equal(previous, current) && !equal(signPk, current)) {
        chain.push([encPk, signPk]);
        current = signPk;
        moved = true;
        break;
      }
    }
  }
  return chain;
}

/** [previous_sign_pk, enc_pk, sign_pk] of a statement both keys signed; else Rejected. */
export function checkStatement(practiceId: string, s: any): [Uint8Array, Uint8Array, Uint8Array] {
  const fields = ["previous_sign_pk", "enc_pk", "sign_pk", "by_previous", "by_new"];
  if (typeof s !== "object" || s === null || fields.some((f) => typeof s[f] !== "string")) {
    throw new Rejected("a practice key statement is malformed");
  }
  const [previous, encPk, signPk, byPrevious, byNew] = fields.map((f) => unb64(s[f]));
  if ([previous, encPk, signPk].some((k) => k.length !== 32) ||
      byPrevious.length !== 64 || byNew.length !== 64) {
    throw new Rejected("a practice key statement has keys of the wrong size");
  }
  const message = concat(utf8(`passerelle/v1/practice-keys/${practiceId}`), previous, encPk, signPk);
  if (!sodium.crypto_sign_verify_detached(byPrevious, message, previous) ||
      !sodium.crypto_sign_verify_detached(byNew, message, signPk)) {
    throw new Rejected("a practice key statement is not signed by both keys");
  }
  return [previous, encPk, signPk];
}
