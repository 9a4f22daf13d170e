// The build stays free of Svelte compiler warnings: every component compiles without one
// (state_referenced_locally, a11y_*, css_unused_selector…), with the options the app builds with.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'svelte/compiler';
import { describe, expect, test } from 'vitest';

function components(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return components(path);
		return entry.name.endsWith('.svelte') ? [path] : [];
	});
}

describe('Svelte components', () => {
	const files = components('src');

	test('there are components to check', () => {
		expect(files.length).toBeGreaterThan(10);
	});

	test.each(files)('%s compiles without warnings', (file) => {
		for (const generate of ['client', 'server'] as const) {
			const { warnings } = compile(readFileSync(file, 'utf8'), { filename: file, runes: true, generate });
			expect(warnings.map((w) => `${w.code} at ${w.start?.line}:${w.start?.column}: ${w.message}`)).toEqual([]);
		}
	});
});
