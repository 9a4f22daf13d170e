// socket.io-client helpers: connect as a browser would (with its cookies), and wait for events.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/shared/socket-events';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const open = new Set<ClientSocket>();

/** Connects to url; resolves once connected, rejects with the server's connect_error. */
export function connectSocket(url: string, cookie?: string): Promise<ClientSocket> {
	const socket: ClientSocket = io(url, {
		path: '/socket.io/',
		transports: ['websocket'],
		reconnection: false,
		forceNew: true,
		timeout: 10_000,
		extraHeaders: cookie ? { cookie } : {}
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
export async function refusal(url: string, cookie?: string): Promise<string> {
	try {
		const socket = await connectSocket(url, cookie);
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

/** Starts tests/helpers/realtime-server.ts in a second process with this process's environment. */
export function startChildRealtime(env: Record<string, string | undefined> = {}): Promise<ChildRealtime> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/realtime-server.ts'], {
		cwd: ROOT,
		env: { ...process.env, LOG_LEVEL: 'error', ...env },
		stdio: ['pipe', 'pipe', 'pipe']
	});
	let stderr = '';
	child.stderr!.on('data', (chunk) => (stderr += chunk));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(timer);
	};
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			void stop();
			reject(new Error(`realtime child did not start in 90 s: ${stderr}`));
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
			reject(new Error(`realtime child exited with ${code}: ${stderr}`));
		});
	});
}
