/**
 * Reads a transaction log: CSV `customer_id,date,amount` (ISO or YYYYMMDD dates; extra columns ignored), or the
 * CDNOW layout (whitespace-separated `master_id sample_id YYYYMMDD cds dollars`, no header), every unusable row
 * reported by line number.
 */
import { toEpochDay, type Purchase } from "../../app/domain/clv/summary";
import { splitCsvLine } from "./csv-bytes";
import { UsageError, type BadRow } from "./types";

export function readTransactions(text: string, bad: BadRow[], notes: string[]): Purchase[] {
  const lines = text.split(/\r?\n/);
  const firstIndex = lines.findIndex((l) => l.trim() !== "");
  if (firstIndex === -1) return [];
  const purchases: Purchase[] = [];
  const firstLine = lines[firstIndex]!.trim();
  const cdnow = /^\S+\s+\S+\s+\d{8}\s+\S+\s+\S+$/.test(firstLine) && !firstLine.includes(",");
  let idCol = 0;
  let dateCol = 1;
  let amountCol = 2;
  let start = firstIndex;
  if (cdnow) {
    notes.push("recognised the CDNOW layout (master_id sample_id YYYYMMDD cds dollars): customer = sample_id");
  } else {
    const header = splitCsvLine(firstLine).map((h) => h.toLowerCase());
    idCol = header.indexOf("customer_id");
    dateCol = header.indexOf("date");
    amountCol = header.indexOf("amount");
    if (idCol < 0 || dateCol < 0 || amountCol < 0) {
      throw new UsageError(
        `line ${firstIndex + 1}: expected a header with customer_id,date,amount, got "${firstLine}"`,
      );
    }
    start = firstIndex + 1;
  }
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const fields = cdnow ? line.split(/\s+/) : splitCsvLine(line);
    const id = cdnow ? fields[1] : fields[idCol];
    const dateText = cdnow ? fields[2] : fields[dateCol];
    const amountText = cdnow ? fields[4] : fields[amountCol];
    if (!id) {
      bad.push({ line: i + 1, reason: "missing customer_id" });
      continue;
    }
    const day = dateText ? toEpochDay(dateText) : null;
    if (day === null) {
      bad.push({ line: i + 1, reason: `bad date "${dateText ?? ""}"` });
      continue;
    }
    const amount = amountText === undefined || amountText === "" ? NaN : Number(amountText);
    if (!Number.isFinite(amount)) {
      bad.push({ line: i + 1, reason: `bad amount "${amountText ?? ""}"` });
      continue;
    }
    if (amount < 0) {
      bad.push({ line: i + 1, reason: `negative amount ${amount} (pass net amounts per purchase)` });
      continue;
    }
    purchases.push({ customerId: id, day, amount });
  }
  return purchases;
}
