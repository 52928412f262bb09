/** The Settings form's validation: one clear message per field, cross-field rules only between valid fields. */
import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS } from "../../app/domain/settings";
import { validateSettingsForm } from "../../app/domain/settings-form";

const VALID: Record<string, string | string[]> = {
  tagPrefix: " ciclo: ",
  tagFamilies: ["stage", "rfm", "rfm"],
  pushMetafields: "on",
  scheduleHour: "3",
  surveyCooldownDays: "60",
  rfmBins: "5",
  atRiskGaps: "2",
  lostGaps: "4",
  atRiskPAlive: "0.5",
  lostPAlive: "0.2",
  heroShare: "0.2",
};

function form(overrides: Record<string, string | string[] | null> = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...VALID, ...overrides })) {
    if (value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  }
  return params;
}

describe("validateSettingsForm", () => {
  it("reads a valid form, trimming and putting tag families in catalogue order", () => {
    expect(validateSettingsForm(form())).toEqual({
      ok: true,
      values: {
        tagPrefix: "ciclo:",
        tagFamilies: ["rfm", "stage"],
        pushMetafields: true,
        scheduleHour: 3,
        surveyCooldownDays: 60,
        thresholds: DEFAULT_THRESHOLDS,
      },
    });
    const off = validateSettingsForm(form({ pushMetafields: null, tagFamilies: null }));
    expect(off.ok && off.values.pushMetafields).toBe(false);
    expect(off.ok && off.values.tagFamilies).toEqual([]);
  });

  it("gives each bad field its own message, and a missing field the same one", () => {
    const result = validateSettingsForm(
      form({
        tagPrefix: "has space:",
        tagFamilies: ["rfm", "vip", "x"],
        scheduleHour: "24",
        surveyCooldownDays: null,
        rfmBins: "4.5",
        atRiskGaps: "abc",
        heroShare: "0.9",
      }),
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        tagPrefix:
          'Use 2-20 letters, digits, "-" or "_", ending with ":", "-" or "_" (for example "ciclo:"). No spaces or commas.',
        tagFamilies: "Unknown tag family: vip, x.",
        scheduleHour: "Choose an hour from 0 to 23.",
        surveyCooldownDays: "Enter a whole number of days from 1 to 365.",
        "thresholds.rfmBins": "Enter a whole number from 3 to 10.",
        "thresholds.atRiskGaps": "Enter a number from 1 to 10.",
        "thresholds.heroShare": "Enter a share from 0.01 to 0.5 (e.g. 0.2 for the top 20%).",
      },
    });
  });

  it("checks Lost against At risk only when both are valid", () => {
    expect(validateSettingsForm(form({ atRiskGaps: "3", lostGaps: "3", lostPAlive: "0.5" }))).toEqual({
      ok: false,
      errors: {
        "thresholds.lostGaps": "Must be more gaps than “At risk”, or nobody would ever be At risk.",
        "thresholds.lostPAlive": "Must be lower than the “At risk” probability.",
      },
    });
    // An invalid At-risk value gets its own message; Lost is not compared with it.
    expect(validateSettingsForm(form({ atRiskGaps: "50", lostGaps: "3", atRiskPAlive: "2" }))).toEqual({
      ok: false,
      errors: {
        "thresholds.atRiskGaps": "Enter a number from 1 to 10.",
        "thresholds.atRiskPAlive": "Enter a probability from 0 to 1 (e.g. 0.5).",
      },
    });
    // An out-of-range Lost value shows the range, not the comparison.
    expect(validateSettingsForm(form({ lostGaps: "25" }))).toEqual({
      ok: false,
      errors: { "thresholds.lostGaps": "Enter a number from 1 to 20." },
    });
  });
});
