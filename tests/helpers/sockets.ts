// socket.io-client helpers: connect as a browser would (with its cookies), and wait for events.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/shared/socket-events';
import { supervise } from './child';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const open = new Set<ClientSocket>();

/**
 * Connects to url; resolves once connected, rejects with the server's connect_error. `options.token`
 * authenticates with an API token instead of a cookie; `options.headers` adds handshake headers (Origin).
 */
export function connectSocket(url: string, cookie?: string, options: { token?: string; headers?: Record<string, string> } = {}): Promise<ClientSocket> {
	const socket: ClientSocket = io(url, {
		path: '/socket.io/',
		transports: ['websocket'],
		reconnection: false,
		forceNew: true,
		timeout: 10_000,
		extraHeaders: { ...(cookie ? { cookie } : {}), ...options.headers },
		...(options.token ? { auth: { token: options.token } } : {})
	});
	open.add(socket);
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', (error) => {
			socket.close();
			open.delete(socket);
			reject(error);
		});
	});
}

/** The connect_error message of a refused handshake (throws if it connects). */
export async function refusal(url: string, cookie?: string, options: { token?: string; headers?: Record<string, string> } = {}): Promise<string> {
	try {
		const socket = await connectSocket(url, cookie, options);
		socket.close();
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('the handshake was accepted');
}

export function closeAllSockets() {
	for (const socket of open) socket.close();
	open.clear();
}

export function whoami(socket: ClientSocket) {
	return new Promise<{ userId: string; organizationId: string; rooms: string[] }>((resolve, reject) => {
		socket.timeout(5000).emit('session:whoami', (err: Error | null, response?: any) => {
			if (err) return reject(err);
			if (!response || 'error' in response) return reject(new Error(response?.error ?? 'no answer'));
			resolve(response.data);
		});
	});
}

/**
 * Resolves once everything this socket's server sent it before now has arrived: a round trip answered
 * after any push already queued on the connection (one connection delivers in order). The signal for
 * "nothing arrived": take it after the server has certainly sent what it would have sent.
 */
export async function settled(socket: ClientSocket): Promise<void> {
	await whoami(socket);
}

/** Resolves with the first payload of `event`, or rejects after timeoutMs. */
export function nextEvent<T = unknown>(socket: ClientSocket, event: string, timeoutMs = 5000): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			(socket as Socket).off(event, handler);
			reject(new Error(`no ${event} within ${timeoutMs} ms`));
		}, timeoutMs);
		const handler = (payload: T) => {
			clearTimeout(timer);
			resolve(payload);
		};
		(socket as Socket).once(event, handler);
	});
}

/** Resolves when the server disconnects the socket, with the reason and the time it happened. */
export function disconnection(socket: ClientSocket, timeoutMs = 10_000): Promise<{ reason: string; at: number }> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`not disconnected within ${timeoutMs} ms`)), timeoutMs);
		socket.once('disconnect', (reason) => {
			clearTimeout(timer);
			resolve({ reason, at: Date.now() });
		});
	});
}

/** Collects every payload of `event` from now on. */
export function collect<T = unknown>(socket: ClientSocket, event: string): T[] {
	const seen: T[] = [];
	(socket as Socket).on(event, (payload: T) => seen.push(payload));
	return seen;
}

export interface ChildRealtime {
	url: string;
	child: ChildProcess;
	stop(): Promise<void>;
}

/**
 * Starts tests/helpers/realtime-server.ts (or `script`, which prints {"port":N} the same way, e.g.
 * tests/helpers/app-server.ts for the whole app) in a second process with this process's environment.
 */
export function startChildRealtime(env: Record<string, string | undefined> = {}, script = 'tests/helpers/realtime-server.ts'): Promise<ChildRealtime> {
	const child = spawn(process.execPath, ['--import', 'tsx', script], {
		cwd: ROOT,
		env: { ...process.env, LOG_LEVEL: 'error', ...env },
		stdio: ['pipe', 'pipe', 'pipe']
	});
	let stderr = '';
	child.stderr!.on('data', (chunk) => (stderr += chunk));
	const { stop } = supervise(child);
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			void stop();
			reject(new Error(`${script} did not start in 90 s: ${stderr}`));
		}, 90_000);
		let stdout = '';
		child.stdout!.on('data', (chunk) => {
			stdout += chunk;
			const line = stdout.split('\n').find((l) => l.startsWith('{"port"'));
			if (!line) return;
			clearTimeout(timer);
			resolve({ url: `http://127.0.0.1:${JSON.parse(line).port}`, child, stop });
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${script} exited with ${code}: ${stderr}`));
		});
	});
}
