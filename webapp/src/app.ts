// The patient's app: screens drawn with plain DOM calls (a handful of screens does not earn a
// framework, and every byte here is downloaded by a phone). No innerHTML: text is text.
import { RelayError } from "./api";
import { formatCode, normaliseCode } from "./crypto";
import { lang, setLang, t } from "./i18n";
import { Conversation, Patient } from "./patient";
import { ready } from "./sodium";
import { hasUrgentWording } from "./urgent";
import { wipe } from "./vault";
import { Attachment, sniff } from "./documents";

type Child = Node | string | null | undefined | false;

function h(tag: string, attrs: Record<string, string | boolean | ((e: Event) => void)> = {},
           ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false) el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const LOCK_AFTER_MS = 5 * 60 * 1000;

/** The inactivity delay: five minutes, or less if this browser's settings say so
 * (localStorage "lock_after_seconds"). Never more: a setting, or anyone who reaches this
 * browser's storage, can only make the app lock sooner, which is how the tests see it lock.
 * Not in the address: a link can change nothing here. */
function lockAfterMs(): number {
  const seconds = Number(localStorage.getItem("lock_after_seconds"));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, LOCK_AFTER_MS) : LOCK_AFTER_MS;
}
// desktop.core.model.Category: the practice sorts its inbox by these.
const CATEGORIES = ["administrative", "renewal", "document", "other"] as const;

let patient: Patient | null = null;
let screen: {
  name: "join" | "signin" | "locked" | "home" | "new" | "conversation" | "notice" | "passphrase";
  id?: string;
} = { name: "join" };
let joinCode = "";
let status = "";
let syncing: AbortController | null = null;
let lockTimer = 0;
let formMessage = "";
let drawn = "";

const root = () => document.getElementById("app")!;

function field(id: string, label: string, input: HTMLElement, help?: string): HTMLElement {
  input.id = id;
  if (help) input.setAttribute("aria-describedby", `${id}-help`);
  return h("div", { class: "field" }, h("label", { for: id }, label), input,
           help ? h("p", { class: "help", id: `${id}-help` }, help) : null);
}

function errorLine(): HTMLElement {
  return h("p", { class: "error", role: "alert", id: "form-error" }, formMessage);
}

function header(): HTMLElement {
  const actions: Child[] = [
    h("button", { type: "button", class: "link", id: "lang", lang: lang === "fr" ? "en" : "fr",
                  onclick: () => { setLang(lang === "fr" ? "en" : "fr"); render(); } }, t.language),
  ];
  if (patient) {
    actions.push(h("button", { type: "button", class: "link", id: "lock", onclick: () => lock() }, t.lock));
    actions.push(h("button", { type: "button", class: "link", id: "sign-out", onclick: () => signOut() }, t.signOut));
  }
  const unread = patient ? patient.unread() : 0;
  return h("header", {},
    h("div", { class: "brand" }, h("span", { class: "name" }, t.appName),
      patient ? h("span", { class: "practice" }, patient.practiceName) : null,
      unread ? h("span", { class: "badge", id: "unread-total", "aria-label": t.unread(unread) }, String(unread)) : null),
    h("nav", {}, ...actions));
}

function banner(): HTMLElement {
  return h("p", { class: "emergency", role: "note", id: "not-emergency" }, t.notEmergency);
}

function render(): void {
  document.title = patient && patient.unread() ? `(${patient.unread()}) ${t.appName}` : t.appName;
  // A redraw of the same screen (a reply arriving) keeps what is being typed and the focus.
  const same = drawn === `${screen.name}:${screen.id ?? ""}`;
  drawn = `${screen.name}:${screen.id ?? ""}`;
  const focused = same ? document.activeElement?.id : undefined;
  const draft = same ? (document.getElementById("text") as HTMLTextAreaElement | null)?.value : undefined;
  // And the files chosen to attach: a reply arriving must not drop them unseen.
  const chosen = same ? (document.getElementById("attach") as HTMLInputElement | null)?.files : undefined;
  const main = h("main", { id: "main" });
  switch (screen.name) {
    case "join": main.append(joinScreen()); break;
    case "signin": main.append(signInScreen()); break;
    case "locked": main.append(lockedScreen()); break;
    case "home": main.append(homeScreen()); break;
    case "new": main.append(newRequestScreen()); break;
    case "conversation": main.append(conversationScreen(screen.id!)); break;
    case "notice": main.append(noticeScreen(screen.id!)); break;
    case "passphrase": main.append(passphraseScreen()); break;
  }
  root().replaceChildren(header(), banner(), main,
    h("p", { class: "status", role: "status", id: "status" }, status));
  const text = document.getElementById("text") as HTMLTextAreaElement | null;
  if (text && draft !== undefined) text.value = draft;
  const attach = document.getElementById("attach") as HTMLInputElement | null;
  if (attach && chosen && chosen.length) attach.files = chosen;
  if (focused) document.getElementById(focused)?.focus();
}

// -- joining, signing in, unlocking ---------------------------------------------------------

async function busy(button: HTMLButtonElement, work: () => Promise<void>): Promise<void> {
  performance.mark("passerelle:submit");
  formMessage = "";
  button.disabled = true;
  status = t.working;
  render();
  // Let the browser paint "working" before Argon2id holds the thread for a second.
  await new Promise((r) => setTimeout(r, 30));
  try {
    status = "";
    await work();
  } catch (exc) {
    status = "";
    formMessage = explain(exc);
  }
  render();
  if (formMessage) document.getElementById(screen.name === "passphrase" ? "current" : "passphrase")?.focus();
}

function explain(exc: unknown): string {
  if (exc instanceof RelayError) {
    const byCode: Record<string, string> = {
      invalid_credentials: t.wrongPassphrase, rate_limited: t.tooMany,
      invitation_used: t.invitationUsed, invitation_expired: t.invitationExpired,
      invitation_not_found: t.invitationUnknown, offline: t.offline,
      patient_not_enrolled: t.notEnrolled, too_many_open_requests: t.tooManyOpen,
      invalid_state: t.closedConversation,
    };
    return byCode[exc.code] ?? exc.message;
  }
  const key = (exc as Error)?.message as keyof typeof t;
  const known = t[key];
  return typeof known === "string" ? known : String((exc as Error)?.message ?? exc);
}

/** Say what is wrong in place, without a redraw: what was typed stays, the field gets focus. */
function refuse(message: string, fieldId?: string): null {
  formMessage = message;
  const line = document.getElementById("form-error");
  if (line) line.textContent = message;
  if (fieldId) {
    document.getElementById(fieldId)?.setAttribute("aria-invalid", "true");
    document.getElementById(fieldId)?.focus();
  }
  return null;
}

function credentials(confirm: boolean): { code: string; passphrase: string } | null {
  const code = normaliseCode((document.getElementById("code") as HTMLInputElement).value);
  const passphrase = (document.getElementById("passphrase") as HTMLInputElement).value;
  for (const id of ["code", "passphrase", "passphrase2"]) document.getElementById(id)?.removeAttribute("aria-invalid");
  if (!code) return refuse(t.badCode, "code");
  if (passphrase.length < 10) return refuse(t.shortPassphrase, "passphrase");
  if (confirm && passphrase !== (document.getElementById("passphrase2") as HTMLInputElement).value) {
    return refuse(t.mismatch, "passphrase2");
  }
  return { code, passphrase };
}

function codeInput(): HTMLInputElement {
  const input = h("input", { type: "text", autocomplete: "off", autocapitalize: "characters",
                             spellcheck: "false", inputmode: "text", required: true,
                             value: joinCode }) as HTMLInputElement;
  input.addEventListener("input", () => { joinCode = input.value; });
  return input;
}

function passInput(autocomplete: string): HTMLInputElement {
  return h("input", { type: "password", autocomplete, required: true, minlength: "10" }) as HTMLInputElement;
}

function joinScreen(): HTMLElement {
  const submit = h("button", { type: "submit", id: "join-submit" }, t.join) as HTMLButtonElement;
  const form = h("form", { id: "join-form", novalidate: true },
    h("h1", {}, t.join), h("p", {}, t.joinIntro),
    field("code", t.code, codeInput(), t.codeHelp),
    field("passphrase", t.passphrase, passInput("new-password"), t.passphraseHelp),
    field("passphrase2", t.passphraseAgain, passInput("new-password")),
    errorLine(), submit,
    h("p", {}, h("button", { type: "button", class: "link", id: "to-signin",
                             onclick: () => { formMessage = ""; screen = { name: "signin" }; render(); } },
                 t.haveAccount)));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const c = credentials(true);
    if (!c) return;
    void busy(submit, async () => {
      try {
        started(await Patient.join(c.code, c.passphrase));
      } catch (exc) {
        if (exc instanceof RelayError && exc.code === "invitation_used") screen = { name: "signin" };
        throw exc;
      }
    });
  });
  return form;
}

function signInScreen(): HTMLElement {
  const submit = h("button", { type: "submit", id: "signin-submit" }, t.signIn) as HTMLButtonElement;
  const form = h("form", { id: "signin-form", novalidate: true },
    h("h1", {}, t.signIn), h("p", {}, t.signInIntro),
    field("code", t.code, codeInput(), t.codeHelp),
    field("passphrase", t.passphrase, passInput("current-password")),
    errorLine(), submit,
    h("p", {}, h("button", { type: "button", class: "link", id: "to-join",
                             onclick: () => { formMessage = ""; screen = { name: "join" }; render(); } },
                 t.noAccount)));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const c = credentials(false);
    if (!c) return;
    void busy(submit, async () => started(await Patient.signIn(c.code, c.passphrase)));
  });
  return form;
}

function lockedScreen(): HTMLElement {
  const submit = h("button", { type: "submit", id: "unlock-submit" }, t.unlock) as HTMLButtonElement;
  const form = h("form", { id: "unlock-form", novalidate: true },
    h("h1", {}, t.locked), h("p", {}, t.lockedIntro),
    field("passphrase", t.passphrase, passInput("current-password")),
    errorLine(), submit,
    h("p", {}, h("button", { type: "button", class: "link", id: "forget",
                             onclick: () => signOut() }, t.signOut)));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const passphrase = (document.getElementById("passphrase") as HTMLInputElement).value;
    void busy(submit, async () => {
      const opened = await Patient.unlock(passphrase);
      if (!opened) throw new Error("wrongPassphrase");
      started(opened);
    });
  });
  return form;
}

function passphraseScreen(): HTMLElement {
  const submit = h("button", { type: "submit", id: "passphrase-submit" }, t.changePassphrase) as HTMLButtonElement;
  const form = h("form", { id: "passphrase-form", novalidate: true },
    h("h1", {}, t.changePassphrase),
    field("current", t.currentPassphrase, passInput("current-password")),
    field("passphrase", t.newPassphrase, passInput("new-password"), t.passphraseHelp),
    field("passphrase2", t.passphraseAgain, passInput("new-password")),
    errorLine(),
    h("div", { class: "row" }, h("button", { type: "button", class: "secondary", id: "back",
      onclick: () => { screen = { name: "home" }; render(); } }, t.cancel), submit));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value;
    if (value("passphrase").length < 10) { refuse(t.shortPassphrase, "passphrase"); return; }
    if (value("passphrase") !== value("passphrase2")) { refuse(t.mismatch, "passphrase2"); return; }
    const current = value("current");
    const next = value("passphrase");
    void busy(submit, async () => {
      if (!(await patient!.changePassphrase(current, next))) throw new Error("wrongCurrent");
      screen = { name: "home" };
      status = t.passphraseChanged;
    });
  });
  return form;
}

function started(p: Patient): void {
  patient = p;
  joinCode = "";
  screen = { name: "home" };
  p.onChange = () => {
    // A reply arriving in the conversation on screen is read as it shows.
    if (screen.name === "conversation" && document.visibilityState === "visible") {
      void p.markRead(screen.id!).catch(() => undefined);
    }
    render();
  };
  armLock();
  syncing = new AbortController();
  void syncLoop(p, syncing.signal);
}

async function syncLoop(p: Patient, signal: AbortSignal): Promise<void> {
  let first = true;
  while (!signal.aborted && patient === p) {
    try {
      if (first) await p.refreshPractice();
      await p.pull(first ? 0 : 25, signal);
      if (first) performance.mark("passerelle:synced"); // the list is up to date on screen
      first = false;
      if (status) { status = ""; render(); }
    } catch (exc) {
      if (signal.aborted) return;
      if (exc instanceof RelayError && exc.code === "patient_not_enrolled") {
        status = t.notEnrolled;
        render();
        return;
      }
      if (!(exc instanceof RelayError) || exc.retryable) status = t.offline;
      render();
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

function stopSync(): void {
  syncing?.abort();
  syncing = null;
}

function lock(): void {
  if (!patient) return;
  stopSync();
  patient.forget();
  patient = null;
  formMessage = "";
  screen = { name: "locked" };
  render();
  document.getElementById("passphrase")?.focus();
}

async function signOut(): Promise<void> {
  stopSync();
  patient?.forget();
  patient = null;
  await wipe();
  if ("caches" in window) {
    // The shell holds no patient data, but a shared computer should keep nothing of this visit.
    for (const name of await caches.keys()) await caches.delete(name);
  }
  formMessage = "";
  status = t.signOutDone;
  screen = { name: "signin" };
  render();
}

function armLock(): void {
  window.clearTimeout(lockTimer);
  if (patient) lockTimer = window.setTimeout(lock, lockAfterMs());
}

// -- the practice, the conversations ---------------------------------------------------------

function stateLabel(state: string): string {
  return (t as any)[state] ?? state;
}

/** A YYYY-MM-DD date as people read it here (the profile's dates are local days). */
function day(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return y && m && d ? new Date(y, m - 1, d).toLocaleDateString(lang, { dateStyle: "long" }) : iso;
}

function practiceSection(p: Patient): HTMLElement {
  const list = h("ul", { class: "practitioners", id: "practitioners" });
  for (const pr of p.practitioners()) {
    const notes: string[] = [];
    if (!pr.accepts) notes.push(t.notAccepting);
    else if (pr.response_days !== undefined) notes.push(t.respondsIn(pr.response_days));
    if (pr.absence?.from && pr.absence?.until) notes.push(t.absent(day(pr.absence.from), day(pr.absence.until)));
    list.append(h("li", {}, h("strong", {}, pr.name), pr.profession ? ` — ${pr.profession}` : "",
      notes.length ? h("span", { class: "note" }, ` · ${notes.join(" · ")}`) : null,
      pr.absence?.message ? h("p", { class: "absence" }, pr.absence.message) : null));
  }
  const mb = (p.documentLimit() / 1_000_000).toLocaleString(lang, { maximumFractionDigits: 1 });
  return h("section", { "aria-labelledby": "practice-title" },
    h("h2", { id: "practice-title" }, p.practiceName || t.practice), list,
    h("p", { class: "help", id: "document-limit" }, t.documentLimit(mb)));
}

function homeScreen(): HTMLElement {
  const p = patient!;
  const list = h("ul", { class: "conversations", id: "conversations" });
  for (const c of p.conversations()) {
    const last = c.messages[c.messages.length - 1];
    const unread = p.unread(c);
    const pr = p.practitioners().find((x) => x.id === c.practitioner_id);
    list.append(h("li", {}, h("button", {
      type: "button", class: "conversation", "data-id": c.id,
      onclick: () => openConversation(c.id),
    }, h("span", { class: "who" }, pr?.name ?? "", unread ? h("span", { class: "badge" }, String(unread)) : null),
       h("span", { class: "what" }, `${stateLabel(c.category)} · ${stateLabel(c.state)}`),
       h("span", { class: "preview" }, last ? last.text.slice(0, 90) : ""))));
  }
  return h("div", {},
    h("div", { class: "row" }, h("h1", {}, t.conversations),
      h("button", { type: "button", id: "new-request", onclick: () => {
        formMessage = ""; screen = { name: "new" }; render(); document.getElementById("practitioner")?.focus();
      } }, t.newRequest)),
    p.conversations().length ? list : h("p", {}, t.noConversations),
    noticesSection(p),
    practiceSection(p),
    h("p", { class: "help" }, t.signInCodeReminder),
    h("p", {}, h("button", { type: "button", class: "link", id: "to-passphrase",
                             onclick: () => { formMessage = ""; screen = { name: "passphrase" }; render();
                                              document.getElementById("current")?.focus(); } },
                 t.changePassphrase)));
}

function noticesSection(p: Patient): HTMLElement {
  const list = h("ul", { class: "conversations", id: "notices" });
  for (const n of p.notices()) {
    list.append(h("li", {}, h("button", {
      type: "button", class: "conversation", "data-id": n.id,
      onclick: () => { screen = { name: "notice", id: n.id }; render(); void p.markNoticeRead(n.id).catch(() => undefined); },
    }, h("span", { class: "who" }, n.title, n.read ? null : h("span", { class: "badge" }, t.newNotice)),
       h("span", { class: "what" }, `${n.kind === "prevention" ? t.prevention : t.practiceNews} · ${
         new Date(n.sent_at).toLocaleDateString(lang, { dateStyle: "long" })}`))));
  }
  const choice = h("input", { type: "checkbox", id: "prevention" }) as HTMLInputElement;
  choice.checked = !p.state.prevention_opt_out;
  choice.addEventListener("change", () => {
    void p.setPreventionOptOut(!choice.checked).catch((exc) => {
      if (!(exc instanceof RelayError && exc.retryable)) refuse(explain(exc));
    });
  });
  return h("section", { "aria-labelledby": "notices-title" },
    h("h2", { id: "notices-title" }, t.notices),
    p.notices().length ? list : h("p", { class: "help" }, t.noNotices),
    h("div", { class: "check" }, choice, h("label", { for: "prevention" }, t.preventionChoice)),
    h("p", { class: "help" }, t.preventionHelp));
}

function noticeScreen(id: string): HTMLElement {
  const p = patient!;
  const n = p.state.notices[id];
  if (!n) return h("p", {}, "?");
  const body = h("div", {},
    h("button", { type: "button", class: "link", id: "back",
                  onclick: () => { screen = { name: "home" }; render(); } }, `← ${t.back}`),
    h("h1", {}, n.title),
    h("p", { class: "help" }, `${n.kind === "prevention" ? t.prevention : t.practiceNews} · ${
      new Date(n.sent_at).toLocaleDateString(lang, { dateStyle: "long" })}`),
    h("p", { class: "notice-text", id: "notice-text" }, n.text));
  if (n.reply_conversation_id) {
    body.append(h("button", { type: "button", class: "secondary", id: "to-reply",
                              onclick: () => openConversation(n.reply_conversation_id!) }, t.seeReply));
  } else if (n.replies_allowed) {
    const text = h("textarea", { rows: "3", maxlength: "20000" }) as HTMLTextAreaElement;
    const submit = h("button", { type: "submit", id: "send" }, t.send) as HTMLButtonElement;
    const form = h("form", { id: "reply-form", novalidate: true },
      field("text", t.reply, text), errorLine(), submit);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void sending(submit, text.value, async (urgent) => {
        const conv = await p.replyToNotice(id, text.value, urgent);
        screen = { name: "conversation", id: conv };
      });
    });
    body.append(form);
  }
  return body;
}

function openConversation(id: string): void {
  formMessage = "";
  screen = { name: "conversation", id };
  render();
  void patient?.markRead(id).catch(() => undefined);
}

/** Ask before sending text with urgent wording; resolves whether to send, and flagged. */
function confirmUrgent(text: string): Promise<{ send: boolean; urgent: boolean }> {
  if (!hasUrgentWording(text)) return Promise.resolve({ send: true, urgent: false });
  return new Promise((resolve) => {
    const dialog = h("dialog", { id: "emergency", "aria-labelledby": "emergency-title" },
      h("h2", { id: "emergency-title" }, t.emergencyTitle),
      h("p", {}, t.emergencyBody),
      h("ul", { class: "numbers" },
        h("li", {}, h("a", { href: "tel:15" }, t.emergency15)),
        h("li", {}, h("a", { href: "tel:112" }, t.emergency112)),
        h("li", {}, h("a", { href: "tel:3114" }, t.emergency3114))),
      h("div", { class: "row" },
        h("button", { type: "button", id: "dont-send", onclick: () => done(false) }, t.dontSend),
        h("button", { type: "button", id: "send-anyway", class: "secondary", onclick: () => done(true) }, t.sendAnyway)),
    ) as HTMLDialogElement;
    function done(send: boolean) {
      dialog.close();
      dialog.remove();
      resolve({ send, urgent: true });
    }
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
    (dialog.querySelector("#dont-send") as HTMLElement).focus();
  });
}

async function sending(button: HTMLButtonElement, text: string,
                       send: (urgent: boolean) => Promise<void>, mayBeEmpty = false): Promise<void> {
  formMessage = "";
  if (!mayBeEmpty && !text.trim()) { refuse(t.emptyMessage, "text"); return; }
  const choice = await confirmUrgent(text);
  if (!choice.send) return;
  button.disabled = true;
  try {
    await send(choice.urgent);
  } catch (exc) {
    if (!(exc instanceof RelayError && exc.retryable)) formMessage = explain(exc);
  }
  render();
}

function newRequestScreen(): HTMLElement {
  const p = patient!;
  const who = h("select", { required: true }) as HTMLSelectElement;
  for (const pr of p.practitioners().filter((x) => x.accepts)) {
    who.append(h("option", { value: pr.id }, pr.profession ? `${pr.name} — ${pr.profession}` : pr.name));
  }
  const what = h("select", { required: true }) as HTMLSelectElement;
  for (const c of CATEGORIES) what.append(h("option", { value: c }, stateLabel(c)));
  const text = h("textarea", { rows: "6", maxlength: "20000", required: true }) as HTMLTextAreaElement;
  const submit = h("button", { type: "submit", id: "send" }, t.send) as HTMLButtonElement;
  // A renewal names its treatments: picked from what the practice renewed before, or typed.
  const picks = p.lastPrescriptions().map((name, i) => {
    const box = h("input", { type: "checkbox", id: `pick-${i}`, value: name }) as HTMLInputElement;
    return h("div", { class: "check" }, box, h("label", { for: `pick-${i}` }, name));
  });
  const typed = h("textarea", { rows: "3", maxlength: "2400" }) as HTMLTextAreaElement;
  const renewal = h("fieldset", { id: "renewal", hidden: true },
    h("legend", {}, t.treatments), ...picks,
    field("treatments-typed", picks.length ? t.otherTreatments : t.treatmentsTyped, typed, t.onePerLine));
  const messageLabel = h("label", { for: "text" }, t.message);
  what.addEventListener("change", () => {
    renewal.hidden = what.value !== "renewal";
    messageLabel.textContent = what.value === "renewal" ? t.messageOptional : t.message;
  });
  const form = h("form", { id: "new-form", novalidate: true },
    h("h1", {}, t.newRequest),
    field("practitioner", t.practitioner, who), field("category", t.category, what), renewal,
    h("div", { class: "field" }, messageLabel, Object.assign(text, { id: "text" })), errorLine(),
    h("div", { class: "row" },
      h("button", { type: "button", class: "secondary", id: "back",
                    onclick: () => { screen = { name: "home" }; render(); } }, t.cancel), submit));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (what.value === "renewal") {
      const names = [...renewal.querySelectorAll<HTMLInputElement>("input:checked")].map((b) => b.value)
        .concat(typed.value.split("\n"));
      if (!names.some((n) => n.trim())) { refuse(t.noTreatment, "treatments-typed"); return; }
      void sending(submit, `${names.join(" ")} ${text.value}`, async (urgent) => {
        screen = { name: "conversation", id: await p.requestRenewal(who.value, names, text.value, urgent) };
      }, true);
      return;
    }
    void sending(submit, text.value, async (urgent) => {
      // Queued but refused for good, the conversation says so; offline, it waits.
      screen = { name: "conversation", id: await p.request(who.value, what.value, text.value, urgent) };
    });
  });
  return form;
}

function conversationScreen(id: string): HTMLElement {
  const p = patient!;
  const c: Conversation | undefined = p.state.conversations[id];
  if (!c) return h("p", {}, "?");
  const pr = p.practitioners().find((x) => x.id === c.practitioner_id);
  const thread = h("ol", { class: "thread", id: "thread", "aria-live": "polite" });
  for (const m of c.messages) {
    const mineMsg = m.sender === "patient";
    const when = new Date(m.sent_at).toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
    thread.append(h("li", { class: mineMsg ? "mine" : "theirs", "data-id": m.id },
      h("p", { class: "meta" }, `${mineMsg ? t.me : m.author_name || pr?.name || t.practice} · ${when}`),
      h("p", { class: "text" }, m.text),
      m.urgent ? h("p", { class: "flag" }, t.urgentMarked) : null,
      m.attachments?.length ? h("ul", { class: "documents" }, ...m.attachments.map((a) =>
        h("li", {}, h("button", { type: "button", class: "link open-doc", "data-id": a.blob_id,
                                  onclick: () => showDocument(p, a) },
          `${a.name} (${sizeText(a.size)})`)))) : null,
      mineMsg ? h("p", { class: "delivery", "data-delivery": m.delivery }, stateLabel(m.delivery)) : null));
  }
  const writable = c.state === "requested" || c.state === "open" || c.state === "pending";
  const form = h("form", { id: "reply-form", novalidate: true });
  if (writable) {
    const text = h("textarea", { rows: "3", maxlength: "20000" }) as HTMLTextAreaElement;
    const submit = h("button", { type: "submit", id: "send" }, t.send) as HTMLButtonElement;
    // On a phone, "photo" offers the camera straight away (accept names images).
    const attach = h("input", { type: "file", multiple: true,
                                accept: "application/pdf,image/jpeg,image/png" }) as HTMLInputElement;
    const mb = (p.documentLimit() / 1_000_000).toLocaleString(lang, { maximumFractionDigits: 1 });
    attach.addEventListener("change", () => void checkFiles(p, attach));
    form.append(field("text", t.reply, text),
                field("attach", t.attach, attach, t.attachHelp(mb)), errorLine(), submit);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const files = [...(attach.files ?? [])];
      void sending(submit, text.value, async (urgent) => {
        if (files.length) {
          await p.sendDocuments(id, files, text.value, (done, total) => {
            status = t.uploading(done, total);
            const line = document.getElementById("status");
            if (line) line.textContent = status;
          });
          status = "";
        } else {
          await p.write(id, text.value, urgent);
        }
        text.value = "";
      }, files.length > 0);
    });
  } else {
    form.append(h("p", {}, t.closedConversation));
  }
  return h("div", {},
    h("button", { type: "button", class: "link", id: "back",
                  onclick: () => { screen = { name: "home" }; render(); } }, `← ${t.back}`),
    h("h1", {}, `${pr?.name ?? ""} · ${stateLabel(c.category)}`),
    h("p", { class: "help", id: "conversation-state" }, stateLabel(c.state)),
    c.renewal ? renewalPanel(p, c) : null,
    thread, h("div", { id: "document-view", "aria-live": "polite" }), form);
}

function sizeText(n: number): string {
  const fmt = (x: number) => x.toLocaleString(lang, { maximumFractionDigits: 1 });
  return n >= 1e6 ? `${fmt(n / 1e6)} ${t.mb}` : `${fmt(Math.max(1, n / 1e3))} ${t.kb}`;
}

/** Refused files are named with the reason, and the choice is cleared: nothing is sent. */
async function checkFiles(p: Patient, input: HTMLInputElement): Promise<void> {
  const refusals: string[] = [];
  for (const f of [...(input.files ?? [])]) {
    const head = new Uint8Array(await f.slice(0, 16).arrayBuffer());
    if (f.size === 0) refusals.push(`${f.name} : ${t.emptyFile}`);
    else if (f.size > p.documentLimit()) refusals.push(`${f.name} : ${t.tooLarge}`);
    else if (!sniff(head)) refusals.push(`${f.name} : ${t.notAccepted}`);
  }
  if (refusals.length) {
    input.value = "";
    refuse(refusals.join(" — "), "attach");
  } else {
    refuse("");
  }
}

async function showDocument(p: Patient, a: Attachment): Promise<void> {
  const view = document.getElementById("document-view");
  if (!view) return;
  view.replaceChildren(h("p", { class: "help" }, t.opening));
  const started = performance.now();
  try {
    const data = await p.openDocument(a);
    performance.measure("passerelle:open-document", { start: started, end: performance.now() });
    // In memory only: a blob: URL, revoked when another document is shown.
    if (view.dataset.url) URL.revokeObjectURL(view.dataset.url);
    const url = URL.createObjectURL(new Blob([data as BlobPart], { type: a.type }));
    view.dataset.url = url;
    view.replaceChildren(
      a.type === "application/pdf"
        ? h("iframe", { src: url, title: a.name, class: "pdf", id: "document-frame" })
        : h("img", { src: url, alt: a.name, class: "photo", id: "document-image" }),
      h("a", { href: url, download: a.name, class: "button", id: "download-document" }, t.download));
  } catch {
    view.replaceChildren(h("p", { class: "error" }, t.damaged));
  }
}

function renewalPanel(p: Patient, c: Conversation): HTMLElement {
  const r = c.renewal!;
  const d = r.decision;
  const where = d ? (t as any)[`renewal_${d.state}`] : c.state === "declined" ? t.renewal_declined : t.renewal_waiting;
  const panel = h("section", { class: "renewal", id: "renewal-status", "aria-labelledby": "renewal-title" },
    h("h2", { id: "renewal-title" }, t.renewalOf),
    h("ul", {}, ...r.treatments.map((n) => h("li", {}, n))),
    h("p", { class: "state" }, where),
    d?.text ? h("p", {}, d.text) : null);
  if (d?.document) {
    const view = h("div", { id: "prescription-view" });
    const open = h("button", { type: "button", id: "open-prescription", onclick: async () => {
      try {
        const pdf = await p.prescription(c.id);
        if (!pdf) return;
        // In memory only: a blob: URL, shown in a frame and offered for download, never cached.
        const url = URL.createObjectURL(new Blob([pdf.data as BlobPart], { type: "application/pdf" }));
        view.replaceChildren(
          h("iframe", { src: url, title: pdf.name, id: "prescription-frame", class: "pdf" }),
          h("a", { href: url, download: pdf.name, id: "download-prescription", class: "button" }, t.download));
      } catch {
        view.replaceChildren(h("p", { class: "error" }, t.damaged));
      }
    } }, t.openPrescription);
    panel.append(open, view);
  }
  return panel;
}

// -- start ------------------------------------------------------------------------------------

async function start(): Promise<void> {
  document.documentElement.lang = lang;
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromLetter = fragment.get("join");
  if (fromLetter) {
    // Out of the address bar and the history at once: the code is a secret.
    history.replaceState(null, "", location.pathname);
    const code = normaliseCode(fromLetter);
    joinCode = code ? formatCode(code) : fromLetter;
  }
  // Until libsodium is ready the page shows index.html's own emergency notice; the first
  // screen is drawn once, so that nothing typed into it is replaced.
  await ready();
  if (await Patient.hasDevice()) screen = { name: "locked" };
  else screen = { name: "join" };
  render();
  // From the letter's QR code the code is filled in: the passphrase comes next.
  document.getElementById(fromLetter || screen.name === "locked" ? "passphrase" : "code")?.focus();
  for (const event of ["pointerdown", "keydown", "scroll"]) {
    window.addEventListener(event, armLock, { passive: true });
  }
  if ("serviceWorker" in navigator && window.isSecureContext) {
    void navigator.serviceWorker.register("/sw.js").catch(() => undefined);
  }
}

void start();
