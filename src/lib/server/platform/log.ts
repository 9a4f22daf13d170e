// A small leveled logger writing one line per entry; the level comes from config.
type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

let threshold: Level = 'info';

export function setLogLevel(level: Level) {
	threshold = level;
}

function write(level: Exclude<Level, 'silent'>, message: string, detail?: unknown) {
	if (ORDER[level] < ORDER[threshold]) return;
	const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}`;
	const out = level === 'error' || level === 'warn' ? console.error : console.log;
	if (detail === undefined) out(line);
	else out(line, detail instanceof Error ? (detail.stack ?? detail.message) : detail);
}

export const log = {
	debug: (m: string, d?: unknown) => write('debug', m, d),
	info: (m: string, d?: unknown) => write('info', m, d),
	warn: (m: string, d?: unknown) => write('warn', m, d),
	error: (m: string, d?: unknown) => write('error', m, d)
};
