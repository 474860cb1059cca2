import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The CLI as the e2e tests run it: `node cli/hashmark.mjs <args>` from the repository, its exit code
 * and output. A non-zero exit is a result to assert on (the CLI's exit codes say what happened), never
 * a throw; a run that could not start at all, or was killed, still throws.
 */
interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const execFileP = promisify(execFile);

export async function runCli(
  args: string[],
  o: { maxBuffer?: number; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<CliResult> {
  try {
    const r = await execFileP('node', ['cli/hashmark.mjs', ...args], { maxBuffer: 16 << 20, ...o });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof x.code !== 'number') throw e;
    return { code: x.code, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}
