// The latency baseline of `npm run bench`: a bare Socket.IO server, nothing of Podium. POST
// /api/v1/events with {"u": <member id>, "score": <total>} answers {"accepted":1}, and the rows changed
// are broadcast in one board:update, with the next seq, to every socket that sent board:subscribe, at
// most once per FLUSH_MS like Podium's pushes: the same protocol bench/clients.ts measures against
// Podium, without a database, a live store or anything else.
// Prints {"port":N} once listening; exits on SIGTERM.
// Run: node --import tsx bench/bare-server.ts
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { BoardSelector } from '../src/lib/shared/socket-events';

let seq = 0;
let selector: BoardSelector = { board: 'points', scope: 'users', window: 'all' };

// Pushes are coalesced as Podium's are (server/realtime/pushes/scoring.ts): at most one per FLUSH_MS,
// at once after a quiet spell. A broadcast per event cannot keep up on this machine: 100 events/s to
// 2,000 sockets is 200,000 writes a second, and its p99 grew past 50 s.
const FLUSH_MS = 100;
const pending = new Map<string, number>();
let timer: NodeJS.Timeout | undefined;
let lastFlush = 0;

function flush() {
	timer = undefined;
	lastFlush = Date.now();
	seq += 1;
	const rows = [...pending].map(([id, score]) => ({ rank: 1, id, name: '', team: null, score }));
	pending.clear();
	io.to('board').emit('board:update', { board: selector.board, scope: selector.scope, window: selector.window, period: 'all', epoch: 'bare', seq, rows });
}

const server = http.createServer((req, res) => {
	if (req.method !== 'POST' || req.url !== '/api/v1/events') {
		res.writeHead(404).end();
		return;
	}
	const chunks: Buffer[] = [];
	req.on('data', (chunk: Buffer) => chunks.push(chunk));
	req.on('end', () => {
		const { u, score } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { u: string; score: number };
		pending.set(u, Math.max(score, pending.get(u) ?? 0));
		timer ??= setTimeout(flush, Math.max(0, lastFlush + FLUSH_MS - Date.now()));
		res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1}');
	});
});

// The options of Podium's gateway (server/realtime/gateway.ts), without its Redis adapter.
const io = new Server(server, { path: '/socket.io/', serveClient: false, perMessageDeflate: false, pingInterval: 20_000, pingTimeout: 20_000 });
io.on('connection', (socket) => {
	socket.on('board:subscribe', (wanted: BoardSelector, ack: (response: unknown) => void) => {
		selector = wanted;
		void socket.join('board');
		ack({ data: { board: wanted.board, scope: wanted.scope, window: { kind: wanted.window, key: 'all', start: '', end: '' }, team: null, epoch: 'bare', seq, total: 0, entries: [] } });
	});
});

server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
process.on('SIGTERM', () => {
	void io.close();
	process.exit(0);
});
