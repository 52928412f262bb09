/**
 * Customer metafields for metafieldsSet (shopify.dev metafieldsSet / MetafieldsSetInput, 2026-07): at most 25 per
 * call, atomic (one error -> nothing persisted), namespace 3-255 and key 2-64 characters of [A-Za-z0-9_-],
 * `type` required when no definition exists (the simulator models no definitions), value checked against the type.
 * userError codes are the schema's MetafieldsSetUserErrorCode values; messages are ours (docs/decisions/041).
 */

export const MAX_METAFIELDS_PER_SET = 25;

export interface SimMetafield {
  id: number;
  ownerId: number;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface MetafieldsSetUserError {
  field: string[] | null;
  message: string;
  code: string;
  elementIndex: number | null;
}

export interface MetafieldInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  compareDigest?: string | null;
}

const NAME = /^[A-Za-z0-9_-]+$/;

/** The metafield types the simulator validates; others are refused with INVALID_TYPE. */
const VALUE_CHECKS: Record<string, (v: string) => boolean> = {
  single_line_text_field: (v) => !v.includes("\n"),
  multi_line_text_field: () => true,
  number_integer: (v) => /^-?\d+$/.test(v) && Math.abs(Number(v)) <= Number.MAX_SAFE_INTEGER,
  number_decimal: (v) => /^-?\d+(\.\d+)?$/.test(v),
  boolean: (v) => v === "true" || v === "false",
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)),
  date_time: (v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)),
  json: (v) => {
    try {
      JSON.parse(v);
      return true;
    } catch {
      return false;
    }
  },
  url: (v) => /^(https?|mailto|sms|tel):/.test(v),
};

export function isSupportedMetafieldType(type: string): boolean {
  return type in VALUE_CHECKS;
}

/** Validates one input element; `ownerExists` says whether its owner resolves to a customer of the shop. */
export function validateMetafieldInput(
  input: MetafieldInput,
  index: number,
  ownerExists: boolean,
): MetafieldsSetUserError[] {
  const at = (field: string, message: string, code: string): MetafieldsSetUserError => ({
    field: ["metafields", String(index), field],
    message,
    code,
    elementIndex: index,
  });
  const errors: MetafieldsSetUserError[] = [];
  if (!ownerExists) errors.push(at("ownerId", "Owner does not exist.", "INVALID"));
  // Without a namespace Shopify uses the app-reserved one ("$app").
  const namespace = input.namespace ?? "$app";
  const reserved = /^\$app(:[A-Za-z0-9_-]+)?$/.test(namespace);
  if (!reserved && (namespace.length < 3 || namespace.length > 255 || !NAME.test(namespace)))
    errors.push(at("namespace", "Namespace must be 3-255 characters of letters, digits, '-' or '_'.", "INVALID"));
  if (input.key.length < 2) errors.push(at("key", "Key is too short (minimum is 2 characters).", "TOO_SHORT"));
  else if (input.key.length > 64) errors.push(at("key", "Key is too long (maximum is 64 characters).", "TOO_LONG"));
  else if (!NAME.test(input.key)) errors.push(at("key", "Key contains one or more invalid characters.", "INVALID"));
  if (!input.type) errors.push(at("type", "Type can't be blank.", "BLANK"));
  else if (!isSupportedMetafieldType(input.type))
    errors.push(at("type", `Type '${input.type}' is not a valid metafield type.`, "INVALID_TYPE"));
  else if (!VALUE_CHECKS[input.type]!(input.value))
    errors.push(at("value", `Value is invalid for type '${input.type}'.`, "INVALID_VALUE"));
  return errors;
}

/** Identity of a metafield on its owner. */
export function metafieldKey(namespace: string, key: string): string {
  return `${namespace}.${key}`;
}
