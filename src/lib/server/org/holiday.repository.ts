// The organization's holidays: days that are not worked, so that they neither count toward nor break a
// streak of working days (badges, the leaderboard's streak flames).
import type { Db } from '../db';

export function holidaysOf(db: Db, organizationId: string) {
	return db.selectFrom('org_holidays').select(['day', 'name']).where('organization_id', '=', organizationId).orderBy('day').execute();
}

export async function insertHoliday(db: Db, organizationId: string, day: string, name: string): Promise<boolean> {
	const row = await db
		.insertInto('org_holidays')
		.values({ organization_id: organizationId, day, name })
		.onConflict((oc) => oc.columns(['organization_id', 'day']).doUpdateSet({ name }))
		.returning('day')
		.executeTakeFirst();
	return !!row;
}

export async function deleteHoliday(db: Db, organizationId: string, day: string): Promise<boolean> {
	const result = await db.deleteFrom('org_holidays').where('organization_id', '=', organizationId).where('day', '=', day).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}
