// Every migration, in order. A static list works the same under Vite, tsx and a bundled build.
import type { Migration } from 'kysely';
import * as foundation from './20261128000000_foundation';
import * as scoring from './20261128010000_scoring';

export const migrations: Record<string, Migration> = {
	'20261128000000_foundation': foundation,
	'20261128010000_scoring': scoring
};
