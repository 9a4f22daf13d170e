// Company values: every query is scoped by organization. A value a kudos names is archived, never deleted.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { LocalizedText } from '../../shared/localized';
import type { Role } from '../db/schema';

export function listValueRows(db: Db, organizationId: string) {
	return db
		.selectFrom('company_values as v')
		.select(['v.id', 'v.name', 'v.description', 'v.emoji', 'v.color', 'v.position', 'v.archived_at'])
		.select((eb) => eb.selectFrom('kudos as k').select(sql<number>`count(*)::int`.as('n')).whereRef('k.value_id', '=', 'v.id').as('used'))
		.where('v.organization_id', '=', organizationId)
		.orderBy('v.position')
		.orderBy('v.created_at')
		.execute();
}

export function findValueRow(db: Db, organizationId: string, id: string) {
	return db
		.selectFrom('company_values')
		.select(['id', 'name', 'description', 'emoji', 'color', 'position', 'archived_at'])
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.executeTakeFirst();
}

export interface ValueRowInput {
	name: LocalizedText;
	description: LocalizedText;
	emoji: string | null;
	color: string | null;
}

export async function insertValue(db: Db, organizationId: string, input: ValueRowInput) {
	const last = await db
		.selectFrom('company_values')
		.select(sql<number>`coalesce(max(position), -1)::int`.as('p'))
		.where('organization_id', '=', organizationId)
		.executeTakeFirstOrThrow();
	return db
		.insertInto('company_values')
		.values({
			organization_id: organizationId,
			name: JSON.stringify(input.name),
			description: JSON.stringify(input.description),
			emoji: input.emoji,
			color: input.color,
			position: last.p + 1
		})
		.returning(['id'])
		.executeTakeFirstOrThrow();
}

export function updateValue(db: Db, organizationId: string, id: string, input: ValueRowInput) {
	return db
		.updateTable('company_values')
		.set({ name: JSON.stringify(input.name), description: JSON.stringify(input.description), emoji: input.emoji, color: input.color })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.returning(['id'])
		.executeTakeFirst();
}

export function setValueArchived(db: Db, organizationId: string, id: string, archived: boolean) {
	return db
		.updateTable('company_values')
		.set({ archived_at: archived ? new Date() : null })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('archived_at', archived ? 'is' : 'is not', null)
		.returning(['id'])
		.executeTakeFirst();
}

/** Deletes a value no kudos names (one statement: a kudos naming it meanwhile keeps it). */
export function deleteUnusedValue(db: Db, organizationId: string, id: string) {
	return db
		.deleteFrom('company_values as v')
		.where('v.organization_id', '=', organizationId)
		.where('v.id', '=', id)
		.where((eb) => eb.not(eb.exists(eb.selectFrom('kudos as k').select('k.id').whereRef('k.value_id', '=', 'v.id'))))
		.returning(['v.id'])
		.executeTakeFirst();
}

export function listAllowanceRows(db: Db, organizationId: string) {
	return db.selectFrom('kudos_allowances').select(['role', 'points']).where('organization_id', '=', organizationId).execute();
}

export async function upsertAllowances(db: Db, organizationId: string, points: Record<Role, number>) {
	await db
		.insertInto('kudos_allowances')
		.values((Object.entries(points) as [Role, number][]).map(([role, p]) => ({ organization_id: organizationId, role, points: p })))
		.onConflict((oc) => oc.columns(['organization_id', 'role']).doUpdateSet((eb) => ({ points: eb.ref('excluded.points') })))
		.execute();
}
