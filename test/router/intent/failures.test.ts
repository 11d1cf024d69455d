/**
 * The failure classes of issue #16, each a test: negation, off-topic messages that reuse a
 * keyword, stemming, scripts written without spaces or with combining marks, and the
 * product's own promise examples.
 */
import { describe, expect, it } from "vitest";
import { IntentRecognizer } from "../../../src/index.js";
import { normalizeText, segmentWords, tokenize } from "../../../src/router/intent/text.js";
import { OFF_TOPIC_KEYWORDS, TRAINING } from "./dataset.js";

function shop(without: string[] = []): IntentRecognizer {
  const r = new IntentRecognizer();
  for (const [name, examples] of Object.entries(TRAINING)) {
    r.add(
      name,
      examples.filter((e) => !without.includes(e)),
    );
  }
  return r;
}

describe("the promise examples", () => {
  it('"hiya" and "greetings" are greetings, "locked out of my account" is the password intent', () => {
    // The password intent without its own "locked out" example: the lexicon has to do it.
    const r = shop(["I'm locked out of my account"]);
    expect(r.recognize("hiya")?.name).toBe("greeting");
    expect(r.recognize("greetings")?.name).toBe("greeting");
    expect(r.recognize("hiya!")?.name).toBe("greeting");
    expect(r.recognize("locked out of my account")?.name).toBe("password");
  });
});

describe("negation", () => {
  it("a negated request is not the request", () => {
    const r = shop();
    expect(r.recognize("I want a refund")?.name).toBe("returns");
    expect(r.recognize("I don't want a refund")?.name).not.toBe("returns");
    expect(r.recognize("I do not need a refund")?.name).not.toBe("returns");
  });

  it("a complaint phrased with a negation still matches one phrased the same way", () => {
    const r = shop();
    expect(r.recognize("I cannot log in")?.name).toBe("password");
    expect(r.recognize("can't sign in to my account")?.name).toBe("password");
  });

  it("marks the word after a negator, and the object of a verb of wanting", () => {
    expect(tokenize("I don't want a refund")).toEqual(["i", "do", "not", "want", "a", "refund"]);
    const r = new IntentRecognizer().add("refund", ["I want a refund", "refund please"]);
    expect(r.rank("I don't want a refund")[0]?.score).toBeLessThan(
      r.rank("I want a refund please")[0]?.score ?? 0,
    );
  });
});

describe("off-topic messages that reuse a keyword", () => {
  it("rejects at least 12 of 15 (the calibrated threshold)", () => {
    const r = shop();
    const accepted = OFF_TOPIC_KEYWORDS.filter((text) => r.recognize(text) !== undefined);
    console.log(
      `off-topic keyword reuse: ${15 - accepted.length}/15 rejected; accepted ${JSON.stringify(accepted)}`,
    );
    expect(accepted.length).toBeLessThanOrEqual(3);
  });
});

describe("stemming (Snowball English and Russian)", () => {
  it('keeps "news" apart from "new" and joins "calorie" with "calories"', () => {
    expect(tokenize("news")).not.toEqual(tokenize("new"));
    expect(tokenize("calorie")).toEqual(tokenize("calories"));
    const r = new IntentRecognizer()
      .add("news", ["what's in the news", "latest news headlines", "news today"])
      .add("nutrition", ["how many calories in a banana", "calories in rice", "calorie count"]);
    expect(r.recognize("any news?")?.name).toBe("news");
    expect(r.recognize("calorie of an egg")?.name).toBe("nutrition");
    expect(r.rank("what is new")[0]?.score ?? 0).toBeLessThan(r.threshold);
  });

  it("recognises Russian inflections", () => {
    const r = new IntentRecognizer()
      .add("password", ["я забыл пароль", "сбросить пароль", "не могу войти"])
      .add("delivery", ["сколько стоит доставка", "когда доставят заказ", "доставка за границу"]);
    expect(r.recognize("забыла свой пароль")?.name).toBe("password");
    expect(r.recognize("стоимость доставки")?.name).toBe("delivery");
  });
});

describe("scripts without spaces or with combining marks", () => {
  it("keeps Devanagari words whole (vowel signs are marks)", () => {
    expect(tokenize("मेरा पासवर्ड भूल गया")).toEqual(["मेरा", "पासवर्ड", "भूल", "गया"]);
    expect(tokenize("नमस्ते")).toEqual(["नमस्ते"]);
    expect(normalizeText("Привет, й ё")).toBe("привет й е");
  });

  it("segments Japanese, Chinese and Thai into words (Intl.Segmenter)", () => {
    for (const text of ["営業時間は何時ですか", "我忘记了密码", "ร้านเปิดกี่โมง"]) {
      const words = segmentWords(normalizeText(text));
      expect(words.length).toBeGreaterThan(1);
      expect(words.join("")).toBe(text);
    }
    expect(segmentWords("สวัสดีครับ")).toEqual(["สวัสดี", "ครับ"]);
  });

  it("recognises Japanese, Thai and Hindi paraphrases", () => {
    const r = new IntentRecognizer()
      .add("hours_ja", ["営業時間は何時ですか", "何時に開きますか", "何時に閉まりますか"])
      .add("password_ja", [
        "パスワードを忘れました",
        "パスワードをリセットしたい",
        "ログインできません",
      ])
      .add("hours_th", ["ร้านเปิดกี่โมง", "ร้านปิดกี่โมง", "เวลาทำการ"])
      .add("password_th", ["ลืมรหัสผ่าน", "รีเซ็ตรหัสผ่าน", "เข้าสู่ระบบไม่ได้"])
      .add("hours_hi", ["दुकान कब खुलती है", "आप कब खुलते हैं", "दुकान कब बंद होती है"])
      .add("password_hi", ["मैं अपना पासवर्ड भूल गया", "पासवर्ड रीसेट करें", "लॉगिन नहीं हो रहा"]);
    expect(r.recognize("お店は何時に開きますか")?.name).toBe("hours_ja");
    expect(r.recognize("パスワードを忘れてしまった")?.name).toBe("password_ja");
    expect(r.recognize("ร้านเปิดกี่โมงครับ")?.name).toBe("hours_th");
    expect(r.recognize("ฉันลืมรหัสผ่าน")?.name).toBe("password_th");
    expect(r.recognize("मेरा पासवर्ड भूल गया")?.name).toBe("password_hi");
    expect(r.recognize("दुकान कब खुलेगी")?.name).toBe("hours_hi");
  });
});
