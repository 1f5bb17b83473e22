// Commands whose options and action live in a module loaded only when the command runs or shows its
// help. `demo` and `simulate` run the simulator, a third of the code: declared this way, a sync, a
// worker or a status check never loads it, while `simulate --help` still lists its fault kinds.

import { Command, Help } from 'commander';

/** Gives a declared command its options and action. */
export type CommandDefinition = (command: Command) => void;

const pending = new WeakMap<Command, () => Promise<CommandDefinition>>();

/** A command known by name and description; `load` brings the rest when it is needed. */
export function lazyCommand(name: string, description: string, load: () => Promise<CommandDefinition>): Command {
  const command = new Command(name).description(description);
  pending.set(command, load);
  return command;
}

/** Loads and applies a lazy command's definition, once; other commands are left as they are. */
export async function completeCommand(command: Command): Promise<void> {
  const load = pending.get(command);
  if (!load) return;
  pending.delete(command);
  (await load())(command);
}

/**
 * Completes each lazy subcommand of `program` before commander parses its arguments or prints its
 * help. Commander's own `help <command>` prints a subcommand's help without waiting for anything,
 * so `program` gets a help command of its own that completes the command first.
 */
export function completeLazyCommands(program: Command): void {
  // The list of commands shows "[options]" for a command that has some; a lazy one has them, unloaded.
  program.configureHelp({ subcommandTerm: (command) => `${new Help().subcommandTerm(command)}${pending.has(command) ? ' [options]' : ''}` });
  program.hook('preSubcommand', (_program, command) => completeCommand(command));
  program.helpCommand(false);
  program
    .command('help [command]')
    .description('display help for command')
    .action(async (name: string | undefined) => {
      if (name === undefined) program.help();
      const command = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (!command) program.help({ error: true });
      await completeCommand(command);
      command.help();
    });
}
