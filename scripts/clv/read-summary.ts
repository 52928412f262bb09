/**
 * Reads a per-customer summary CSV (`customer_id,x,t_x,T[,m]`; lifetimes' `ID,frequency,recency,T,monetary_value`
 * headers are accepted as aliases) into columns, with every unusable row reported by line number.
 */
import type { CustomerSummaryTable } from "../../app/domain/clv/summary";
import { countLines, CsvLines, splitCsvLine } from "./csv-bytes";
import { UsageError, type BadRow, type CustomerTable, type IdColumn } from "./types";

const ALIASES: Record<string, string> = {
  id: "customer_id",
  frequency: "x",
  recency: "t_x",
  zbar: "m",
  monetary_value: "m",
};

export function readSummary(buf: Buffer, bad: BadRow[], daysPerUnit: number): CustomerTable {
  const lines = new CsvLines(buf);
  let header: string[] | null = null;
  let headerLine = 0;
  while (lines.advance()) {
    if (lines.empty) continue;
    header = (lines.decoded ?? splitCsvLine(lines.lineText())).map((h) => ALIASES[h.toLowerCase()] ?? h.toLowerCase());
    headerLine = lines.lineNumber;
    break;
  }
  if (!header) throw new UsageError("the summary file is empty");
  const col = (name: string) => header.indexOf(name);
  const [idCol, xCol, txCol, TCol, mCol] = [col("customer_id"), col("x"), col("t_x"), col("t"), col("m")];
  if (idCol < 0 || xCol < 0 || txCol < 0 || TCol < 0) {
    throw new UsageError(`line ${headerLine}: expected a header with customer_id,x,t_x,T[,m]`);
  }

  const capacity = countLines(buf);
  // Ids as byte ranges of the file; the few that needed decoding (quotes, non-ASCII) are kept as strings.
  const idStart = new Int32Array(capacity);
  const idEnd = new Int32Array(capacity);
  const decodedIds = new Map<number, string>();
  const x = new Float64Array(capacity);
  const tx = new Float64Array(capacity);
  const T = new Float64Array(capacity);
  const m = new Float64Array(capacity);
  let n = 0;
  while (lines.advance()) {
    if (lines.empty) continue;
    const xi = lines.number(xCol);
    const txi = lines.number(txCol);
    const Ti = lines.number(TCol);
    const mi = mCol >= 0 && lines.has(mCol) && !lines.isBlank(mCol) ? lines.number(mCol) : 0;
    const line = lines.lineNumber;
    if (!(Number.isInteger(xi) && xi >= 0))
      bad.push({ line, reason: `x must be a whole number >= 0, got "${lines.text(xCol) ?? ""}"` });
    else if (!(txi >= 0 && Ti >= txi && Number.isFinite(Ti)))
      bad.push({
        line,
        reason: `need 0 <= t_x <= T, got t_x="${lines.text(txCol) ?? ""}" T="${lines.text(TCol) ?? ""}"`,
      });
    else if (xi === 0 && txi !== 0) bad.push({ line, reason: "x = 0 needs t_x = 0" });
    else if (!(mi >= 0 && Number.isFinite(mi))) bad.push({ line, reason: `bad m "${lines.text(mCol) ?? ""}"` });
    else {
      const start = lines.fieldStart(idCol);
      if (start >= 0) {
        idStart[n] = start;
        idEnd[n] = lines.fieldEnd(idCol);
      } else {
        idStart[n] = -1;
        decodedIds.set(n, lines.text(idCol) ?? String(n + 1));
      }
      x[n] = xi;
      tx[n] = txi;
      T[n] = Ti;
      m[n] = mi;
      n++;
    }
  }

  const zbar = new Float64Array(n);
  const spendDays = new Float64Array(n);
  const firstDay = new Float64Array(n);
  const lastDay = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    zbar[i] = x[i]! > 0 ? m[i]! : 0;
    spendDays[i] = x[i]! > 0 && m[i]! > 0 ? x[i]! : 0;
    // Days relative to a reference day 0, so the shared sufficiency rules (history length…) apply here too.
    firstDay[i] = -T[i]! * daysPerUnit;
    lastDay[i] = (tx[i]! - T[i]!) * daysPerUnit;
  }
  const columns = { x: x.slice(0, n), tx: tx.slice(0, n), T: T.slice(0, n), zbar, spendDays };
  const start = idStart.subarray(0, n);
  const end = idEnd.subarray(0, n);
  const ids: IdColumn = {
    length: n,
    get: (i) => (start[i]! >= 0 ? buf.toString("latin1", start[i], end[i]) : decodedIds.get(i)!),
    raw: { source: buf, start, end },
  };
  let idStrings: string[] | null = null;
  const summary: CustomerSummaryTable = {
    // Only made if something reads them (the checks and fits use the numeric columns).
    get customerIds() {
      return (idStrings ??= Array.from({ length: n }, (_, i) => ids.get(i)));
    },
    ...columns,
    totalSpend: new Float64Array(n),
    firstDay,
    lastDay,
    valid: new Uint8Array(n).fill(1),
  };
  return { sufficiencyInput: { summary, referenceDay: 0 }, ids, ...columns };
}
