/**
 * A small built-in lexicon of chat language for the intent recognizer: greetings, thanks,
 * farewells, log-in phrasing and common chat abbreviations, each mapped to one canonical
 * word so that "hiya", "greetings" and "hello" are the same word to the recognizer. It is
 * applied to examples and messages alike, before stemming.
 * @module
 */

/** Single words → their canonical word (or words). */
export const WORD_LEXICON: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // greetings
    hi: "hello",
    hey: "hello",
    heya: "hello",
    hiya: "hello",
    hallo: "hello",
    hullo: "hello",
    helo: "hello",
    howdy: "hello",
    greetings: "hello",
    greeting: "hello",
    yo: "hello",
    hola: "hello",
    sup: "hello",
    wassup: "hello",
    hii: "hello",
    heyy: "hello",
    привет: "hello",
    здравствуйте: "hello",
    здравствуй: "hello",
    приветик: "hello",
    // thanks and farewells
    thank: "thanks",
    thx: "thanks",
    thanx: "thanks",
    ty: "thanks",
    thankyou: "thanks",
    cheers: "thanks",
    спасибо: "thanks",
    bye: "goodbye",
    cya: "goodbye",
    byebye: "goodbye",
    farewell: "goodbye",
    пока: "goodbye",
    // chat abbreviations
    u: "you",
    ya: "you",
    r: "are",
    ur: "your",
    pls: "please",
    plz: "please",
    pw: "password",
    pwd: "password",
    passwd: "password",
    passcode: "password",
    acct: "account",
    msg: "message",
    info: "information",
    // signing in
    login: "login",
    logon: "login",
    signin: "login",
  }),
);

/** Phrases (normalised words) → their canonical words. Longest first. */
export const PHRASE_LEXICON: ReadonlyArray<[string[], string[]]> = (
  [
    ["good morning", "hello morning"],
    ["good afternoon", "hello afternoon"],
    ["good evening", "hello evening"],
    ["good day", "hello day"],
    ["hi there", "hello"],
    ["hey there", "hello"],
    ["добрый день", "hello"],
    ["доброе утро", "hello"],
    ["добрый вечер", "hello"],
    ["thank you", "thanks"],
    ["money back", "refund"],
    ["see you", "goodbye"],
    ["see ya", "goodbye"],
    ["good bye", "goodbye"],
    ["log in", "login"],
    ["log on", "login"],
    ["sign in", "login"],
    ["sign on", "login"],
    ["logged in", "login"],
    ["signed in", "login"],
    ["logging in", "login"],
    ["signing in", "login"],
    ["get in to", "login"],
    ["get into", "login"],
    ["locked out", "not login"],
    ["lock out", "not login"],
    ["shut out", "not login"],
  ] as Array<[string, string]>
)
  .map(([from, to]): [string[], string[]] => [from.split(" "), to.split(" ")])
  .sort((a, b) => b[0].length - a[0].length);

/** Rewrites words with the lexicon: phrases first, then single words. */
export function applyLexicon(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    const phrase = PHRASE_LEXICON.find(([from]) => from.every((w, k) => words[i + k] === w));
    if (phrase !== undefined) {
      out.push(...phrase[1]);
      i += phrase[0].length;
      continue;
    }
    const word = words[i] as string;
    out.push(...(WORD_LEXICON.get(word) ?? word).split(" "));
    i++;
  }
  return out;
}

/**
 * Words that mean the same in a chat with a business, the first of each group standing for
 * the others (matched after stemming, so "shops" is "store" too).
 */
export const SYNONYMS: readonly string[] = [
  "store shop outlet",
  "package parcel packet",
  "buy purchase",
  "price cost pricing fee",
  "pay payment",
  "refund reimbursement reimburse",
  "help assist assistance support",
  "agent human person operator representative somebody staff",
  "talk speak chat",
  "phone telephone mobile cellphone",
  "problem issue trouble",
  "broken faulty defective damaged",
  "wrong incorrect",
  "change modify alter edit",
  "remove delete",
  "start begin",
  "big large huge",
  "small little tiny",
  "fast quick rapid",
  "need require",
  "receive arrive",
  "weather forecast",
  "movie film",
  "car vehicle",
  "kid child children",
  "address location",
  "cancel cancellation",
  "deliver delivery shipping ship",
  "question query",
  "correct right",
  "email mail",
  "message text",
  "pass password",
  "login lock",
  "money cash funds",
  "купить покупка",
  "доставка доставить",
  "цена стоимость",
  "магазин лавка",
];
