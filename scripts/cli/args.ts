// The CLI's arguments: strict flag parsing, help texts and the two kinds of user error.
import type { CommandSpec, Flags } from './command';

export const PROGRAM = 'npm run podium --';

/** Bad usage: exit 2, with a pointer to the command's help. */
export class UsageError extends Error {
	constructor(
		message: string,
		readonly command?: string
	) {
		super(message);
		this.name = 'UsageError';
	}
}

/** A refusal or failure at run time that the user can act on: exit 1, message only. */
export class CliError extends Error {
	constructor(
		message: string,
		readonly exitCode = 1
	) {
		super(message);
		this.name = 'CliError';
	}
}

function distance(a: string, b: string): number {
	const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let prev = dp[0];
		dp[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const tmp = dp[j];
			dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = tmp;
		}
	}
	return dp[b.length];
}

export function suggest(input: string, options: string[], prefix = ''): string {
	const best = options.map((o) => ({ o, d: distance(input, o) })).sort((a, b) => a.d - b.d)[0];
	return best && best.d <= Math.max(2, Math.floor(input.length / 3)) ? ` (did you mean ${prefix}${best.o}?)` : '';
}

/** Strict flag parsing: --flag value or --flag=value; unknown, repeated or valueless flags and stray words are errors. */
export function parseFlags(command: CommandSpec, argv: string[]): Flags {
	const known = new Map(command.flags.map((f) => [f.name, f]));
	const flags: Flags = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--') || arg === '--') {
			throw new UsageError(`unexpected argument "${arg}": every value follows a flag, like --org demo-sales-co`, command.name);
		}
		const eq = arg.indexOf('=');
		const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
		const spec = known.get(name);
		if (!spec) {
			throw new UsageError(`unknown flag --${name} for ${command.name}${suggest(name, [...known.keys()], '--')}`, command.name);
		}
		if (name in flags) throw new UsageError(`flag --${name} is given twice`, command.name);
		if (!spec.value) {
			if (eq >= 0) throw new UsageError(`flag --${name} takes no value`, command.name);
			flags[name] = 'true';
			continue;
		}
		let value: string | undefined;
		if (eq >= 0) value = arg.slice(eq + 1);
		else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
		if (value === undefined || value.trim() === '') throw new UsageError(`flag --${name} needs a value: --${name} <${spec.value}>`, command.name);
		flags[name] = value;
	}
	const missing = command.flags.filter((f) => f.required && flags[f.name] === undefined).map((f) => `--${f.name}`);
	if (missing.length === 1) throw new UsageError(`missing required flag ${missing[0]}`, command.name);
	if (missing.length > 1) throw new UsageError(`missing required flags ${missing.join(', ')}`, command.name);
	return flags;
}


export function commandHelp(c: CommandSpec): string {
	const usage = c.flags.map((f) => {
		const part = f.value ? `--${f.name} <${f.value}>` : `--${f.name}`;
		return f.required ? part : `[${part}]`;
	});
	const width = Math.max(...c.flags.map((f) => (f.value ? f.name.length + f.value.length + 5 : f.name.length + 2)), 10);
	const lines = [
		`${PROGRAM} ${c.name} ${usage.join(' ')}`.trimEnd(),
		'',
		c.summary,
		'',
		'Flags:',
		...c.flags.map((f) => `  ${(f.value ? `--${f.name} <${f.value}>` : `--${f.name}`).padEnd(width + 2)} ${f.help}${f.required ? '' : ' (optional)'}`),
		`  ${'--help'.padEnd(width + 2)} this help`
	];
	if (c.details?.length) lines.push('', ...c.details);
	lines.push('', c.examples.length > 1 ? 'Examples:' : 'Example:', ...c.examples.map((e) => `  ${e}`));
	return lines.join('\n');
}

export function overallHelp(COMMANDS: CommandSpec[]): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length));
	return [
		`Podium command line: ${PROGRAM} <command> [flags]`,
		'',
		'Commands:',
		...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		`Run "${PROGRAM} <command> --help" for a command's flags and an example.`,
		'',
		'The database and live store come from the environment, as for the server: DATABASE_URL,',
		'REDIS_URL, PODIUM_DATA_DIR (see the README). Without DATABASE_URL the CLI opens the embedded',
		'database in PODIUM_DATA_DIR (.data), which only one process can hold: stop the server first.',
		'',
		'Exit codes: 0 done, 1 failed, 2 bad usage, 3 live:verify found drift.'
	].join('\n');
}
