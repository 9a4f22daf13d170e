import { sql, type Kysely } from 'kysely';

// Transparency: what reps see of the boards (the whole board or the top N and their neighbourhood;
// everyone's values or only ranks) and whether reps may hide from public displays. The defaults are
// today's behaviour: the full board with values, and reps allowed to hide.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('organizations')
		.addColumn('board_view', 'text', (c) => c.notNull().defaultTo('full').check(sql`board_view in ('full', 'top')`))
		.addColumn('board_top_n', 'integer', (c) => c.notNull().defaultTo(10).check(sql`board_top_n between 1 and 100`))
		.addColumn('board_neighbours', 'integer', (c) => c.notNull().defaultTo(2).check(sql`board_neighbours between 0 and 10`))
		.addColumn('board_values', 'text', (c) => c.notNull().defaultTo('all').check(sql`board_values in ('all', 'ranks')`))
		.addColumn('display_hiding', 'boolean', (c) => c.notNull().defaultTo(true))
		.execute();
	await db.schema.alterTable('memberships').addColumn('display_hidden', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('memberships').dropColumn('display_hidden').execute();
	await db.schema
		.alterTable('organizations')
		.dropColumn('display_hiding')
		.dropColumn('board_values')
		.dropColumn('board_neighbours')
		.dropColumn('board_top_n')
		.dropColumn('board_view')
		.execute();
}
