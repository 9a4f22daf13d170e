// simulate: realistic events through the public API, for demos and TV events (scripts/simulator.ts).
import { runSimulation, SimulationError } from '../simulator';
import { CliError, PROGRAM, UsageError } from './args';
import type { CommandSpec } from './command';
import { L, numberFlag, openContext, orgFlag, requireOrganization, type Context } from './context';

const TOKEN_RE = /^pod_[a-km-np-z2-9]{32}$/;

export const simulate: CommandSpec = {
	name: 'simulate',
	summary: 'Post realistic events through the public API at a steady rate, for demos and TV events.',
	flags: [
		{ name: 'org', value: 'slug', required: true, help: 'the organization to score for' },
		{ name: 'rate', value: 'events/s', required: true, help: 'events per second, 0.1 to 20,000' },
		{ name: 'duration', value: 'seconds', help: 'stop after this long; runs until Ctrl-C when omitted' },
		{ name: 'url', value: 'url', help: 'the server, default http://localhost:5173 (npm run dev); npm start listens on 3000' },
		{ name: 'token', value: 'pod_…', help: 'an API token with events:write and leaderboards:read; created (and revoked at the end) when omitted, which needs database access' }
	],
	details: [
		'Events go to POST /api/v1/events in batches about every 100 ms, for the organization\'s members',
		'that are in a team: mostly calls and meetings, sometimes a won deal with its revenue (20,000 to',
		'500,000 CNY) and a new customer. About 1% are re-sent, as a flaky CRM would, and come back as',
		'duplicates. Every 5 seconds a line shows what was sent, accepted, duplicate and rejected, and the',
		'request latency. Ctrl-C stops it and prints the totals.',
		'On the embedded database the server holds the database, so pass --token (create one on the',
		'Admin → API tokens page, or with token:create while the server is stopped).'
	],
	examples: [
		`${PROGRAM} simulate --org demo-sales-co --rate 20 --token pod_…`,
		`${PROGRAM} simulate --org demo-sales-co --rate 500 --duration 60 --url http://localhost:3000`
	],
	async run(flags, io) {
		const slug = orgFlag(flags);
		const rate = numberFlag(flags, 'rate', 0.1, 20_000)!;
		const duration = numberFlag(flags, 'duration', 1, 7 * 24 * 3600);
		let base: URL;
		try {
			base = new URL(flags.url ?? 'http://localhost:5173');
			if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('protocol');
		} catch {
			throw new UsageError(`--url "${flags.url}" is not an http(s) URL like http://localhost:5173`);
		}
		let token = flags.token?.trim();
		if (token !== undefined && !TOKEN_RE.test(token)) throw new UsageError('--token is not an API token: they look like pod_ and 32 letters and digits');

		// Without a token: make one for this run, and revoke it when the run ends.
		let temporary: { ctx: Context; organizationId: string; tokenId: string } | undefined;
		if (!token) {
			const ctx = await openContext(io, 'Or pass --token with an API token (Admin → API tokens) and no database access is needed.');
			try {
				const org = await requireOrganization(ctx.db, slug);
				const created = await L.createApiToken(ctx.db, org.id, null, { name: `simulate ${new Date().toISOString().slice(0, 19)}`, scopes: ['events:write', 'leaderboards:read'] });
				token = created.token;
				temporary = { ctx, organizationId: org.id, tokenId: created.id };
				io.out('Created a temporary API token for this run; it is revoked when the run ends.');
			} catch (error) {
				await ctx.handle.close().catch(() => {});
				throw error;
			}
		}
		try {
			return await runSimulation(io, { base, token, slug, rate, duration });
		} catch (error) {
			if (error instanceof SimulationError) throw new CliError(error.message);
			throw error;
		} finally {
			if (temporary) {
				const { db } = temporary.ctx;
				const { organizationId, tokenId } = temporary;
				try {
					await L.revokeApiToken(db, organizationId, tokenId);
					await L.recordAudit(db, { organizationId, actorId: null, action: 'token.revoked', targetType: 'token', targetId: tokenId, data: { via: 'cli' } });
				} catch (error) {
					io.err(`warning: could not revoke the temporary token: ${(error as Error).message}`);
				}
				await temporary.ctx.handle.close().catch(() => {});
			}
		}
	}
};
