// Documents both ways, as desktop/crypto/blobs.py and desktop/sync/documents.py do them:
// each file its own key, libsodium secretstream (XChaCha20-Poly1305) in 512 KiB chunks, the
// blob id as associated data, the last chunk tagged FINAL; the key, header, SHA-256, size,
// safe name and type travel in the message envelope. Checked by content, never by name.
import { Relay, RelayError } from "./api";
import { Rejected } from "./crypto";
import { b64, concat, sodium, unb64, utf8 } from "./sodium";

export const CHUNK = 512 * 1024;
const ABYTES = 17;

export interface Attachment {
  blob_id: string; key: string; sha256: string; size: number; name: string; type: string;
}

const TYPES: [string, string, (h: Uint8Array) => boolean][] = [
  ["application/pdf", ".pdf", (h) => [0x25, 0x50, 0x44, 0x46, 0x2d].every((b, i) => h[i] === b)],
  ["image/jpeg", ".jpg", (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff],
  ["image/png", ".png", (h) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => h[i] === b)],
];

/** The accepted type of these bytes (PDF, JPEG, PNG), whatever the file's name says. */
export function sniff(head: Uint8Array): { type: string; ext: string } | null {
  const found = TYPES.find(([, , test]) => test(head));
  return found ? { type: found[0], ext: found[1] } : null;
}

/** A name desktop.core.documents.safe_name leaves as it is: letters, digits, spaces, - and _,
 * the sniffed type's extension. */
export function safeName(name: string, ext: string): string {
  let stem = name.normalize("NFC").replace(/\\/g, "/").split("/").pop() ?? "";
  stem = stem.replace(/\.[A-Za-z0-9]{1,5}$/, "");
  stem = stem.replace(/[^\p{L}\p{N} _-]/gu, "_").replace(/\s+/g, " ").replace(/^[ _]+|[ ]+$/g, "");
  if (!stem || ["con", "prn", "aux", "nul"].includes(stem.toLowerCase()) || /^(com|lpt)[1-9]$/i.test(stem)) {
    stem = "document";
  }
  return stem.slice(0, 100) + ext;
}

export class Refused extends Error {}

/** The file checked and encrypted, ready to upload (chunks in memory: resumable in this page). */
export interface Prepared {
  attachment: Attachment;
  chunks: Uint8Array[];
  ciphertextSize: number;
}

export async function prepare(file: File, maxBytes: number): Promise<Prepared> {
  if (file.size === 0) throw new Refused("emptyFile");
  if (file.size > maxBytes) throw new Refused("tooLarge");
  const data = new Uint8Array(await file.arrayBuffer());
  const kind = sniff(data.slice(0, 16));
  if (!kind) throw new Refused("notAccepted");
  const blobId = crypto.randomUUID();
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const { header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  // A pull state made from the key and header is the push state: the same chunks every
  // time, as the Python side makes them (a retried upload sends identical bytes).
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  const ad = utf8(`passerelle blob v1\0${blobId}`);
  const chunks: Uint8Array[] = [];
  const count = Math.max(1, Math.ceil(data.length / CHUNK));
  for (let i = 0; i < count; i++) {
    const tag = i === count - 1 ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    chunks.push(sodium.crypto_secretstream_xchacha20poly1305_push(
      state, data.subarray(i * CHUNK, (i + 1) * CHUNK), ad, tag));
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  return {
    attachment: {
      blob_id: blobId, key: b64(concat(key, header)), sha256: sodium.to_hex(digest),
      size: data.length, name: safeName(file.name, kind.ext), type: kind.type,
    },
    chunks,
    ciphertextSize: data.length + count * ABYTES,
  };
}

/** Send what the relay does not have yet, then complete; a cut connection is retried. */
export async function upload(relay: Relay, conversationId: string, doc: Prepared,
                             progress: (done: number, total: number) => void): Promise<void> {
  const id = doc.attachment.blob_id;
  const status = await retrying(() => relay.post("/v1/blobs", {
    id, conversation_id: conversationId, size: doc.ciphertextSize,
  }, id));
  if (status.complete) return;
  const have = new Set<number>(status.received ?? []);
  for (let i = 0; i < doc.chunks.length; i++) {
    if (!have.has(i)) await retrying(() => relay.putBytes(`/v1/blobs/${id}/chunks/${i}`, doc.chunks[i]));
    progress(i + 1, doc.chunks.length);
  }
  await retrying(() => relay.post(`/v1/blobs/${id}/complete`, {
    chunk_count: doc.chunks.length, size: doc.ciphertextSize,
  }));
}

async function retrying<T>(call: () => Promise<T>, attempts = 8): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await call();
    } catch (exc) {
      if (!(exc instanceof RelayError) || !exc.retryable || n >= attempts) throw exc;
      await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** n)));
    }
  }
}

/** Download, decrypt in memory and check against the digest; never written anywhere. */
export async function open(relay: Relay, a: Attachment): Promise<Uint8Array> {
  const status = await relay.get(`/v1/blobs/${a.blob_id}`);
  if (!status.complete || !Number.isInteger(status.chunk_count)) throw new Rejected("incomplete");
  const keyBytes = unb64(a.key);
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(keyBytes.slice(32), keyBytes.slice(0, 32));
  const ad = utf8(`passerelle blob v1\0${a.blob_id}`);
  const parts: Uint8Array[] = [];
  let final = false;
  for (let i = 0; i < status.chunk_count; i++) {
    if (final) throw new Rejected("data after the end");
    const chunk = await retrying(() => relay.getBytes(`/v1/blobs/${a.blob_id}/chunks/${i}`));
    const opened = sodium.crypto_secretstream_xchacha20poly1305_pull(state, chunk, ad);
    if (!opened) throw new Rejected("a document failed its integrity check");
    parts.push(opened.message);
    final = opened.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  }
  if (!final) throw new Rejected("a document is truncated");
  const data = concat(...parts);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  if (data.length !== a.size || sodium.to_hex(digest) !== a.sha256.toLowerCase()) {
    throw new Rejected("a document does not match its digest");
  }
  if (sniff(data.slice(0, 16))?.type !== a.type) throw new Rejected("not the type it claims");
  return data;
}

export function isAttachment(x: any): x is Attachment {
  return typeof x === "object" && x !== null && typeof x.blob_id === "string"
    && typeof x.key === "string" && typeof x.sha256 === "string" && Number.isInteger(x.size)
    && typeof x.name === "string" && typeof x.type === "string";
}
