// What this browser keeps between visits, in IndexedDB: one record of public facts (the
// account id, the Argon2id salt and limits, the code's half of the keys — without the
// passphrase they open nothing) and one sealed record holding everything else (keys,
// token, conversations), XChaCha20-Poly1305 under a key derived from the passphrase.
// Nothing in clear: no message, no name. Sign-out deletes the database.

const DB = "passerelle";
const STORE = "vault";

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(STORE);
  return request(r);
}

export interface DeviceRecord {
  account: string; // b64
  secret: string; // b64, the code's half (codeSecret)
  salt: string;
  opslimit: number;
  memlimit: number;
}

export async function get<T>(name: "device" | "sealed"): Promise<T | undefined> {
  const db = await openDb();
  try {
    return (await request(db.transaction(STORE).objectStore(STORE).get(name))) as T | undefined;
  } finally {
    db.close();
  }
}

export async function put(name: "device" | "sealed", value: unknown): Promise<void> {
  const db = await openDb();
  try {
    const tx = db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).put(value, name);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function wipe(): Promise<void> {
  await request(indexedDB.deleteDatabase(DB)).catch(() => undefined);
}
