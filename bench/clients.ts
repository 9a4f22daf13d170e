// Child process of the bench: holds N socket.io clients subscribed to one board and measures, for every
// event the parent posts, the time from the POST's start to each client receiving a board:update whose
// row shows that event's effect. Runs in its own process so the server's CPU is its own (2 cores are
// still shared). Protocol over the IPC channel:
//   parent -> child  {type:'start', url, token, count, selector, userIds, concurrency}
//   child  -> parent {type:'ready', connected, subscribed, failed, error?}
//   parent -> child  {type:'event', i, u, target, t0, measure}   sent just before each POST starts
//   parent -> child  {type:'finish', graceMs}
//   child  -> parent {type:'result', hist, first: [i, ms][], delivered, expected, gaps, updates, activity, anomalies}
// A client "received" an event when a board:update row for the event's rep carries a score >= the
// rep's running total after that event (totals only grow: the poster sends positive points only).
import { io, type Socket } from 'socket.io-client';
import type { BoardSelector, BoardUpdatePayload } from '../src/lib/shared/socket-events';
import { Histogram, wallMs } from './stats';

type Start = { type: 'start'; url: string; token: string; count: number; selector: BoardSelector; userIds: string[]; concurrency: number };
type EventMsg = { type: 'event'; i: number; u: number; target: number; t0: number; measure: boolean };
type Target = { i: number; target: number; t0: number; measure: boolean; first: number };
type Msg = Start | EventMsg | { type: 'finish'; graceMs: number };

const send = (msg: unknown) => process.send?.(msg);
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(2), 15 * 60_000).unref(); // never outlive a stuck parent

let sockets: Socket[] = [];
let users = 0;
let userIndex = new Map<string, number>();
let lastScore = new Float64Array(0);
let lastTime = new Float64Array(0);
let ptr = new Int32Array(0);
let lastSeq = new Float64Array(0);
let live = new Uint8Array(0);
let liveCount = 0;
const targets: Target[][] = [];
const all: Target[] = [];
const hist = new Histogram();
let delivered = 0;
let expected = 0;
let gaps = 0;
let updates = 0;
let activity = 0;
let anomalies = 0;

function credit(t: Target, at: number) {
	if (!t.measure) return;
	const ms = at - t.t0;
	if (ms < t.first) t.first = ms;
	if (ms < 0) anomalies++;
	hist.add(Math.max(0, ms));
	delivered++;
}

function onUpdate(c: number, payload: BoardUpdatePayload, selector: BoardSelector) {
	const at = wallMs();
	updates++;
	if (!live[c]) return;
	if (payload.board !== selector.board || payload.scope !== selector.scope || payload.window !== selector.window) return;
	if (payload.seq !== lastSeq[c] + 1) gaps++;
	lastSeq[c] = payload.seq;
	for (const row of payload.rows) {
		const u = userIndex.get(row.id);
		if (u === undefined) continue;
		const i = c * users + u;
		if (row.score <= lastScore[i]) continue;
		lastScore[i] = row.score;
		lastTime[i] = at;
		const list = targets[u];
		while (ptr[i] < list.length && list[ptr[i]].target <= row.score) credit(list[ptr[i]++], at);
	}
}

function onEvent(msg: EventMsg) {
	const list = targets[msg.u];
	const t: Target = { i: msg.i, target: msg.target, t0: msg.t0, measure: msg.measure, first: Infinity };
	list.push(t);
	all.push(t);
	if (msg.measure) expected += liveCount;
	// An update can overtake this message: credit clients that already show the new total.
	for (let c = 0; c < sockets.length; c++) {
		if (!live[c]) continue;
		const i = c * users + msg.u;
		while (ptr[i] < list.length && list[ptr[i]].target <= lastScore[i]) credit(list[ptr[i]++], lastTime[i]);
	}
}

function connectOne(c: number, start: Start): Promise<void> {
	return new Promise((resolve, reject) => {
		const socket = io(start.url, {
			path: '/socket.io/',
			transports: ['websocket'],
			reconnection: false,
			forceNew: true,
			timeout: 30_000,
			auth: { token: start.token }
		});
		sockets[c] = socket;
		socket.on('activity:new', () => activity++);
		socket.on('board:update', (payload: BoardUpdatePayload) => onUpdate(c, payload, start.selector));
		socket.once('connect_error', (error) => reject(error));
		socket.once('connect', () => {
			socket.timeout(60_000).emit('board:subscribe', start.selector, (err: Error | null, response: any) => {
				if (err) return reject(err);
				if (!response || 'error' in response) return reject(new Error(response?.error ?? 'no answer'));
				lastSeq[c] = response.data.seq;
				for (const row of response.data.entries as { id: string; score: number }[]) {
					const u = userIndex.get(row.id);
					if (u !== undefined) lastScore[c * users + u] = row.score;
				}
				resolve();
			});
		});
	});
}

async function start(msg: Start) {
	users = msg.userIds.length;
	userIndex = new Map(msg.userIds.map((id, i) => [id, i]));
	for (let u = 0; u < users; u++) targets[u] = [];
	sockets = new Array(msg.count);
	lastScore = new Float64Array(msg.count * users);
	lastTime = new Float64Array(msg.count * users);
	ptr = new Int32Array(msg.count * users);
	lastSeq = new Float64Array(msg.count);
	live = new Uint8Array(msg.count);
	let next = 0;
	let subscribed = 0;
	let failed = 0;
	let firstError: string | undefined;
	await Promise.all(
		Array.from({ length: msg.concurrency }, async () => {
			while (next < msg.count) {
				const c = next++;
				try {
					await connectOne(c, msg);
					live[c] = 1;
					subscribed++;
				} catch (error) {
					failed++;
					firstError ??= (error as Error).message;
				}
			}
		})
	);
	liveCount = subscribed;
	send({ type: 'ready', connected: sockets.filter((s) => s?.connected).length, subscribed, failed, error: firstError });
}

process.on('message', (msg: Msg) => {
	if (msg.type === 'start') void start(msg);
	else if (msg.type === 'event') onEvent(msg);
	else if (msg.type === 'finish') {
		setTimeout(() => {
			// Exit only once the result has left: a large histogram can take a moment on a busy machine.
			// Per event, the first of this process's clients to see it: the pipeline without the fan-out.
			const first = all.filter((t) => t.measure).map((t) => [t.i, Number.isFinite(t.first) ? t.first : -1]);
			process.send?.({ type: 'result', hist: hist.toJSON(), first, delivered, expected, gaps, updates, activity, anomalies }, () => {
				for (const s of sockets) s?.close();
				setTimeout(() => process.exit(0), 200);
			});
		}, msg.graceMs);
	}
});
