// One object, named either way: every command that takes its subject as a positional argument also takes it
// as an option, and the reverse (`clerk task approve <task>` = `--task <task>`, `clerk workflow show <workflow>`
// = `--workflow <workflow>`), so nobody has to remember which spelling a command wants.
import { Argument, type Command, Option } from "commander";

/** The option that names the same object as a positional argument, when its name differs. */
const OPTION_OF_ARGUMENT: Readonly<Record<string, string>> = Object.freeze({
  org: "organization",
  "session-id": "session",
});

/**
 * The option that is a group's subject, and whether every command below the group takes it as a positional
 * (`workflow stage add <workflow>`) or only the group's direct commands (`org info <organization>`, not
 * `org member add`, whose subject is the member).
 */
const SUBJECT_OF_GROUP: Readonly<Record<string, { option: string; deep: boolean }>> = Object.freeze({
  workflow: { option: "workflow", deep: true },
  role: { option: "role", deep: false },
  org: { option: "organization", deep: false },
  task: { option: "task", deep: false },
  run: { option: "run", deep: false },
});

interface Pairing {
  option: Option;
  index: number;
  required: boolean;
}

function attributeOf(option: Option): string {
  return option.attributeName();
}

function pairingFor(command: Command, groups: readonly string[]): Pairing | undefined {
  const args = command.registeredArguments;
  if (args.length === 1) {
    const arg = args[0] as Argument;
    if (arg.variadic) return undefined;
    const name = OPTION_OF_ARGUMENT[arg.name()] ?? arg.name();
    let option = command.options.find((o) => o.long === `--${name}`);
    if (!option) {
      option = new Option(`--${name} <${arg.name()}>`, `the same as the <${arg.name()}> argument`);
      command.addOption(option);
    }
    const required = arg.required;
    arg.required = false;
    arg.description = `${arg.description} (or ${option.long})`;
    return { option, index: 0, required };
  }
  if (args.length > 0) return undefined;
  const top = groups[0];
  const subject = top === undefined ? undefined : SUBJECT_OF_GROUP[top];
  if (!subject || (!subject.deep && groups.length > 1)) return undefined;
  const option = command.options.find((o) => o.long === `--${subject.option}`);
  if (!option) return undefined;
  const required = option.mandatory;
  option.mandatory = false;
  const name = option.flags.match(/<([^>]+)>/)?.[1] ?? subject.option;
  command.addArgument(new Argument(`[${name}]`, `the same as ${option.long}`));
  return { option, index: 0, required };
}

/**
 * Lets `command` (at `groups`, its parent commands' names below the program) take its subject either way.
 * Both given and different is a usage error (exit 2); neither, when one was required, says both spellings.
 */
export function acceptSubjectEitherWay(command: Command, groups: readonly string[]): void {
  const pairing = pairingFor(command, groups);
  if (!pairing) return;
  const { option, index, required } = pairing;
  command.hook("preAction", (_program, actioned) => {
    if (actioned !== command) return;
    const key = attributeOf(option);
    const positional = command.args[index];
    const flagged = command.getOptionValue(key) as string | undefined;
    const argName = command.registeredArguments[index]?.name() ?? key;
    if (positional !== undefined && flagged !== undefined && positional !== flagged)
      command.error(
        `error: "${positional}" and ${option.long} "${flagged}" name two different objects; give it once, as <${argName}> or ${option.long}.`,
        { exitCode: 2, code: "clerk.subjectConflict" },
      );
    const value = positional ?? flagged;
    if (value === undefined) {
      if (required)
        command.error(
          `error: missing the ${argName}: clerk ${[...groups, command.name()].join(" ")} <${argName}>, or ${option.long} <${argName}>.`,
          { exitCode: 2, code: "clerk.subjectMissing" },
        );
      return;
    }
    command.setOptionValue(key, value);
    command.args[index] = value;
    command.processedArgs[index] = value;
  });
}
