#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { CommandContext, type GlobalOptions } from './context.js';
import { CliError, ExitCode, ReportedFailure, cliErrorFrom } from './exit-codes.js';
import { Output, type OutputFormat } from './output.js';
import { codegenCommand } from './commands/codegen.js';
import { deployCommand } from './commands/deploy.js';
import { devCommand } from './commands/dev.js';
import { initCommand } from './commands/init.js';
import { invokeCommand } from './commands/invoke.js';
import { createKeyCommand, listKeysCommand, revokeKeyCommand } from './commands/keys.js';
import { loginCommand } from './commands/login.js';
import { logsCommand } from './commands/logs.js';
import { rollbackCommand, versionsCommand } from './commands/versions.js';
import { deleteAliasCommand, listAliasesCommand, setAliasCommand } from './commands/aliases.js';

const VERSION = '0.1.0';

/** The output format, also for errors found before the options are parsed. */
function outputFormatOf(argv: string[]): OutputFormat {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--output=json' || arg === '-ojson') return 'json';
    if ((arg === '--output' || arg === '-o') && argv[index + 1] === 'json') return 'json';
  }
  return 'text';
}

/** Wraps a command: a context from the global options, closed afterwards. */
function action<Args extends unknown[]>(run: (context: CommandContext, ...args: Args) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const context = new CommandContext(command.optsWithGlobals<GlobalOptions>());
    try {
      await run(context, ...(args.slice(0, -1) as Args));
    } finally {
      await context.close();
    }
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(): Command {
  const program = new Command('fngraph')
    .description('Deploy and run functions on an fngraph server')
    .version(VERSION)
    .addOption(new Option('-o, --output <format>', 'text for people, json for scripts (one JSON document)').choices(['text', 'json']).default('text'))
    .option('--url <url>', 'the server (default: FNGRAPH_URL, else the one of `fngraph login`, else http://127.0.0.1:8080)')
    .showHelpAfterError('(fngraph --help lists the commands and options)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Credentials: FNGRAPH_API_KEY (and FNGRAPH_URL) override what \`fngraph login\` stored.
Exit codes: 0 ok, 1 failed build or invocation, 2 usage or manifest error, 3 authentication
or permission, 4 server unreachable, 5 request refused by the server (not found, invalid, conflict).`,
    );

  program
    .command('login')
    .description('check an API key against the server and store it (0600) under $XDG_CONFIG_HOME/fngraph/')
    .argument('[url]', 'the server URL')
    .option('--api-key-stdin', 'read the key from stdin (else FNGRAPH_API_KEY, else a prompt)')
    .action(action(loginCommand));

  program
    .command('init')
    .description('create a function folder from a template: manifest + handler')
    .argument('<template>', 'js, ts or python')
    .argument('[dir]', 'the folder (default: the current one)')
    .option('--name <name>', 'the function name (default: from the folder name)')
    .action(action(initCommand));

  program
    .command('deploy')
    .description('register the folder as a function (or a new version of it) and wait for its build')
    .argument('[dir]', 'the function folder (default: the current one)')
    .action(action(deployCommand));

  program
    .command('invoke')
    .description('invoke a function and print its result')
    .argument('<name>', 'the function')
    .option('-d, --data <payload>', 'the payload (JSON is sent as JSON, anything else as the body)')
    .option('-f, --file <path>', 'read the payload from a file (- for stdin); stdin is read when it is a pipe or a file')
    .option('-X, --method <method>', 'HTTP method of the event')
    .option('--path <path>', 'path of the event (what follows /fn/<name>)')
    .option('-H, --header <name:value>', 'a header of the event (repeatable)', collect)
    .option('-q, --query <name=value>', 'a query parameter of the event (repeatable)', collect)
    .option('--pin <version>', 'run this version (default: the latest)')
    .option('--async', 'queue it and print the invocation id')
    .option('--follow', 'queue it, stream its logs as they happen, then print the result')
    .action(action(invokeCommand));

  program
    .command('logs')
    .description("print the function's latest log lines, or follow them live")
    .argument('<name>', 'the function')
    .option('-f, --follow', 'stream new lines (reconnects and catches up after a server restart); JSON Lines with --output json')
    .option('-n, --limit <count>', 'invocations to print without --follow', '10')
    .action(action(logsCommand));

  program.command('versions').description('list the versions of a function, newest first').argument('<name>', 'the function').action(action(versionsCommand));

  program
    .command('rollback')
    .description(
      "point the alias (default: `default`, what /fn/<name> runs) back at an older version at once; a function without that alias gets the older version's code re-deployed as a new version",
    )
    .argument('<name>', 'the function')
    .argument('[version]', 'the version to go back to (default: the one before the current one)')
    .option('--alias <alias>', 'the alias to move (it must exist)')
    .option('--to <version>', 'the version to go back to')
    .action(action(rollbackCommand));

  const aliases = program.command('alias').description("manage a function's aliases (/fn/<name>@<alias>; `default` is what /fn/<name> runs)");
  aliases.command('list').description('list the aliases of a function').argument('<name>', 'the function').action(action(listAliasesCommand));
  aliases
    .command('set')
    .description('create or replace an alias: one version, or two with weights summing to 100 (e.g. 1.4.0=90 1.5.0=10)')
    .argument('<name>', 'the function')
    .argument('<alias>', 'the alias (lower-case letters, digits, dashes)')
    .argument('<routes...>', '<version>[=<weight>] [<version>=<weight>]')
    .action(action(setAliasCommand));
  aliases
    .command('delete')
    .description('delete an alias')
    .argument('<name>', 'the function')
    .argument('<alias>', 'the alias')
    .action(action(deleteAliasCommand));

  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create an API key (the secret is printed once)')
    .argument('<name>', 'what the key is for')
    .option('-r, --role <role>', 'admin, developer, invoker or viewer (repeatable)', collect, [])
    .option('--owner <userId>', 'the user the key acts as (admins only)')
    .option('--expires <dateTime>', 'when it stops working (ISO 8601)')
    .action(action(createKeyCommand));
  keys.command('list').description('list your API keys (admins: all)').action(action(listKeysCommand));
  keys.command('revoke').description('revoke an API key by id').argument('<id>', 'the key id').action(action(revokeKeyCommand));

  program
    .command('codegen')
    .description("write a TypeScript (or Python) module with a typed method per function, from its latest version's declared schemas")
    .option('--out <file>', 'the module to write (default: fngraph-functions.ts, with --python fngraph_functions.py)')
    .option('--function <name...>', 'only these functions (default: every function you may invoke)')
    .option('--python', 'write a Python module for the fngraph Python client (sdk/python) instead')
    .action(action(codegenCommand));

  program
    .command('dev')
    .description('deploy the folder, redeploy on every change, and tail the logs')
    .argument('[dir]', 'the function folder (default: the current one)')
    .action(action(devCommand));

  return program;
}

async function main(argv: string[]): Promise<number> {
  const output = new Output(outputFormatOf(argv));
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with code 0; Commander printed its own message otherwise.
      if (error.exitCode === 0) return ExitCode.OK;
      if (output.json) output.error(new CliError(error.message.replace(/^error: /, ''), ExitCode.USAGE, 'USAGE'));
      return ExitCode.USAGE;
    }
    if (error instanceof ReportedFailure) return error.exitCode;
    const failure = cliErrorFrom(error);
    output.error(failure);
    if (process.env.FNGRAPH_DEBUG && error instanceof Error && !(error instanceof CliError)) process.stderr.write(`${error.stack}\n`);
    return failure.exitCode;
  }
}

process.exit(await main(process.argv));
