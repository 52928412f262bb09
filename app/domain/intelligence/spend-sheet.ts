/**
 * Reading a spend sheet: one `name, amount` line per channel or campaign, as merchants export them from a
 * spreadsheet or an ad platform. Forgiving about how (comma, semicolon or tab, quotes, a BOM, `#` comments, blank
 * lines, one heading line, either decimal mark, currency signs), strict about what: a name the caller cannot place,
 * a negative or unreadable amount, or one beyond any budget is an error with its line number, never a guess.
 * The channel sheet and the campaign sheet differ only in how a name is placed (decisions 152, 157).
 */

/** The largest spend one line may state (in major units): beyond it the number is a typo, not a budget. */
export const MAX_SPEND_AMOUNT = 1e12;

export interface SpendSheetError {
  line: number;
  message: string;
}

export interface SpendSheetResult<K> {
  /** One row per name placed, repeated names added up, in first-seen order. */
  rows: { key: K; spendMinor: number }[];
  errors: SpendSheetError[];
}

/** Splits one CSV line on the separator, honouring double quotes ("a ""b""" → a "b"). */
function splitLine(line: string, separator: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/**
 * An amount as a number, or null: currency signs and codes, spaces (also non-breaking) and apostrophes are
 * ignored; with both "." and "," the last one is the decimal mark; a single mark followed by exactly three
 * digits is a thousands separator ("1,234" = 1234), otherwise a decimal mark ("12,5" = 12.5).
 */
export function parseAmount(text: string): number | null {
  let s = text.replace(/[\s\u00a0\u202f']/g, "").replace(/^[^\d.,-]+|[^\d.,]+$/g, "");
  if (s.startsWith("-") || s.length === 0 || /[^\d.,]/.test(s)) return null;
  const lastDot = s.lastIndexOf(".");
  const lastComma = s.lastIndexOf(",");
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? "." : ",";
    const thousands = decimal === "." ? "," : ".";
    s = s.split(thousands).join("").replace(decimal, ".");
  } else if (lastDot >= 0 || lastComma >= 0) {
    const mark = lastDot >= 0 ? "." : ",";
    const parts = s.split(mark);
    if (parts.length > 2 || parts[parts.length - 1]!.length === 3) s = parts.join("");
    else s = parts.join(".");
  }
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  const value = Number(s);
  return Number.isFinite(value) ? value : null;
}

/**
 * A spend sheet: `place` turns a name into its key (null: unknown, reported with `unknown(name)`). The first data
 * line is a heading when neither its name nor its amount can be read. A name with a blank amount is skipped (no
 * spend, as in the typed forms). Amounts become minor units (`currencyDecimals`, default 2). Bad lines are
 * reported, never thrown.
 */
export function parseSpendSheet<K>(
  text: string,
  place: (name: string) => K | null,
  unknown: (name: string) => string,
  options: { currencyDecimals?: number; maxLines?: number } = {},
): SpendSheetResult<K> {
  const decimals = Math.min(4, Math.max(0, Math.round(options.currencyDecimals ?? 2)));
  const maxLines = options.maxLines ?? 10_000;
  const rows = new Map<K, number>();
  const errors: SpendSheetError[] = [];
  const lines = String(text ?? "")
    .replace(/^\ufeff/, "")
    .split(/\r\n|\r|\n/);
  const firstData = lines.find((line) => line.trim().length > 0 && !line.trim().startsWith("#")) ?? "";
  const separator = firstData.includes("\t") ? "\t" : firstData.includes(";") ? ";" : ",";
  let seenData = false;
  for (let index = 0; index < lines.length && index < maxLines; index++) {
    const line = lines[index]!.trim();
    if (line.length === 0 || line.startsWith("#")) continue;
    const fields = splitLine(line, separator);
    // A comma-separated amount written with a decimal comma splits into two fields: join them back.
    if (separator === "," && fields.length === 3 && /^\d+$/.test(fields[1]!) && /^\d{1,2}$/.test(fields[2]!)) {
      fields.splice(1, 2, `${fields[1]}.${fields[2]}`);
    }
    const [name = "", amountText = ""] = fields;
    const amount = parseAmount(amountText);
    const key = place(name);
    if (!seenData) {
      seenData = true;
      if (amount === null && key === null) continue; // a header line
    }
    if (key === null) {
      errors.push({ line: index + 1, message: unknown(name.slice(0, 40)) });
      continue;
    }
    if (amountText === "") continue;
    if (amount === null) {
      errors.push({ line: index + 1, message: `"${amountText.slice(0, 40)}" is not an amount.` });
      continue;
    }
    if (amount > MAX_SPEND_AMOUNT) {
      errors.push({ line: index + 1, message: `"${amountText.slice(0, 40)}" is more than any ad budget.` });
      continue;
    }
    rows.set(key, (rows.get(key) ?? 0) + Math.round(amount * 10 ** decimals));
  }
  if (lines.length > maxLines)
    errors.push({ line: maxLines + 1, message: `Only the first ${maxLines} lines were read.` });
  return { rows: [...rows].map(([key, spendMinor]) => ({ key, spendMinor })), errors };
}
