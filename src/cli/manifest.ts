// The command table as data: what `clerk --help` (and every command's --help) prints, without loading the
// features. The build writes it from `buildProgram()`; `programFromManifest` rebuilds the same commander tree
// (names, options, arguments, help texts), without actions, so commander itself formats the help as it would.
import type { EventEmitter } from "node:events";
import { Argument, Command, Option } from "commander";

/** One command of the tree, as JSON. */
export interface CommandManifest {
  /** The command's own settings (commander's fields: name, description, aliases, hidden, …). */
  fields: Record<string, unknown>;
  options: Record<string, unknown>[];
  arguments: Record<string, unknown>[];
  helpOption?: Record<string, unknown> | null;
  /** Texts added with addHelpText, by position. */
  helpTexts: { position: HelpPosition; text: string }[];
  commands: CommandManifest[];
}

type HelpPosition = "beforeAll" | "before" | "after" | "afterAll";
const POSITIONS: readonly HelpPosition[] = ["beforeAll", "before", "after", "afterAll"];

/** The fields of a commander command that define it (the rest is per-parse state, actions and hooks). */
const DEFINITION = [
  "_name",
  "_description",
  "_summary",
  "_aliases",
  "_hidden",
  "_usage",
  "_argsDescription",
  "_allowUnknownOption",
  "_allowExcessArguments",
  "_combineFlagAndOptionalValue",
  "_enablePositionalOptions",
  "_passThroughOptions",
  "_showHelpAfterError",
  "_showSuggestionAfterError",
  "_helpConfiguration",
  "_helpGroupHeading",
  "_defaultCommandGroup",
  "_defaultOptionGroup",
  "_addImplicitHelpCommand",
  "_defaultCommandName",
  "_version",
  "_versionOptionName",
] as const;

/** The JSON-able fields of an option or argument (functions, such as argument parsers, are left out). */
function plain(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** Describes `command` and everything below it. */
export function describeCommand(command: Command): CommandManifest {
  const internal = command as unknown as Record<string, unknown>;
  const helpTexts: CommandManifest["helpTexts"] = [];
  for (const position of POSITIONS) {
    // addHelpText registers a listener that writes its text; replaying it captures the text.
    let text = "";
    (command as unknown as EventEmitter).emit(`${position}Help`, {
      error: false,
      command,
      write: (s: string) => (text += s),
    });
    if (text !== "") helpTexts.push({ position, text: text.replace(/\n$/, "") });
  }
  const helpOption = internal._helpOption;
  return {
    fields: Object.fromEntries(DEFINITION.filter((k) => internal[k] !== undefined).map((k) => [k, internal[k]])),
    options: command.options.map((o) => plain(o)),
    arguments: command.registeredArguments.map((a) => plain(a)),
    ...(helpOption instanceof Option
      ? { helpOption: plain(helpOption) }
      : helpOption === null
        ? { helpOption: null }
        : {}),
    helpTexts,
    commands: command.commands.map(describeCommand),
  };
}

/** The commander tree `manifest` describes, each command configured by `configure` (exit override, output). */
export function programFromManifest(manifest: CommandManifest, configure: (command: Command) => void): Command {
  const { _version: version, _versionOptionName: versionName, ...fields } = manifest.fields;
  const command = new Command(String(fields._name));
  Object.assign(command, fields);
  for (const o of manifest.options) {
    const option = Object.assign(new Option(String(o.flags)), o);
    // The version option is the one commander answers itself: registered through version(), as it was.
    if (version !== undefined && option.attributeName() === versionName)
      command.version(String(version), option.flags, option.description);
    else command.addOption(option);
  }
  for (const a of manifest.arguments) {
    const argument = new Argument(String(a._name));
    command.addArgument(Object.assign(argument, a));
  }
  if (manifest.helpOption === null) command.helpOption(false);
  else if (manifest.helpOption)
    command.addHelpOption(Object.assign(new Option(String(manifest.helpOption.flags)), manifest.helpOption));
  for (const { position, text } of manifest.helpTexts) command.addHelpText(position, text);
  configure(command);
  for (const child of manifest.commands) command.addCommand(programFromManifest(child, configure));
  return command;
}
