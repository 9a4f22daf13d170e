import { hash, verify } from '@node-rs/argon2';
import { COMMON_PASSWORDS_TEXT } from './common-passwords';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
/** A password needs at least this many different characters: "aaaaaaaaaa" and "1212121212" are refused. */
export const PASSWORD_MIN_DISTINCT = 5;

// OWASP's argon2id baseline: 19 MiB, two passes, one lane. algorithm 2 is Argon2id.
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 } as const;

export type PasswordProblem = 'too_short' | 'too_long' | 'blank' | 'low_variety' | 'common' | 'personal';

/** Who the password is for: a password built from their own name or e-mail is refused. */
export interface PasswordOwner {
	name?: string | null;
	email?: string | null;
}

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
	common ??= new Set(COMMON_PASSWORDS_TEXT.split('\n').filter(Boolean));
	return common;
}

/** The words of a name and an e-mail (its local part, its pieces and its domain's first label), 3+ characters. */
function personalWords(owner: PasswordOwner): string[] {
	const words = new Set<string>();
	const add = (value: string | undefined | null) => {
		const v = value?.toLowerCase().trim();
		if (v && [...v].length >= 3) words.add(v);
	};
	const name = owner.name?.toLowerCase() ?? '';
	add(name.replace(/\s+/g, ''));
	for (const part of name.split(/[\s.\-_'’]+/)) add(part);
	const email = owner.email?.toLowerCase() ?? '';
	const [local, domain] = email.split('@');
	add(local);
	for (const part of (local ?? '').split(/[.\-_+\d]+/)) add(part);
	add(domain);
	add(domain?.split('.')[0]);
	// Longest first, so that "annlee" is removed before "ann".
	return [...words].sort((a, b) => b.length - a.length);
}

/** The password without leading and trailing digits and symbols: "Sunshine2026!" is "sunshine". */
function core(lower: string): string {
	return lower.replace(/^[\d\W_]+|[\d\W_]+$/gu, '');
}

export function checkPasswordPolicy(password: string, owner: PasswordOwner = {}): PasswordProblem | null {
	if (password.trim().length === 0) return 'blank';
	const chars = [...password];
	if (chars.length < PASSWORD_MIN_LENGTH) return 'too_short';
	if (password.length > PASSWORD_MAX_LENGTH) return 'too_long';
	if (new Set(chars).size < PASSWORD_MIN_DISTINCT) return 'low_variety';
	const lower = password.toLowerCase();
	const list = commonPasswords();
	const stripped = core(lower);
	if (list.has(lower) || list.has(stripped) || list.has(lower.replace(/\s+/g, ''))) return 'common';
	// What is left once the person's own name and e-mail are taken out must still be a password.
	let rest = lower;
	for (const word of personalWords(owner)) rest = rest.split(word).join('');
	if (rest !== lower) {
		const left = [...rest.replace(/[\s\p{P}\p{S}]+/gu, '')];
		if (left.length < 8 || new Set(left).size < PASSWORD_MIN_DISTINCT) return 'personal';
	}
	return null;
}

/**
 * At most MAX_RUNNING argon2 computations run at once in this process, and at most MAX_WAITING wait;
 * past that a request is refused at once (PasswordBusyError) instead of queueing CPU work that would
 * starve everything else. One gate per process (on globalThis: the module may be loaded several times).
 */
export const PASSWORD_MAX_RUNNING = 3;
export const PASSWORD_MAX_WAITING = 24;

export class PasswordBusyError extends Error {
	constructor() {
		super('password hashing is saturated');
		this.name = 'PasswordBusyError';
	}
}

export class PasswordGate {
	private running = 0;
	private readonly waiting: (() => void)[] = [];
	/** Counters for tests and logs: computations started, and requests refused because the gate was full. */
	readonly stats = { verifications: 0, hashes: 0, refused: 0, peakRunning: 0 };

	constructor(
		readonly maxRunning = PASSWORD_MAX_RUNNING,
		readonly maxWaiting = PASSWORD_MAX_WAITING
	) {}

	get load() {
		return { running: this.running, waiting: this.waiting.length };
	}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.running >= this.maxRunning) {
			if (this.waiting.length >= this.maxWaiting) {
				this.stats.refused++;
				throw new PasswordBusyError();
			}
			// A finishing run hands its slot over directly (running stays the same), so nobody overtakes.
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		} else {
			this.running++;
		}
		this.stats.peakRunning = Math.max(this.stats.peakRunning, this.running);
		try {
			return await work();
		} finally {
			const next = this.waiting.shift();
			if (next) next();
			else this.running--;
		}
	}
}

const GATE = Symbol.for('podium.passwordGate');
type GateHolder = { [GATE]?: PasswordGate };

/** This process's gate for argon2 work. */
export function passwordGate(): PasswordGate {
	const holder = globalThis as GateHolder;
	holder[GATE] ??= new PasswordGate();
	return holder[GATE];
}

export function hashPassword(password: string): Promise<string> {
	const gate = passwordGate();
	return gate.run(() => {
		gate.stats.hashes++;
		return hash(password, OPTIONS);
	});
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	const gate = passwordGate();
	return gate.run(async () => {
		gate.stats.verifications++;
		try {
			return await verify(passwordHash, password);
		} catch {
			return false;
		}
	});
}

// A hash to verify against when the account does not exist, so that timing does not reveal it.
// Computed outside the gate: it is made once per process, and waiting for it must not take a slot.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
	dummyHash ??= hash('podium-dummy-password-for-timing', OPTIONS);
	return dummyHash;
}
