import type { Db } from '../db';
import type { NewOrganization, OrganizationUpdate } from '../db/schema';

export function findOrganizationById(db: Db, id: string) {
	return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOrganizationBySlug(db: Db, slug: string) {
	return db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function slugExists(db: Db, slug: string) {
	return !!(await db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst());
}

export function insertOrganization(db: Db, values: NewOrganization) {
	return db.insertInto('organizations').values(values).returningAll().executeTakeFirstOrThrow();
}

export function updateOrganization(db: Db, id: string, values: OrganizationUpdate) {
	return db.updateTable('organizations').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function countOrganizations(db: Db) {
	const row = await db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The time zone and week start every window of the organization is computed in. */
export function findOrganizationClock(db: Db, id: string) {
	return db.selectFrom('organizations').select(['time_zone', 'week_start']).where('id', '=', id).executeTakeFirstOrThrow();
}

/** Every organization's id and slug, or the one with that slug. */
export function listOrganizationIds(db: Db, slug?: string) {
	let q = db.selectFrom('organizations').select(['id', 'slug']);
	if (slug) q = q.where('slug', '=', slug);
	return q.execute();
}
