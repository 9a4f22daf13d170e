// A stand-in for socket.io-client's Socket, driven by the test as the server would be: it connects,
// disconnects, pushes events, and answers board:subscribe with whatever snapshot the test serves.
// tests/client files use it with vi.mock('socket.io-client', …socketIoClientMock).
import type { BoardSelector, BoardSnapshotPayload } from '../../src/lib/shared/socket-events';

type Listener = (...args: unknown[]) => void;

export const fakeSockets: FakeSocket[] = [];

export class FakeSocket {
	connected = false;
	closed = false;
	/** Every board:subscribe the store sent (the page's connect and each refetch). */
	subscribes: BoardSelector[] = [];
	/** Every other emit: [event, ...args]. */
	emitted: unknown[][] = [];
	/** The snapshot the "server" answers a subscribe with; throwing answers { error }. */
	answerSubscribe: (selector: BoardSelector) => BoardSnapshotPayload = () => {
		throw new Error('no snapshot served');
	};
	/** Every contest:subscribe the contest store sent, and the view the "server" answers it with. */
	contestSubscribes: { id: string }[] = [];
	answerContest: (selector: { id: string }) => unknown = () => {
		throw new Error('no contest served');
	};
	private listeners = new Map<string, Set<Listener>>();
	private managerListeners = new Map<string, Set<Listener>>();
	private acks: Promise<unknown>[] = [];
	private gate: Promise<void> | undefined;

	/** The Manager (socket.io), for reconnect_attempt. */
	readonly io = {
		on: (event: string, listener: Listener) => {
			if (!this.managerListeners.has(event)) this.managerListeners.set(event, new Set());
			this.managerListeners.get(event)!.add(listener);
		}
	};

	on(event: string, listener: Listener) {
		if (!this.listeners.has(event)) this.listeners.set(event, new Set());
		this.listeners.get(event)!.add(listener);
		return this;
	}

	off(event: string, listener: Listener) {
		this.listeners.get(event)?.delete(listener);
		return this;
	}

	listenerCount(event: string) {
		return this.listeners.get(event)?.size ?? 0;
	}

	emit(event: string, ...args: unknown[]) {
		this.emitted.push([event, ...args]);
		return this;
	}

	timeout() {
		return {
			emitWithAck: (event: string, selector: BoardSelector) => {
				if (event === 'contest:subscribe') return this.answerContestSubscribe(selector as unknown as { id: string });
				if (event !== 'board:subscribe') throw new Error(`unexpected ${event}`);
				this.subscribes.push(selector);
				const gate = this.gate;
				const answer = (async () => {
					await gate;
					try {
						return { data: structuredClone(this.answerSubscribe(selector)) };
					} catch (error) {
						return { error: (error as Error).message };
					}
				})();
				this.acks.push(answer);
				return answer;
			}
		};
	}

	private answerContestSubscribe(selector: { id: string }) {
		this.contestSubscribes.push(selector);
		const gate = this.gate;
		const answer = (async () => {
			await gate;
			try {
				return { data: structuredClone(this.answerContest(selector)) };
			} catch (error) {
				return { error: (error as Error).message };
			}
		})();
		this.acks.push(answer);
		return answer;
	}

	disconnect() {
		this.closed = true;
		this.connected = false;
		return this;
	}

	/** Holds every subscribe answer until release(), to look at the store while a refetch is in flight. */
	holdSubscribes() {
		let release!: () => void;
		this.gate = new Promise<void>((resolve) => (release = resolve));
		return {
			release: () => {
				this.gate = undefined;
				release();
			}
		};
	}

	/** Resolves once every subscribe answered so far has reached the store. */
	async settled() {
		await Promise.all(this.acks);
		await new Promise((resolve) => setTimeout(resolve, 0));
	}

	private fire(event: string, ...args: unknown[]) {
		for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
	}

	serverConnects() {
		this.connected = true;
		this.fire('connect');
	}

	serverDisconnects() {
		this.connected = false;
		this.fire('disconnect', 'transport close');
	}

	push(event: string, payload: unknown): void;
	push(payload: { seq: number }): void;
	push(eventOrPayload: unknown, payload?: unknown) {
		if (typeof eventOrPayload === 'string') this.fire(eventOrPayload, payload);
		else this.fire('board:update', eventOrPayload);
	}
}

export const socketIoClientMock = {
	io: () => {
		const socket = new FakeSocket();
		fakeSockets.push(socket);
		return socket;
	}
};
