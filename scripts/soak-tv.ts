// npm run soak:tv — a TV left on for a long time: one Chromium TV plays a display of 5-second slides
// (every slide type) while calls stream in (some big enough to celebrate), and every minute its heap
// (after a forced garbage collection) and DOM node count are sampled. It fails when either grew by more
// than 10% from the end of the warm-up to the end. SOAK_MINUTES (default 30; CI runs 3) sets the length.
// Against SOAK_BASE_URL when set; otherwise it starts the built server (`npm run build` first) on
// SOAK_PORT with an embedded database in a fresh folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';

const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const warmup = Math.max(1, Math.round(minutes * 0.2));
const port = Number(process.env.SOAK_PORT ?? 4395);
const base = process.env.SOAK_BASE_URL?.trim() || `http://127.0.0.1:${port}`;
const LIMIT = 0.1;

async function startServer(): Promise<ChildProcess | undefined> {
	if (process.env.SOAK_BASE_URL) return undefined;
	const child = spawn(process.execPath, ['build/podium.js'], {
		env: {
			...process.env,
			NODE_ENV: 'production',
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: base,
			PODIUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'podium-soak-')),
			PODIUM_DEMO_SEED: 'off',
			DATABASE_URL: '',
			REDIS_URL: '',
			LOG_LEVEL: 'warn'
		},
		stdio: ['ignore', 'inherit', 'inherit']
	});
	for (let i = 0; i < 240; i++) {
		try {
			if ((await fetch(`${base}/api/health`)).ok) return child;
		} catch {
			// not yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	child.kill();
	throw new Error('the server did not start: run `npm run build` first');
}

async function post(page: Page, path: string, form: Record<string, string>) {
	const res = await page.request.post(`${base}${path}`, { form, headers: { origin: base, 'x-sveltekit-action': 'true' } });
	if (!res.ok()) throw new Error(`${path}: ${res.status()} ${await res.text()}`);
	return res;
}

const server = await startServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--js-flags=--expose-gc'] });
let failed = false;
try {
	// An admin, a display of 5-second slides of every type, celebrations of 5 calls or more.
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	const id = Date.now().toString(36);
	await admin.goto(`${base}/signup`);
	await admin.locator('html[data-hydrated]').waitFor();
	await admin.locator('input[name="organizationName"]').fill(`Soak ${id}`);
	await admin.locator('input[name="name"]').fill('Sam Soak');
	await admin.locator('input[name="email"]').fill(`soak+${id}@example.com`);
	await admin.locator('input[name="password"]').fill('correct-horse-battery-staple');
	await admin.locator('form button:not([type="button"])').last().click();
	await admin.waitForURL(/\/admin\/teams$/);
	const created = await admin.request.post(`${base}/api/v1/displays`, { data: { name: 'Soak floor' }, headers: { origin: base } });
	const { id: displayId } = (await created.json()) as { id: string };
	const slides: Record<string, string>[] = [
		{ type: 'leaderboard', 'settings.board': 'call', 'settings.scope': 'users', 'settings.window': 'day' },
		{ type: 'announcement', 'settings.title': 'Soak test', 'settings.body': 'Running for a while.' },
		{ type: 'countdown', 'settings.title': 'Launch', 'settings.at': new Date(Date.now() + 86_400_000).toISOString() },
		{ type: 'kudos' },
		{ type: 'leaderboard', 'settings.board': 'points', 'settings.scope': 'teams', 'settings.window': 'week' },
		{ type: 'kpis', 'settings.compare': 'day', 'settings.metrics': 'points,call' },
		{ type: 'goals' },
		{ type: 'contest' },
		{ type: 'challenge' },
		{ type: 'bracket' },
		{ type: 'badges' }
	];
	for (const slide of slides) await post(admin, '/displays?/addSlide', { displayId, duration: '5', ...slide });
	await post(admin, '/displays?/edit', { displayId, name: 'Soak floor', team: '', topN: '10', celebrations: 'on', kinds: 'deal', 'trigger.metric.0': 'call', 'trigger.threshold.0': '5', 'trigger.metric.1': 'call', 'trigger.per.1': 'day', 'trigger.threshold.1': '40' });
	// The admin carries a quota (competes on the reps' boards), so the race has a participant.
	const me = (await (await admin.request.get(`${base}/api/v1/members`)).json()) as { members: { id: string }[] };
	await post(admin, '/admin/members?/competes', { userId: me.members[0].id, competes: 'on' });
	// A race and a team challenge on calls, live for the whole run, for the contest slides.
	const contestWindow = { startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + (minutes + 10) * 60_000).toISOString(), status: 'scheduled' };
	for (const contest of [
		{ name: { en: 'Soak race' }, format: 'race', participants: { all: true } },
		{ name: { en: 'Soak challenge' }, format: 'team_challenge', participants: { all: true }, target: 5000 }
	]) {
		const res = await admin.request.post(`${base}/api/v1/contests`, { data: { ...contest, ...contestWindow, scoring: { metrics: [{ metric: 'call', weight: 1 }] } }, headers: { origin: base } });
		if (!res.ok()) console.warn(`contest: ${res.status()} ${await res.text()}`);
	}
	const members = (await (await admin.request.get(`${base}/api/v1/members`)).json()) as { members: { id: string }[] };
	const userId = members.members[0].id;

	// The TV, paired with nobody signed in.
	const tvContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
	const tv = await tvContext.newPage();
	await tv.goto(`${base}/tv`);
	const code = await tv.getByTestId('tv-code').getAttribute('aria-label', { timeout: 30_000 });
	const paired = await admin.request.post(`${base}/api/v1/displays/${displayId}/screens`, { data: { code }, headers: { origin: base } });
	if (paired.status() !== 201) throw new Error(`pairing: ${paired.status()}`);
	await tv.getByTestId('tv-slide').waitFor({ timeout: 30_000 });
	const cdp = await tvContext.newCDPSession(tv);
	await cdp.send('Performance.enable');

	// A steady stream: a call every 2 s, and a burst of 6 (a celebration) every 20 s.
	let events = 0;
	let stop = false;
	const stream = (async () => {
		for (let i = 0; !stop; i++) {
			const value = i % 10 === 9 ? '6' : '1';
			await post(admin, '/leaderboards?/log', { userId, metric: 'call', value, key: `soak-${id}-${i}` }).catch((e) => console.warn(String(e)));
			events++;
			await new Promise((r) => setTimeout(r, 2_000));
		}
	})();

	const samples: { minute: number; heapMb: number; nodes: number; listeners: number }[] = [];
	for (let minute = 1; minute <= minutes; minute++) {
		await new Promise((r) => setTimeout(r, 60_000));
		await cdp.send('HeapProfiler.collectGarbage');
		const { metrics } = await cdp.send('Performance.getMetrics');
		// The slide on screen (and a celebration, if one is up) differ from one sample to the next: their
		// nodes are counted apart, so that what is compared is what stays, including detached nodes kept.
		const shown = await tv.evaluate(() => {
			let count = 0;
			for (const root of document.querySelectorAll('[data-testid="tv-slide"], [data-testid="tv-celebration"]')) {
				const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
				while (walker.nextNode()) count++;
				count++;
			}
			return count;
		});
		const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
		samples.push({ minute, heapMb: metric('JSHeapUsedSize') / 1_048_576, nodes: metric('Nodes') - shown, listeners: metric('JSEventListeners') });
		const s = samples[samples.length - 1];
		console.log(`minute ${String(minute).padStart(3)}  heap ${s.heapMb.toFixed(2).padStart(7)} MB  nodes ${String(s.nodes).padStart(6)} (+${shown} on the slide)  listeners ${String(s.listeners).padStart(5)}  events ${events}`);
	}
	stop = true;
	await stream;

	const start = samples[Math.min(warmup, samples.length) - 1];
	const end = samples[samples.length - 1];
	const growth = { heap: end.heapMb / start.heapMb - 1, nodes: end.nodes / start.nodes - 1 };
	console.log('\n| measure | after warm-up (min ' + start.minute + ') | end (min ' + end.minute + ') | growth |');
	console.log('| --- | --- | --- | --- |');
	console.log(`| JS heap (MB) | ${start.heapMb.toFixed(2)} | ${end.heapMb.toFixed(2)} | ${(growth.heap * 100).toFixed(1)}% |`);
	console.log(`| DOM nodes (beside the slide shown) | ${start.nodes} | ${end.nodes} | ${(growth.nodes * 100).toFixed(1)}% |`);
	console.log(`| events sent | | ${events} | |`);
	if (minutes > warmup && (growth.heap > LIMIT || growth.nodes > LIMIT)) {
		failed = true;
		console.error(`\nFAIL: grew by more than ${LIMIT * 100}% after warm-up`);
	} else console.log(`\nOK: within ${LIMIT * 100}% after warm-up`);
} finally {
	await browser.close();
	server?.kill();
}
process.exit(failed ? 1 : 0);
