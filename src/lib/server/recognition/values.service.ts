// Company values and giving allowances: everyone in the organization reads them; only admins change
// them (with an audit row). A value some kudos names is archived, never deleted, so the feed keeps its chip.
import type { Db } from '../db';
import type { Role } from '../db/schema';
import type { Actor } from '../org/actor';
import { recordAudit } from '../org/audit.repository';
import { AppError, forbidden } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { allowancesSchema, DEFAULT_ALLOWANCES, valueInputSchema, valueRefSchema, type CompanyValueView } from '../../shared/kudos';
import { deleteUnusedValue, findValueRow, insertValue, listAllowanceRows, listValueRows, setValueArchived, updateValue, upsertAllowances } from './values.repository';

const requireAdmin = (actor: Actor) => {
	if (actor.role !== 'admin') throw forbidden();
};

export async function listValues(db: Db, actor: Actor, options: { includeArchived?: boolean } = {}): Promise<CompanyValueView[]> {
	const rows = await listValueRows(db, actor.organizationId);
	return rows
		.filter((r) => options.includeArchived || !r.archived_at)
		.map((r) => ({ id: r.id, name: r.name, description: r.description, emoji: r.emoji, color: r.color, archived: !!r.archived_at, used: Number(r.used ?? 0) }));
}

export async function createValue(db: Db, actor: Actor, input: unknown): Promise<{ id: string }> {
	requireAdmin(actor);
	const value = parseInput(valueInputSchema, input);
	return db.transaction().execute(async (trx) => {
		const row = await insertValue(trx, actor.organizationId, value);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'kudos.value_created', targetType: 'company_value', targetId: row.id, data: { name: value.name } });
		return row;
	});
}

export async function editValue(db: Db, actor: Actor, input: Record<string, unknown>): Promise<void> {
	requireAdmin(actor);
	const { valueId } = parseInput(valueRefSchema, input);
	const value = parseInput(valueInputSchema, input);
	await db.transaction().execute(async (trx) => {
		const row = await updateValue(trx, actor.organizationId, valueId, value);
		if (!row) throw new AppError(404, 'validation.notFound', undefined, 'valueId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'kudos.value_updated', targetType: 'company_value', targetId: valueId, data: { name: value.name } });
	});
}

export async function archiveValue(db: Db, actor: Actor, input: unknown, archived: boolean): Promise<void> {
	requireAdmin(actor);
	const { valueId } = parseInput(valueRefSchema, input);
	await db.transaction().execute(async (trx) => {
		const found = await findValueRow(trx, actor.organizationId, valueId);
		if (!found) throw new AppError(404, 'validation.notFound', undefined, 'valueId');
		const row = await setValueArchived(trx, actor.organizationId, valueId, archived);
		if (!row) throw new AppError(409, archived ? 'kudos.values.alreadyArchived' : 'kudos.values.notArchived', undefined, 'valueId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: archived ? 'kudos.value_archived' : 'kudos.value_restored', targetType: 'company_value', targetId: valueId });
	});
}

/** Deletes a value no kudos names; one that is used must be archived instead (409 on valueId). */
export async function deleteValue(db: Db, actor: Actor, input: unknown): Promise<void> {
	requireAdmin(actor);
	const { valueId } = parseInput(valueRefSchema, input);
	await db.transaction().execute(async (trx) => {
		const found = await findValueRow(trx, actor.organizationId, valueId);
		if (!found) throw new AppError(404, 'validation.notFound', undefined, 'valueId');
		if (!(await deleteUnusedValue(trx, actor.organizationId, valueId))) throw new AppError(409, 'kudos.values.inUse', undefined, 'valueId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'kudos.value_deleted', targetType: 'company_value', targetId: valueId, data: { name: found.name } });
	});
}

/** Each role's monthly giving allowance (defaults until an admin sets them). */
export async function allowancesOf(db: Db, organizationId: string): Promise<Record<Role, number>> {
	const rows = await listAllowanceRows(db, organizationId);
	const out: Record<Role, number> = { ...DEFAULT_ALLOWANCES };
	for (const r of rows) out[r.role] = r.points;
	return out;
}

export async function setAllowances(db: Db, actor: Actor, input: unknown): Promise<Record<Role, number>> {
	requireAdmin(actor);
	const points = parseInput(allowancesSchema, input);
	await db.transaction().execute(async (trx) => {
		await upsertAllowances(trx, actor.organizationId, points);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'kudos.allowances_set', targetType: 'organization', targetId: actor.organizationId, data: points });
	});
	return points;
}
