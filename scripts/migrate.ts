// npm run db:migrate [-- --down]: applies every pending migration (or reverts the last one) on the configured database.
import { configFromProcess, ConfigError } from '../src/lib/server/platform/config';
import { migrateDown, migrateToLatest, openDatabase } from '../src/lib/server/db';

async function main() {
	const config = configFromProcess();
	const handle = await openDatabase(config);
	try {
		if (process.argv.includes('--down')) {
			const name = await migrateDown(handle.db);
			console.log(name ? `Reverted ${name}` : 'Nothing to revert');
		} else {
			const applied = await migrateToLatest(handle.db);
			console.log(applied.length ? `Applied ${applied.join(', ')}` : `Database (${handle.kind}) is up to date`);
		}
	} finally {
		await handle.close();
	}
}

main().catch((error) => {
	console.error(error instanceof ConfigError ? error.message : error);
	process.exit(1);
});
