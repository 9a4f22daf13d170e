import { describe, expect, test } from 'vitest';
import { ConfigError, EMBEDDED_SECRET_KEY, parseConfig } from '../../src/lib/server/platform/config';

function problemsOf(env: Record<string, string>) {
	try {
		parseConfig(env);
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return error as ConfigError;
	}
	throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
	test('an empty environment gives the embedded defaults', () => {
		expect(parseConfig({})).toEqual({
			nodeEnv: 'development',
			databaseUrl: undefined,
			redisUrl: undefined,
			port: 3000,
			host: '0.0.0.0',
			origin: undefined,
			dataDir: '.data',
			demoSeed: 'auto',
			logLevel: 'info',
			sessionIdleMs: 14 * 24 * 60 * 60 * 1000,
			sessionMaxMs: 30 * 24 * 60 * 60 * 1000,
			signupLimit: 10,
			secretKey: EMBEDDED_SECRET_KEY,
			secretKeySet: false
		});
	});

	test('blank values count as unset', () => {
		const config = parseConfig({ DATABASE_URL: '  ', REDIS_URL: '', PORT: '', LOG_LEVEL: ' ' });
		expect(config.databaseUrl).toBeUndefined();
		expect(config.redisUrl).toBeUndefined();
		expect(config.port).toBe(3000);
		expect(config.logLevel).toBe('info');
	});

	test('reads every variable', () => {
		const config = parseConfig({
			NODE_ENV: 'production',
			DATABASE_URL: 'postgresql://podium@db.internal:5432/podium',
			REDIS_URL: 'rediss://cache.internal:6380',
			PORT: '8080',
			HOST: '127.0.0.1',
			ORIGIN: 'https://podium.example.com',
			PODIUM_DATA_DIR: '/var/lib/podium',
			PODIUM_DEMO_SEED: 'off',
			LOG_LEVEL: 'warn',
			SESSION_IDLE_DAYS: '3',
			SESSION_MAX_DAYS: '7',
			PODIUM_SIGNUP_LIMIT: '50',
			PODIUM_SECRET_KEY: 'a-production-key-of-32-characters'
		});
		expect(config).toEqual({
			nodeEnv: 'production',
			databaseUrl: 'postgresql://podium@db.internal:5432/podium',
			redisUrl: 'rediss://cache.internal:6380',
			port: 8080,
			host: '127.0.0.1',
			origin: 'https://podium.example.com',
			dataDir: '/var/lib/podium',
			demoSeed: 'off',
			logLevel: 'warn',
			sessionIdleMs: 3 * 24 * 60 * 60 * 1000,
			sessionMaxMs: 7 * 24 * 60 * 60 * 1000,
			signupLimit: 50,
			secretKey: 'a-production-key-of-32-characters',
			secretKeySet: true
		});
	});

	test('one error names every bad variable', () => {
		const error = problemsOf({
			NODE_ENV: 'staging',
			DATABASE_URL: 'mysql://root@localhost/podium',
			REDIS_URL: 'not a url',
			PORT: '70000',
			ORIGIN: 'ftp://podium.example.com',
			PODIUM_DEMO_SEED: 'yes',
			LOG_LEVEL: 'loud',
			SESSION_IDLE_DAYS: '0',
			SESSION_MAX_DAYS: 'forever',
			PODIUM_SIGNUP_LIMIT: '0'
		});
		const bad = ['NODE_ENV', 'DATABASE_URL', 'REDIS_URL', 'PORT', 'ORIGIN', 'PODIUM_DEMO_SEED', 'LOG_LEVEL', 'SESSION_IDLE_DAYS', 'SESSION_MAX_DAYS', 'PODIUM_SIGNUP_LIMIT'];
		expect(error.problems.map((p) => p.variable).sort()).toEqual([...bad].sort());
		for (const variable of bad) expect(error.message).toContain(variable);
		expect(error.message).toMatch(/^Invalid configuration: /);
		expect(error.message).toContain('DATABASE_URL must be a URL like postgres://');
		expect(error.message).toContain('PORT must be a whole number from 1 to 65535');
		expect(error.message).toContain('LOG_LEVEL must be one of debug, info, warn, error, silent');
	});

	test('good variables are not blamed', () => {
		const error = problemsOf({ PORT: 'abc', DATABASE_URL: 'postgres://u@h:5432/d', LOG_LEVEL: 'debug' });
		expect(error.problems).toEqual([{ variable: 'PORT', message: 'must be a whole number from 1 to 65535' }]);
		expect(error.message).not.toContain('DATABASE_URL');
	});

	test.each([
		['PORT', '0'],
		['PORT', '3.5'],
		['SESSION_IDLE_DAYS', '366'],
		['SESSION_IDLE_DAYS', 'two']
	])('%s=%s is refused', (variable, value) => {
		expect(problemsOf({ [variable]: value }).problems.map((p) => p.variable)).toEqual([variable]);
	});
});
