// A CLI command derived from an operation: its flags come from the operation's input schemas (names, help,
// required or not, how a string becomes the field's type), so a field added to an operation is a flag the
// same day. A command only says what the CLI spells differently and how to print the answer.
import { type Command, Option } from "commander";
import { z } from "zod";
import { ClerkError } from "../errors.js";
import type { Operation, OperationCall } from "../operations/index.js";
import { listAll } from "./api.js";
import type { CliSession } from "./context.js";
import { jsonObject } from "./input.js";
import type { CommandOutput } from "./output.js";
import { action } from "./run.js";

/** How the CLI spells one input field, when it differs from the derived `--field-name <value>`. */
export interface FlagSpec {
  /** The flag's name without dashes (default: the field in kebab case). */
  flag?: string;
  /** The placeholder in help, e.g. `<email>` (default: the flag's name). */
  value?: string;
  help?: string;
  /** The value when the flag is not given, shown in help as commander shows a default. */
  default?: string;
  /** Turns the flag's value (undefined when not given) into the field's, e.g. the organization from `clerk org use`. */
  resolve?: (given: string | undefined) => unknown;
  /** A field the CLI sets itself rather than asking for (e.g. a constant), never a flag. */
  fixed?: unknown;
}

/** One positional argument, naming an input field. */
export interface ArgSpec {
  field: string;
  name: string;
  description: string;
  optional?: boolean;
}

export interface OperationCommandSpec<O extends z.ZodType> {
  description: string;
  examples?: readonly string[];
  args?: readonly ArgSpec[];
  /** Per field: its CLI spelling, or `false` to leave it out of the CLI. */
  flags?: Readonly<Record<string, FlagSpec | false>>;
  /** A list operation whose every page the CLI fetches (limit and offset are then not flags). */
  paged?: boolean;
  /** Options the CLI adds that are not the operation's input (e.g. --output); read them in `render`. */
  extra?: (command: Command) => void;
  render: (
    result: z.output<O>,
    context: { session: CliSession; options: Record<string, unknown> },
  ) => CommandOutput | Promise<CommandOutput>;
}

type Where = "params" | "query" | "body";

interface Field {
  name: string;
  where: Where;
  schema: z.ZodType;
  required: boolean;
}

const kebab = (name: string) => name.replace(/_/g, "-");
const camel = (flag: string) => flag.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function fieldsOf(op: Operation): Field[] {
  const out: Field[] = [];
  for (const where of ["params", "query", "body"] as const) {
    const schema = op.spec[where];
    if (!(schema instanceof z.ZodObject)) continue;
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      out.push({ name, where, schema: field, required: !field.safeParse(undefined).success });
    }
  }
  return out;
}

/** The field's type under optional, nullable, default and pipes: what a flag's string must become. */
function baseOf(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType;
    } else return s;
  }
}

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;

/** A flag's string as the field's type: numbers, booleans, comma lists and JSON objects, with a message naming the flag. */
export function fromFlag(schema: z.ZodType, value: string, flag: string): unknown {
  const base = baseOf(schema);
  if (base instanceof z.ZodNumber) {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n))
      throw new ClerkError("input.invalid", `--${flag} "${value}" is not a number.`, { param: flag });
    return n;
  }
  if (base instanceof z.ZodBoolean) {
    if (TRUE.test(value)) return true;
    if (FALSE.test(value)) return false;
    throw new ClerkError("input.invalid", `--${flag} "${value}" is not true or false.`, { param: flag });
  }
  if (base instanceof z.ZodArray)
    return value
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "");
  if (base instanceof z.ZodRecord || base instanceof z.ZodObject) return jsonObject(value, flag);
  return value;
}

/** Adds `name` under `parent`, with flags derived from `op`, calling it in-process or over HTTP. */
export function operationCommand<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, O extends z.ZodType>(
  parent: Command,
  name: string,
  op: Operation<P, Q, B, O>,
  spec: OperationCommandSpec<O>,
): Command {
  const command = parent.command(name).description(spec.description);
  const args = spec.args ?? [];
  for (const arg of args) command.argument(arg.optional ? `[${arg.name}]` : `<${arg.name}>`, arg.description);
  const fields = fieldsOf(op as unknown as Operation).filter(
    (f) => !(spec.paged && f.where === "query" && (f.name === "limit" || f.name === "offset")),
  );
  const flagged: { field: Field; flag: string; attribute: string; resolve?: FlagSpec["resolve"] }[] = [];
  const fixed: { field: Field; value: unknown }[] = [];
  for (const field of fields) {
    const custom = spec.flags?.[field.name];
    if (custom === false || args.some((a) => a.field === field.name)) continue;
    if (custom && "fixed" in custom) {
      fixed.push({ field, value: custom.fixed });
      continue;
    }
    const flag = custom?.flag ?? kebab(field.name);
    const base = baseOf(field.schema);
    const help = custom?.help ?? field.schema.description ?? base.description ?? field.name.replace(/_/g, " ");
    const option = new Option(`--${flag} <${custom?.value ?? flag}>`, help);
    if (base instanceof z.ZodEnum) option.choices(base.options.map(String));
    if (custom?.default !== undefined) option.default(custom.default);
    if (field.required && !custom?.resolve) option.makeOptionMandatory();
    command.addOption(option);
    flagged.push({ field, flag, attribute: camel(flag), resolve: custom?.resolve });
  }
  spec.extra?.(command);
  if (spec.examples?.length)
    command.addHelpText(
      "after",
      `\n${spec.examples.length === 1 ? "Example" : "Examples"}:\n${spec.examples.map((e) => `  ${e}`).join("\n")}`,
    );
  command.action(
    action<Record<string, unknown>>(async (session, options, given) => {
      const input: Record<Where, Record<string, unknown>> = { params: {}, query: {}, body: {} };
      args.forEach((arg, i) => {
        const field = fields.find((f) => f.name === arg.field);
        const value = given[i];
        if (field && value !== undefined) input[field.where][field.name] = fromFlag(field.schema, value, arg.name);
      });
      for (const { field, flag, attribute, resolve } of flagged) {
        const raw = options[attribute] as string | undefined;
        const value = resolve ? resolve(raw) : raw === undefined ? undefined : fromFlag(field.schema, raw, flag);
        if (value !== undefined) input[field.where][field.name] = value;
      }
      for (const { field, value } of fixed) input[field.where][field.name] = value;
      const call = {
        params: input.params,
        query: input.query,
        ...(op.spec.body ? { body: input.body } : {}),
      } as OperationCall<P, Q, B>;
      // Every page, handed over as one page whose total is what was fetched: the same shape either way.
      const result = spec.paged
        ? await listAll(session.api, op as never, call as never).then(
            (all) => ({ data: all, total_count: all.length }) as z.output<O>,
          )
        : await session.api.call(op, call);
      return spec.render(result, { session, options });
    }),
  );
  return command;
}
