// Every revocation reaches live sockets: revoking an API token, signing out one session, signing out
// everywhere (in every organization), deactivating a member and changing their role disconnect the
// affected sockets within 1 s, and only those. Embedded, the sockets are in this process; with Postgres
// and Redis the same runs again with the sockets connected to a second process.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createSession } from '../../src/lib/server/auth/session';
import { insertMembership } from '../../src/lib/server/org/membership.repository';
import { APP_START_TIMEOUT, describeResult, startApp, type App } from '../helpers/app';
import { usingPostgres, usingRedis } from '../helpers/env';
import { signIn, signUpOrganization } from '../helpers/fixtures';
import { addApiToken, addRep } from '../helpers/scoring';
import { closeAllSockets, connectSocket, disconnection, refusal, startChildRealtime, whoami, type ChildRealtime, type ClientSocket } from '../helpers/sockets';

/** How soon a revocation must reach the sockets. */
const WITHIN_MS = 1_000;

let app: App;
let second: ChildRealtime | undefined;
const crossProcess = usingPostgres && usingRedis;

beforeAll(async () => {
	[app, second] = await Promise.all([startApp(), crossProcess ? startChildRealtime() : undefined]);
}, APP_START_TIMEOUT);

afterEach(() => closeAllSockets());

afterAll(async () => {
	closeAllSockets();
	await second?.stop();
	await app?.close();
});

function subscribe(socket: ClientSocket) {
	return new Promise<{ data?: unknown; error?: string }>((resolve) =>
		socket.emit('board:subscribe', { board: 'points', scope: 'users', window: 'week' }, (response) => resolve(response as { data?: unknown; error?: string }))
	);
}

/** Runs `revoke`, then expects each socket of `gone` to be disconnected within WITHIN_MS of its answer, and `stays` to stay. */
async function expectRevoked(revoke: () => Promise<unknown>, gone: ClientSocket[], stays: ClientSocket[] = []) {
	const ends = gone.map((socket) => disconnection(socket));
	const lost = stays.map((socket) => {
		const seen: string[] = [];
		socket.on('disconnect', (reason) => seen.push(reason));
		return seen;
	});
	await revoke();
	const answered = Date.now();
	for (const end of await Promise.all(ends)) {
		expect(end.reason).toBe('io server disconnect');
		expect(end.at - answered).toBeLessThan(WITHIN_MS);
	}
	for (const [i, socket] of stays.entries()) {
		expect(socket.connected, `a bystander's socket was disconnected: ${lost[i].join(', ')}`).toBe(true);
		expect((await whoami(socket)).organizationId).toEqual(expect.any(String));
	}
}

const targets: [string, () => string][] = [['this process', () => app.url]];
if (crossProcess) targets.push(['another process', () => second!.url]);

describe.each(targets)('revocations reach sockets connected to %s', (_label, url) => {
	test('revoking an API token disconnects the sockets it opened, and it cannot connect again', async () => {
		const admin = await signUpOrganization(app);
		const revoked = await addApiToken(app.runtime.db, admin.organizationId, ['leaderboards:read']);
		const kept = await addApiToken(app.runtime.db, admin.organizationId, ['leaderboards:read']);
		const display = await connectSocket(url(), undefined, { token: revoked.token });
		const otherDisplay = await connectSocket(url(), undefined, { token: kept.token });
		const member = await connectSocket(url(), `podium_session=${admin.token}`);
		expect(await subscribe(display)).toHaveProperty('data');

		await expectRevoked(
			async () => {
				const result = await admin.browser.action('/admin/tokens?/revoke', { tokenId: revoked.id });
				expect(result.type, describeResult(result)).toBe('success');
			},
			[display],
			[otherDisplay, member]
		);
		expect(await refusal(url(), undefined, { token: revoked.token })).toBe('unauthorized');
	});

	test('signing out one session disconnects that session\'s sockets only', async () => {
		const admin = await signUpOrganization(app);
		const { browser: laptop } = await signIn(app, admin.email);
		const phone = await connectSocket(url(), `podium_session=${admin.token}`);
		const desk = await connectSocket(url(), `podium_session=${laptop.cookie('podium_session')}`);

		await expectRevoked(async () => expect((await admin.browser.postForm('/logout')).status).toBe(303), [phone], [desk]);
		expect(await refusal(url(), `podium_session=${admin.token}`)).toBe('unauthorized');
	});

	test('signing out everywhere disconnects the person\'s sockets in every organization', async () => {
		const admin = await signUpOrganization(app);
		const other = await signUpOrganization(app);
		// The same person is also a member of the other organization, with a session there.
		await insertMembership(app.runtime.db, { organization_id: other.organizationId, user_id: admin.userId, role: 'rep' });
		const elsewhere = await createSession(app.runtime.db, { userId: admin.userId, organizationId: other.organizationId });
		const here = await connectSocket(url(), `podium_session=${admin.token}`);
		const there = await connectSocket(url(), `podium_session=${elsewhere.token}`);
		const bystander = await connectSocket(url(), `podium_session=${other.token}`);

		await expectRevoked(async () => expect((await admin.browser.postForm('/logout?/all')).status).toBe(303), [here, there], [bystander]);
		expect(await refusal(url(), `podium_session=${elsewhere.token}`)).toBe('unauthorized');
	});

	test('deactivating a member disconnects their sockets; changing a role makes them reconnect under it', async () => {
		const admin = await signUpOrganization(app);
		const rep = await addRep(app.runtime.db, admin.organizationId);
		const colleague = await addRep(app.runtime.db, admin.organizationId);
		const repSession = await createSession(app.runtime.db, { userId: rep.userId, organizationId: admin.organizationId });
		const colleagueSession = await createSession(app.runtime.db, { userId: colleague.userId, organizationId: admin.organizationId });
		const colleagueSocket = await connectSocket(url(), `podium_session=${colleagueSession.token}`);

		// A role change: the socket goes, and the same session connects again (now with the new role).
		const before = await connectSocket(url(), `podium_session=${repSession.token}`);
		await expectRevoked(
			async () => {
				const result = await admin.browser.action('/admin/members?/role', { userId: rep.userId, role: 'leader' });
				expect(result.type, describeResult(result)).toBe('success');
			},
			[before],
			[colleagueSocket]
		);
		const after = await connectSocket(url(), `podium_session=${repSession.token}`);

		await expectRevoked(
			async () => {
				const result = await admin.browser.action('/admin/members?/deactivate', { userId: rep.userId });
				expect(result.type, describeResult(result)).toBe('success');
			},
			[after],
			[colleagueSocket]
		);
		expect(await refusal(url(), `podium_session=${repSession.token}`)).toBe('unauthorized');
	});
});
