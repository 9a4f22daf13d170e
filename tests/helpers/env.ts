// Test environment defaults. Import this before anything that calls getRuntime().
// Without DATABASE_URL the app runs on an in-memory PGlite (nothing written to disk) and never seeds the demo org.
process.env.PODIUM_DATA_DIR = 'memory://';
process.env.PODIUM_DEMO_SEED = 'off';
process.env.LOG_LEVEL ??= 'error';

export const usingPostgres = !!process.env.DATABASE_URL;
export const usingRedis = !!process.env.REDIS_URL;

/** A short random suffix: tests share one database and one Redis in the real-services mode. */
export function uniqueSuffix(): string {
	return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export function uniqueEmail(label = 'user'): string {
	return `${label}-${uniqueSuffix()}@example.test`;
}
