/** Saving the merchant's question sets: unreadable or invalid input is refused with a message and nothing is stored. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_QUESTION_SETS } from "../../app/domain/surveys";
import { readQuestionSets, saveQuestionSets } from "../../app/read-models/question-sets.server";
import { createTestDatabase, type TestDatabase } from "../support/databases";

describe("question sets on sqlite", () => {
  let database: TestDatabase;
  let storeId: string;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    storeId = (await database.db.store.create({ data: { platform: "shopify", domain: "sets.myshopify.com" } })).id;
  });
  afterAll(() => database.drop());

  it("refuses text that is not JSON, and sets that break the rules, storing nothing", async () => {
    expect(await saveQuestionSets(database.db, storeId, "[{not json")).toEqual({
      ok: false,
      errors: [{ path: "", message: "could not read the question sets (not valid JSON)" }],
    });
    expect(await saveQuestionSets(database.db, storeId, '{"sets":[]}')).toEqual({
      ok: false,
      errors: [{ path: "", message: "must be a list of question sets" }],
    });
    expect(await readQuestionSets(database.db, storeId)).toEqual({ sets: [...DEFAULT_QUESTION_SETS], custom: false });
  });

  it("stores valid sets and reads them back", async () => {
    const sets = DEFAULT_QUESTION_SETS.filter((set) => set.id !== "winback");
    const saved = await saveQuestionSets(database.db, storeId, JSON.stringify(sets));
    expect(saved.ok).toBe(true);
    expect(await readQuestionSets(database.db, storeId)).toEqual({ sets, custom: true });
  });
});
