// npm run podium -- <command> [flags]: operational commands for Podium (organizations, people, API
// tokens, the live store, demo data and the load simulator). Run with --help for the list; each
// command is one file in this folder.
//
// Exit codes: 0 done, 1 failed (a refusal or an error at run time), 2 bad usage (an unknown or missing
// flag, a bad value), 3 live:verify found drift. User errors print one message, never a stack trace.
// The embedded database (PGlite) can be open in one process only: with it, stop the server first.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, commandHelp, overallHelp, parseFlags, PROGRAM, suggest, UsageError } from './args';
import type { CommandSpec, Io } from './command';
import { ensureLib, explain, isDebug, L, libLoaded } from './context';
import { demoSeed } from './demo-seed';
import { liveRebuild } from './live-rebuild';
import { liveVerify } from './live-verify';
import { orgCreate } from './org-create';
import { simulate } from './simulate';
import { tokenCreate } from './token-create';
import { userCreate } from './user-create';

export { parseFlags };
export type { CommandSpec, Flags, Io } from './command';

export const COMMANDS: CommandSpec[] = [orgCreate, userCreate, tokenCreate, liveRebuild, liveVerify, demoSeed, simulate];

const consoleIo: Io = {
	out: (line = '') => process.stdout.write(`${line}\n`),
	err: (line = '') => process.stderr.write(`${line}\n`)
};

/** Runs the CLI with the arguments after the script name; resolves to the exit code. */
export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
	const [name, ...rest] = argv;
	try {
		if (name === undefined) {
			io.err(overallHelp(COMMANDS));
			return 2;
		}
		if (name === '--help' || name === '-h' || name === 'help') {
			const topic = rest[0] && COMMANDS.find((c) => c.name === rest[0]);
			if (rest[0] && !topic) throw new UsageError(`unknown command "${rest[0]}"${suggest(rest[0], COMMANDS.map((c) => c.name))}`);
			io.out(topic ? commandHelp(topic) : overallHelp(COMMANDS));
			return 0;
		}
		const command = COMMANDS.find((c) => c.name === name);
		if (!command) {
			if (name.startsWith('-')) throw new UsageError(`expected a command before ${name}`);
			throw new UsageError(`unknown command "${name}"${suggest(name, COMMANDS.map((c) => c.name))}`);
		}
		if (rest.includes('--help') || rest.includes('-h')) {
			io.out(commandHelp(command));
			return 0;
		}
		const flags = parseFlags(command, rest);
		await ensureLib();
		return (await command.run(flags, io)) ?? 0;
	} catch (error) {
		if (error instanceof UsageError) {
			const command = error.command ?? (COMMANDS.some((c) => c.name === name) ? name : undefined);
			io.err(`error: ${error.message}`);
			io.err(command ? `Run "${PROGRAM} ${command} --help" for its flags.` : `Run "${PROGRAM} --help" for the commands.`);
			return 2;
		}
		if (error instanceof CliError) {
			io.err(`error: ${error.message}`);
			return error.exitCode;
		}
		const refusal = libLoaded() && (error instanceof L.AppError || error instanceof L.ValidationError) ? explain(error) : undefined;
		if (refusal) {
			io.err(`error: ${refusal}`);
			return 1;
		}
		// Not the user's doing: say what failed; the stack only with LOG_LEVEL=debug.
		io.err(`error: ${(error as Error)?.message ?? String(error)}`);
		if (isDebug() && error instanceof Error && error.stack) io.err(error.stack);
		else io.err('(LOG_LEVEL=debug shows the details)');
		return 1;
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
			// Open handles (a Redis socket, an idle keep-alive) must not keep a finished command alive.
			setTimeout(() => process.exit(code), 50).unref();
		},
		(error) => {
			console.error(error);
			process.exit(1);
		}
	);
}