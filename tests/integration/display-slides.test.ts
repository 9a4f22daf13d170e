// The TV's slide types that read other domains (contest standings, bracket, team challenge, goal pace,
// KPI tiles), metric triggers for celebrations (per event and per day), celebrations worded with the
// names reps chose for displays, editing a slide, and uploaded celebration sounds.
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { closeAllSockets } from '../helpers/sockets';
import { addSlide, createDisplay, displayOf, editDisplay, editSlide, setMyDisplayName } from '../../src/lib/server/displays/display.service';
import { removeSound, sniffAudio, uploadSound } from '../../src/lib/server/displays/display.sounds';
import { pickContest } from '../../src/lib/server/displays/display.slides';
import type { TvCelebration, TvSlideData, TvState } from '../../src/lib/shared/displays/displays';
import type { RecognitionMoment } from '../../src/lib/shared/recognition';

let app: App;
let admin: SignedUp;
let eventsToken: string;
let writeToken: string;
const opened = new Set<Socket>();

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	eventsToken = (await addApiToken(app.runtime.db, admin.organizationId, ['events:write'], admin.userId)).token;
	writeToken = (await addApiToken(app.runtime.db, admin.organizationId, ['contests:read', 'contests:write', 'goals:read', 'goals:write'], admin.userId)).token;
}, APP_START_TIMEOUT);

afterEach(() => {
	for (const s of opened) s.close();
	opened.clear();
	closeAllSockets();
});

afterAll(async () => {
	await app?.close();
});

const actorOf = (org: SignedUp) => ({ userId: org.userId, organizationId: org.organizationId, role: 'admin' as const });
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json', origin: app.url }, body: JSON.stringify(body) });
const call = (method: string, path: string, token: string, body?: unknown) =>
	app.browser().request(method, path, { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function log(token: string, user: string, metric: string, value: number, at = new Date()) {
	const res = await call('POST', '/api/v1/events', token, { events: [{ id: `s-${crypto.randomUUID()}`, metric, user, value, occurredAt: at.toISOString() }] });
	expect(res.status, res.body).toBeLessThan(300);
}

function tvSocket(auth: Record<string, unknown>): Promise<Socket> {
	const socket = io(app.url, { path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true, auth });
	opened.add(socket);
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', reject);
	});
}

function ask<T>(socket: Socket, event: string, ...args: unknown[]): Promise<{ data?: T; error?: string }> {
	return new Promise((resolve, reject) => socket.timeout(5000).emit(event, ...args, (err: Error | null, response: { data?: T; error?: string }) => (err ? reject(err) : resolve(response))));
}

async function pairedTv(org: SignedUp, displayId: string) {
	const { code, secret } = (await app.browser().request('POST', '/api/v1/tv/pairings')).json<{ code: string; secret: string }>();
	const pairing = await tvSocket({ pairing: true });
	await ask(pairing, 'tv:await', { code, secret });
	const paired = new Promise<{ token: string }>((resolve) => pairing.once('tv:paired', resolve));
	const answer = await org.browser.request('POST', `/api/v1/displays/${displayId}/screens`, json({ code }));
	expect(answer.status, answer.body).toBe(201);
	const { token } = await paired;
	pairing.close();
	const tv = await tvSocket({ display: token });
	await ask(tv, 'tv:hello', {});
	return tv;
}

/** A refusal naming the field: an AppError (status and field) or a ValidationError (its issues). */
async function refused(work: Promise<unknown>, field?: string) {
	const error = await work.then(
		() => null,
		(e: unknown) => e as { status?: number; field?: string; issues?: { field: string }[] }
	);
	expect(error, 'expected a refusal').not.toBeNull();
	const status = error!.status ?? (error!.issues ? 400 : undefined);
	expect(status).toBeGreaterThanOrEqual(400);
	expect(status).toBeLessThan(500);
	if (field) expect([error!.field, ...(error!.issues ?? []).map((i) => i.field)]).toContain(field);
	return status;
}

/** Celebrations a TV hears until `ms` have passed. */
function collect(tv: Socket, ms: number): Promise<TvCelebration[]> {
	const heard: TvCelebration[] = [];
	const on = (c: TvCelebration) => heard.push(c);
	tv.on('tv:celebrate', on);
	return new Promise((resolve) =>
		setTimeout(() => {
			tv.off('tv:celebrate', on);
			resolve(heard);
		}, ms)
	);
}

describe('contest slides', () => {
	test('standings, a team challenge and an empty bracket, chosen by format, with the names reps chose', async () => {
		const org = await signUpOrganization(app);
		const actor = actorOf(org);
		const events = (await addApiToken(app.runtime.db, org.organizationId, ['events:write'], org.userId)).token;
		const contests = (await addApiToken(app.runtime.db, org.organizationId, ['contests:read', 'contests:write'], org.userId)).token;
		const ada = await addMember(app, org, 'rep', undefined, 'Ada Lovelace');
		const bob = await addMember(app, org, 'rep', undefined, 'Bob Stone');
		await setMyDisplayName(app.runtime.db, { userId: ada.userId, organizationId: org.organizationId, role: 'rep' }, { displayAs: 'alias', alias: 'Countess' });
		const window = { startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), status: 'scheduled' };
		const race = await call('POST', '/api/v1/contests', contests, { name: { en: 'Call race' }, format: 'race', scoring: { metrics: [{ metric: 'call', weight: 1 }] }, participants: { members: [ada.email, bob.email] }, ...window });
		const together = await call('POST', '/api/v1/contests', contests, { name: { en: 'Calls together' }, format: 'team_challenge', scoring: { metrics: [{ metric: 'call', weight: 1 }] }, participants: { all: true }, target: 10, ...window });
		expect([race.status, together.status], race.body + together.body).toEqual([201, 201]);
		for (const id of [race.json().id, together.json().id]) {
			await vi.waitFor(async () => expect((await call('GET', `/api/v1/contests/${id}`, contests)).json().status).toBe('live'), { timeout: 8000, interval: 100 });
		}
		await log(events, ada.email, 'call', 3);
		await log(events, bob.email, 'call', 1);

		const { id: displayId } = await createDisplay(app.runtime, actor, { name: 'Floor', topN: 5 });
		const { id: standings } = await addSlide(app.runtime, actor, displayId, { type: 'contest', settings: {}, duration: 10 });
		const { id: challenge } = await addSlide(app.runtime, actor, displayId, { type: 'challenge', settings: {}, duration: 10 });
		const { id: bracket } = await addSlide(app.runtime, actor, displayId, { type: 'bracket', settings: {}, duration: 10 });
		const tv = await pairedTv(org, displayId);

		await vi.waitFor(
			async () => {
				const data = (await ask<TvSlideData>(tv, 'tv:slide', { slideId: standings })).data;
				expect(data?.type === 'contest' && data.contest?.rows.map((r) => [r.rank, r.name, r.score])).toEqual([
					[1, 'Countess', 3],
					[2, 'Bob Stone', 1]
				]);
			},
			{ timeout: 5000, interval: 200 }
		);
		const standingsData = (await ask<TvSlideData>(tv, 'tv:slide', { slideId: standings })).data!;
		expect(standingsData.type === 'contest' && standingsData.contest).toMatchObject({ name: 'Call race', format: 'race', status: 'live', unit: 'count', participants: 2 });
		const challengeData = (await ask<TvSlideData>(tv, 'tv:slide', { slideId: challenge })).data!;
		expect(challengeData.type === 'contest' && challengeData.contest).toMatchObject({ name: 'Calls together', format: 'team_challenge', challenge: { total: 4, target: 10, progress: 0.4, milestones: [25] } });
		expect(challengeData.type === 'contest' && challengeData.contest?.challenge?.contributors.map((c) => c.name)).toEqual(['Countess', 'Bob Stone']);
		// No bracket runs: an empty state, not an error.
		expect((await ask<TvSlideData>(tv, 'tv:slide', { slideId: bracket })).data).toEqual({ type: 'contest', contest: null });

		// The standings move live: the TV's contest room hears the update.
		const update = new Promise((resolve) => tv.once('contest:update', resolve));
		await log(events, bob.email, 'call', 5);
		await update;
		await vi.waitFor(async () => {
			const data = (await ask<TvSlideData>(tv, 'tv:slide', { slideId: standings })).data;
			expect(data?.type === 'contest' && data.contest?.rows[0]).toMatchObject({ name: 'Bob Stone', score: 6 });
		});

		// Naming a contest: it must exist in the organization and have the slide's format.
		expect(await refused(addSlide(app.runtime, actor, displayId, { type: 'bracket', settings: { contest: race.json().id }, duration: 10 }), 'contest')).toBe(400);
		expect(await refused(addSlide(app.runtime, actor, displayId, { type: 'contest', settings: { contest: crypto.randomUUID() }, duration: 10 }), 'contest')).toBe(404);
		expect(await refused(addSlide(app.runtime, actor, displayId, { type: 'contest', settings: { contest: 'nope' }, duration: 10 }))).toBe(400);
		const other = await signUpOrganization(app);
		const { id: otherDisplay } = await createDisplay(app.runtime, actorOf(other), { name: 'Elsewhere' });
		expect(await refused(addSlide(app.runtime, actorOf(other), otherDisplay, { type: 'contest', settings: { contest: race.json().id }, duration: 10 }), 'contest')).toBe(404);
	});

	test('the current contest: live first (soonest to end), then the next to start, then last week’s result; never hidden, only the display’s teams', () => {
		const now = new Date('2026-06-10T12:00:00Z');
		const at = (h: number) => new Date(now.getTime() + h * 3600_000);
		const row = (id: string, status: string, start: number, end: number, extra: Partial<{ hidden: boolean; team_id: string | null; format: string }> = {}) => ({
			id,
			status: status as never,
			format: (extra.format ?? 'race') as never,
			hidden: extra.hidden ?? false,
			team_id: extra.team_id ?? null,
			starts_at: at(start),
			ends_at: at(end)
		});
		const rows = [
			row('later', 'live', -5, 48),
			row('sooner', 'live', -5, 2),
			row('secret', 'live', -5, 1, { hidden: true }),
			row('west', 'live', -5, 1, { team_id: 'west' }),
			row('next', 'scheduled', 3, 10),
			row('done', 'final', -100, -24),
			row('cup', 'live', -1, 1, { format: 'bracket' })
		];
		const formats = ['race', 'race_to_target', 'team_vs_team', 'duel', 'elimination'];
		expect(pickContest(rows, formats, new Set(['east']), now)?.id).toBe('sooner');
		expect(pickContest(rows, formats, null, now)?.id).toBe('west');
		expect(pickContest(rows, ['bracket'], null, now)?.id).toBe('cup');
		expect(pickContest(rows.filter((r) => r.status !== 'live'), formats, null, now)?.id).toBe('next');
		expect(pickContest(rows.filter((r) => r.id === 'done'), formats, null, now)?.id).toBe('done');
		expect(pickContest([row('old', 'final', -400, -200)], formats, null, now)).toBeNull();
	});
});

describe('goal pace and KPI tiles', () => {
	test('a team display shows its own reps’ goals, paced, and tiles compare today with the same time yesterday', async () => {
		const org = await signUpOrganization(app);
		const actor = actorOf(org);
		const tokens = (await addApiToken(app.runtime.db, org.organizationId, ['events:write', 'goals:read', 'goals:write'], org.userId)).token;
		const east = await createTeam(app, org, 'East');
		const west = await createTeam(app, org, 'West');
		const ada = await addMember(app, org, 'rep', east, 'Ada East');
		const wes = await addMember(app, org, 'rep', west, 'Wes West');
		for (const who of [ada, wes]) {
			const res = await call('POST', '/api/v1/goals', tokens, { owner: { member: who.email }, metric: 'call', target: 100, period: { window: 'month' } });
			expect(res.status, res.body).toBe(201);
		}
		const now = new Date();
		const hour = 3600_000;
		await log(tokens, ada.email, 'call', 7, new Date(now.getTime() - 60_000));
		await log(tokens, wes.email, 'call', 50, new Date(now.getTime() - 60_000));
		// Yesterday: 2 calls before this time of day, 9 after it.
		await log(tokens, ada.email, 'call', 2, new Date(now.getTime() - 24 * hour - hour));
		await log(tokens, ada.email, 'call', 9, new Date(now.getTime() - 24 * hour + 30 * 60_000));

		const { id: displayId } = await createDisplay(app.runtime, actor, { name: 'East floor', team: east });
		const { id: goals } = await addSlide(app.runtime, actor, displayId, { type: 'goals', settings: { measure: 'call' }, duration: 10 });
		const { id: kpis } = await addSlide(app.runtime, actor, displayId, { type: 'kpis', settings: { compare: 'day', metrics: 'call,points' }, duration: 10 });
		const tv = await pairedTv(org, displayId);

		const g = (await ask<TvSlideData>(tv, 'tv:slide', { slideId: goals })).data!;
		expect(g.type).toBe('goals');
		if (g.type !== 'goals') return;
		expect(g.team).toBe('East');
		// Ada's only (West is another team), with the actual the goals API reads.
		const api = (await call('GET', `/api/v1/goals?owner=${ada.userId}`, tokens)).json<{ goals: { actual: number }[] }>();
		expect(g.goals.map((x) => [x.owner.name, x.actual, x.target])).toEqual([['Ada East', api.goals[0].actual, 100]]);
		expect(g.goals[0].actual).toBeGreaterThanOrEqual(7);
		expect(g.goals[0].expected).toBeGreaterThan(0);
		expect(['on_track', 'at_risk', 'behind']).toContain(g.goals[0].pace);
		expect(g.boards).toEqual(['call']);

		const k = (await ask<TvSlideData>(tv, 'tv:slide', { slideId: kpis })).data!;
		expect(k.type).toBe('kpis');
		if (k.type !== 'kpis') return;
		const calls = k.tiles.find((t) => t.key === 'call')!;
		expect(calls).toMatchObject({ name: 'Calls', unit: 'count', current: 7 });
		// The same stretch of yesterday, where the org's day boundary allows (a day that began under an hour ago has none).
		expect([2, 0]).toContain(calls.previous);
		expect(calls.series).toHaveLength(14);
		expect(calls.series[13]).toBe(7);
		expect(k.tiles.map((t) => t.key)).toEqual(['call', 'points']);

		// Measures must be the organization's.
		expect(await refused(addSlide(app.runtime, actor, displayId, { type: 'kpis', settings: { metrics: ['call', 'telepathy'] }, duration: 10 }), 'metrics')).toBe(400);
		expect(await refused(addSlide(app.runtime, actor, displayId, { type: 'kpis', settings: { metrics: 'a,b,c,d,e,f,g' }, duration: 10 }))).toBe(400);
		expect(await refused(addSlide(app.runtime, actor, displayId, { type: 'goals', settings: { measure: 'telepathy' }, duration: 10 }), 'measure')).toBe(400);
	});
});

describe('celebrations', () => {
	test('metric triggers: one event at or above a value, and a rep’s day total crossing one, each once', async () => {
		const org = await signUpOrganization(app);
		const actor = actorOf(org);
		const events = (await addApiToken(app.runtime.db, org.organizationId, ['events:write'], org.userId)).token;
		const rep = await addMember(app, org, 'rep', undefined, 'Cara Caller');
		await setMyDisplayName(app.runtime.db, { userId: rep.userId, organizationId: org.organizationId, role: 'rep' }, { displayAs: 'initials' });
		const { id: displayId } = await createDisplay(app.runtime, actor, { name: 'Floor' });
		await editDisplay(app.runtime, actor, displayId, {
			celebrations: { enabled: true, kinds: ['deal'], metric: 'deal', threshold: 5, triggers: [{ metric: 'call', threshold: 3, per: 'day' }, { metric: 'meeting', threshold: 2, per: 'event' }] }
		});
		const tv = await pairedTv(org, displayId);
		const state = (await ask<TvState>(tv, 'tv:hello', {})).data!;
		expect(state.display.celebrations.triggers).toEqual([
			{ metric: 'call', threshold: 3, per: 'day' },
			{ metric: 'meeting', threshold: 2, per: 'event' }
		]);

		let heard = collect(tv, 1500);
		await log(events, rep.email, 'call', 2);
		await log(events, rep.email, 'meeting', 1);
		expect(await heard).toEqual([]);

		heard = collect(tv, 1500);
		await log(events, rep.email, 'call', 1);
		await log(events, rep.email, 'meeting', 2);
		const got = await heard;
		expect(got.map((c) => [c.kind, c.metric, c.per, c.threshold ?? null, c.value, c.name])).toEqual(
			expect.arrayContaining([
				['deal', 'call', 'day', 3, 3, 'CC'],
				['deal', 'meeting', 'event', null, 2, 'CC']
			])
		);
		expect(got).toHaveLength(2);

		// Past the day's threshold: no second celebration for it.
		heard = collect(tv, 1500);
		await log(events, rep.email, 'call', 4);
		expect(await heard).toEqual([]);

		// Too many triggers, or a bad one, are refused naming the field.
		const tooMany = Array.from({ length: 4 }, () => ({ metric: 'call', threshold: 1, per: 'event' }));
		expect(await refused(editDisplay(app.runtime, actor, displayId, { celebrations: { enabled: true, kinds: ['deal'], metric: 'deal', threshold: 1, triggers: tooMany } }))).toBe(400);
		expect(await refused(editDisplay(app.runtime, actor, displayId, { celebrations: { enabled: true, kinds: ['deal'], metric: 'deal', threshold: 1, triggers: [{ metric: 'call', threshold: 0 }] } }))).toBe(400);
	});

	test('badges, goals and spotlighted kudos reach the TVs under the name the rep chose for displays', async () => {
		const org = await signUpOrganization(app);
		const actor = actorOf(org);
		const rep = await addMember(app, org, 'rep', undefined, 'Real Name');
		await setMyDisplayName(app.runtime.db, { userId: rep.userId, organizationId: org.organizationId, role: 'rep' }, { displayAs: 'alias', alias: 'Rocket' });
		const { id: displayId } = await createDisplay(app.runtime, actor, { name: 'Floor' });
		const tv = await pairedTv(org, displayId);
		const celebration = new Promise<TvCelebration>((resolve) => tv.once('tv:celebrate', resolve));
		const moment: RecognitionMoment = {
			id: crypto.randomUUID(),
			type: 'badge_awarded',
			organizationId: org.organizationId,
			user: { id: rep.userId, name: 'Real Name' },
			at: new Date().toISOString(),
			badge: { id: crypto.randomUUID(), name: { en: 'Closer' }, icon: 'trophy', tier: 'gold' }
		};
		app.runtime.events.emit('recognition.moment', { organizationId: org.organizationId, moment });
		expect(await celebration).toMatchObject({ kind: 'badge', name: 'Rocket', initials: 'RO', detail: 'Closer', headline: 'earned a badge' });
	});
});

describe('editing a slide', () => {
	test('changes its settings, duration and schedule; bad settings change nothing and name the field', async () => {
		const actor = actorOf(admin);
		const { id: displayId } = await createDisplay(app.runtime, actor, { name: 'Edit me' });
		const { id } = await addSlide(app.runtime, actor, displayId, { type: 'kpis', settings: { compare: 'day' }, duration: 10 });
		await editSlide(app.runtime, actor, id, { settings: { compare: 'week', metrics: ['call'] }, duration: 20, schedule: { days: [1, 2, 3, 4, 5] } });
		const slidesOf = async () => (await displayOf(app.runtime, actor, displayId)).slides;
		const slide = (await slidesOf()).find((s) => s.id === id)!;
		expect(slide).toMatchObject({ settings: { compare: 'week', metrics: ['call'] }, durationS: 20, schedule: { days: [1, 2, 3, 4, 5] } });
		expect(await refused(editSlide(app.runtime, actor, id, { settings: { compare: 'month' }, duration: 20 }), 'compare')).toBe(400);
		expect(await refused(editSlide(app.runtime, actor, id, { settings: {}, duration: 2 }), 'duration')).toBe(400);
		expect((await slidesOf()).find((s) => s.id === id)?.durationS).toBe(20);
		// Through the page's form too, where a leader of no team of it may not.
		const form = await admin.browser.action('/displays?/editSlide', { slideId: id, type: 'kpis', duration: '30', 'settings.compare': 'day', 'settings.metrics': ['points', 'call'] });
		expect(form.type).toBe('success');
		const leader = await addMember(app, admin, 'leader');
		const team = await createTeam(app, admin, `T ${crypto.randomUUID().slice(0, 6)}`);
		const { id: teamDisplay } = await createDisplay(app.runtime, actor, { name: 'Team floor', team });
		const { id: teamSlide } = await addSlide(app.runtime, actor, teamDisplay, { type: 'kudos', settings: {}, duration: 10 });
		expect((await leader.browser.action('/displays?/editSlide', { slideId: teamSlide, type: 'kudos', duration: '30' })).type).toBe('failure');
	});
});

describe('celebration sounds', () => {
	const wav = () => {
		const bytes = new Uint8Array(2048);
		bytes.set(new TextEncoder().encode('RIFF'), 0);
		bytes.set(new TextEncoder().encode('WAVE'), 8);
		return bytes;
	};

	test('recognizes audio by its bytes', () => {
		expect(sniffAudio(wav())).toBe('audio/wav');
		expect(sniffAudio(new TextEncoder().encode('OggS....'))).toBe('audio/ogg');
		expect(sniffAudio(new TextEncoder().encode('ID3\u0004'))).toBe('audio/mpeg');
		expect(sniffAudio(new Uint8Array([0xff, 0xfb, 0x90, 0x64]))).toBe('audio/mpeg');
		expect(sniffAudio(new TextEncoder().encode('<html>'))).toBeNull();
		expect(sniffAudio(new Uint8Array([0xff, 0xe0]))).toBeNull();
	});

	test('an admin uploads one per kind; TVs of the organization fetch it, others cannot; bad files change nothing', async () => {
		const org = await signUpOrganization(app);
		const actor = actorOf(org);
		const { id: displayId } = await createDisplay(app.runtime, actor, { name: 'Floor' });
		const tv = await pairedTv(org, displayId);
		expect((await ask<TvState>(tv, 'tv:hello', {})).data?.sounds).toEqual({});

		const changed = new Promise((resolve) => tv.once('tv:changed', resolve));
		await uploadSound(app.runtime, actor, 'deal', { name: 'gong.wav', bytes: wav() });
		await changed;
		const state = (await ask<TvState>(tv, 'tv:hello', {})).data!;
		expect(Object.keys(state.sounds)).toEqual(['deal']);
		const clip = (await ask<{ mime: string; data: string; version: string }>(tv, 'tv:sound', { kind: 'deal' })).data!;
		expect(clip.mime).toBe('audio/wav');
		expect(Buffer.from(clip.data, 'base64')).toEqual(Buffer.from(wav()));
		expect(clip.version).toBe(state.sounds.deal);
		expect((await ask(tv, 'tv:sound', { kind: 'badge' })).error).toMatch(/not found/i);
		expect((await ask(tv, 'tv:sound', { kind: '../etc' })).error).toBeTruthy();

		// Another organization's TV hears its own organization only.
		const other = await signUpOrganization(app);
		const { id: otherDisplay } = await createDisplay(app.runtime, actorOf(other), { name: 'Other' });
		const otherTv = await pairedTv(other, otherDisplay);
		expect((await ask(otherTv, 'tv:sound', { kind: 'deal' })).error).toMatch(/not found/i);

		// Not audio, too big, no file, an unknown kind: 400s naming the field; a leader or rep: 403.
		expect(await refused(uploadSound(app.runtime, actor, 'badge', { name: 'x.mp3', bytes: new TextEncoder().encode('<script>') }), 'file')).toBe(400);
		expect(await refused(uploadSound(app.runtime, actor, 'badge', { name: 'x.wav', bytes: new Uint8Array(300 * 1024 + 1) }), 'file')).toBe(400);
		expect(await refused(uploadSound(app.runtime, actor, 'badge', null), 'file')).toBe(400);
		expect(await refused(uploadSound(app.runtime, actor, 'fanfare', { name: 'x.wav', bytes: wav() }), 'kind')).toBe(400);
		const leader = await addMember(app, org, 'leader');
		expect(await refused(uploadSound(app.runtime, { userId: leader.userId, organizationId: org.organizationId, role: 'leader' }, 'badge', { name: 'x.wav', bytes: wav() }))).toBe(403);
		expect((await ask<TvState>(tv, 'tv:hello', {})).data?.sounds).toEqual({ deal: state.sounds.deal });

		// The page's play button serves it to admins of the organization only.
		const played = await org.browser.get('/displays/sounds/deal');
		expect([played.status, played.headers['content-type']]).toEqual([200, 'audio/wav']);
		expect((await leader.browser.get('/displays/sounds/deal')).status).toBe(403);
		expect((await other.browser.get('/displays/sounds/deal')).status).toBe(404);

		// Through the page's multipart form.
		const form = new FormData();
		form.set('kind', 'kudos');
		form.set('file', new Blob([wav()], { type: 'audio/wav' }), 'chime.wav');
		const multipart = new Request('http://localhost/', { method: 'POST', body: form });
		// The bytes are ASCII (a WAV header and zeros), so a latin1 string carries them unchanged.
		const body = Buffer.from(await multipart.arrayBuffer()).toString('latin1');
		const uploaded = await org.browser.request('POST', '/displays?/uploadSound', { headers: { origin: app.url, 'x-sveltekit-action': 'true', 'content-type': multipart.headers.get('content-type')! }, body });
		expect(uploaded.status, uploaded.body).toBe(200);
		expect(uploaded.json().type, uploaded.body).toBe('success');

		await removeSound(app.runtime, actor, 'deal');
		expect(await refused(removeSound(app.runtime, actor, 'deal'), 'kind')).toBe(404);
		expect(Object.keys((await ask<TvState>(tv, 'tv:hello', {})).data!.sounds)).toEqual(['kudos']);
	});
});
