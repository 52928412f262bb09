/**
 * WooCommerce REST dates come in pairs: `date_created` in the site's timezone and `date_created_gmt` in UTC,
 * both without a zone suffix ("2026-11-24T22:21:41"). Only the `_gmt` twin is unambiguous, so we read that.
 */
import { isObject } from "../json";

const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;

/** Reads `${field}_gmt` as UTC; null when absent or unparseable. */
export function wooGmtDate(value: unknown, field: string): Date | null {
  if (!isObject(value)) return null;
  const text = value[`${field}_gmt`];
  if (typeof text !== "string" || text === "") return null;
  const iso = NAIVE.test(text) ? `${text}Z` : text;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The format `modified_after`/`after` accept with `dates_are_gmt=true` (seconds; fractions are ignored). */
export function toWooGmtParam(date: Date): string {
  return date.toISOString().slice(0, 19);
}
