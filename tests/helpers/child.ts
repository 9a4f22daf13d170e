// Child processes of the tests (servers, schedulers): stopped as a supervisor would stop them.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `exited` resolves when the child exits; `stop()` sends SIGTERM, then SIGKILL after 5 s, and resolves
 * once it has exited (at once if it has).
 */
export function supervise(child: ChildProcess): { exited: Promise<void>; stop(): Promise<void> } {
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(timer);
	};
	return { exited, stop };
}

export interface ReportingChild<L> {
	process: ChildProcess;
	/** Every JSON line the child printed, in order. */
	lines: L[];
	exited: Promise<void>;
	stop(): Promise<void>;
}

/**
 * Starts a test child (`node --import tsx <script> ...args`) that reports on stdout as JSON lines, and
 * resolves once it prints `{"event":"ready"}`; rejects if it exits first or is not ready in 90 s.
 */
export function startReportingChild<L extends { event: string }>(
	name: string,
	script: string,
	{ args = [], env, stdin = false }: { args?: string[]; env: NodeJS.ProcessEnv; stdin?: boolean }
): Promise<ReportingChild<L>> {
	const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
	const lines: L[] = [];
	let stderr = '';
	let buffer = '';
	child.stderr!.on('data', (chunk) => (stderr += chunk));
	const { stop, exited } = supervise(child);
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			void stop();
			reject(new Error(`${name} did not start in 90 s: ${stderr}`));
		}, 90_000);
		child.stdout!.on('data', (chunk) => {
			buffer += chunk;
			let newline: number;
			while ((newline = buffer.indexOf('\n')) >= 0) {
				const text = buffer.slice(0, newline);
				buffer = buffer.slice(newline + 1);
				if (!text.startsWith('{')) continue;
				const line = JSON.parse(text) as L;
				lines.push(line);
				if (line.event === 'ready') {
					clearTimeout(timer);
					resolve({ process: child, lines, exited, stop });
				}
			}
		});
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			reject(new Error(`${name} exited with ${code ?? signal}: ${stderr}`));
		});
	});
}

/** Polls `check` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
	const start = Date.now();
	while (!(await check())) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}
