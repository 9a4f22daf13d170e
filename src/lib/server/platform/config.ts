// Configuration is parsed once, at start-up, from the environment. No other module reads process.env.
// A bad value stops start-up with one message naming every bad variable.
import { z } from 'zod';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const urlWithProtocols = (protocols: string[], example: string) =>
	z
		.string()
		.trim()
		.refine((value) => {
			try {
				return protocols.includes(new URL(value).protocol);
			} catch {
				return false;
			}
		}, `must be a URL like ${example}`);

const emptyToUndefined = (value: unknown) =>
	typeof value === 'string' && value.trim() === '' ? undefined : value;

const schema = z.object({
	NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
	DATABASE_URL: z.preprocess(
		emptyToUndefined,
		urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://user@host:5432/db').optional()
	),
	REDIS_URL: z.preprocess(
		emptyToUndefined,
		urlWithProtocols(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').optional()
	),
	PORT: z.preprocess(
		emptyToUndefined,
		z.coerce
			.number({ message: 'must be a whole number from 1 to 65535' })
			.int('must be a whole number from 1 to 65535')
			.min(1, 'must be a whole number from 1 to 65535')
			.max(65535, 'must be a whole number from 1 to 65535')
			.default(3000)
	),
	HOST: z.preprocess(emptyToUndefined, z.string().trim().min(1).default('0.0.0.0')),
	ORIGIN: z.preprocess(emptyToUndefined, urlWithProtocols(['http:', 'https:'], 'https://podium.example.com').optional()),
	PODIUM_DATA_DIR: z.preprocess(emptyToUndefined, z.string().trim().min(1).default('.data')),
	PODIUM_DEMO_SEED: z.preprocess(
		emptyToUndefined,
		z.enum(['auto', 'off'], { message: 'must be "auto" or "off"' }).default('auto')
	),
	LOG_LEVEL: z.preprocess(
		emptyToUndefined,
		z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info')
	),
	SESSION_IDLE_DAYS: z.preprocess(
		emptyToUndefined,
		z.coerce
			.number({ message: 'must be a whole number of days from 1 to 365' })
			.int('must be a whole number of days from 1 to 365')
			.min(1, 'must be a whole number of days from 1 to 365')
			.max(365, 'must be a whole number of days from 1 to 365')
			.default(14)
	),
	SESSION_MAX_DAYS: z.preprocess(
		emptyToUndefined,
		z.coerce
			.number({ message: 'must be a whole number of days from 1 to 365' })
			.int('must be a whole number of days from 1 to 365')
			.min(1, 'must be a whole number of days from 1 to 365')
			.max(365, 'must be a whole number of days from 1 to 365')
			.default(30)
	),
	PODIUM_SIGNUP_LIMIT: z.preprocess(
		emptyToUndefined,
		z.coerce
			.number({ message: 'must be a whole number from 1 to 100000' })
			.int('must be a whole number from 1 to 100000')
			.min(1, 'must be a whole number from 1 to 100000')
			.max(100_000, 'must be a whole number from 1 to 100000')
			.default(10)
	),
	PODIUM_SECRET_KEY: z.preprocess(
		emptyToUndefined,
		z.string().min(16, 'must be at least 16 characters (32 random bytes, e.g. openssl rand -base64 32)').optional()
	)
});

/** The key secrets are encrypted with when PODIUM_SECRET_KEY is unset: fine for a laptop, not for production. */
export const EMBEDDED_SECRET_KEY = 'podium-embedded-development-key-set-PODIUM_SECRET_KEY';

export type Config = {
	nodeEnv: 'development' | 'production' | 'test';
	databaseUrl: string | undefined;
	redisUrl: string | undefined;
	port: number;
	host: string;
	origin: string | undefined;
	dataDir: string;
	demoSeed: 'auto' | 'off';
	logLevel: (typeof LOG_LEVELS)[number];
	sessionIdleMs: number;
	/** A session ends this long after sign-in, however active. */
	sessionMaxMs: number;
	/** New organizations one network address may create per hour. */
	signupLimit: number;
	/** Encrypts stored integration secrets (CRM connection secrets, chat webhook URLs). */
	secretKey: string;
	/** False when secretKey is the embedded development default. */
	secretKeySet: boolean;
};

export class ConfigError extends Error {
	constructor(readonly problems: { variable: string; message: string }[]) {
		super(
			`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`
		);
		this.name = 'ConfigError';
	}
}

export function parseConfig(env: Record<string, string | undefined>): Config {
	const result = schema.safeParse(env);
	if (!result.success) {
		const problems = result.error.issues.map((issue) => ({
			variable: String(issue.path[0] ?? 'environment'),
			message: issue.message
		}));
		throw new ConfigError(problems);
	}
	const e = result.data;
	return {
		nodeEnv: e.NODE_ENV,
		databaseUrl: e.DATABASE_URL,
		redisUrl: e.REDIS_URL,
		port: e.PORT,
		host: e.HOST,
		origin: e.ORIGIN,
		dataDir: e.PODIUM_DATA_DIR,
		demoSeed: e.PODIUM_DEMO_SEED,
		logLevel: e.LOG_LEVEL,
		sessionIdleMs: e.SESSION_IDLE_DAYS * 24 * 60 * 60 * 1000,
		sessionMaxMs: e.SESSION_MAX_DAYS * 24 * 60 * 60 * 1000,
		signupLimit: e.PODIUM_SIGNUP_LIMIT,
		secretKey: e.PODIUM_SECRET_KEY ?? EMBEDDED_SECRET_KEY,
		secretKeySet: e.PODIUM_SECRET_KEY !== undefined
	};
}

/** The one place that reads process.env. */
export function configFromProcess(): Config {
	return parseConfig(process.env);
}
