// The migration that turns a metric's two name columns (name_en, name_zh) into one localized jsonb
// `name`: existing names survive up and down, an empty language is dropped, and the column refuses a
// value with no language. Runs on a database of its own (a scratch one with DATABASE_URL, else an
// in-memory PGlite): the shared test database cannot be migrated down.
import '../helpers/env';
import { Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrations } from '../../migrations/index';
import { openDatabase } from '../../src/lib/server/db';
import { usingPostgres } from '../helpers/env';
import { createScratchDatabase } from '../helpers/scoring';

const BEFORE = '20261129230200_metric_bounds';
const THIS = '20261130010000_localized_names';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let db: Kysely<any>;
let close: () => Promise<void>;
let dropScratch: (() => Promise<unknown>) | undefined;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const migrator = () => new Migrator({ db, provider: { getMigrations: async () => migrations } });

async function migrateTo(name: string) {
	const { error } = await migrator().migrateTo(name);
	if (error) throw error;
}

beforeAll(async () => {
	let databaseUrl: string | undefined;
	if (usingPostgres) {
		const scratch = await createScratchDatabase('podium_migration');
		databaseUrl = scratch.url;
		dropScratch = scratch.drop;
	}
	const handle = await openDatabase({ databaseUrl, dataDir: 'memory://' });
	db = handle.db;
	close = handle.close;
});

afterAll(async () => {
	await close?.();
	await dropScratch?.();
});

async function metricNames() {
	const { rows } = await sql<{ key: string; name: Record<string, string> }>`select key, name from metrics order by key`.execute(db);
	return Object.fromEntries(rows.map((r) => [r.key, r.name]));
}

describe('migration: localized metric names', () => {
	test('up builds { en, zh-CN } from both columns, dropping empty ones; down gives the columns back', async () => {
		// An organization from before metrics existed gets the starting metrics from the scoring migration.
		await migrateTo('20261128000000_foundation');
		const {
			rows: [org]
		} = await sql<{ id: string }>`insert into organizations (name, slug) values ('Old names', 'old-names') returning id`.execute(db);
		await migrateTo(BEFORE);
		const insert = (key: string, en: string, zh: string) =>
			sql`insert into metrics (organization_id, key, name_en, name_zh, unit, max_value) values (${org.id}, ${key}, ${en}, ${zh}, 'count', 1000)`.execute(db);
		await insert('both', 'Demos booked', '预约演示');
		await insert('en_only', 'Referrals', '');
		await insert('zh_only', '  ', '转介绍');
		await insert('none', '', ' ');

		await migrateTo(THIS);
		const names = await metricNames();
		expect(names.deal).toEqual({ en: 'Deals won', 'zh-CN': '成交' });
		expect(names.both).toEqual({ en: 'Demos booked', 'zh-CN': '预约演示' });
		expect(names.en_only).toEqual({ en: 'Referrals' });
		expect(names.zh_only).toEqual({ 'zh-CN': '转介绍' });
		// A metric that had no name at all is named by its key rather than left unreadable.
		expect(names.none).toEqual({ en: 'none' });
		const { rows: columns } = await sql<{ column_name: string }>`
			select column_name from information_schema.columns where table_name = 'metrics' and column_name like 'name%'`.execute(db);
		expect(columns.map((c) => c.column_name)).toEqual(['name']);

		// The column refuses a name with no language, an empty or blank language, or a non-string.
		for (const bad of ['{}', '{"en": ""}', '{"en": "  ", "zh-CN": "通话"}', '{"en": 5}', '{"en": ["x"]}', '"Calls"', '[]']) {
			await expect(
				sql`insert into metrics (organization_id, key, name, unit, max_value) values (${org.id}, 'bad', ${bad}::jsonb, 'count', 1000)`.execute(db),
				bad
			).rejects.toThrow(/metrics_name_localized/);
		}
		await sql`insert into metrics (organization_id, key, name, unit, max_value) values (${org.id}, 'new_zh', ${'{"zh-CN": "新"}'}::jsonb, 'count', 1000)`.execute(db);

		await migrateTo(BEFORE);
		const { rows } = await sql<{ key: string; name_en: string; name_zh: string }>`select key, name_en, name_zh from metrics order by key`.execute(db);
		const back = Object.fromEntries(rows.map((r) => [r.key, [r.name_en, r.name_zh]]));
		expect(back.deal).toEqual(['Deals won', '成交']);
		expect(back.both).toEqual(['Demos booked', '预约演示']);
		// One language stands in for the missing one.
		expect(back.en_only).toEqual(['Referrals', 'Referrals']);
		expect(back.zh_only).toEqual(['转介绍', '转介绍']);
		expect(back.new_zh).toEqual(['新', '新']);
		await expect(sql`insert into metrics (organization_id, key, unit, max_value) values (${org.id}, 'no_name', 'count', 1000)`.execute(db)).rejects.toThrow(/name_en/);

		// And up again: the migration runs on what down left.
		await migrateTo(THIS);
		expect((await metricNames()).en_only).toEqual({ en: 'Referrals', 'zh-CN': 'Referrals' });
	});
});
