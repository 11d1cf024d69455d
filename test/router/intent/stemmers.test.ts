/**
 * The Snowball stemmers (English Porter2 and Russian), checked against words and stems of
 * the Snowball project's published vocabulary and output lists, and the lexicon.
 */
import { describe, expect, it } from "vitest";
import { applyLexicon } from "../../../src/router/intent/lexicon.js";
import { stemEnglish } from "../../../src/router/intent/stem-en.js";
import { stemRussian } from "../../../src/router/intent/stem-ru.js";
import { stem } from "../../../src/router/intent/text.js";

const ENGLISH: Record<string, string> = {
  consign: "consign",
  consigned: "consign",
  consigning: "consign",
  consignment: "consign",
  consist: "consist",
  consisted: "consist",
  consistency: "consist",
  consistent: "consist",
  consistently: "consist",
  consisting: "consist",
  consists: "consist",
  consolation: "consol",
  consolations: "consol",
  consolatory: "consolatori",
  console: "consol",
  consoled: "consol",
  consoles: "consol",
  consolidate: "consolid",
  consolidated: "consolid",
  consolidating: "consolid",
  consoling: "consol",
  consolingly: "consol",
  consols: "consol",
  consonant: "conson",
  consort: "consort",
  consorted: "consort",
  consorting: "consort",
  conspicuous: "conspicu",
  conspicuously: "conspicu",
  conspiracy: "conspiraci",
  conspirator: "conspir",
  conspirators: "conspir",
  conspire: "conspir",
  conspired: "conspir",
  conspiring: "conspir",
  constable: "constabl",
  constables: "constabl",
  constance: "constanc",
  constancy: "constanc",
  constant: "constant",
  knack: "knack",
  knackeries: "knackeri",
  kneaded: "knead",
  kneading: "knead",
  knee: "knee",
  kneel: "kneel",
  kneeled: "kneel",
  kneeling: "kneel",
  knees: "knee",
  knell: "knell",
  knightly: "knight",
  knitted: "knit",
  knitting: "knit",
  knives: "knive",
  knocker: "knocker",
  knocking: "knock",
  // exceptions and the cases of issue #16
  news: "news",
  new: "new",
  calorie: "calori",
  calories: "calori",
  skies: "sky",
  dying: "die",
  generously: "generous",
  cries: "cri",
  ties: "tie",
  gaps: "gap",
  gas: "gas",
  kiwis: "kiwi",
  shipping: "ship",
  shipped: "ship",
  opening: "open",
  greetings: "greet",
  hopping: "hop",
  hoping: "hope",
  agreed: "agre",
  traditional: "tradit",
  communication: "communic",
};

const RUSSIAN: Record<string, string> = {
  вагона: "вагон",
  вагоне: "вагон",
  вагонов: "вагон",
  вагоном: "вагон",
  вагоны: "вагон",
  важная: "важн",
  важнее: "важн",
  важнейшие: "важн",
  важнейшими: "важн",
  важничаешь: "важнича",
  важно: "важн",
  важного: "важн",
  важности: "важност",
  важностью: "важност",
  валандался: "валанда",
  валериановых: "валерианов",
  валерию: "валер",
  валетами: "валет",
  валился: "вал",
  валялась: "валя",
  валяются: "валя",
  пароль: "парол",
  пароля: "парол",
  доставка: "доставк",
  доставки: "доставк",
  новый: "нов",
  новости: "новост",
};

describe("Snowball stemmers", () => {
  it("English (Porter2)", () => {
    for (const [word, expected] of Object.entries(ENGLISH))
      expect([word, stemEnglish(word)]).toEqual([word, expected]);
  });

  it("Russian", () => {
    for (const [word, expected] of Object.entries(RUSSIAN))
      expect([word, stemRussian(word)]).toEqual([word, expected]);
    expect(stemRussian("ёлки")).toBe(stemRussian("елки"));
  });

  it("stem() picks the stemmer by script and leaves numbers and other scripts alone", () => {
    expect(stem("shipping")).toBe("ship");
    expect(stem("доставки")).toBe("доставк");
    expect(stem("12345")).toBe("12345");
    expect(stem("営業")).toBe("営業");
  });
});

describe("the chat lexicon", () => {
  it("maps greetings, thanks and log-in phrasing to one word each", () => {
    expect(applyLexicon(["hiya"])).toEqual(["hello"]);
    expect(applyLexicon(["good", "morning"])).toEqual(["hello", "morning"]);
    expect(applyLexicon(["thank", "you"])).toEqual(["thanks"]);
    expect(applyLexicon(["i", "can", "not", "sign", "in"])).toEqual(["i", "can", "not", "login"]);
    expect(applyLexicon(["locked", "out"])).toEqual(["not", "login"]);
    expect(applyLexicon(["r", "u", "open"])).toEqual(["are", "you", "open"]);
  });
});
