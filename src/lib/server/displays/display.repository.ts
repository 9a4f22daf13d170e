// Displays' SQL: displays, their slides, paired screens and pairing codes. Every query of displays,
// slides and screens is scoped by organization; a pairing belongs to no organization until claimed,
// and is found only by its code (live) or by its id together with the TV's secret.
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db';
import type { Database } from '../db/schema';

type Executor = Db | Transaction<Database>;

// ---- displays ----

export function listDisplays(db: Executor, organizationId: string) {
	return db.selectFrom('displays').selectAll().where('organization_id', '=', organizationId).orderBy('name').orderBy('id').execute();
}

export function findDisplay(db: Executor, organizationId: string, id: string) {
	return db.selectFrom('displays').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export function insertDisplay(db: Executor, row: { organization_id: string; name: string; team_id: string | null; top_n: number; celebrations: unknown; created_by: string | null }) {
	return db
		.insertInto('displays')
		.values({ ...row, celebrations: JSON.stringify(row.celebrations) })
		.returning('id')
		.executeTakeFirstOrThrow();
}

export async function updateDisplay(
	db: Executor,
	organizationId: string,
	id: string,
	fields: { name?: string; team_id?: string | null; top_n?: number; celebrations?: unknown; epoch_at?: Date; pinned_slide_id?: string | null; blackout?: boolean }
) {
	const { celebrations, ...rest } = fields;
	const result = await db
		.updateTable('displays')
		.set({ ...rest, ...(celebrations !== undefined ? { celebrations: JSON.stringify(celebrations) } : {}), updated_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export async function deleteDisplay(db: Executor, organizationId: string, id: string) {
	const result = await db.deleteFrom('displays').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

// ---- slides ----

export function listSlides(db: Executor, organizationId: string, displayId: string) {
	return db
		.selectFrom('display_slides')
		.selectAll()
		.where('organization_id', '=', organizationId)
		.where('display_id', '=', displayId)
		.orderBy('position')
		.orderBy('created_at')
		.execute();
}

export function listSlidesOfOrg(db: Executor, organizationId: string) {
	return db.selectFrom('display_slides').selectAll().where('organization_id', '=', organizationId).orderBy('display_id').orderBy('position').execute();
}

export function findSlide(db: Executor, organizationId: string, id: string) {
	return db.selectFrom('display_slides').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function insertSlide(db: Executor, row: { organization_id: string; display_id: string; type: string; settings: unknown; duration_s: number; schedule: unknown | null }) {
	const last = await db
		.selectFrom('display_slides')
		.select((eb) => eb.fn.max('position').as('max'))
		.where('organization_id', '=', row.organization_id)
		.where('display_id', '=', row.display_id)
		.executeTakeFirst();
	return db
		.insertInto('display_slides')
		.values({
			...row,
			position: Number(last?.max ?? -1) + 1,
			settings: JSON.stringify(row.settings),
			schedule: row.schedule === null ? null : JSON.stringify(row.schedule)
		})
		.returning('id')
		.executeTakeFirstOrThrow();
}

export async function updateSlide(db: Executor, organizationId: string, id: string, fields: { settings: unknown; duration_s: number; schedule: unknown | null }) {
	const result = await db
		.updateTable('display_slides')
		.set({ settings: JSON.stringify(fields.settings), duration_s: fields.duration_s, schedule: fields.schedule === null ? null : JSON.stringify(fields.schedule), updated_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export async function deleteSlide(db: Executor, organizationId: string, id: string) {
	const result = await db.deleteFrom('display_slides').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** Numbers a display's slides 0, 1, 2… in the given order. */
export async function setSlideOrder(db: Executor, organizationId: string, displayId: string, ids: string[]) {
	for (const [position, id] of ids.entries()) {
		await db
			.updateTable('display_slides')
			.set({ position })
			.where('organization_id', '=', organizationId)
			.where('display_id', '=', displayId)
			.where('id', '=', id)
			.execute();
	}
}

// ---- screens ----

export function insertScreen(db: Executor, row: { organization_id: string; display_id: string; token_hash: Uint8Array; paired_by: string | null }) {
	return db.insertInto('display_screens').values(row).returning('id').executeTakeFirstOrThrow();
}

/** A live (unrevoked) screen by its token's hash, with its display's organization. */
export function findScreenByTokenHash(db: Executor, hash: Uint8Array) {
	return db
		.selectFrom('display_screens')
		.innerJoin('displays', 'displays.id', 'display_screens.display_id')
		.select(['display_screens.id', 'display_screens.organization_id', 'display_screens.display_id', 'display_screens.token_hash'])
		.where('display_screens.token_hash', '=', hash)
		.where('display_screens.revoked_at', 'is', null)
		.executeTakeFirst();
}

export function listScreens(db: Executor, organizationId: string) {
	return db
		.selectFrom('display_screens')
		.select(['id', 'display_id', 'paired_by', 'user_agent', 'resolution', 'current_slide', 'last_seen_at', 'created_at'])
		.where('organization_id', '=', organizationId)
		.where('revoked_at', 'is', null)
		.orderBy('created_at')
		.execute();
}

export function findScreen(db: Executor, organizationId: string, id: string) {
	return db
		.selectFrom('display_screens')
		.select(['id', 'display_id', 'revoked_at'])
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.executeTakeFirst();
}

export async function revokeScreen(db: Executor, organizationId: string, id: string, at: Date) {
	const result = await db
		.updateTable('display_screens')
		.set({ revoked_at: at })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export async function touchScreen(db: Executor, id: string, fields: { user_agent?: string | null; resolution?: string | null; current_slide?: string | null; last_seen_at: Date }) {
	await db.updateTable('display_screens').set(fields).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

// ---- pairings ----

export function insertPairing(db: Executor, row: { code: string; secret_hash: Uint8Array; expires_at: Date }) {
	return db.insertInto('display_pairings').values(row).returning(['id', 'code', 'expires_at']).executeTakeFirstOrThrow();
}

/** Whether a code is live (unused and unexpired) now: a new code must not repeat one. */
export async function liveCodeExists(db: Executor, code: string, now: Date) {
	const row = await db.selectFrom('display_pairings').select('id').where('code', '=', code).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
	return !!row;
}

/** Claims a live code once: the row it marked used, or nothing (unknown, expired or used). */
export function claimPairing(db: Executor, code: string, now: Date) {
	return db
		.updateTable('display_pairings')
		.set({ used_at: now })
		.where('code', '=', code)
		.where('used_at', 'is', null)
		.where('expires_at', '>', now)
		.returning(['id', 'secret_hash'])
		.executeTakeFirst();
}

export function setPairingScreen(db: Executor, id: string, screenId: string) {
	return db.updateTable('display_pairings').set({ screen_id: screenId }).where('id', '=', id).execute();
}

export function findPairingByCode(db: Executor, code: string) {
	return db
		.selectFrom('display_pairings')
		.select(['id', 'code', 'secret_hash', 'expires_at', 'used_at', 'screen_id'])
		.where('code', '=', code)
		.orderBy('created_at', 'desc')
		.executeTakeFirst();
}

/** Pairings expired for a day are of no use to anyone. */
export async function deleteOldPairings(db: Executor, before: Date) {
	await db.deleteFrom('display_pairings').where('expires_at', '<', before).execute();
}

// ---- members as displays show them ----

export function displayNamesOf(db: Executor, organizationId: string, userIds: string[]) {
	if (!userIds.length) return Promise.resolve([]);
	return db
		.selectFrom('memberships')
		.innerJoin('users', 'users.id', 'memberships.user_id')
		.select(['users.id', 'users.name', 'memberships.display_as', 'memberships.display_alias'])
		.where('memberships.organization_id', '=', organizationId)
		.where('memberships.user_id', 'in', userIds)
		.execute();
}

export async function setDisplayAs(db: Executor, organizationId: string, userId: string, displayAs: 'name' | 'initials' | 'alias', alias: string | null) {
	await db
		.updateTable('memberships')
		.set({ display_as: displayAs, display_alias: alias })
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.execute();
}

export function findDisplayAs(db: Executor, organizationId: string, userId: string) {
	return db
		.selectFrom('memberships')
		.select(['display_as', 'display_alias'])
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
}


// ---- celebration sounds ----

/** The organization's uploaded sounds, without their data. */
export function listSounds(db: Db, organizationId: string) {
	return db
		.selectFrom('display_sounds')
		.select(['kind', 'name', 'mime', 'updated_at', sql<number>`octet_length(data)`.as('size')])
		.where('organization_id', '=', organizationId)
		.orderBy('kind')
		.execute();
}

export function findSound(db: Db, organizationId: string, kind: string) {
	return db.selectFrom('display_sounds').select(['kind', 'name', 'mime', 'data', 'updated_at']).where('organization_id', '=', organizationId).where('kind', '=', kind).executeTakeFirst();
}

export async function putSound(db: Db, values: { organization_id: string; kind: string; name: string; mime: string; data: Uint8Array; uploaded_by: string }) {
	await db
		.insertInto('display_sounds')
		.values({ ...values, updated_at: new Date() })
		.onConflict((oc) => oc.columns(['organization_id', 'kind']).doUpdateSet({ name: values.name, mime: values.mime, data: values.data, uploaded_by: values.uploaded_by, updated_at: new Date() }))
		.execute();
}

export async function deleteSound(db: Db, organizationId: string, kind: string): Promise<boolean> {
	const result = await db.deleteFrom('display_sounds').where('organization_id', '=', organizationId).where('kind', '=', kind).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}
