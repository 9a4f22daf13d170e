// Which other processes have the embedded database open. PGlite lets two processes open one data
// folder and then both write to it, which corrupts it; the server and the CLI refuse to start instead.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Processes other than this one that hold files of the embedded database open. PGlite writes a
 * postmaster.pid, but with a fake pid (-42), and leaves it behind when a dev server is stopped, so it
 * proves nothing. Instead: /proc on Linux, lsof elsewhere; 'unknown' when neither can tell.
 */
export function embeddedDatabaseHolders(dataDir: string): { pid: number; command: string }[] | 'unknown' {
	const dir = resolve(dataDir, 'pglite');
	if (!existsSync(dir)) return [];
	const real = realpathSync(dir);
	if (process.platform === 'linux' && existsSync('/proc/self/fd')) return holdersFromProc(real);
	try {
		const out = execFileSync('lsof', ['-t', '+D', real], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
		return [...new Set(out.split(/\s+/).filter(Boolean).map(Number))].filter((pid) => pid !== process.pid).map((pid) => ({ pid, command: '' }));
	} catch (error) {
		// lsof exits 1 when nothing has a file open; anything else means it could not tell.
		return (error as { status?: number }).status === 1 ? [] : 'unknown';
	}
}

function holdersFromProc(dir: string) {
	const prefix = dir + '/';
	const holders: { pid: number; command: string }[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		let fds: string[];
		try {
			fds = readdirSync(`/proc/${entry}/fd`);
		} catch {
			continue; // gone, or not ours to look at
		}
		for (const fd of fds) {
			let target: string;
			try {
				target = readlinkSync(`/proc/${entry}/fd/${fd}`);
			} catch {
				continue;
			}
			if (!target.startsWith(prefix)) continue;
			let command = '';
			try {
				command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
			} catch {
				/* the process ended meanwhile */
			}
			holders.push({ pid: Number(entry), command: command.length > 100 ? `${command.slice(0, 97)}...` : command });
			break;
		}
	}
	return holders;
}

/** Throws, naming the processes, when another process has the embedded database in dataDir open. */
export function assertEmbeddedDatabaseFree(dataDir: string) {
	const holders = embeddedDatabaseHolders(dataDir);
	if (holders === 'unknown' || holders.length === 0) return;
	const who = holders.map((h) => `process ${h.pid}${h.command ? ` (${h.command})` : ''}`).join(', ');
	throw new Error(
		`the embedded database in ${resolve(dataDir)} can be open in one process at a time, and ${who} has it open. ` +
			'Stop that process, set PODIUM_DATA_DIR to another folder, or run on PostgreSQL (DATABASE_URL).'
	);
}
