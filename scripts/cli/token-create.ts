// token:create: an API token, printed once as the last line.
import { PROGRAM, suggest, UsageError } from './args';
import type { CommandSpec } from './command';
import { L, orgFlag, requireOrganization, withDb } from './context';

export const tokenCreate: CommandSpec = {
	name: 'token:create',
	summary: 'Create an API token for the public API; prints the token as the last line.',
	flags: [
		{ name: 'org', value: 'slug', required: true, help: 'the organization the token acts for' },
		{ name: 'name', value: 'name', required: true, help: 'what it is for, e.g. "CRM sync"' },
		{ name: 'scopes', value: 'scopes', required: true, help: 'comma-separated: events:write, leaderboards:read' }
	],
	details: ['The token is shown once; only its hash is stored. Revoke it on the Admin → API tokens page.'],
	examples: [
		`${PROGRAM} token:create --org acme --name "CRM sync" --scopes events:write,leaderboards:read`,
		`TOKEN=$(${PROGRAM} token:create --org acme --name TV --scopes leaderboards:read | tail -n 1)`
	],
	async run(flags, io) {
		const slug = orgFlag(flags);
		const name = flags.name!.trim();
		if (name.length > 80) throw new UsageError('--name must be at most 80 characters');
		const scopes = [...new Set(flags.scopes!.split(',').map((s) => s.trim()).filter(Boolean))];
		if (scopes.length === 0) throw new UsageError(`--scopes needs at least one of ${L.TOKEN_SCOPES.join(', ')}`);
		for (const scope of scopes) {
			if (!(L.TOKEN_SCOPES as readonly string[]).includes(scope)) {
				throw new UsageError(`--scopes: unknown scope "${scope}"; choose from ${L.TOKEN_SCOPES.join(', ')}${suggest(scope, [...L.TOKEN_SCOPES])}`);
			}
		}
		await withDb(io, async ({ db }) => {
			const org = await requireOrganization(db, slug);
			const created = await L.createApiToken(db, org.id, null, { name, scopes });
			io.out(`Created API token "${created.name}" for ${slug} with ${created.scopes.join(', ')}.`);
			io.out('It is shown once, below; only its hash is kept. Revoke it on the Admin → API tokens page.');
			io.out(created.token);
		});
	}
};
