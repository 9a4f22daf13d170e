// user:create: a person added to an organization as admin, leader or rep, in a team.
import { CliError, PROGRAM, suggest, UsageError } from './args';
import type { CommandSpec } from './command';
import { emailFlag, L, nameFlag, orgFlag, passwordFlag, requireOrganization, withDb } from './context';

const ROLES = ['admin', 'leader', 'rep'] as const;

export const userCreate: CommandSpec = {
	name: 'user:create',
	summary: 'Add a person to an organization as admin, leader or rep, in a team.',
	flags: [
		{ name: 'org', value: 'slug', required: true, help: 'the organization' },
		{ name: 'email', value: 'e-mail', required: true, help: 'their e-mail, which they sign in with' },
		{ name: 'name', value: 'name', required: true, help: 'their display name' },
		{ name: 'role', value: 'admin|leader|rep', required: true, help: 'what they may do' },
		{ name: 'team', value: 'team name', help: 'a rep joins this team, a leader leads it; required for reps and leaders; created when missing' },
		{ name: 'password', value: 'password', help: 'at least 10 characters; "-" reads it from stdin; generated and printed when omitted' }
	],
	details: [
		'Someone who has an account in another organization keeps it (and their password): they are',
		'added to this one. Team names match without regard to case.'
	],
	examples: [
		`${PROGRAM} user:create --org acme --email mia@acme.example --name "Mia Novak" --role rep --team "Inside Sales"`,
		`${PROGRAM} user:create --org acme --email lead@acme.example --name "Liu Yang" --role leader --team "Inside Sales" --password 'a long passphrase'`
	],
	async run(flags, io) {
		const slug = orgFlag(flags);
		const email = emailFlag(flags, 'email');
		const name = nameFlag(flags, 'name');
		const role = flags.role!.trim() as (typeof ROLES)[number];
		if (!ROLES.includes(role)) throw new UsageError(`--role must be admin, leader or rep, not "${flags.role}"${suggest(flags.role!, [...ROLES])}`);
		const teamName = flags.team?.trim();
		if (!teamName && role !== 'admin') throw new UsageError(`missing required flag --team: a ${role} belongs to a team`);
		if (teamName && teamName.length > L.NAME_MAX) throw new UsageError(`--team must be at most ${L.NAME_MAX} characters`);
		const password = await passwordFlag(flags, 'password', { name, email });
		await withDb(io, async ({ db }) => {
			const org = await requireOrganization(db, slug);
			const existing = await L.findUserByEmail(db, email);
			if (existing && (await L.findMembership(db, org.id, existing.id))) {
				throw new CliError(`${email} is a member of ${slug} already`);
			}
			if (existing && password) {
				throw new CliError(`${email} has an account already (in another organization); it keeps its password, so leave out --password`);
			}
			const generated = existing || password ? undefined : L.generateSecureRandomString(16);
			const passwordHash = existing ? undefined : await L.hashPassword(password ?? generated!);
			const result = await db.transaction().execute(async (trx) => {
				const user = existing ?? (await L.insertUser(trx, { email, name, password_hash: passwordHash! }));
				await L.insertMembership(trx, { organization_id: org.id, user_id: user.id, role });
				let team: { id: string; name: string; created: boolean } | undefined;
				if (teamName) {
					const found = (await L.listTeams(trx, org.id)).find((t) => !t.archived_at && t.name.toLowerCase() === teamName.toLowerCase());
					if (found) team = { id: found.id, name: found.name, created: false };
					else {
						const inserted = await L.insertTeam(trx, { organization_id: org.id, name: teamName, parent_id: null });
						team = { id: inserted.id, name: inserted.name, created: true };
						await L.recordAudit(trx, {
							organizationId: org.id,
							actorId: null,
							action: 'team.created',
							targetType: 'team',
							targetId: inserted.id,
							data: { name: inserted.name, parentId: null, via: 'cli' }
						});
					}
					if (role === 'leader') {
						const leaders = (await L.listTeamLeaders(trx, org.id)).filter((l) => l.team_id === team!.id).map((l) => l.user_id);
						await L.replaceTeamLeaders(trx, org.id, team.id, [...new Set([...leaders, user.id])]);
					} else {
						await L.setTeamMembership(trx, org.id, user.id, team.id);
					}
				}
				await L.recordAudit(trx, {
					organizationId: org.id,
					actorId: null,
					action: 'member.created',
					targetType: 'user',
					targetId: user.id,
					data: { email, role, teamId: team?.id ?? null, via: 'cli' }
				});
				return { user, team };
			});
			const { team } = result;
			if (team?.created) io.out(`Created team "${team.name}" in ${slug}.`);
			const where = team ? (role === 'leader' ? `, leading "${team.name}"` : `, in "${team.name}"`) : '';
			io.out(`Added ${result.user.name} <${email}> to ${slug} as ${role}${where}.`);
			if (existing) io.out('They already had an account: their password is unchanged.');
			if (generated) io.out(`Password (shown once): ${generated}`);
		});
	}
};
