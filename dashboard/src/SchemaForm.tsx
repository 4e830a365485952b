// Renders the fields of a JSON Schema of an object (a stage's form): strings (text, long text, date), numbers,
// booleans and enums, required ones marked; the server checks the data again when the decision is posted.
import type { ReactNode } from "react";
import { type FormValues, type JsonSchema, kind } from "./schema.js";

export type { FormValues, JsonSchema } from "./schema.js";
export { formData } from "./schema.js";

export function SchemaForm(props: {
  schema: JsonSchema;
  values: FormValues;
  onChange: (values: FormValues) => void;
  id: string;
  legend: ReactNode;
}) {
  const { schema, values, onChange, id } = props;
  const required = new Set(schema.required ?? []);
  const set = (name: string, v: string | boolean) => onChange({ ...values, [name]: v });
  return (
    <fieldset className="schema-form">
      <legend>{props.legend}</legend>
      {Object.entries(schema.properties ?? {}).map(([name, s]) => {
        const fieldId = `${id}-${name}`;
        const hint = s.description ? `${fieldId}-hint` : undefined;
        const label = (
          <>
            {s.title ?? name.replace(/_/g, " ")}
            {required.has(name) ? <span aria-hidden="true"> *</span> : null}
          </>
        );
        const common = {
          id: fieldId,
          required: required.has(name),
          "aria-describedby": hint,
        };
        const k = kind(s);
        return (
          <div key={name} className="field">
            {k === "boolean" ? (
              <label htmlFor={fieldId}>
                <input
                  {...common}
                  type="checkbox"
                  checked={values[name] === true}
                  onChange={(e) => set(name, e.target.checked)}
                />
                {label}
              </label>
            ) : (
              <label htmlFor={fieldId}>{label}</label>
            )}
            {k === "enum" ? (
              <select {...common} value={String(values[name] ?? "")} onChange={(e) => set(name, e.target.value)}>
                <option value="">(choose)</option>
                {(s.enum ?? []).map((o) => (
                  <option key={String(o)} value={String(o)}>
                    {String(o)}
                  </option>
                ))}
              </select>
            ) : k === "long" ? (
              <textarea
                {...common}
                rows={2}
                minLength={s.minLength}
                maxLength={s.maxLength}
                value={String(values[name] ?? "")}
                onChange={(e) => set(name, e.target.value)}
              />
            ) : k === "boolean" ? null : (
              <input
                {...common}
                type={k === "number" || k === "integer" ? "number" : k === "date" ? "date" : "text"}
                step={k === "integer" ? 1 : k === "number" ? "any" : undefined}
                min={s.minimum}
                max={s.maximum}
                minLength={s.minLength}
                maxLength={s.maxLength}
                pattern={s.pattern}
                value={String(values[name] ?? "")}
                onChange={(e) => set(name, e.target.value)}
              />
            )}
            {hint ? (
              <span id={hint} className="hint">
                {s.description}
              </span>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}
