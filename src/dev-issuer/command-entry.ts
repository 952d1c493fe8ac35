import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where a command writes; tests pass their own. */
export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Whether the module at `moduleUrl` is the script node was started with (not an import of it). */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv.at(1);
  if (entry === undefined) return false;
  try {
    return moduleUrl === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

/** Runs a command as the process's own: its exit code becomes the process's. */
export async function runAsMain(
  run: (argv: readonly string[], env: NodeJS.ProcessEnv, output: CommandOutput) => Promise<number>,
): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
