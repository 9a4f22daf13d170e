// Transparency's rows: the organization's settings and each member's "hide me from displays".
import type { Db } from '../db';

export function findTransparency(db: Db, organizationId: string) {
	return db
		.selectFrom('organizations')
		.select(['board_view', 'board_top_n', 'board_neighbours', 'board_values', 'display_hiding'])
		.where('id', '=', organizationId)
		.executeTakeFirst();
}

export async function updateTransparency(
	db: Db,
	organizationId: string,
	values: { board_view: 'full' | 'top'; board_top_n: number; board_neighbours: number; board_values: 'all' | 'ranks'; display_hiding: boolean }
) {
	await db.updateTable('organizations').set(values).where('id', '=', organizationId).execute();
}

export function findDisplayHidden(db: Db, organizationId: string, userId: string) {
	return db
		.selectFrom('memberships')
		.select('display_hidden')
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
}

export async function setDisplayHidden(db: Db, organizationId: string, userId: string, hidden: boolean) {
	await db.updateTable('memberships').set({ display_hidden: hidden }).where('organization_id', '=', organizationId).where('user_id', '=', userId).execute();
}

/** Members who asked to be left off public displays. */
export async function displayHiddenIds(db: Db, organizationId: string) {
	const rows = await db
		.selectFrom('memberships')
		.select('user_id')
		.where('organization_id', '=', organizationId)
		.where('display_hidden', '=', true)
		.execute();
	return rows.map((r) => r.user_id);
}
