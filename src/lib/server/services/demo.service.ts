// The demo organization, seeded on the first start of an empty embedded database so that a fresh
// clone opens on something real. A configured DATABASE_URL is never seeded automatically.
import { hashPassword } from '../auth/password';
import type { Db } from '../db';
import { recordAudit } from '../repositories/audit.repository';
import { insertMembership } from '../repositories/membership.repository';
import { insertDefaultMetrics } from '../repositories/metric.repository';
import { countOrganizations, findOrganizationBySlug, insertOrganization } from '../repositories/organization.repository';
import { insertTeam, replaceTeamLeaders, setTeamMembership } from '../repositories/team.repository';
import { insertUser } from '../repositories/user.repository';

export const DEMO_SLUG = 'demo-sales-co';
export const DEMO_PASSWORD = 'podium-demo-2026';
export const DEMO_ADMIN_EMAIL = 'admin@demo.podium.test';

export interface DemoCredentials {
	email: string;
	password: string;
	leaderEmail: string;
	repEmail: string;
}

const TEAMS = [
	{
		name: 'Enterprise',
		leader: 'Grace Hopper',
		reps: ['Ada Lovelace', 'Wang Fang', 'Marcus Reed', 'Priya Natarajan', 'Chen Jing', 'Lucas Moreau', 'Sofia Rossi', 'Tom Becker']
	},
	{
		name: 'Mid-Market',
		leader: 'Liu Yang',
		reps: ['Emma Clarke', 'Zhang Wei', 'Diego Alvarez', 'Hannah Kim', 'Omar Haddad', 'Li Na', 'Jonas Berg', 'Aisha Bello']
	},
	{
		name: 'Inside Sales',
		leader: 'Daniel Okafor',
		reps: ['Mia Novak', 'Zhao Lei', 'Noah Fischer', 'Yuki Tanaka', 'Chloe Martin', 'Sun Hao', 'Ethan Brooks', 'Lena Petrova']
	}
];

const emailOf = (name: string) => `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@demo.podium.test`;

export function demoCredentials(): DemoCredentials {
	return {
		email: DEMO_ADMIN_EMAIL,
		password: DEMO_PASSWORD,
		leaderEmail: emailOf(TEAMS[0].leader),
		repEmail: emailOf(TEAMS[0].reps[0])
	};
}

export async function seedDemo(db: Db): Promise<DemoCredentials> {
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	await db.transaction().execute(async (trx) => {
		const org = await insertOrganization(trx, {
			name: 'Demo Sales Co',
			slug: DEMO_SLUG,
			time_zone: 'Asia/Shanghai',
			locale: 'en',
			week_start: 1
		});
		const admin = await insertUser(trx, { email: DEMO_ADMIN_EMAIL, name: 'Alex Admin', password_hash: passwordHash });
		await insertMembership(trx, { organization_id: org.id, user_id: admin.id, role: 'admin' });
		await insertDefaultMetrics(trx, org.id);
		const sales = await insertTeam(trx, { organization_id: org.id, name: 'Sales', parent_id: null });
		for (const spec of TEAMS) {
			const team = await insertTeam(trx, { organization_id: org.id, name: spec.name, parent_id: sales.id });
			const leader = await insertUser(trx, { email: emailOf(spec.leader), name: spec.leader, password_hash: passwordHash });
			await insertMembership(trx, { organization_id: org.id, user_id: leader.id, role: 'leader' });
			await replaceTeamLeaders(trx, org.id, team.id, [leader.id]);
			for (const name of spec.reps) {
				const rep = await insertUser(trx, { email: emailOf(name), name, password_hash: passwordHash });
				await insertMembership(trx, { organization_id: org.id, user_id: rep.id, role: 'rep' });
				await setTeamMembership(trx, org.id, rep.id, team.id);
			}
		}
		await recordAudit(trx, { organizationId: org.id, actorId: admin.id, action: 'organization.seeded', data: { demo: true } });
	});
	return demoCredentials();
}

/** Seeds the demo on an empty database; reports the demo sign-in whenever the demo organization exists. */
export async function seedDemoIfEmpty(db: Db): Promise<DemoCredentials | undefined> {
	if ((await countOrganizations(db)) === 0) return seedDemo(db);
	return (await findOrganizationBySlug(db, DEMO_SLUG)) ? demoCredentials() : undefined;
}
