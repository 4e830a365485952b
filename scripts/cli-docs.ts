// Renders docs/cli.md from the commander definitions: every command with its description, arguments, options
// and examples, so the reference can never say something `clerk <command> --help` does not.
import type { Command } from "commander";

const PREAMBLE = `# CLI reference

<!-- Generated from the command definitions by \`npm run docs:cli\`; do not edit by hand (a test fails when it is stale). -->

Every command of \`clerk\`, as \`clerk <command> --help\` shows it. The rules behind the commands are on the
feature pages: [access](access.md), [workflows](workflows.md), [audit and health](audit-and-health.md),
[sessions and the SDK](sdk.md), [operations](operations.md).

- **Output**: \`--format table\` on a terminal (fitted to its width, coloured unless \`NO_COLOR\` is set),
  \`--format json\` otherwise; the JSON shapes are stable.
- **Acting as someone**: \`--as <email>\` acts as that member, held to their permissions; without it the local
  operator acts as an instance admin.
- **Naming things**: an id, a slug or key, or a name (case-insensitive) wherever a command asks for one, with a
  suggestion when nothing matches. A command's subject can be given as its argument or as its option alike
  (\`clerk task approve <task>\` or \`--task <task>\`; \`clerk workflow show <workflow>\` or \`--workflow <workflow>\`).
  \`--organization\` defaults to the one chosen with \`clerk org use\`.
- **Exit codes**: \`0\` success, \`1\` unexpected failure, \`2\` bad input or usage, \`3\` not found, \`4\` refused by
  a rule (and \`clerk check\` denied). Errors are one line on stderr saying what was wrong and what would be
  right; with \`--format json\` they are \`{"error":{"code","message","param","details"}}\`. A refused command
  changes nothing.
- **Remote mode**: with \`CLERK_API_URL\` and \`CLERK_SECRET_KEY\` set, every command except \`serve\` calls that
  server instead of opening a store ([configuration](configuration.md#remote-mode)).
`;

/** The text a command adds after its help (its examples), without the pointer groups add to their subcommands. */
function afterHelp(command: Command): string {
  let text = "";
  // commander keeps addHelpText() as listeners of its "afterHelp" event (a Command is an EventEmitter).
  (command as unknown as NodeJS.EventEmitter).emit("afterHelp", {
    error: false,
    command,
    write: (s: string) => (text += s),
  });
  return text
    .split("\n")
    .filter((line) => !line.startsWith('Run "clerk '))
    .join("\n")
    .trim();
}

function examplesOf(command: Command): string[] {
  const text = afterHelp(command);
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^Examples?:$/.test(l.trim()));
  if (start < 0) return [];
  return lines
    .slice(start + 1)
    .filter((l) => l.trim() !== "")
    .map((l) => l.trim());
}

function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** A table cell: pipes escaped, and `<name>` kept as text rather than read as an HTML tag. */
const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function usageOf(command: Command): string {
  return `${pathOf(command)} ${command.usage()}`.trim();
}

function renderCommand(command: Command, level: number): string {
  const out: string[] = [`${"#".repeat(level)} ${pathOf(command)}`, ""];
  if (command.description()) out.push(command.description(), "");
  const subcommands = command.commands;
  const options = command.options.filter((o) => !o.hidden);
  const args = command.registeredArguments;
  if (subcommands.length > 0 && options.length === 0 && args.length === 0) {
    out.push(
      "| command | does |",
      "| --- | --- |",
      ...subcommands.map(
        (s) => `| [\`${s.name()}\`](#${pathOf(s).replace(/ /g, "-").toLowerCase()}) | ${escapeCell(s.description())} |`,
      ),
      "",
    );
  } else {
    out.push("```", usageOf(command), "```", "");
    if (args.length > 0) {
      out.push("| argument | meaning |", "| --- | --- |");
      for (const a of args) {
        const shown = a.required ? `<${a.name()}>` : `[${a.name()}]`;
        out.push(`| \`${shown}${a.variadic ? "…" : ""}\` | ${escapeCell(a.description)} |`);
      }
      out.push("");
    }
    if (options.length > 0) {
      out.push("| option | meaning |", "| --- | --- |");
      for (const o of options) {
        const notes: string[] = [];
        if (o.mandatory) notes.push("required");
        if (o.defaultValue !== undefined && !o.negate) notes.push(`default: \`${JSON.stringify(o.defaultValue)}\``);
        const suffix = notes.length > 0 ? ` (${notes.join("; ")})` : "";
        out.push(`| \`${o.flags}\` | ${escapeCell(o.description)}${suffix} |`);
      }
      out.push("");
    }
  }
  const examples = examplesOf(command);
  if (examples.length > 0)
    out.push(examples.length > 1 ? "Examples:" : "Example:", "", "```sh", ...examples, "```", "");
  for (const sub of subcommands) out.push(renderCommand(sub, Math.min(level + 1, 4)));
  return out.join("\n");
}

/** docs/cli.md for `program`: the preamble, the global options, then every command in registration order. */
export function renderCliDocs(program: Command): string {
  const out: string[] = [PREAMBLE, "## Global options", "", "```", usageOf(program), "```", ""];
  out.push("| option | meaning |", "| --- | --- |");
  for (const o of program.options) out.push(`| \`${o.flags}\` | ${escapeCell(o.description)} |`);
  out.push("", "| command | does |", "| --- | --- |");
  for (const c of program.commands)
    out.push(`| [\`${c.name()}\`](#${pathOf(c).replace(/ /g, "-").toLowerCase()}) | ${escapeCell(c.description())} |`);
  out.push("");
  const examples = examplesOf(program);
  if (examples.length > 0) out.push("Examples:", "", "```sh", ...examples, "```", "");
  for (const c of program.commands) out.push(renderCommand(c, 2));
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
