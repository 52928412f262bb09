/**
 * A posted form's text fields as a plain object for a zod schema: the first value of each named field, "" when the
 * field is absent or a file. Forms never give a schema anything but strings, so its messages are about values.
 */
export function formFields<const Names extends readonly string[]>(
  form: { get(name: string): unknown },
  names: Names,
): Record<Names[number], string> {
  const fields = {} as Record<string, string>;
  for (const name of names) {
    const value = form.get(name);
    fields[name] = typeof value === "string" ? value : "";
  }
  return fields as Record<Names[number], string>;
}
