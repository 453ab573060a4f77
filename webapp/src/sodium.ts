// libsodium in the browser (libsodium-wrappers-sumo, WebAssembly), and the one primitive
// its wrappers do not expose the way the Python side uses it: BLAKE2b of a message with a
// personalisation (PyNaCl's nacl.hash.blake2b(data, key=..., person=...)). The wrapper's
// crypto_generichash_blake2b_salt_personal hashes an empty message, so we call the C
// function through the module's own memory.
import * as wrappers from "libsodium-wrappers-sumo";
import sodium from "libsodium-wrappers-sumo";

export { sodium };

export async function ready(): Promise<void> {
  await sodium.ready;
}

interface RawModule {
  _malloc(n: number): number;
  _free(p: number): void;
  _crypto_generichash_blake2b_salt_personal(
    out: number, outlen: number, inp: number, inlenLo: number, inlenHi: number,
    key: number, keylen: number, salt: number, personal: number,
  ): number;
  HEAPU8: Uint8Array;
}

const enc = new TextEncoder();

export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

/** BLAKE2b(data) with an optional key and a personalisation of at most 16 bytes. */
export function blake2b(data: Uint8Array, person: string, key?: Uint8Array, outlen = 32): Uint8Array {
  // The Emscripten module itself, which the wrappers export beside their functions.
  const m = (wrappers as unknown as { libsodium: RawModule }).libsodium;
  const personal = new Uint8Array(16);
  personal.set(utf8(person));
  const salt = new Uint8Array(16);
  const k = key ?? new Uint8Array(0);
  const size = outlen + data.length + k.length + 32;
  const base = m._malloc(size);
  try {
    const out = base;
    const inp = out + outlen;
    const kp = inp + data.length;
    const sp = kp + k.length;
    const pp = sp + 16;
    m.HEAPU8.set(data, inp);
    m.HEAPU8.set(k, kp);
    m.HEAPU8.set(salt, sp);
    m.HEAPU8.set(personal, pp);
    // A 64-bit length is two 32-bit arguments in this build (no BigInt interface).
    const rc = m._crypto_generichash_blake2b_salt_personal(
      out, outlen, inp, data.length, 0, k.length ? kp : 0, k.length, sp, pp);
    if (rc !== 0) throw new Error("blake2b failed");
    return m.HEAPU8.slice(out, out + outlen);
  } finally {
    m.HEAPU8.fill(0, base, base + size);
    m._free(base);
  }
}

export function b64(data: Uint8Array): string {
  return sodium.to_base64(data, sodium.base64_variants.ORIGINAL);
}

export function unb64(text: unknown): Uint8Array {
  if (typeof text !== "string") throw new Error("expected base64");
  return sodium.from_base64(text, sodium.base64_variants.ORIGINAL);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sodium.memcmp(a, b);
}
