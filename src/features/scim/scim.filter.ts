// SCIM filters (RFC 7644 §3.4.2.2): parsed here rather than with scimmy's Filter, which turns `not (a or b)` into
// `not a or not b` and drops the second of two conditions on one attribute (`emails co "x" and emails[type eq
// "work"]`). Evaluated against resources as they are answered, so a filter sees exactly what GET returns.
import { invalidFilter } from "./scim.errors.js";

/** A parsed filter. */
export type Filter =
  | { kind: "and" | "or"; left: Filter; right: Filter }
  | { kind: "not"; expr: Filter }
  | { kind: "cmp"; path: string[]; op: string; value: unknown }
  | { kind: "pr"; path: string[] }
  | { kind: "valuePath"; path: string[]; filter: Filter; sub?: Filter };

const OPS = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
const CORE = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group)$/i;

type Token = { t: "(" | ")" | "[" | "]" | "word" | "string"; v: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === " " || c === "\t" || c === "\n") i++;
    else if ("()[]".includes(c)) {
      out.push({ t: c as Token["t"], v: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (j >= text.length) throw invalidFilter(`Unterminated string starting at character ${i + 1} of the filter.`);
      let v: string;
      try {
        v = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        throw invalidFilter(`Invalid string ${text.slice(i, j + 1)} in the filter.`);
      }
      out.push({ t: "string", v });
      i = j + 1;
    } else {
      const m = /^[^\s()[\]"]+/.exec(text.slice(i));
      const v = m?.[0] as string;
      out.push({ t: "word", v });
      i += v.length;
    }
  }
  return out;
}

/** `name.givenName` or `urn:…:User:department` → path segments, the core schema's URN dropped. */
export function attributePath(raw: string): string[] {
  if (raw.toLowerCase().startsWith("urn:")) {
    const at = raw.lastIndexOf(":");
    const schema = raw.slice(0, at);
    const rest = raw.slice(at + 1).split(".");
    return CORE.test(schema) ? rest : [schema, ...rest];
  }
  return raw.split(".");
}

const ATTR = /^(urn:[A-Za-z0-9:._-]+:)?[A-Za-z][A-Za-z0-9_$-]*(\.[A-Za-z][A-Za-z0-9_$-]*)?$/;

/** Parses a filter, or throws a 400 invalidFilter that says what is wrong. */
export function parseFilter(text: string): Filter {
  if (text.length > 4096) throw invalidFilter("The filter is longer than 4096 characters.");
  const tokens = tokenize(text);
  let p = 0;
  const peek = () => tokens[p];
  const word = (w: string) => peek()?.t === "word" && peek()?.v.toLowerCase() === w;
  const expect = (t: Token["t"]) => {
    if (peek()?.t !== t)
      throw invalidFilter(`Expected "${t}" ${peek() ? `before "${peek()?.v}"` : "at the end"} in the filter.`);
    p++;
  };
  let depth = 0;
  const orExpr = (): Filter => {
    if (++depth > 32) throw invalidFilter("The filter nests more than 32 levels.");
    let left = andExpr();
    while (word("or")) {
      p++;
      left = { kind: "or", left, right: andExpr() };
    }
    depth--;
    return left;
  };
  const andExpr = (): Filter => {
    let left = unary();
    while (word("and")) {
      p++;
      left = { kind: "and", left, right: unary() };
    }
    return left;
  };
  const value = (): unknown => {
    const tok = tokens[p++];
    if (!tok) throw invalidFilter("A comparison is missing its value at the end of the filter.");
    if (tok.t === "string") return tok.v;
    if (tok.t === "word") {
      const w = tok.v.toLowerCase();
      if (w === "true") return true;
      if (w === "false") return false;
      if (w === "null") return null;
      if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(tok.v)) return Number(tok.v);
    }
    throw invalidFilter(`"${tok.v}" is not a value: quote strings ("…"), or use true, false, null or a number.`);
  };
  const comparison = (path: string[]): Filter => {
    const op = tokens[p++];
    const name = op?.t === "word" ? op.v.toLowerCase() : "";
    if (name === "pr") return { kind: "pr", path };
    if (!OPS.has(name))
      throw invalidFilter(`"${op?.v ?? "end of filter"}" is not a SCIM operator (eq ne co sw ew pr gt ge lt le).`);
    return { kind: "cmp", path, op: name, value: value() };
  };
  const unary = (): Filter => {
    if (word("not")) {
      p++;
      expect("(");
      const expr = orExpr();
      expect(")");
      return { kind: "not", expr };
    }
    if (peek()?.t === "(") {
      p++;
      const expr = orExpr();
      expect(")");
      return expr;
    }
    const tok = tokens[p++];
    if (!tok || tok.t !== "word" || !ATTR.test(tok.v.split("[")[0] as string))
      throw invalidFilter(`Expected an attribute ${tok ? `where "${tok.v}" is` : "at the end"} in the filter.`);
    const path = attributePath(tok.v);
    if (peek()?.t === "[") {
      p++;
      const inner = orExpr();
      expect("]");
      let sub: Filter | undefined;
      const next = peek();
      if (next?.t === "word" && next.v.startsWith(".")) {
        p++;
        sub = comparison([next.v.slice(1)]);
      }
      return { kind: "valuePath", path, filter: inner, ...(sub ? { sub } : {}) };
    }
    return comparison(path);
  };
  if (tokens.length === 0) throw invalidFilter("The filter is empty.");
  const result = orExpr();
  if (p < tokens.length) throw invalidFilter(`Unexpected "${tokens[p]?.v}" in the filter.`);
  return result;
}

/** The top-level attribute names a filter reads (for refusing unknown ones). */
export function filterAttributes(f: Filter): string[] {
  switch (f.kind) {
    case "and":
    case "or":
      return [...filterAttributes(f.left), ...filterAttributes(f.right)];
    case "not":
      return filterAttributes(f.expr);
    default:
      return [f.path[0] as string];
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A property of an object by name, any case. */
export function getCI(obj: unknown, key: string): unknown {
  if (!isObject(obj)) return undefined;
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Every value at a path, multi-valued attributes flattened. */
function valuesAt(obj: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [obj];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const c of current) {
      const v = getCI(c, segment);
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined && v !== null) next.push(v);
    }
    current = next;
  }
  return current;
}

const CASE_EXACT = new Set(["id", "externalid"]);

function compare(actual: unknown, op: string, expected: unknown, caseExact: boolean): boolean {
  if (isObject(actual)) return compare(actual.value, op, expected, caseExact);
  if (expected === null) return op === "eq" ? actual === null : op === "ne" ? actual !== null : false;
  if (typeof expected === "boolean" || typeof actual === "boolean") {
    if (op !== "eq" && op !== "ne") throw invalidFilter(`"${op}" cannot compare booleans; use eq or ne.`);
    return (actual === expected) === (op === "eq");
  }
  if (typeof expected === "number" && typeof actual === "number") {
    const d = actual - expected;
    return op === "eq"
      ? d === 0
      : op === "ne"
        ? d !== 0
        : op === "gt"
          ? d > 0
          : op === "ge"
            ? d >= 0
            : op === "lt"
              ? d < 0
              : op === "le"
                ? d <= 0
                : false;
  }
  let a = String(actual);
  let e = String(expected);
  if (!caseExact) {
    a = a.toLowerCase();
    e = e.toLowerCase();
  }
  switch (op) {
    case "eq":
      return a === e;
    case "ne":
      return a !== e;
    case "co":
      return a.includes(e);
    case "sw":
      return a.startsWith(e);
    case "ew":
      return a.endsWith(e);
    case "gt":
      return a > e;
    case "ge":
      return a >= e;
    case "lt":
      return a < e;
    default:
      return a <= e;
  }
}

/** Whether a resource (as answered) matches the filter. */
export function matches(resource: unknown, f: Filter): boolean {
  switch (f.kind) {
    case "and":
      return matches(resource, f.left) && matches(resource, f.right);
    case "or":
      return matches(resource, f.left) || matches(resource, f.right);
    case "not":
      return !matches(resource, f.expr);
    case "pr":
      return valuesAt(resource, f.path).some((v) => v !== "" && !(isObject(v) && Object.keys(v).length === 0));
    case "cmp": {
      const values = valuesAt(resource, f.path);
      const exact = CASE_EXACT.has((f.path.at(-1) as string).toLowerCase());
      if (f.op === "ne") return values.length === 0 || values.every((v) => compare(v, "ne", f.value, exact));
      return values.some((v) => compare(v, f.op, f.value, exact));
    }
    case "valuePath": {
      const elements = valuesAt(resource, f.path).filter((e) => matches(e, f.filter));
      return f.sub ? elements.some((e) => matches(e, f.sub as Filter)) : elements.length > 0;
    }
  }
}

/** The equality a filter asks of one attribute (`userName eq "x"`), when it is exactly that: lets lookups use an index. */
export function simpleEquality(f: Filter): { attribute: string; value: string } | undefined {
  if (f.kind !== "cmp" || f.op !== "eq" || f.path.length !== 1 || typeof f.value !== "string") return undefined;
  return { attribute: (f.path[0] as string).toLowerCase(), value: f.value };
}
