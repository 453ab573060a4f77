// Urgent wording, checked on the device before a message leaves (never on the relay, which
// cannot read it). A match does not block: the app shows the emergency numbers and asks.
// Tolerant of what people type on a phone: case, accents, doubled or dropped letters,
// one typo in a long word, a few words between the parts of a phrase.

/** Lower case, no accents, letters and digits only, runs of a letter made one. */
export function fold(text: string): string[] {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/['’]/g, " ").replace(/[^a-z0-9]+/g, " ").replace(/([a-z])\1+/g, "$1")
    .trim().split(" ").filter(Boolean);
}

// Each phrase: words that must appear in this order, at most GAP other words apart.
// A word ending in "*" matches any word it begins (a stem).
const PHRASES: string[] = [
  // chest pain / douleur thoracique
  "douleur* poitrine", "douleur* thora*", "mal poitrine", "serre* poitrine", "oppres* poitrine",
  "oppres* thora*", "chest pain*", "pain* chest", "chest tight*", "crushing chest",
  "infarctus", "crise cardiaque", "heart attack",
  // breathing / respiration
  "mal respir*", "peux plus respir*", "arrive plus respir*", "respire plus", "respire mal",
  "etouf*", "suffoqu*", "difficulte* respir*", "can t breathe", "cannot breathe",
  "cant breathe", "difficulty breathing", "short* breath", "struggling breathe",
  // stroke signs / AVC
  "avc", "paralys*", "visage paralys*", "bouche travers", "bras engourdi*", "parle plus",
  "peux plus parler", "stroke", "face droop*", "slured speech", "arm numb*",
  // suicidal thoughts / idées suicidaires
  "suicid*", "me tuer", "en finir", "envie mourir", "veux mourir", "plus envie vivre",
  "me faire mal", "kill myself", "end my life", "want die", "wanna die", "self harm*",
  "hurt myself",
  // heavy bleeding / hémorragie
  "hemorag*", "saigne* beaucoup", "saigne* abond*", "saigne* arete", "perd* beaucoup sang",
  "heavy bleeding", "bleeding heavily", "bleeding lot", "won t stop bleeding",
  // other signs the practice cannot wait for
  "perte connaissance", "perdu connaissance", "evanoui*", "inconscient*", "convuls*",
  "unconscious", "seizure*", "overdose", "surdose", "empoisone*", "poisoning",
];

const GAP = 3;

function distanceAtMostOne(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    // one substitution, or two neighbours swapped
    return a.slice(i + 1) === b.slice(i + 1)
      || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function wordMatches(pattern: string, word: string): boolean {
  if (pattern.endsWith("*")) {
    const stem = pattern.slice(0, -1);
    if (word.startsWith(stem)) return true;
    return stem.length >= 5 && word.length >= stem.length
      && distanceAtMostOne(stem, word.slice(0, stem.length));
  }
  return pattern === word || (pattern.length >= 5 && distanceAtMostOne(pattern, word));
}

const COMPILED = PHRASES.map((p) => fold(p.replace(/\*/g, "STAR")).map((w) => w.replace(/star$/, "*")));

function phraseAt(words: string[], phrase: string[], start: number): boolean {
  let at = start;
  for (let k = 0; k < phrase.length; k++) {
    const limit = k === 0 ? at : Math.min(words.length - 1, at + GAP);
    let found = -1;
    for (let j = at; j <= limit; j++) {
      if (wordMatches(phrase[k], words[j])) {
        found = j;
        break;
      }
    }
    if (found < 0) return false;
    at = found + 1;
    if (k < phrase.length - 1 && at >= words.length) return false;
  }
  return true;
}

/** Whether ``text`` holds urgent wording (French or English). */
export function hasUrgentWording(text: string): boolean {
  const words = fold(text);
  for (let i = 0; i < words.length; i++) {
    for (const phrase of COMPILED) if (phraseAt(words, phrase, i)) return true;
  }
  return false;
}
