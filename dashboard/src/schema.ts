// The JSON Schema subset a stage's form uses, how each field is entered, and the form data posted from the inputs.

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  description?: string;
  title?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  default?: unknown;
}

export type FormValues = Record<string, string | boolean>;

/** How a field is entered. */
export function kind(s: JsonSchema): "enum" | "boolean" | "number" | "integer" | "text" | "long" | "date" {
  if (s.enum) return "enum";
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  if (t === "boolean") return "boolean";
  if (t === "number" || t === "integer") return t;
  if (s.format === "date") return "date";
  if ((s.maxLength ?? 0) > 200 || /plan|description|details|notes|reason/i.test(s.description ?? "")) return "long";
  return "text";
}

/** The form data to post: numbers as numbers, empty optional fields left out. */
export function formData(schema: JsonSchema, values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    const v = values[name];
    if (v === undefined || v === "") continue;
    const k = kind(s);
    out[name] = k === "number" || k === "integer" ? Number(v) : v;
  }
  return out;
}
