// The patient's side of the protocol, as desktop/patient/client.py does it (the reference):
// join with an invitation, sign in on a new device, write, pull the mailbox, receipts.
import * as account from "./account";
import { Relay, RelayError } from "./api";
import {
  Identity, Rejected, binding, checkStatement, followStatements, identityBytes, identityFromBytes,
  messageContext, newIdentity, noticeContext, openEnvelope, openProfile, openWelcome,
  preferencesContext, redeemToken, sealEnvelope, stateContext,
} from "./crypto";
import { b64, equal as equalBytes, sodium, unb64, utf8 } from "./sodium";
import * as docs from "./documents";
import * as vault from "./vault";

export type Delivery = "pending" | "sent" | "delivered" | "read";

export interface Message {
  id: string;
  sender: "patient" | "practice";
  text: string;
  sent_at: string;
  author_name?: string;
  delivery: Delivery;
  read: boolean;
  urgent?: boolean;
  state?: string;
  attachments?: docs.Attachment[];
}

export interface Conversation {
  id: string;
  practitioner_id: string;
  category: string;
  state: string;
  messages: Message[];
  refusal?: string;
  renewal?: Renewal;
}

/** A renewal request and, once the practice decided, its decision (the PDF with it). */
export interface Renewal {
  request_id: string;
  treatments: string[];
  message: string;
  decision: null | {
    state: "approved" | "declined" | "appointment_needed";
    text: string;
    prescribed: string[];
    decided_at: string;
    document: null | { name: string; sha256: string; data: string };
  };
}

export interface Notice {
  id: string; kind: string; title: string; text: string; sent_at: string; read: boolean;
  replies_allowed: boolean; reply_to: string | null; reply_conversation_id?: string;
  receipt?: string;
}

/** Everything the app holds about the patient: sealed in IndexedDB, in memory while unlocked. */
export interface State {
  token: string;
  patient_id: string;
  practice_id: string;
  identity: string; // b64 of desktop.crypto.keys.Identity bytes
  welcome: Record<string, any>;
  profile_key: string | null;
  profile_version: number;
  profile: Record<string, any> | null;
  practitioners_live: { id: string; accepts_messaging: boolean }[];
  cursor: string | null;
  conversations: Record<string, Conversation>;
  notices: Record<string, Notice>;
  outbox: { key: string; path: string; body: unknown; method?: "PUT" }[];
  rejected: number;
  prevention_opt_out?: boolean;
  /** After the practice rotated its keys (a workstation revoked): its current keys and the
   * signing keys it replaced (what they signed still verifies). Absent: the welcome's. */
  practice_keys?: { practice_enc_pk: string; practice_sign_pk: string; older_sign_pks: string[] };
}

interface Unlocked {
  state: State;
  keys: account.AccountKeys;
  identity: Identity;
  relay: Relay;
}

const RANK: Delivery[] = ["pending", "sent", "delivered", "read"];
const later = (a: Delivery, b: Delivery): Delivery => (RANK.indexOf(b) > RANK.indexOf(a) ? b : a);

export const MAX_TEXT = 20_000;

export class Patient {
  private s: Unlocked;
  private saving: Promise<void> = Promise.resolve();
  onChange: () => void = () => undefined;

  private constructor(s: Unlocked) {
    this.s = s;
  }

  get state(): State { return this.s.state; }
  get practiceName(): string { return String(this.state.welcome.practice_name ?? ""); }
  private get practiceEncPk() {
    return unb64((this.state.practice_keys ?? this.state.welcome).practice_enc_pk);
  }
  private get practiceSignPk() {
    return unb64((this.state.practice_keys ?? this.state.welcome).practice_sign_pk);
  }

  /** The practice rotated its keys: follow its statements from the key this enrolment
   * trusts, and from then on seal to the new key (desktop/patient/client.py's
   * follow_practice_keys). `profileKey`: the new one, from the copy sealed to us. */
  private followPracticeKeys(statements: unknown[], profileKey?: string): boolean {
    const chain = followStatements(this.state.practice_id, this.practiceSignPk, statements);
    const latest = statements.length
      ? checkStatement(this.state.practice_id, statements[statements.length - 1])[2] : null;
    const after = chain.length ? chain[chain.length - 1][1] : this.practiceSignPk;
    if (profileKey !== undefined && latest !== null && equalBytes(after, latest)) {
      this.state.profile_key = profileKey;
    }
    if (!chain.length) return false;
    const older = [this.practiceSignPk, ...(this.state.practice_keys?.older_sign_pks ?? []).map(unb64)];
    for (const [, signPk] of chain.slice(0, -1)) older.unshift(signPk);
    const [encPk, signPk] = chain[chain.length - 1];
    this.state.practice_keys = {
      practice_enc_pk: b64(encPk), practice_sign_pk: b64(signPk), older_sign_pks: older.map(b64),
    };
    return true;
  }

  // -- joining, signing in, unlocking ----------------------------------------------------

  /** Redeem the invitation code; then keep the key bundle on the relay and this device. */
  static async join(code: string, passphrase: string): Promise<Patient> {
    const identity = newIdentity();
    const relay = new Relay();
    const result = await relay.post("/v1/invitations/redeem", {
      redeem_token: b64(redeemToken(code)),
      enc_pk: b64(identity.encPk),
      sign_pk: b64(identity.signPk),
      binding: b64(binding(code, identity.encPk, identity.signPk)),
    });
    const welcome = openWelcome(code, unb64(result.welcome));
    if (welcome.invitation_id !== result.invitation_id) {
      throw new Rejected("The relay answered with another invitation than this code's.");
    }
    const profileKey = typeof welcome.profile_key === "string" ? welcome.profile_key : null;
    delete welcome.profile_key;
    const state: State = {
      token: result.token, patient_id: result.patient_id, practice_id: result.practice_id,
      identity: b64(identityBytes(identity)), welcome, profile_key: profileKey,
      profile_version: 0, profile: null, practitioners_live: [], cursor: null,
      conversations: {}, notices: {}, outbox: [], rejected: 0,
    };
    const salt = sodium.randombytes_buf(16);
    const secret = account.codeSecret(code);
    const keys = account.deriveKeys(passphrase, salt, account.OPSLIMIT, account.MEMLIMIT, secret);
    relay.token = result.token;
    const accountId = account.accountId(code);
    // The invitation is used up now: this device keeps the keys first, and the bundle for
    // other devices goes through the outbox (a cut connection here loses nothing).
    await vault.put("device", {
      account: b64(accountId), secret: b64(secret), salt: b64(salt),
      opslimit: account.OPSLIMIT, memlimit: account.MEMLIMIT,
    } satisfies vault.DeviceRecord);
    const patient = new Patient({ state, keys, identity, relay });
    state.outbox.push({ key: crypto.randomUUID(), path: "/v1/patient/key-bundle", method: "PUT", body: {
      account: b64(accountId), salt: b64(salt), opslimit: account.OPSLIMIT,
      memlimit: account.MEMLIMIT, auth_key: b64(keys.auth),
      bundle: b64(account.seal(keys.bundle, account.bundleContext(state.patient_id), bundleOf(state))),
    } });
    await patient.save();
    await patient.push().catch((exc) => {
      if (!(exc instanceof RelayError && exc.retryable)) throw exc;
    });
    return patient;
  }

  /** On a new device: the relay's salt, Argon2id here, then the sealed bundle it keeps. */
  static async signIn(code: string, passphrase: string): Promise<Patient> {
    const relay = new Relay();
    const accountId = account.accountId(code);
    const pre = await relay.post("/v1/patient/prelogin", { account: b64(accountId) });
    const salt = unb64(pre.salt);
    const secret = account.codeSecret(code);
    const keys = account.deriveKeys(passphrase, salt, pre.opslimit, pre.memlimit, secret);
    const result = await relay.post("/v1/patient/sign-in", {
      account: b64(accountId), auth_key: b64(keys.auth),
    });
    const bundle = account.open<Bundle>(keys.bundle, account.bundleContext(result.patient_id),
                                        unb64(result.bundle));
    if (bundle === null || bundle.patient_id !== result.patient_id) {
      throw new Rejected("The key bundle kept by the relay does not open with these keys.");
    }
    const state: State = {
      token: result.token, patient_id: bundle.patient_id, practice_id: bundle.practice_id,
      identity: bundle.identity, welcome: bundle.welcome, profile_key: bundle.profile_key,
      profile_version: 0, profile: null, practitioners_live: [], cursor: null,
      conversations: {}, notices: {}, outbox: [], rejected: 0,
    };
    relay.token = result.token;
    await vault.put("device", {
      account: b64(accountId), secret: b64(secret), salt: b64(salt),
      opslimit: pre.opslimit, memlimit: pre.memlimit,
    } satisfies vault.DeviceRecord);
    const patient = new Patient({ state, keys, identity: identityFromBytes(unb64(state.identity)), relay });
    await patient.save();
    return patient;
  }

  /** This device already holds the account: open what it keeps (no network needed).
   * Null for a wrong passphrase. */
  static async unlock(passphrase: string): Promise<Patient | null> {
    const device = await vault.get<vault.DeviceRecord>("device");
    const sealed = await vault.get<Uint8Array>("sealed");
    if (!device || !sealed) return null;
    const keys = account.deriveKeys(passphrase, unb64(device.salt), device.opslimit,
                                    device.memlimit, unb64(device.secret));
    const state = account.open<State>(keys.cache, account.cacheContext, sealed);
    if (state === null) return null;
    return new Patient({
      state, keys, identity: identityFromBytes(unb64(state.identity)), relay: new Relay(state.token),
    });
  }

  static async hasDevice(): Promise<boolean> {
    return (await vault.get("device")) !== undefined;
  }

  /** Keep the state sealed in IndexedDB (one write at a time, the last one wins). */
  save(): Promise<void> {
    const sealed = account.seal(this.s.keys.cache, account.cacheContext, this.state);
    this.saving = this.saving.then(() => vault.put("sealed", sealed));
    return this.saving;
  }

  /** A new passphrase: new salt and keys, the bundle on the relay replaced (the old
   * passphrase signs in nowhere after), what this browser keeps sealed again. Refused
   * (null, nothing changed) when ``current`` is not the passphrase. */
  async changePassphrase(current: string, next: string): Promise<boolean> {
    const device = await vault.get<vault.DeviceRecord>("device");
    if (!device) return false;
    const secret = unb64(device.secret);
    const check = account.deriveKeys(current, unb64(device.salt), device.opslimit, device.memlimit, secret);
    if (!sodium.memcmp(check.cache, this.s.keys.cache)) return false;
    const salt = sodium.randombytes_buf(16);
    const keys = account.deriveKeys(next, salt, account.OPSLIMIT, account.MEMLIMIT, secret);
    // The relay first: if it refuses, this device keeps the old passphrase too.
    await this.s.relay.put("/v1/patient/key-bundle", {
      account: device.account, salt: b64(salt), opslimit: account.OPSLIMIT,
      memlimit: account.MEMLIMIT, auth_key: b64(keys.auth),
      bundle: b64(account.seal(keys.bundle, account.bundleContext(this.state.patient_id), bundleOf(this.state))),
    });
    await vault.put("device", { ...device, salt: b64(salt), opslimit: account.OPSLIMIT,
                                memlimit: account.MEMLIMIT } satisfies vault.DeviceRecord);
    this.s.keys = keys;
    await this.save();
    return true;
  }

  /** Forget the keys in memory (lock) — what the browser keeps stays sealed. */
  forget(): void {
    sodium.memzero(this.s.keys.cache);
    sodium.memzero(this.s.keys.bundle);
    sodium.memzero(this.s.keys.auth);
    sodium.memzero(this.s.identity.encSk);
    sodium.memzero(this.s.identity.signSk);
    this.s.relay.token = null;
  }

  // -- what the patient sees ---------------------------------------------------------------

  practitioners(): { id: string; name: string; profession: string; accepts: boolean;
                     response_days?: number; absence?: { from: string; until: string; message?: string } }[] {
    const names = new Map<string, any>((this.state.welcome.practitioners ?? []).map((p: any) => [p.id, p]));
    const profiled = new Map<string, any>(
      ((this.state.profile?.practitioners as any[]) ?? []).map((p: any) => [p.id, p]));
    // In the practice's own order (the welcome's), not the relay's (by id).
    const order = [...names.keys()];
    const rank = (id: string) => (order.indexOf(id) + order.length + 1) % (order.length + 1);
    const live = [...this.state.practitioners_live].sort((a, b) => rank(a.id) - rank(b.id));
    return live.map((p) => {
      const prof = profiled.get(p.id) ?? {};
      return {
        id: p.id,
        name: String(prof.name ?? names.get(p.id)?.name ?? "?"),
        profession: String(prof.profession ?? names.get(p.id)?.profession ?? ""),
        accepts: p.accepts_messaging,
        response_days: typeof prof.response_days === "number" ? prof.response_days : undefined,
        absence: prof.absence ?? undefined,
      };
    });
  }

  documentLimit(): number {
    const limit = this.state.profile?.documents?.max_bytes;
    return typeof limit === "number" ? limit : 25 * 1000 * 1000;
  }

  conversations(): Conversation[] {
    const last = (c: Conversation) => c.messages[c.messages.length - 1]?.sent_at ?? "";
    return Object.values(this.state.conversations).sort((a, b) => last(b).localeCompare(last(a)));
  }

  /** Unread practice messages (of one conversation), and, for the whole app, unread notices. */
  unread(c?: Conversation): number {
    const list = c ? [c] : Object.values(this.state.conversations);
    const messages = list.reduce(
      (n, conv) => n + conv.messages.filter((m) => m.sender === "practice" && !m.read).length, 0);
    return c ? messages : messages + Object.values(this.state.notices).filter((x) => !x.read).length;
  }

  /** The practice profile and who accepts messaging now (the profile is checked and opened). */
  async refreshPractice(): Promise<void> {
    const live = await this.s.relay.get("/v1/practitioners");
    this.state.practitioners_live = (live.items ?? []).filter((p: any) => typeof p?.id === "string")
      .map((p: any) => ({ id: p.id, accepts_messaging: !!p.accepts_messaging }));
    if (this.state.profile_key) {
      try {
        const data = await this.s.relay.get(
          `/v1/practice/profile?practice_id=${encodeURIComponent(this.state.practice_id)}`);
        const version = data.version;
        if (Number.isInteger(version) && version >= this.state.profile_version) {
          this.state.profile = openProfile(unb64(data.blob), unb64(this.state.profile_key),
                                           this.practiceSignPk, this.state.practice_id, version);
          this.state.profile_version = version;
          const keys = this.state.profile?.keys;
          if (Array.isArray(keys)) this.followPracticeKeys(keys);
        }
      } catch (exc) {
        if (!(exc instanceof RelayError && exc.code === "profile_not_found") && !(exc instanceof Rejected)) {
          throw exc;
        }
      }
    }
    await this.save();
    this.onChange();
  }

  // -- writing -------------------------------------------------------------------------------

  private seal(doc: Record<string, unknown>, context: Uint8Array): string {
    const content = utf8(JSON.stringify(doc));
    return b64(sealEnvelope(content, context, this.s.identity, [this.practiceEncPk, this.s.identity.encPk]));
  }

  /** Open a request; ``urgent``: the patient chose to send despite the urgent-wording warning. */
  async request(practitionerId: string, category: string, text: string, urgent: boolean,
                noticeId?: string, renewal?: { treatments: string[]; message: string }): Promise<string> {
    text = checkText(text);
    const convId = crypto.randomUUID();
    const msgId = crypto.randomUUID();
    const sentAt = new Date().toISOString();
    const doc: Record<string, unknown> = { type: "request", category, text, sent_at: sentAt };
    if (urgent) doc.urgent_wording = true;
    if (noticeId) doc.notice_id = noticeId;
    if (renewal) doc.renewal = renewal;
    const envelope = this.seal(doc, messageContext(convId, msgId));
    this.state.conversations[convId] = {
      id: convId, practitioner_id: practitionerId, category, state: "pending",
      messages: [mine(msgId, text, sentAt, urgent)],
      renewal: renewal ? { request_id: msgId, ...renewal, decision: null } : undefined,
    };
    await this.queue("/v1/conversations", {
      id: convId, practitioner_id: practitionerId, message_id: msgId, envelope,
    }, msgId);
    return convId;
  }

  /** Ask to renew treatments (1 to 12 names), as desktop/patient/client.py request_renewal. */
  async requestRenewal(practitionerId: string, treatments: string[], message: string,
                       urgent: boolean): Promise<string> {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const raw of treatments) {
      const name = raw.split(/\s+/).filter(Boolean).join(" ");
      const key = name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
      if (!name) continue;
      if (name.length > 200) throw new Error("treatmentTooLong");
      if (!seen.has(key)) { seen.add(key); names.push(name); }
    }
    if (!names.length) throw new Error("noTreatment");
    if (names.length > 12) throw new Error("tooManyTreatments");
    message = message.trim();
    const text = RENEWAL_HEADER + names.join(", ") + (message ? `\n\n${message}` : "");
    const convId = await this.request(practitionerId, "renewal", text, urgent, undefined,
                                      { treatments: names, message });
    return convId;
  }

  /** Treatments the practice renewed before, newest first: what to pick from. */
  lastPrescriptions(): string[] {
    const decided = Object.values(this.state.conversations)
      .map((c) => c.renewal?.decision).filter((d) => d?.state === "approved")
      .sort((a, b) => b!.decided_at.localeCompare(a!.decided_at));
    const names: string[] = [];
    for (const d of decided) for (const n of d!.prescribed) if (!names.includes(n)) names.push(n);
    return names;
  }

  /** The renewed prescription's bytes, checked against its digest. */
  async prescription(convId: string): Promise<{ name: string; data: Uint8Array } | null> {
    const doc = this.state.conversations[convId]?.renewal?.decision?.document;
    if (!doc) return null;
    const data = unb64(doc.data);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
    if (sodium.to_hex(digest) !== doc.sha256.toLowerCase()) throw new Rejected("digest");
    return { name: doc.name, data };
  }

  async write(convId: string, text: string, urgent: boolean): Promise<string> {
    const conv = this.state.conversations[convId];
    if (!conv || conv.state === "closed" || conv.state === "declined" || conv.state === "refused") {
      throw new Error("closedConversation");
    }
    text = checkText(text);
    const msgId = crypto.randomUUID();
    const sentAt = new Date().toISOString();
    const doc: Record<string, unknown> = { type: "message", text, sent_at: sentAt };
    if (urgent) doc.urgent_wording = true;
    const envelope = this.seal(doc, messageContext(convId, msgId));
    conv.messages.push(mine(msgId, text, sentAt, urgent));
    await this.queue(`/v1/conversations/${convId}/messages`, { id: msgId, envelope }, msgId);
    return msgId;
  }

  notices(): Notice[] {
    return Object.values(this.state.notices).sort((a, b) => b.sent_at.localeCompare(a.sent_at));
  }

  /** The patient opened the notice: the practice's statistics say so. */
  async markNoticeRead(id: string): Promise<void> {
    const notice = this.state.notices[id];
    if (!notice || notice.read) return;
    notice.read = true;
    notice.receipt = "read";
    await this.queue(`/v1/notices/${id}/receipts`, { receipt: "read" }, await receiptKey(id, "read", []));
  }

  /** Answer a notice that takes replies: an ordinary request to its author, naming it. */
  async replyToNotice(id: string, text: string, urgent: boolean): Promise<string> {
    const notice = this.state.notices[id];
    if (!notice?.replies_allowed || !notice.reply_to) throw new Error("noReplies");
    const conv = await this.request(notice.reply_to, "other", text, urgent, id);
    notice.reply_conversation_id = conv;
    await this.save();
    return conv;
  }

  /** No more preventive notices (false: again). Practice news still comes. Sealed to the
   * practice and to the patient, as desktop/patient/client.py does. */
  async setPreventionOptOut(optOut: boolean): Promise<void> {
    const id = crypto.randomUUID();
    const content = utf8(JSON.stringify({
      type: "notice_preferences", prevention_opt_out: optOut, sent_at: new Date().toISOString(),
    }));
    const envelope = b64(sealEnvelope(content, preferencesContext(this.state.patient_id, id),
                                      this.s.identity, [this.practiceEncPk, this.s.identity.encPk]));
    this.state.prevention_opt_out = optOut;
    await this.queue("/v1/notices/preferences", { id, envelope }, id);
  }

  /** Check every file first (nothing uploaded if one is refused), upload each, then send the
   * message that carries their keys. */
  async sendDocuments(convId: string, files: File[], text: string,
                      progress: (done: number, total: number) => void): Promise<string> {
    const conv = this.state.conversations[convId];
    if (!conv || !["requested", "open", "pending"].includes(conv.state)) throw new Error("closedConversation");
    const prepared: docs.Prepared[] = [];
    for (const f of files) prepared.push(await docs.prepare(f, this.documentLimit()));
    const total = prepared.reduce((n, d) => n + d.chunks.length, 0);
    let before = 0;
    for (const d of prepared) {
      await docs.upload(this.s.relay, convId, d, (done) => progress(before + done, total));
      before += d.chunks.length;
    }
    const msgId = crypto.randomUUID();
    const sentAt = new Date().toISOString();
    const attachments = prepared.map((d) => d.attachment);
    const envelope = this.seal({ type: "message", text: text.trim(), sent_at: sentAt, attachments },
                               messageContext(convId, msgId));
    conv.messages.push({ ...mine(msgId, text.trim(), sentAt, false), attachments });
    await this.queue(`/v1/conversations/${convId}/messages`, { id: msgId, envelope }, msgId);
    return msgId;
  }

  openDocument(a: docs.Attachment): Promise<Uint8Array> {
    return docs.open(this.s.relay, a);
  }

  async markRead(convId: string): Promise<void> {
    const conv = this.state.conversations[convId];
    const unread = conv?.messages.filter((m) => m.sender === "practice" && !m.read) ?? [];
    if (!unread.length) return;
    for (const m of unread) m.read = true;
    const ids = unread.map((m) => m.id);
    await this.queue(`/v1/conversations/${convId}/receipts`, { message_ids: ids, receipt: "read" },
                     await receiptKey(convId, "read", ids));
  }

  private async queue(path: string, body: unknown, key: string, sendNow = true): Promise<void> {
    this.state.outbox.push({ key, path, body });
    await this.save();
    this.onChange();
    if (sendNow) await this.push();
  }

  /** Send the outbox in order. Offline: it waits. A refusal drops the row and is raised. */
  async push(): Promise<void> {
    while (this.state.outbox.length) {
      const item = this.state.outbox[0];
      try {
        await this.s.relay.call(item.method ?? "POST", item.path, item.body, item.key);
      } catch (exc) {
        if (exc instanceof RelayError && !exc.retryable) {
          this.state.outbox.shift();
          const b = item.body as any;
          if (item.path === "/v1/conversations" && this.state.conversations[b.id]) {
            this.state.conversations[b.id].state = "refused";
            this.state.conversations[b.id].refusal = exc.code;
          }
          await this.save();
          this.onChange();
        }
        throw exc;
      }
      this.state.outbox.shift();
    }
    await this.save();
  }

  // -- the mailbox ---------------------------------------------------------------------------

  /** One pull (long-polling ``wait`` seconds when there is nothing new); returns the number
   * of events applied. */
  async pull(wait: number, signal?: AbortSignal): Promise<number> {
    let applied = 0;
    let first = true;
    for (;;) {
      const after = this.state.cursor ? `after=${encodeURIComponent(this.state.cursor)}&` : "";
      const page = await this.s.relay.get(
        `/v1/mailbox/events?${after}limit=500&wait=${first ? wait : 0}`, signal);
      first = false;
      const delivered = new Map<string, string[]>();
      for (const event of page.items ?? []) {
        try {
          const got = this.apply(event);
          if (got) delivered.set(got.conv, [...(delivered.get(got.conv) ?? []), got.msg]);
        } catch {
          this.state.rejected += 1; // a flipped byte, a wrong signer: recorded, never shown
        }
        applied += 1;
      }
      // The page's receipts join the outbox in the same saved state as the cursor that moves
      // past it: a sync cut before the next page keeps both or neither (issue 15).
      await this.acknowledge(delivered);
      this.state.cursor = String(page.cursor);
      if ((page.items ?? []).length) {
        await this.save();
        this.onChange();
      }
      if (page.done) break;
    }
    await this.push();
    return applied;
  }

  /** Queue the "delivered" receipts of what a page brought (sent with the next push). */
  private async acknowledge(delivered: Map<string, string[]>): Promise<void> {
    for (const [conv, ids] of delivered) {
      this.state.outbox.push({ key: await receiptKey(conv, "delivered", ids),
                               path: `/v1/conversations/${conv}/receipts`,
                               body: { message_ids: ids, receipt: "delivered" } });
    }
    for (const n of Object.values(this.state.notices)) {
      if (!(n as any).receipt) {
        (n as any).receipt = "delivered";
        this.state.outbox.push({ key: await receiptKey(n.id, "delivered", []),
                                 path: `/v1/notices/${n.id}/receipts`, body: { receipt: "delivered" } });
      }
    }
  }

  private open(envelope: string, context: Uint8Array, signer: Uint8Array): any {
    const signers = [signer];
    if (equalBytes(signer, this.practiceSignPk)) { // its replaced keys signed the practice's past
      signers.push(...(this.state.practice_keys?.older_sign_pks ?? []).map(unb64));
    }
    const raw = openEnvelope(unb64(envelope), context, this.s.identity, signers);
    const doc = JSON.parse(new TextDecoder().decode(raw));
    if (typeof doc !== "object" || doc === null) throw new Rejected("not an object");
    if (typeof doc.text !== "string" && doc.text !== undefined) throw new Rejected("text");
    if (typeof doc.sent_at !== "string" || Number.isNaN(Date.parse(doc.sent_at))) throw new Rejected("time");
    return doc;
  }

  /** One event of the patient's mailbox; returns a practice message to acknowledge. */
  private apply(e: any): { conv: string; msg: string } | null {
    const convs = this.state.conversations;
    if (e.kind === "notice") {
      if (this.state.notices[e.notice_id]) return null;
      const context = noticeContext(e.notice_id, this.state.patient_id);
      let doc: any;
      try {
        doc = this.open(e.envelope, context, this.practiceSignPk);
      } catch (exc) {
        if (!(exc instanceof Rejected && exc.message.includes("unknown sender"))) throw exc;
        // A key change signed by a key we do not trust yet (we joined with a welcome printed
        // before the rotation): taken only if its statements lead from our key to its signer.
        const signer = unb64(e.envelope).slice(4, 36);
        doc = this.open(e.envelope, context, signer);
        const chain = doc.type === "practice_keys" && Array.isArray(doc.keys)
          ? followStatements(this.state.practice_id, this.practiceSignPk, doc.keys) : [];
        if (!chain.some(([, signPk]) => equalBytes(signPk, signer))) throw exc;
      }
      if (doc.type === "practice_keys") { // the practice rotated its keys: not a notice to show
        if (doc.notice_id !== e.notice_id || !Array.isArray(doc.keys) || !doc.keys.length ||
            typeof doc.profile_key !== "string" || unb64(doc.profile_key).length !== 32) {
          throw new Rejected("practice keys");
        }
        this.followPracticeKeys(doc.keys, doc.profile_key);
        return null;
      }
      if (doc.type !== "notice" || doc.notice_id !== e.notice_id) throw new Rejected("notice");
      if (typeof doc.replies_allowed !== "boolean") throw new Rejected("notice");
      this.state.notices[e.notice_id] = {
        id: e.notice_id, kind: String(doc.kind), title: String(doc.title ?? ""),
        text: String(doc.text ?? ""), sent_at: doc.sent_at, read: false,
        replies_allowed: doc.replies_allowed && typeof doc.reply_to === "string",
        reply_to: typeof doc.reply_to === "string" ? doc.reply_to : null,
      };
      return null;
    }
    const convId = e.conversation_id;
    if (typeof convId !== "string") return null;
    if (e.kind === "conversation_requested") {
      let conv = convs[convId];
      if (!conv) { // written from another device of the patient's
        const doc = this.open(e.envelope, messageContext(convId, e.message_id), this.s.identity.signPk);
        if (doc.type !== "request") throw new Rejected("request");
        conv = convs[convId] = {
          id: convId, practitioner_id: e.practitioner_id, category: String(doc.category),
          state: "requested", messages: [mine(e.message_id, doc.text, doc.sent_at, !!doc.urgent_wording)],
        };
        const r = doc.renewal;
        if (r && Array.isArray(r.treatments) && r.treatments.every((x: unknown) => typeof x === "string")) {
          conv.renewal = { request_id: e.message_id, treatments: r.treatments,
                           message: typeof r.message === "string" ? r.message : "", decision: null };
        }
      }
      if (conv.state === "pending") conv.state = "requested";
      const m = conv.messages.find((x) => x.id === e.message_id);
      if (m) m.delivery = later(m.delivery, "sent");
      return null;
    }
    const conv = convs[convId];
    if (!conv) return null;
    if (e.kind === "message") {
      const existing = conv.messages.find((x) => x.id === e.message_id);
      if (existing) {
        existing.delivery = later(existing.delivery, "sent");
        return null;
      }
      const fromPractice = e.sender === "practice";
      const doc = this.open(e.envelope, messageContext(convId, e.message_id),
                            fromPractice ? this.practiceSignPk : this.s.identity.signPk);
      if (doc.type !== "message") throw new Rejected("message");
      if (doc.renewal_decision !== undefined) {
        if (!fromPractice) throw new Rejected("a renewal decision from the patient's side");
        conv.renewal!.decision = readDecision(doc, conv.renewal);
      }
      const attachments = doc.renewal_decision === undefined && Array.isArray(doc.attachments)
        ? doc.attachments : undefined;
      if (attachments && !attachments.every(docs.isAttachment)) throw new Rejected("attachments");
      conv.messages.push({
        id: e.message_id, sender: fromPractice ? "practice" : "patient", text: doc.text ?? "",
        sent_at: doc.sent_at, author_name: typeof doc.author_name === "string" ? doc.author_name : "",
        delivery: "sent", read: !fromPractice, urgent: !!doc.urgent_wording, attachments,
      });
      return fromPractice ? { conv: convId, msg: e.message_id } : null;
    }
    if (e.kind === "state_changed") {
      conv.state = String(e.state);
      if (e.envelope) {
        const doc = this.open(e.envelope, stateContext(convId, e.event_id, conv.state), this.practiceSignPk);
        conv.messages.push({
          id: e.event_id, sender: "practice", text: doc.text ?? "", sent_at: doc.sent_at,
          author_name: doc.author_name ?? "", delivery: "sent", read: false, state: conv.state,
        });
        return { conv: convId, msg: e.event_id };
      }
      return null;
    }
    if (e.kind === "receipt" && Array.isArray(e.message_ids)) {
      const ids = new Set(e.message_ids);
      for (const m of conv.messages) {
        if (ids.has(m.id) && m.sender === "patient") m.delivery = later(m.delivery, e.receipt);
      }
    }
    return null;
  }
}

const RENEWAL_HEADER = "Demande de renouvellement : ";

/** The practice's decision on this conversation's renewal request, checked as
 * desktop/sync/content.py read_renewal_decision does (the digest is checked on opening). */
function readDecision(doc: any, renewal: Renewal | undefined): NonNullable<Renewal["decision"]> {
  const d = doc.renewal_decision;
  if (!renewal || renewal.decision || typeof d !== "object" || d === null || d.request_id !== renewal.request_id) {
    throw new Rejected("a renewal decision for a request not made in this conversation");
  }
  const state = d.decision;
  if (state !== "approved" && state !== "declined" && state !== "appointment_needed") {
    throw new Rejected("a renewal decision of an unknown kind");
  }
  const files = Array.isArray(doc.attachments) ? doc.attachments : [];
  if (state === "approved") {
    const lines = Array.isArray(d.treatments) ? d.treatments : [];
    const [file] = files;
    if (files.length !== 1 || typeof file?.data !== "string" || file.mime !== "application/pdf"
        || typeof file.name !== "string" || typeof file.sha256 !== "string" || !lines.length) {
      throw new Rejected("a renewal approval without exactly one prescription");
    }
    return { state, text: String(doc.text ?? ""), decided_at: doc.sent_at,
             prescribed: lines.map((l: any) => String(l?.name ?? "")).filter(Boolean),
             document: { name: file.name, sha256: file.sha256, data: file.data } };
  }
  if (files.length) throw new Rejected("a decision other than approval with a document");
  const said = state === "declined" ? d.reason : d.message;
  return { state, text: typeof said === "string" && said.trim() ? said.trim() : String(doc.text ?? ""),
           decided_at: doc.sent_at, prescribed: [], document: null };
}

interface Bundle {
  patient_id: string;
  practice_id: string;
  identity: string;
  welcome: Record<string, any>;
  profile_key: string | null;
}

function bundleOf(s: State): Bundle {
  return { patient_id: s.patient_id, practice_id: s.practice_id, identity: s.identity,
           welcome: s.welcome, profile_key: s.profile_key };
}

function mine(id: string, text: string, sentAt: string, urgent: boolean): Message {
  return { id, sender: "patient", text, sent_at: sentAt, delivery: "pending", read: true, urgent };
}

export function checkText(text: string): string {
  text = text.trim();
  if (!text) throw new Error("emptyMessage");
  if (text.length > MAX_TEXT) throw new Error("tooLong");
  return text;
}

const RECEIPTS = "5b0c2f4e-6f1d-4e0a-9a57-1c3e8d2b7f10";

/** The idempotency key of a receipt, drawn from what it says rather than at random (a UUID 5,
 * as desktop/patient/client.py draws it): a receipt said again after a cut connection or a
 * closed tab goes under the same key, and the relay takes it once. */
export async function receiptKey(about: string, receipt: string, messageIds: string[]): Promise<string> {
  const ns = Uint8Array.from(RECEIPTS.replace(/-/g, "").match(/../g)!.map((x) => parseInt(x, 16)));
  const name = new TextEncoder().encode(`${about}:${receipt}:${[...messageIds].sort().join(",")}`);
  const data = new Uint8Array(ns.length + name.length);
  data.set(ns);
  data.set(name, ns.length);
  const h = new Uint8Array(await crypto.subtle.digest("SHA-1", data)).slice(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = [...h].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
