// Every migration, in order. A static list works the same under Vite, tsx and a bundled build.
import type { Migration } from 'kysely';
import * as foundation from './20261128000000_foundation';

export const migrations: Record<string, Migration> = {
	'20261128000000_foundation': foundation
};
