import { sql } from 'kysely';
import type { Db } from '../db';

export function findUserByEmail(db: Db, email: string) {
	return db
		.selectFrom('users')
		.selectAll()
		.where(sql<string>`lower(email)`, '=', email.toLowerCase())
		.executeTakeFirst();
}

export function findUserById(db: Db, id: string) {
	return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertUser(db: Db, values: { email: string; name: string; password_hash: string; locale?: string | null }) {
	return db
		.insertInto('users')
		.values({ ...values, email: values.email.toLowerCase(), locale: values.locale ?? null })
		.returningAll()
		.executeTakeFirstOrThrow();
}

export function updateUserProfile(db: Db, id: string, values: { name: string; locale: string | null }) {
	return db.updateTable('users').set(values).where('id', '=', id).execute();
}

export function updateUserPassword(db: Db, id: string, passwordHash: string) {
	return db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

export async function countUserSessions(db: Db, userId: string) {
	const row = await db
		.selectFrom('sessions')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('user_id', '=', userId)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
