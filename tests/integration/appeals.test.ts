// Appeals against the real app (and real Postgres and Redis in CI's second pass): a rep appeals a line
// of their receipt; the leader who manages them re-credits it (the score moves from one rep to the other,
// matching a recomputation from the log), voids it, or rejects it; a rep never sees another rep's appeal;
// a leader of another team cannot resolve; another organization gets 404; a voided line and a second
// appeal on the same line are refused; of two truly concurrent resolutions one wins and the other is a 409.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { verifyOrg } from '../../src/lib/server/scoring/live.service';
import { readBoard } from '../../src/lib/server/scoring/board.service';
import { ingestEvents, voidEvent } from '../../src/lib/server/scoring/event.service';
import { addAppealMessage, openAppeal, openAppealsToResolve, readAppeal, readAppeals, resolveAppealAs } from '../../src/lib/server/coaching/appeal.service';
import { AppError, ValidationError } from '../../src/lib/server/platform/errors';
import type { Actor } from '../../src/lib/server/org/actor';

vi.setConfig({ testTimeout: 90_000 });

let app: App;
let admin: SignedUp;
let leader: Member;
let otherLeader: Member;
let rep: Member;
let rep2: Member;
let westRep: Member;
let foreignAdmin: SignedUp;

const actor = (m: { userId: string; organizationId: string }, role: Actor['role']): Actor => ({ userId: m.userId, organizationId: m.organizationId, role });
const asRep = (m: Member) => actor(m, 'rep');

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	const east = await createTeam(app, admin, 'East');
	const west = await createTeam(app, admin, 'West');
	leader = await addMember(app, admin, 'leader', east);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: east, name: 'East', leaderIds: [leader.userId] })).toMatchObject({ type: 'success' });
	otherLeader = await addMember(app, admin, 'leader', west);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: west, name: 'West', leaderIds: [otherLeader.userId] })).toMatchObject({ type: 'success' });
	rep = await addMember(app, admin, 'rep', east);
	rep2 = await addMember(app, admin, 'rep', east);
	westRep = await addMember(app, admin, 'rep', west);
	foreignAdmin = await signUpOrganization(app);
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

async function log(user: Member, metric: string, value: number): Promise<number> {
	const [r] = await ingestEvents(app.runtime, { organizationId: admin.organizationId, source: 'api', actorId: null }, [{ id: `a-${crypto.randomUUID()}`, metric, user: user.email, value }]);
	expect(r.status, r.error).toBe('accepted');
	return r.eventId!;
}

async function refusal(work: Promise<unknown>): Promise<{ status: number; field?: string; key?: string }> {
	try {
		await work;
	} catch (err) {
		if (err instanceof AppError) return { status: err.status, field: err.field, key: err.key };
		if (err instanceof ValidationError) return { status: 400, field: err.issues[0]?.field, key: err.issues[0]?.key };
		throw err;
	}
	throw new Error('expected a refusal');
}

/** Points per member over the whole log (corrections carry negated points). */
async function pointsFromLog() {
	const { rows } = await sql<{ user_id: string; points: number }>`select user_id, sum(points)::int as points from score_events where organization_id = ${admin.organizationId} group by user_id`.execute(app.runtime.db);
	return new Map(rows.map((r) => [r.user_id, Number(r.points)]));
}

async function boardPoints() {
	const board = await readBoard(app.runtime, admin.organizationId, { board: 'points', scope: 'users', window: 'week', limit: 50 });
	return new Map(board.entries.map((e) => [e.id, e.score]));
}

describe('appeals', () => {
	test('appeal, then re-credit: the score moves from one rep to the other, live and as the log says', async () => {
		const eventId = await log(rep, 'deal', 1);
		const before = await boardPoints();
		const points = (before.get(rep.userId) ?? 0) - 0;
		expect(points).toBeGreaterThan(0);
		const { id } = await openAppeal(app.runtime, asRep(rep), { eventId, kind: 'not_mine', reason: 'Rep2 closed this deal', suggestedMember: rep2.userId });
		// The rep and their leader see it, open; the leader's "Next up" counts it.
		expect((await readAppeals(app.runtime, asRep(rep))).map((a) => a.id)).toContain(id);
		expect((await readAppeals(app.runtime, actor(leader, 'leader'))).find((a) => a.id === id)).toMatchObject({ status: 'open', can: { resolve: true } });
		expect(await openAppealsToResolve(app.runtime.db, actor(leader, 'leader'))).toBeGreaterThanOrEqual(1);
		expect(await openAppealsToResolve(app.runtime.db, actor(otherLeader, 'leader'))).toBe(0);
		// Both sides write in the thread.
		await addAppealMessage(app.runtime, asRep(rep), id, { body: 'It was on the call with ACME.' });
		await addAppealMessage(app.runtime, actor(leader, 'leader'), id, { body: 'Checked the CRM, agreed.' });
		expect((await readAppeal(app.runtime, asRep(rep), id)).messages.map((m) => m.body)).toEqual(['It was on the call with ACME.', 'Checked the CRM, agreed.']);

		const rep2Before = before.get(rep2.userId) ?? 0;
		expect(await resolveAppealAs(app.runtime, actor(leader, 'leader'), id, { decision: 'recredit', reason: 'Rep2 closed it' })).toEqual({ id, status: 'recredited' });
		const after = await boardPoints();
		expect(after.get(rep.userId) ?? 0).toBe(points - points);
		expect(after.get(rep2.userId)).toBe(rep2Before + points);
		const fromLog = await pointsFromLog();
		for (const who of [rep, rep2]) expect(after.get(who.userId) ?? 0).toBe(fromLog.get(who.userId) ?? 0);
		expect((await verifyOrg(app.runtime, admin.organizationId)).drift).toEqual([]);
		// The re-credit is an event keyed by the appeal, once.
		const { rows } = await sql<{ n: number }>`select count(*)::int as n from score_events where idempotency_key = ${`appeal:${id}`}`.execute(app.runtime.db);
		expect(Number(rows[0].n)).toBe(1);
		expect(await readAppeal(app.runtime, asRep(rep), id)).toMatchObject({ status: 'recredited', recredited: { id: rep2.userId }, resolutionReason: 'Rep2 closed it' });
		// Audited: opened and resolved.
		const audit = await sql<{ action: string }>`select action from audit_log where target_id = ${id} order by id`.execute(app.runtime.db);
		expect(audit.rows.map((r) => r.action)).toEqual(['appeal.opened', 'appeal.resolved']);
		// Resolved once: a second resolution is a 409.
		expect(await refusal(resolveAppealAs(app.runtime, actor(admin, 'admin'), id, { decision: 'reject', reason: 'late' }))).toMatchObject({ status: 409 });
	});

	test('void and reject', async () => {
		const a = await log(rep, 'call', 2);
		const b = await log(rep, 'call', 3);
		const voided = await openAppeal(app.runtime, asRep(rep), { eventId: a, kind: 'duplicate', reason: 'Logged twice' });
		const rejected = await openAppeal(app.runtime, asRep(rep), { eventId: b, kind: 'wrong_value', reason: 'Should be 4' });
		const before = (await boardPoints()).get(rep.userId) ?? 0;
		await resolveAppealAs(app.runtime, actor(admin, 'admin'), voided.id, { decision: 'void', reason: 'Duplicate of the morning call' });
		await resolveAppealAs(app.runtime, actor(leader, 'leader'), rejected.id, { decision: 'reject', reason: 'The CRM says 3' });
		const after = (await boardPoints()).get(rep.userId) ?? 0;
		expect(after).toBeLessThan(before);
		expect(after).toBe((await pointsFromLog()).get(rep.userId));
		const { rows } = await sql<{ voids_event_id: number; void_reason: string }>`select voids_event_id, void_reason from score_events where voids_event_id in (${a}, ${b})`.execute(app.runtime.db);
		expect(rows.map((r) => [Number(r.voids_event_id), r.void_reason])).toEqual([[a, 'Duplicate of the morning call']]);
		expect((await readAppeal(app.runtime, asRep(rep), rejected.id)).status).toBe('rejected');
	});

	test('bad input is a 4xx naming the field, and nothing is written', async () => {
		const eventId = await log(rep, 'call', 1);
		const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from appeals where organization_id = ${admin.organizationId}`.execute(app.runtime.db)).rows[0].n);
		const n = await count();
		expect(await refusal(openAppeal(app.runtime, asRep(rep), { eventId, kind: 'nope', reason: 'x' }))).toMatchObject({ status: 400, field: 'kind' });
		expect(await refusal(openAppeal(app.runtime, asRep(rep), { eventId, kind: 'other', reason: '  ' }))).toMatchObject({ status: 400, field: 'reason' });
		expect(await refusal(openAppeal(app.runtime, asRep(rep), { eventId: 'abc', kind: 'other', reason: 'x' }))).toMatchObject({ status: 400, field: 'eventId' });
		expect(await refusal(openAppeal(app.runtime, asRep(rep), { eventId, kind: 'other', reason: 'x', suggestedMember: foreignAdmin.userId }))).toMatchObject({ status: 400, field: 'suggestedMember' });
		// Another rep's line, and another organization's actor: not theirs (404).
		expect(await refusal(openAppeal(app.runtime, asRep(rep2), { eventId, kind: 'other', reason: 'x' }))).toMatchObject({ status: 404, field: 'eventId' });
		expect(await refusal(openAppeal(app.runtime, actor(foreignAdmin, 'admin'), { eventId, kind: 'other', reason: 'x' }))).toMatchObject({ status: 404, field: 'eventId' });
		// A voided line is refused clearly.
		await voidEvent(app.runtime, { organizationId: admin.organizationId, actorId: admin.userId, canVoid: () => true }, { eventId, reason: 'test' });
		expect(await refusal(openAppeal(app.runtime, asRep(rep), { eventId, kind: 'duplicate', reason: 'x' }))).toMatchObject({ status: 409, field: 'eventId', key: 'appeals.err.voided' });
		expect(await count()).toBe(n);
	});

	test('a second appeal on a line under an open appeal is refused, even when sent together', async () => {
		const eventId = await log(rep, 'call', 1);
		const input = { eventId, kind: 'duplicate', reason: 'twice' };
		const results = await Promise.allSettled([openAppeal(app.runtime, asRep(rep), input), openAppeal(app.runtime, asRep(rep), input)]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(failed.reason).toMatchObject({ status: 409, field: 'eventId', key: 'appeals.err.alreadyOpen' });
	});

	test('permissions: who sees and who resolves', async () => {
		const eventId = await log(rep, 'meeting', 1);
		const { id } = await openAppeal(app.runtime, asRep(rep), { eventId, kind: 'other', reason: 'mine?' });
		// Another rep, of the same team or not: the appeal does not exist for them.
		for (const other of [rep2, westRep]) {
			expect(await refusal(readAppeal(app.runtime, asRep(other), id))).toMatchObject({ status: 404 });
			expect(await refusal(addAppealMessage(app.runtime, asRep(other), id, { body: 'hi' }))).toMatchObject({ status: 404 });
			expect((await readAppeals(app.runtime, asRep(other))).map((a) => a.id)).not.toContain(id);
		}
		// The rep cannot resolve their own appeal; a leader of another team cannot see or resolve it.
		expect(await refusal(resolveAppealAs(app.runtime, asRep(rep), id, { decision: 'void', reason: 'x' }))).toMatchObject({ status: 403 });
		expect(await refusal(resolveAppealAs(app.runtime, actor(otherLeader, 'leader'), id, { decision: 'void', reason: 'x' }))).toMatchObject({ status: 404 });
		// Another organization: 404.
		expect(await refusal(readAppeal(app.runtime, actor(foreignAdmin, 'admin'), id))).toMatchObject({ status: 404 });
		expect(await refusal(resolveAppealAs(app.runtime, actor(foreignAdmin, 'admin'), id, { decision: 'reject', reason: 'x' }))).toMatchObject({ status: 404 });
		// Bad resolutions name the field and leave it open.
		expect(await refusal(resolveAppealAs(app.runtime, actor(leader, 'leader'), id, { decision: 'maybe', reason: 'x' }))).toMatchObject({ status: 400, field: 'decision' });
		expect(await refusal(resolveAppealAs(app.runtime, actor(leader, 'leader'), id, { decision: 'reject', reason: '' }))).toMatchObject({ status: 400, field: 'reason' });
		expect(await refusal(resolveAppealAs(app.runtime, actor(leader, 'leader'), id, { decision: 'recredit', reason: 'x' }))).toMatchObject({ status: 400, field: 'member' });
		expect(await refusal(resolveAppealAs(app.runtime, actor(leader, 'leader'), id, { decision: 'recredit', reason: 'x', member: rep.userId }))).toMatchObject({ status: 400, field: 'member' });
		expect((await readAppeal(app.runtime, actor(leader, 'leader'), id)).status).toBe('open');
	});

	test('two concurrent resolutions: one wins, the other is a 409', async () => {
		const eventId = await log(rep, 'deal', 1);
		const { id } = await openAppeal(app.runtime, asRep(rep), { eventId, kind: 'not_mine', reason: 'Rep2 did it' });
		const results = await Promise.allSettled([
			resolveAppealAs(app.runtime, actor(leader, 'leader'), id, { decision: 'recredit', reason: 'Rep2', member: rep2.userId }),
			resolveAppealAs(app.runtime, actor(admin, 'admin'), id, { decision: 'reject', reason: 'No' }),
			resolveAppealAs(app.runtime, actor(admin, 'admin'), id, { decision: 'void', reason: 'Void' })
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 409 });
		const won = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ status: string }>).value.status;
		const { rows } = await sql<{ n: number }>`select count(*)::int as n from score_events where voids_event_id = ${eventId}`.execute(app.runtime.db);
		expect(Number(rows[0].n)).toBe(won === 'rejected' ? 0 : 1);
		expect((await readAppeal(app.runtime, asRep(rep), id)).status).toBe(won);
		expect((await verifyOrg(app.runtime, admin.organizationId)).drift).toEqual([]);
	});
});
