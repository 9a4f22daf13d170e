// "All SQL lives in repositories": no Kysely query builder call and no `sql` template outside
// *.repository.ts files, the database adapter (src/lib/server/db/) and migrations/. Services, routes,
// realtime handlers and the CLI call repository functions; they may open a transaction, not query in it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const SCANNED = ['src', 'server', 'scripts'];
const SOURCE = /\.(ts|js|mjs|cjs|svelte)$/;

/** What builds SQL with Kysely: a query builder entry point, the `sql` tag or its helpers, or importing it. */
const SQL_PATTERNS: [string, RegExp][] = [
	['query builder', /\.\s*(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\s*\(/],
	['sql template', /\bsql\s*(<[^`;]*>)?\s*`/],
	['sql helper', /\bsql\s*\.\s*(raw|ref|lit|id|val|table|join|value)\s*\(/],
	['sql import', /import\s*\{[^}]*\bsql\b[^}]*\}\s*from\s*['"]kysely['"]/]
];

const allowed = (path: string) =>
	path.endsWith('.repository.ts') || path.startsWith('src/lib/server/db/') || path.startsWith('migrations/');

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		if (name === 'node_modules' || name.startsWith('.')) continue;
		const path = join(dir, name);
		if (statSync(path).isDirectory()) walk(path, out);
		else if (SOURCE.test(name)) out.push(path);
	}
	return out;
}

/** Each line of the text that builds SQL, as `line: kind`. */
export function sqlSites(text: string): string[] {
	const found: string[] = [];
	text.split('\n').forEach((line, i) => {
		for (const [kind, pattern] of SQL_PATTERNS) if (pattern.test(line)) found.push(`${i + 1}: ${kind}`);
	});
	return found;
}

describe('layout', () => {
	test('the detector sees each way of building SQL and ignores the rest', () => {
		expect(sqlSites("const r = await db.selectFrom('users').selectAll().execute();")).toEqual(['1: query builder']);
		expect(sqlSites("await trx\n\t.insertInto('metrics')\n\t.values(v)")).toEqual(['2: query builder']);
		expect(sqlSites("db.updateTable('sessions').set(x)")).toEqual(['1: query builder']);
		expect(sqlSites("trx.deleteFrom('team_leaders')")).toEqual(['1: query builder']);
		expect(sqlSites('await sql`select 1`.execute(db);')).toEqual(['1: sql template']);
		expect(sqlSites('sql<number>`sum(e.points)`')).toEqual(['1: sql template']);
		expect(sqlSites("sql.ref('e.points')")).toEqual(['1: sql helper']);
		expect(sqlSites("import { sql } from 'kysely';")).toEqual(['1: sql import']);
		expect(sqlSites("await db.transaction().execute(async (trx) => insertUser(trx, v));")).toEqual([]);
		expect(sqlSites("import type { Kysely } from 'kysely';\nconst mysql = 'a'; // sql is fine in prose")).toEqual([]);
	});

	test('no Kysely query builder or sql template outside repositories, db/ and migrations/', () => {
		const offenders: string[] = [];
		for (const dir of SCANNED) {
			for (const file of walk(join(ROOT, dir))) {
				const path = relative(ROOT, file).split('\\').join('/');
				if (allowed(path)) continue;
				for (const site of sqlSites(readFileSync(file, 'utf8'))) offenders.push(`${path}:${site}`);
			}
		}
		expect(offenders, 'move these queries into a *.repository.ts function that takes db or a transaction').toEqual([]);
	});
});
