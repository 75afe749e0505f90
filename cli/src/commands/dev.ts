import { watch } from 'node:fs';
import { relative } from 'node:path';
import type { CommandContext } from '../context.js';
import { cliErrorFrom, ExitCode } from '../exit-codes.js';
import { isExcluded } from '../function-folder.js';
import { FunctionLogFollower } from '../function-log-follower.js';
import { formatLogLine, logLineDocument } from '../log-lines.js';
import { deployFolder, describeDeploy, functionFolder } from './deploy.js';
import { untilInterrupted } from './logs.js';

/** Changes closer together than this make one redeploy (editors write a file in several steps). */
const DEBOUNCE_MS = 300;

/**
 * `fngraph dev [dir]`: deploys the folder, then again on every change (debounced, one at
 * a time), and tails the function's logs meanwhile. A failed deploy or build is printed
 * and waits for the next change. Runs until Ctrl-C.
 */
export async function devCommand(context: CommandContext, dir: string | undefined): Promise<void> {
  const folder = functionFolder(dir);
  const { output } = context;
  const signal = untilInterrupted();
  let follower: Promise<void> | null = null;
  let running = false;
  let pending = false;
  /** What was deployed last: a change that leaves the registration as it was (an editor's touch) deploys nothing. */
  let lastDeployed: string | undefined;

  const deploy = async (): Promise<void> => {
    if (running) {
      pending = true;
      return;
    }
    running = true;
    try {
      const result = await deployFolder(context, folder, lastDeployed);
      if (result) {
        lastDeployed = result.inputHash;
        output.event({ type: 'deploy', ...result }, () => describeDeploy(result, context.connection.url));
        follower ??= new FunctionLogFollower(
          context,
          result.function.id,
          (line) => output.event(logLineDocument(line), () => formatLogLine(line)),
          (message) => output.note(message),
        )
          .run(signal)
          .catch((error: unknown) => output.note(`Log stream stopped: ${cliErrorFrom(error).message}`));
      }
    } catch (error) {
      const failure = cliErrorFrom(error);
      output.event({ type: 'error', code: failure.code, message: failure.message }, () => `Deploy failed: ${failure.message}`);
      if (failure.exitCode === ExitCode.AUTH) throw failure;
    } finally {
      running = false;
    }
    if (pending && !signal.aborted) {
      pending = false;
      await deploy();
    }
  };

  // Watching starts before the first deploy, so that no change made meanwhile is missed.
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(folder, { recursive: true }, (_event, file) => {
    if (file && isExcluded(relative(folder, `${folder}/${file}`))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void deploy().catch((error: unknown) => output.note(cliErrorFrom(error).message)), DEBOUNCE_MS);
  });
  output.note(`Watching ${folder} (Ctrl-C to stop)`);
  await deploy();
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  clearTimeout(timer);
  watcher.close();
  await follower;
}
