// Two processes writing one embedded (PGlite) data folder corrupt it: the server refuses to open a
// folder another process has open, and says which process that is.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import '../helpers/env';
import { openDatabase } from '../../src/lib/server/db';

const dir = mkdtempSync(join(tmpdir(), 'podium-embedded-'));
let holder: ChildProcess | undefined;

afterAll(() => {
	holder?.kill('SIGKILL');
	rmSync(dir, { recursive: true, force: true });
});

test.runIf(process.platform === 'linux')('a data folder open in another process is refused, naming it; once closed it opens', async () => {
	mkdirSync(join(dir, 'pglite'), { recursive: true });
	writeFileSync(join(dir, 'pglite', 'PG_VERSION'), '17\n');
	// Another process with a file of the folder open, as a running server has.
	holder = spawn(process.execPath, ['-e', `require('fs').openSync(${JSON.stringify(join(dir, 'pglite', 'PG_VERSION'))}, 'r'); process.stdout.write('open\\n'); setInterval(() => {}, 1000);`], {
		stdio: ['ignore', 'pipe', 'inherit']
	});
	await new Promise<void>((resolve) => holder!.stdout!.once('data', () => resolve()));
	await expect(openDatabase({ databaseUrl: undefined, dataDir: dir })).rejects.toThrow(new RegExp(`one process at a time, and process ${holder.pid} \\(`));

	holder.kill('SIGKILL');
	await new Promise((resolve) => holder!.once('exit', resolve));
	rmSync(join(dir, 'pglite'), { recursive: true, force: true });
	const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir });
	try {
		expect(handle.kind).toBe('pglite');
	} finally {
		await handle.close();
	}
}, 60_000);
