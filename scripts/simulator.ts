// The load simulator: realistic events posted through the public API at a steady rate, for demos,
// TV events and load tests. It needs only the server's URL and an API token (no database access).
// The CLI's `simulate` command runs it; so can any script.

/** Where the simulator writes its progress lines. */
export interface SimulatorIo {
	out(line?: string): void;
	err(line?: string): void;
}

/** A failure the user can act on (the server is unreachable, the token was refused…). */
export class SimulationError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SimulationError';
	}
}

const fmt = (n: number) => n.toLocaleString('en-US');

const CUSTOMERS = ['Hangzhou Lianhe Logistics', 'Nordic Timber AB', 'Chengdu Panda Foods', 'Atlas Freight GmbH', 'Wuhan Optics', 'Helios Solar', 'Orchid Software', 'Lotus Pharmacy Chain', 'Tianjin Steelworks', 'Blue Lake Clinics'];
const PRODUCTS = ['annual licence', '3-year licence', 'expansion', 'pilot', 'renewal'];

export interface SimMember {
	id: string;
	name: string;
	email: string;
	externalId: string | null;
	team: string | null;
}

export interface SimEvent {
	id: string;
	metric: string;
	user: string;
	value: number;
	note?: string;
}

/** Builds batches of plausible events: mostly calls and meetings, sometimes a won deal with its revenue. */
export class EventFaker {
	private n = 0;
	private readonly recent: SimEvent[] = [];
	private readonly weights: { member: SimMember; activity: number; skill: number }[];
	private readonly total: number;

	constructor(
		members: SimMember[],
		private readonly runId: string,
		private readonly rand: () => number = Math.random,
		/** Share of events re-sent as a retry would, to show deduplication at work. */
		private readonly retryShare = 0.01
	) {
		this.weights = members.map((member) => {
			let h = 2166136261;
			for (const ch of member.id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
			const u = (h >>> 0) / 4294967296;
			return { member, activity: 0.6 + 0.8 * u, skill: 0.5 + ((u * 7919) % 1) };
		});
		this.total = this.weights.reduce((s, w) => s + w.activity, 0);
	}

	private pick() {
		let r = this.rand() * this.total;
		for (const w of this.weights) if ((r -= w.activity) <= 0) return w;
		return this.weights[this.weights.length - 1];
	}

	/** At least `count` events (a deal brings two or three), including an occasional retry. */
	next(count: number): SimEvent[] {
		const out: SimEvent[] = [];
		while (out.length < count) {
			if (this.recent.length > 20 && this.rand() < this.retryShare) {
				out.push(this.recent[Math.floor(this.rand() * this.recent.length)]);
				continue;
			}
			const w = this.pick();
			const user = w.member.externalId ?? w.member.email;
			const id = () => `sim-${this.runId}-${++this.n}`;
			const r = this.rand();
			const made: SimEvent[] = [];
			if (r < 0.74) made.push({ id: id(), metric: 'call', user, value: 1 });
			else if (r < 0.92 - 0.04 * (w.skill - 1)) made.push({ id: id(), metric: 'meeting', user, value: 1 });
			else {
				const customer = CUSTOMERS[Math.floor(this.rand() * CUSTOMERS.length)];
				const note = `${customer} · ${PRODUCTS[Math.floor(this.rand() * PRODUCTS.length)]}`;
				// 20,000 to 500,000 CNY, most deals small, better reps closing bigger ones; in fen.
				const cny = Math.round((20_000 * Math.exp(Math.log(25) * Math.pow(this.rand(), 2.2 - 0.6 * w.skill))) / 100) * 100;
				made.push({ id: id(), metric: 'deal', user, value: 1, note });
				made.push({ id: id(), metric: 'revenue', user, value: Math.min(500_000, cny) * 100, note });
				if (this.rand() < 0.6) made.push({ id: id(), metric: 'new_customer', user, value: 1, note: customer });
			}
			for (const e of made) {
				out.push(e);
				this.recent.push(e);
				if (this.recent.length > 500) this.recent.shift();
			}
		}
		return out;
	}
}

function percentile(sorted: number[], p: number) {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function apiFetch(url: URL, init: RequestInit): Promise<Response> {
	try {
		return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
	} catch (error) {
		const cause = (error as { cause?: { code?: string; message?: string } }).cause;
		const why = cause?.code ?? cause?.message ?? (error as Error).message;
		throw new SimulationError(`cannot reach ${url.origin} (${why}): is the server running? npm run dev serves port 5173, npm start port 3000; point --url at it.`);
	}
}

export async function fetchMembers(base: URL, token: string) {
	const res = await apiFetch(new URL('/api/v1/members', base), { headers: { authorization: `Bearer ${token}` } });
	const body = (await res.json().catch(() => ({}))) as { error?: string; organization?: { slug: string }; members?: SimMember[] };
	if (res.status === 401 || res.status === 403) throw new SimulationError(`the server refused the token (${res.status}): ${body.error ?? res.statusText}`);
	if (res.status === 404) throw new SimulationError(`${base.origin} has no /api/v1/members: is it Podium, and up to date?`);
	if (!res.ok || !Array.isArray(body.members)) throw new SimulationError(`GET /api/v1/members answered ${res.status}${body.error ? `: ${body.error}` : ''}`);
	return { organization: body.organization, members: body.members };
}

interface SimTotals {
	sent: number;
	accepted: number;
	duplicates: number;
	rejected: number;
	failed: number;
	requests: number;
	latencies: number[];
}

const emptyTotals = (): SimTotals => ({ sent: 0, accepted: 0, duplicates: 0, rejected: 0, failed: 0, requests: 0, latencies: [] });

export async function runSimulation(io: SimulatorIo, opts: { base: URL; token: string; slug: string; rate: number; duration: number | undefined }): Promise<number> {
	const { organization, members } = await fetchMembers(opts.base, opts.token);
	if (organization && organization.slug !== opts.slug) {
		throw new SimulationError(`the token belongs to ${organization.slug}, not ${opts.slug}`);
	}
	const inTeams = members.filter((m) => m.team);
	const pool = inTeams.length ? inTeams : members;
	if (pool.length === 0) throw new SimulationError(`${opts.slug} has no active members to score for: add some with user:create`);
	const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
	const faker = new EventFaker(pool, runId);
	const endpoint = new URL('/api/v1/events', opts.base);
	io.out(
		`Simulating ${fmt(opts.rate)} events/s for ${pool.length} members of ${opts.slug} at ${endpoint.origin}${opts.duration ? ` for ${fmt(opts.duration)} s` : ''}; Ctrl-C stops.`
	);

	const TICK_MS = 100;
	const REPORT_MS = 5_000;
	const MAX_IN_FLIGHT = 8;
	const MAX_BATCH = 1_000;
	const total = emptyTotals();
	let interval = emptyTotals();
	const errors = new Map<string, number>();
	let inFlight = 0;
	let generated = 0;
	let behind = 0;
	let fatal: SimulationError | undefined;
	let stopping = false;
	const started = performance.now();
	let lastReport = started;

	const noteError = (message: string) => {
		if (!errors.has(message)) io.err(`  ${message}`);
		errors.set(message, (errors.get(message) ?? 0) + 1);
	};

	const post = async (events: SimEvent[]) => {
		inFlight++;
		const t0 = performance.now();
		const add = (f: (t: SimTotals) => void) => {
			f(total);
			f(interval);
		};
		add((t) => (t.sent += events.length));
		try {
			const res = await fetch(endpoint, {
				method: 'POST',
				headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ events }),
				signal: AbortSignal.timeout(30_000)
			});
			const body = (await res.json().catch(() => ({}))) as {
				accepted?: number;
				duplicates?: number;
				rejected?: number;
				error?: string;
				results?: { status: string; error?: string }[];
			};
			const ms = performance.now() - t0;
			add((t) => {
				t.requests++;
				t.latencies.push(ms);
			});
			if (res.status === 401 || res.status === 403) {
				fatal = new SimulationError(`the server refused the token (${res.status}): ${body.error ?? res.statusText}`);
				add((t) => (t.failed += events.length));
				return;
			}
			if (!res.ok) {
				add((t) => (t.failed += events.length));
				noteError(`POST /api/v1/events answered ${res.status}${body.error ? `: ${body.error}` : ''}`);
				return;
			}
			add((t) => {
				t.accepted += body.accepted ?? 0;
				t.duplicates += body.duplicates ?? 0;
				t.rejected += body.rejected ?? 0;
			});
			for (const r of body.results ?? []) if (r.status === 'rejected' || r.status === 'conflict') noteError(`rejected: ${r.error ?? r.status}`);
		} catch (error) {
			add((t) => (t.failed += events.length));
			const cause = (error as { cause?: { code?: string } }).cause;
			noteError(`POST /api/v1/events failed: ${cause?.code ?? (error as Error).message}`);
		} finally {
			inFlight--;
		}
	};

	const line = (label: string, t: SimTotals, seconds: number) => {
		const sorted = [...t.latencies].sort((a, b) => a - b);
		const latency = sorted.length
			? `latency p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`
			: 'no answers yet';
		const parts = [
			`${label} sent ${fmt(t.sent)} (${(t.sent / Math.max(seconds, 0.001)).toFixed(1)}/s)`,
			`accepted ${fmt(t.accepted)}`,
			`duplicates ${fmt(t.duplicates)}`,
			`rejected ${fmt(t.rejected)}`,
			...(t.failed ? [`failed ${fmt(t.failed)}`] : []),
			latency
		];
		io.out(parts.join(', '));
	};

	const tick = () => {
		const now = performance.now();
		const elapsed = (now - started) / 1000;
		if (opts.duration !== undefined && elapsed >= opts.duration) stopping = true;
		if (!stopping && !fatal) {
			const until = opts.duration === undefined ? elapsed : Math.min(elapsed, opts.duration);
			let due = Math.floor(opts.rate * until) - generated;
			// More than 5 s behind: the server cannot keep up; skip ahead rather than pile up.
			const backlog = opts.rate * 5;
			if (due > backlog) {
				behind += due - backlog;
				generated += due - backlog;
				due = backlog;
			}
			while (due > 0 && inFlight < MAX_IN_FLIGHT) {
				const events = faker.next(Math.min(due, MAX_BATCH - 2));
				generated += events.length;
				due -= events.length;
				void post(events);
			}
		}
		if (now - lastReport >= REPORT_MS) {
			line(`[${Math.round(elapsed).toString().padStart(4)} s]`, interval, (now - lastReport) / 1000);
			interval = emptyTotals();
			lastReport = now;
		}
	};

	let interrupted = 0;
	const onSignal = () => {
		interrupted++;
		if (interrupted > 1) process.exit(130);
		stopping = true;
		io.err('Stopping: waiting for requests in flight (Ctrl-C again to quit now)…');
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		const timer = setInterval(tick, TICK_MS);
		tick();
		await new Promise<void>((done) => {
			const check = setInterval(() => {
				if ((stopping || fatal) && inFlight === 0) {
					clearInterval(check);
					done();
				}
			}, 20);
		});
		clearInterval(timer);
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
	const seconds = (performance.now() - started) / 1000;
	line(`Total after ${seconds.toFixed(1)} s:`, total, seconds);
	if (behind) io.out(`The server could not keep up: ${fmt(behind)} events were skipped rather than queued.`);
	if (errors.size) {
		io.out('Problems:');
		for (const [message, count] of errors) io.out(`  ${fmt(count)} × ${message}`);
	}
	if (fatal) throw fatal;
	return total.sent > 0 && total.accepted + total.duplicates === 0 ? 1 : 0;
}
