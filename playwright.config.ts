// End-to-end tests run in Debian's Chromium against the production build (`npm run build` first).
// Without E2E_BASE_URL, Playwright starts `npm start` itself on E2E_PORT with an embedded database in a
// fresh data directory, so every run begins from an empty Podium (no demo seed).
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CI = !!process.env.CI;
const port = Number(process.env.E2E_PORT ?? 4173);
const external = process.env.E2E_BASE_URL?.trim();
const baseURL = external || `http://127.0.0.1:${port}`;

// Workers re-evaluate this file; the env var makes them reuse the directory the runner created.
if (!external && !process.env.PODIUM_E2E_DATA_DIR) {
	process.env.PODIUM_E2E_DATA_DIR = mkdtempSync(join(tmpdir(), 'podium-e2e-'));
}

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results',
	fullyParallel: false,
	forbidOnly: CI,
	retries: 0,
	workers: CI ? 2 : undefined,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.E2E_JSON_REPORT
		? [['list'], ['json', { outputFile: process.env.E2E_JSON_REPORT }]]
		: [['list']],
	use: {
		baseURL,
		browserName: 'chromium',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		},
		locale: 'en-US',
		timezoneId: 'Europe/Berlin',
		screenshot: 'only-on-failure',
		trace: 'retain-on-failure',
		actionTimeout: 10_000,
		navigationTimeout: 20_000
	},
	projects: [{ name: 'chromium' }],
	webServer: external
		? undefined
		: {
				command: 'npm start',
				url: `${baseURL}/api/health`,
				timeout: 120_000,
				reuseExistingServer: false,
				stdout: 'pipe',
				stderr: 'pipe',
				env: {
					NODE_ENV: 'production',
					HOST: '127.0.0.1',
					PORT: String(port),
					// adapter-node checks form posts against ORIGIN; without it, it assumes https.
					ORIGIN: baseURL,
					PODIUM_DATA_DIR: process.env.PODIUM_E2E_DATA_DIR!,
					PODIUM_DEMO_SEED: 'off',
					// Empty means "not set" to Podium's config: the embedded database and memory live store.
					DATABASE_URL: '',
					REDIS_URL: '',
					LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
					// Every spec signs up its own organizations from 127.0.0.1: more than a real office would in an hour.
					PODIUM_SIGNUP_LIMIT: '1000'
				}
			}
});
