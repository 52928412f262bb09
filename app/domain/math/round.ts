/** `value` rounded to `digits` decimals for a stored summary; null when there is no finite value to show. */
export function roundOrNull(value: number | null | undefined, digits = 4): number | null {
  return value === null || value === undefined || !Number.isFinite(value)
    ? null
    : Math.round(value * 10 ** digits) / 10 ** digits;
}
